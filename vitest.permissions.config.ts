import { defineConfig } from 'vitest/config';

/**
 * The permissions test: runs after the main suite (`npm test`), on the AWS
 * calls the main suite recorded (`local/aws-calls.ts`).
 */
export default defineConfig({
  test: {
    include: ['test/permissions/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});

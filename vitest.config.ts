import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Run after the rest, on what the rest recorded: `npm run test:permissions`.
    exclude: ['test/permissions/**', '**/node_modules/**'],
    environment: 'node',
    // One DynamoDB Local (Java) per run for the integration tests; see the file.
    globalSetup: ['test/setup/dynamodb.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});

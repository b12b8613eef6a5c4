import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // One DynamoDB Local (Java) per run for the integration tests; see the file.
    globalSetup: ['test/setup/dynamodb.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});

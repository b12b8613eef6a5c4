import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Run after the rest, on what the rest recorded: `npm run test:permissions`.
    exclude: ['test/permissions/**', '**/node_modules/**'],
    environment: 'node',
    // One DynamoDB Local (Java) per run for the integration tests; see the file.
    globalSetup: ['test/setup/dynamodb.global.ts'],
    // Bounds, not speed goals (those are in `npm run bench`): generous enough
    // for a loaded 2-core CI machine, where the suite runs several times slower.
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});

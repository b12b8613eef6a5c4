import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './test/setup/sequencer.js';
import { TEST_WORKERS } from './test/setup/workers.js';

/**
 * The suite in tiers (see the README, "Tests"):
 * - `unit`: the domain, the schemas, the layer graph, the store and the API
 *   on DynamoDB Local (`npm run test:unit`, fast feedback);
 * - `pipeline`: propagation, notification, reconciliation and their faults,
 *   the runtime, the handlers, the stack and `bench --quick`.
 * `npm test` runs both, then `npm run test:permissions` on what they recorded.
 */
export default defineConfig({
  test: {
    environment: 'node',
    // DynamoDB Local (Java): one per worker for the unit tier, one per file for the pipeline tier; see the file.
    globalSetup: ['test/setup/dynamodb.global.ts'],
    // A pipeline file leases a fresh DynamoDB Local (listed first: hooks run
    // as a stack, so it is given back last); fresh tables a file leaves
    // behind are dropped when it ends; property tests get the run's seed and depth.
    setupFiles: ['test/setup/lease.ts', 'test/setup/tables.ts', 'test/setup/property.ts'],
    // One file per core, the longest started first.
    maxWorkers: TEST_WORKERS,
    sequence: { sequencer: LongestFirstSequencer },
    // Bounds, not speed goals (those are in `npm run bench`): generous enough
    // for a loaded 2-core CI machine, where the suite runs several times slower.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'test/architecture.test.ts',
            'test/domain/**/*.test.ts',
            'test/schemas/**/*.test.ts',
            'test/api/**/*.test.ts',
            'test/store/**/*.test.ts',
            'test/notify/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'pipeline',
          include: [
            'test/integration/**/*.test.ts',
            'test/reliability/**/*.test.ts',
            'test/handlers/**/*.test.ts',
            'test/local/**/*.test.ts',
            'test/e2e/**/*.test.ts',
            'test/cdk/**/*.test.ts',
            'test/bench/**/*.test.ts',
          ],
        },
      },
    ],
  },
});

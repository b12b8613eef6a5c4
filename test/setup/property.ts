/**
 * Vitest setup file for the property tests (fast-check): the run's seed
 * (fresh each run unless `SEED` is given), printed when a test fails so that
 * the failure can be replayed with `SEED=<n> npm test`; `TEST_DEPTH=deep`
 * (`npm run test:deep`) runs every property ten times as often.
 */
import fc from 'fast-check';
import { afterEach } from 'vitest';
import { propertySeed, runs } from '../support/property.js';

const seed = propertySeed();
fc.configureGlobal({ seed, numRuns: runs(100) });

afterEach(({ task }) => {
  if (task.result?.state === 'fail') {
    console.error(`Property seed of this run: replay with SEED=${seed}`);
  }
});

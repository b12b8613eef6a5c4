/**
 * Vitest setup file for the property tests (fast-check): the run's seed
 * (fresh each run unless `SEED` is given), printed when a test fails so that
 * the failure can be replayed with `SEED=<n> npm test`; `TEST_DEPTH=deep`
 * (`npm run test:deep`) runs every property ten times as often. A failure's
 * printed `path` replays just that counterexample with
 * `SEED=<n> REPLAY_PATH=<path> npx vitest run <file> -t <test name>`.
 */
import fc from 'fast-check';
import { afterEach } from 'vitest';
import { propertySeed, runs } from '../support/property.js';

const seed = propertySeed();
const path = process.env.REPLAY_PATH;
fc.configureGlobal({ seed, numRuns: runs(100), ...(path ? { path, endOnFailure: true } : {}) });

afterEach(({ task }) => {
  if (task.result?.state === 'fail') {
    console.error(`Property seed of this run: replay with SEED=${seed}`);
  }
});

/**
 * The seed and depth of this run's property tests: the seed is chosen once
 * per run by the global setup (`SEED`, or fresh), the depth by `TEST_DEPTH`.
 */
import { inject } from 'vitest';

/** The seed every property of this run uses. */
export function propertySeed(): number {
  return inject('propertySeed');
}

/** How many times more each property runs: 10 under `TEST_DEPTH=deep` (`npm run test:deep`). */
export const DEPTH = process.env.TEST_DEPTH === 'deep' ? 10 : 1;

/** `n` runs of a property at this run's depth. */
export function runs(n: number): number {
  return n * DEPTH;
}

/** Whether this run replays one counterexample (`REPLAY_PATH`) rather than running a property in full. */
export const REPLAYING = process.env.REPLAY_PATH !== undefined;

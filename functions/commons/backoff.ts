/** Exponential back-off: `baseMs` doubling on each attempt, never above `capMs`. */
export interface Backoff {
  readonly baseMs: number;
  readonly capMs: number;
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The longest wait before retry number `retry` (0 for the first retry):
 * `baseMs * 2^retry`, capped at `capMs`.
 */
export function backoffCeiling(retry: number, { baseMs, capMs }: Backoff): number {
  return Math.min(capMs, baseMs * 2 ** retry);
}

/**
 * Waits before retry number `retry` (0 for the first) for a random time up to
 * its {@link backoffCeiling} ("full jitter"), so that writers that collided
 * spread out rather than collide again.
 */
export function backoff(retry: number, policy: Backoff): Promise<void> {
  return sleep(Math.random() * backoffCeiling(retry, policy));
}

import type { Instant } from '../../schemas/index.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/**
 * The first moment an expiry is past, in epoch milliseconds. A date-only
 * expiry (`2026-03-31`) covers that whole day in UTC.
 */
export function expiryMoment(expiresAt: Instant): number {
  return DATE_ONLY.test(expiresAt)
    ? Date.parse(`${expiresAt}T00:00:00Z`) + DAY_MS
    : Date.parse(expiresAt);
}

/**
 * Whether an optional expiry has passed at `now`. An expiry that cannot be read
 * counts as passed: the rules fail closed.
 */
export function isExpired(expiresAt: Instant | undefined, now: Date): boolean {
  if (expiresAt === undefined) return false;
  const moment = expiryMoment(expiresAt);
  return Number.isNaN(moment) || now.getTime() >= moment;
}

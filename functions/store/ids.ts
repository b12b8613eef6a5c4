import { createHash, randomBytes } from 'node:crypto';

const TIME_WIDTH = 9; // base-36 epoch milliseconds stay 9 characters wide until the year 5188

const timePart = (epochMs: number) => epochMs.toString(36).padStart(TIME_WIDTH, '0');

/**
 * A new change id, `c<time>-<random>`: ids sort by creation time, so that
 * notifications keyed by change list newest first.
 */
export function newChangeId(now: Date): string {
  return `c${timePart(now.getTime())}-${randomBytes(8).toString('hex')}`;
}

/**
 * A deterministic change id for a change that the system, not a caller, starts
 * (an expiry): the same facts always give the same id, so repeated sweeps claim
 * the change once.
 */
export function derivedChangeId(at: number, ...facts: string[]): string {
  const digest = createHash('sha256').update(facts.join('\u0000')).digest('hex').slice(0, 16);
  return `c${timePart(at)}-${digest}`;
}

/** A new import job id, `i<time>-<random>`, sorting by creation time. */
export function newImportId(now: Date): string {
  return `i${timePart(now.getTime())}-${randomBytes(8).toString('hex')}`;
}

/** A new id for an audit entry. */
export function newAuditId(): string {
  return randomBytes(8).toString('hex');
}

/** The id of the one notification of (change, researcher, project). */
export function notificationIdOf(
  changeId: string,
  researcherId: string,
  projectId: string,
): string {
  const digest = createHash('sha256')
    .update(`${changeId}\u0000${researcherId}\u0000${projectId}`)
    .digest('hex')
    .slice(0, 24);
  return `n-${digest}`;
}

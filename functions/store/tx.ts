import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';

/**
 * Whether a write failed because a condition did not hold: a conditional
 * write's own failure, or a cancelled transaction in which the item at
 * `index` (any item when omitted) failed its condition.
 */
export function isConditionFailure(err: unknown, index?: number): boolean {
  if (err instanceof ConditionalCheckFailedException) return true;
  if (err instanceof TransactionCanceledException) {
    const reasons = err.CancellationReasons ?? [];
    return index === undefined
      ? reasons.some((r) => r.Code === 'ConditionalCheckFailed')
      : reasons[index]?.Code === 'ConditionalCheckFailed';
  }
  return false;
}

/** Indexes of the transaction items that failed their condition. */
export function failedConditions(err: unknown): number[] {
  if (!(err instanceof TransactionCanceledException)) return [];
  return (err.CancellationReasons ?? []).flatMap((r, i) =>
    r.Code === 'ConditionalCheckFailed' ? [i] : [],
  );
}

/** How many times a write that lost a race re-reads and tries again before giving up. */
export const MAX_ATTEMPTS = 8;

/**
 * The condition of an optimistic write: the item is still at `version`, or,
 * with no version (nothing read), does not exist yet.
 */
export function versionCondition(version: number | undefined) {
  return version === undefined
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': version } };
}

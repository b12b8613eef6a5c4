import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { StoreContext } from './context.js';
import type { Key } from './keys.js';
import type { TransactItem } from './write.js';

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

/**
 * The condition of an optimistic write: the item is still at `version`, or,
 * with no version (nothing read), does not exist yet.
 */
export function versionCondition(version: number | undefined) {
  return version === undefined
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': version } };
}

/** A transaction item that only checks that the item at `key` exists. */
export function mustExist(ctx: StoreContext, key: Key): TransactItem {
  return {
    ConditionCheck: {
      TableName: ctx.tableName,
      Key: key,
      ConditionExpression: 'attribute_exists(pk)',
    },
  };
}

/**
 * A transaction item that only checks that the item at `key` is still at
 * `version` (still absent, with no version).
 */
export function mustBeAt(ctx: StoreContext, key: Key, version: number | undefined): TransactItem {
  return { ConditionCheck: { TableName: ctx.tableName, Key: key, ...versionCondition(version) } };
}

import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { backoff } from '../commons/backoff.js';
import type { StoreContext } from './context.js';
import { ContentionError } from './errors.js';
import { failedConditions, isConditionFailure } from './tx.js';

/** How many times a write that lost a race re-reads and tries again before giving up. */
export const MAX_ATTEMPTS = 8;

/** Jittered back-off between attempts of an optimistic write: 10 ms doubling to 200 ms. */
const RETRY_BACKOFF = { baseMs: 10, capMs: 200 } as const;

/** At most this many items go into one DynamoDB transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

/** One item of a DynamoDB transaction, as the document client takes it. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A race was lost before anything was written: read again and plan anew. */
export const LOST = Symbol('lost');

/**
 * What one attempt of an optimistic write decided, from what it read:
 * - `{ result }`: nothing (more) to write;
 * - `{ result, items }`: write these items as one transaction, whose version
 *   conditions hold only if nothing changed since the read;
 * - `{ result, commit }`: a write of the caller's own, which answers whether
 *   its conditions held;
 * - {@link LOST}: the attempt found it had lost a race already.
 */
export type Attempt<R> =
  | typeof LOST
  | { readonly result: R; readonly items?: readonly TransactItem[] }
  | { readonly result: R; readonly commit: () => Promise<boolean> };

/** How {@link optimisticWrite} writes. */
export interface OptimisticWrite<R> {
  /** What is written, for the error raised when it keeps losing: "dataset 'd1'". */
  readonly subject: string;
  /** Reads the current items and plans the write from them. */
  readonly attempt: (attempt: number) => Promise<Attempt<R>>;
  /**
   * The transaction item whose failed condition means a lost race (any item
   * when omitted); a failure of any other item's condition is rethrown.
   */
  readonly versioned?: number;
  /**
   * Called when the transaction failed its conditions, before anything else:
   * it may throw an error of its own instead (a stale `If-Match`, an unknown
   * reference), or return to let the write retry.
   */
  readonly onConditionFailed?: (failure: ConditionFailure) => void | Promise<void>;
}

/**
 * The one optimistic write of the store: read the current items, build the
 * transaction from them, write it with version conditions and, when a
 * concurrent writer got there first, back off and do it all again, up to
 * {@link MAX_ATTEMPTS} times; then give up with a {@link ContentionError}
 * (nothing written, the caller may retry).
 */
export async function optimisticWrite<R>(ctx: StoreContext, write: OptimisticWrite<R>): Promise<R> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await backoff(attempt - 1, RETRY_BACKOFF);
    const planned = await write.attempt(attempt);
    if (planned === LOST) continue;
    if ('commit' in planned) {
      if (await planned.commit()) return planned.result;
      continue;
    }
    if (!planned.items || planned.items.length === 0) return planned.result;
    const failure = await transact(ctx, planned.items);
    if (failure === undefined) return planned.result;
    await write.onConditionFailed?.(failure);
    if (!isConditionFailure(failure.cause, write.versioned)) throw failure.cause;
  }
  throw new ContentionError(`${write.subject} kept changing; nothing was written`);
}

/** The first item of a cancelled transaction that failed its condition, and the error. */
export interface ConditionFailure {
  readonly index: number;
  readonly cause: unknown;
}

/**
 * Writes `items` as one transaction. Answers `undefined` when it committed,
 * or which item failed its condition (nothing was written); any other error
 * is thrown.
 */
export async function transact(
  ctx: StoreContext,
  items: readonly TransactItem[],
): Promise<ConditionFailure | undefined> {
  try {
    await ctx.doc.send(new TransactWriteCommand({ TransactItems: [...items] }));
    return undefined;
  } catch (err) {
    const [index] = failedConditions(err);
    if (index === undefined) throw err;
    return { index, cause: err };
  }
}

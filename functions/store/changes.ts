import {
  type ChangeItem,
  ChangeItemSchema,
  type ChangeRecord,
  ChangeRecordSchema,
} from '../../schemas/index.js';
import type { StoreContext } from './context.js';
import { newChangeId } from './ids.js';
import { keys } from './keys.js';
import { getParsed } from './read.js';

/** What the store fills in on every new change record. */
type Progress =
  | 'changeId'
  | 'status'
  | 'affectedProjects'
  | 'notifications'
  | 'pagesDone'
  | 'createdAt';

/** The facts a new change record of each kind carries, beyond its id, status and counters. */
export type ChangeFacts = ChangeItem extends infer C
  ? C extends ChangeItem
    ? Omit<C, Progress>
    : never
  : never;

/** A new pending change record (not yet written). */
export function newChange(now: Date, facts: ChangeFacts, changeId = newChangeId(now)): ChangeItem {
  return {
    ...facts,
    changeId,
    status: 'pending',
    affectedProjects: 0,
    notifications: 0,
    pagesDone: 0,
    createdAt: now.toISOString(),
  };
}

/**
 * A new change record that is applied as it is written: a change with nothing
 * to propagate (a party created before anything could refer to it, a new
 * member, who loses nothing). Its single page is done, so the changes
 * consumer passes over its stream record without reading the table.
 */
export function appliedChange(now: Date, facts: ChangeFacts, affectedProjects: number): ChangeItem {
  return {
    ...newChange(now, facts),
    status: 'applied',
    affectedProjects,
    pagesDone: 1,
    appliedAt: now.toISOString(),
  };
}

/** Whether a change record, as its stream image shows it, needs no (more) propagation. */
export function isBornApplied(image: Record<string, unknown>): boolean {
  return typeof image.pagesDone === 'number' && image.pagesDone > 0;
}

/** The `Put` of a new change record; its stream record starts the propagation. */
export function changePut(ctx: StoreContext, change: ChangeItem) {
  return {
    Put: {
      TableName: ctx.tableName,
      Item: { ...keys.change(change.changeId), type: 'change', ...change },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** A change record as stored, or `undefined`. */
export async function getChangeItem(
  ctx: StoreContext,
  changeId: string,
): Promise<ChangeItem | undefined> {
  return getParsed(ctx, keys.change(changeId), ChangeItemSchema, true);
}

/** The public view of a change record, or `undefined`. */
export async function getChange(
  ctx: StoreContext,
  changeId: string,
): Promise<ChangeRecord | undefined> {
  const item = await getChangeItem(ctx, changeId);
  return item ? ChangeRecordSchema.parse(item) : undefined;
}

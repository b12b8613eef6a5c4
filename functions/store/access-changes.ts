import { QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  type AccessChangeItem,
  AccessChangeItemSchema,
  type Notification,
} from '../../schemas/index.js';
import type { StoreContext } from './context.js';
import { FEED_PARTITION, feedKeys, keys } from './keys.js';
import { claimsRecord, notificationPut } from './notifications.js';
import { failedConditions } from './tx.js';
import type { TransactItem } from './write.js';

/**
 * The conditional `Put` of an access-change item: written once per (change,
 * project[, researcher]), so a redelivered change never records twice.
 * `researcherId` names the one researcher of an item that records a change of
 * that researcher's own standing (or membership); absent, the item records a
 * recompute of the project for every member at once.
 */
export function accessChangePut(
  ctx: StoreContext,
  item: AccessChangeItem,
  researcherId?: string,
): TransactItem {
  return {
    Put: {
      TableName: ctx.tableName,
      Item: {
        ...keys.accessChange(item.changeId, item.projectId, researcherId),
        ...feedKeys({ ...item, researcherId }),
        type: 'access-change',
        ...item,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * Records what one change did to one researcher's routes on one project
 * (`item` holds that one researcher), together with the notices of its
 * narrowing, in one transaction: the feed and the inbox never disagree.
 * Idempotent: whatever an earlier delivery already wrote is left as it is and
 * the rest is written.
 */
export async function recordResearcherChange(
  ctx: StoreContext,
  item: AccessChangeItem,
  notices: readonly Notification[],
): Promise<void> {
  const [researcher] = item.researchers;
  let pending: TransactItem[] = [
    accessChangePut(ctx, item, researcher?.researcherId),
    ...(notices.length > 0 ? [claimsRecord(ctx, notices)] : []),
    ...notices.map((n) => notificationPut(ctx, n)),
  ];
  while (pending.length > 0) {
    try {
      await ctx.doc.send(new TransactWriteCommand({ TransactItems: pending }));
      return;
    } catch (err) {
      const failed = new Set(failedConditions(err));
      if (failed.size === 0) throw err;
      pending = pending.filter((_, index) => !failed.has(index));
      // The claims record alone (an update that cannot fail) records nothing new.
      if (pending.every((t) => t.Update !== undefined)) return;
    }
  }
}

/** A position in the feed: the `feed` sort key of an item and how many of its entries were read. */
export interface FeedPosition {
  readonly sortKey: string;
  readonly consumed: number;
}

/** One page of access-change items read from the feed, oldest first. */
export interface FeedRead {
  readonly items: { readonly sortKey: string; readonly item: AccessChangeItem }[];
  /** Whether items visible now lie beyond this page. */
  readonly more: boolean;
}

/**
 * Reads up to `limit` access-change items of the feed from `after` (that item
 * included, so the caller can skip the entries it already gave), written
 * strictly before `until`: items younger than the visibility horizon stay
 * unseen, so a commit that lands late, with an earlier time, is never behind
 * a cursor already handed out.
 */
export async function readFeed(
  ctx: StoreContext,
  options: { after: string | undefined; until: string; limit: number },
): Promise<FeedRead> {
  const out = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.tableName,
      IndexName: 'feed',
      KeyConditionExpression:
        options.after === undefined
          ? 'gsi2pk = :feed AND gsi2sk < :until'
          : 'gsi2pk = :feed AND gsi2sk BETWEEN :after AND :until',
      ExpressionAttributeValues: {
        ':feed': FEED_PARTITION,
        ':until': options.until,
        ...(options.after !== undefined && { ':after': options.after }),
      },
      ScanIndexForward: true,
      Limit: options.limit,
    }),
  );
  return {
    items: (out.Items ?? []).map((raw) => ({
      sortKey: String(raw.gsi2sk),
      item: AccessChangeItemSchema.parse(raw),
    })),
    more: out.LastEvaluatedKey !== undefined,
  };
}

import {
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type {
  AccessChangeItem,
  ChangeItem,
  Classification,
  CursorItem,
  Notification,
  SummaryItem,
} from '../../schemas/index.js';
import { accessChangePut } from './access-changes.js';
import { batchGet } from './batch.js';
import type { StoreContext } from './context.js';
import { keys, prefixes } from './keys.js';
import { claimsRecord, notificationPut } from './notifications.js';
import { queryPartition } from './scan.js';
import { failedConditions, isConditionFailure, versionCondition } from './tx.js';
import { MAX_TRANSACTION_ITEMS } from './write.js';

/** A dataset's level and version to copy onto one link of the project. */
export interface LinkLevel {
  readonly datasetId: string;
  readonly accessLevel: Classification;
  readonly datasetVersion: number;
}

/**
 * Moves a link on to a newer dataset version that keeps the level it holds,
 * only if it still holds exactly that level and an older version. The level
 * condition matters: a concurrent recompute may have moved the level (with
 * its summary) since the caller read the link, and overwriting that level
 * here would leave the summary computed from the other one. Returns `false`
 * when the link is gone, already as new, or no longer at `accessLevel`.
 */
export async function advanceLinkVersion(
  ctx: StoreContext,
  projectId: string,
  { datasetId, accessLevel, datasetVersion }: LinkLevel,
): Promise<boolean> {
  return updateLinkIf(ctx, projectId, datasetId, {
    UpdateExpression: 'SET datasetVersion = :v',
    // `=` does not compare NULL values; an unclassified link holds the NULL type.
    ConditionExpression: `attribute_exists(pk) AND datasetVersion < :v AND ${
      accessLevel === null ? 'attribute_type(accessLevel, :level)' : 'accessLevel = :level'
    }`,
    ExpressionAttributeValues: {
      ':level': accessLevel === null ? 'NULL' : accessLevel,
      ':v': datasetVersion,
    },
  });
}

/**
 * Sets a link to a dataset's level and version whatever it holds now (the
 * reconciler's repair of a link that drifted). Returns `false` when the link is gone.
 */
export async function repairLinkLevel(
  ctx: StoreContext,
  projectId: string,
  { datasetId, accessLevel, datasetVersion }: LinkLevel,
): Promise<boolean> {
  return updateLinkIf(ctx, projectId, datasetId, {
    UpdateExpression: 'SET accessLevel = :level, datasetVersion = :v',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':level': accessLevel, ':v': datasetVersion },
  });
}

/** One conditional update of a link; `false` when its condition does not hold. */
async function updateLinkIf(
  ctx: StoreContext,
  projectId: string,
  datasetId: string,
  update: Required<
    Pick<
      UpdateCommandInput,
      'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeValues'
    >
  >,
): Promise<boolean> {
  try {
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: keys.link(projectId, datasetId),
        ...update,
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Outcome of {@link writeSummary}. */
export type SummaryWrite =
  | { readonly ok: true; readonly claimed: Notification[] }
  | {
      readonly ok: false;
      readonly reason: 'stale-summary' | 'stale-link' | 'already-recorded' | 'already-claimed';
      readonly claimedIds: string[];
    };

/**
 * Writes a recomputed summary, conditional on the version it was computed
 * against, together with the link level it was computed with (if the change
 * moves one: only onto an older dataset version), the access-change item
 * that records what the write changed (the feed's entry, when anything did)
 * and the notifications its narrowing claims, in one transaction: either the
 * summary moves, the link and the record with it, and every notice is
 * claimed, or nothing is written. Moving a link
 * only together with the summary's version is what keeps a concurrent
 * recompute, which read the partition before the link moved, from writing
 * its stale summary over this one. Only the first notices that fit one
 * transaction are claimed here; the caller claims any others singly once this
 * succeeded.
 */
export async function writeSummary(
  ctx: StoreContext,
  next: SummaryItem,
  expectedVersion: number,
  claims: readonly Notification[],
  link?: LinkLevel,
  record?: AccessChangeItem,
): Promise<SummaryWrite> {
  const recordAt = link ? 2 : 1;
  const first = recordAt + (record ? 1 : 0) + (claims.length > 0 ? 1 : 0);
  const inTx = claims.slice(0, MAX_TRANSACTION_ITEMS - first);
  try {
    await ctx.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: ctx.tableName,
              Item: { ...keys.summary(next.projectId), type: 'summary', ...next },
              // Version 0 means "no summary yet" (a repair of a missing one).
              ...versionCondition(expectedVersion === 0 ? undefined : expectedVersion),
            },
          },
          ...(link
            ? [
                {
                  Update: {
                    TableName: ctx.tableName,
                    Key: keys.link(next.projectId, link.datasetId),
                    UpdateExpression: 'SET accessLevel = :level, datasetVersion = :v',
                    ConditionExpression: 'attribute_exists(pk) AND datasetVersion < :v',
                    ExpressionAttributeValues: {
                      ':level': link.accessLevel,
                      ':v': link.datasetVersion,
                    },
                  },
                },
              ]
            : []),
          ...(record ? [accessChangePut(ctx, record)] : []),
          ...(inTx.length > 0 ? [claimsRecord(ctx, inTx)] : []),
          ...inTx.map((n) => notificationPut(ctx, n)),
        ],
      }),
    );
    return { ok: true, claimed: inTx };
  } catch (err) {
    const failed = failedConditions(err);
    if (failed.length === 0) throw err;
    if (failed.includes(0)) return { ok: false, reason: 'stale-summary', claimedIds: [] };
    if (link && failed.includes(1)) return { ok: false, reason: 'stale-link', claimedIds: [] };
    if (record && failed.includes(recordAt)) {
      return { ok: false, reason: 'already-recorded', claimedIds: [] };
    }
    return {
      ok: false,
      reason: 'already-claimed',
      claimedIds: failed.flatMap((i) => {
        const n = inTx[i - first];
        return n ? [n.notificationId] : [];
      }),
    };
  }
}

/**
 * Claims notifications of a change (that did not fit a summary's transaction,
 * that a redelivery finishes, or of a researcher's standing), each project's
 * with its claims record, up to a transaction's worth at a time: a claim and
 * its count are never apart. Already claimed ones are left out and the rest
 * written again.
 */
export async function claimNotifications(
  ctx: StoreContext,
  claims: readonly Notification[],
): Promise<void> {
  const byProject = new Map<string, Notification[]>();
  for (const n of claims) byProject.set(n.projectId, [...(byProject.get(n.projectId) ?? []), n]);
  const chunk = MAX_TRANSACTION_ITEMS - 1;
  for (const ofProject of byProject.values()) {
    for (let i = 0; i < ofProject.length; i += chunk) {
      let pending = ofProject.slice(i, i + chunk);
      while (pending.length > 0) {
        try {
          await ctx.doc.send(
            new TransactWriteCommand({
              TransactItems: [
                claimsRecord(ctx, pending),
                ...pending.map((n) => notificationPut(ctx, n)),
              ],
            }),
          );
          break;
        } catch (err) {
          const failed = new Set(failedConditions(err).map((index) => index - 1));
          if (failed.size === 0) throw err;
          pending = pending.filter((_, index) => !failed.has(index));
        }
      }
    }
  }
}

/** Notifications in a claims record. */
const claimed = (record: Record<string, unknown>): number =>
  (record.researchers as Set<string> | undefined)?.size ?? 0;

/** How many notifications a change has claimed on these projects, from its records. */
export async function countClaims(
  ctx: StoreContext,
  changeId: string,
  projectIds: readonly string[],
): Promise<number> {
  const records = await batchGet(
    ctx,
    projectIds.map((p) => keys.claims(changeId, p)),
  );
  return records.reduce((n, r) => n + claimed(r), 0);
}

/**
 * Every notification a change has claimed, by any delivery, from all its
 * claims records: what an applied change counts, whoever has joined, left or
 * moved since its pages ran.
 */
export async function countAllClaims(ctx: StoreContext, changeId: string): Promise<number> {
  let n = 0;
  for await (const r of queryPartition(ctx, keys.change(changeId).pk, prefixes.claims)) {
    n += claimed(r);
  }
  return n;
}

/**
 * Records one finished page of a change, exactly once: the counters move and
 * either the next page's cursor is written (its stream record starts that
 * page) or the change becomes `applied`. Returns `false` when the page had
 * already been recorded (a redelivery).
 */
export async function completePage(
  ctx: StoreContext,
  change: Pick<ChangeItem, 'changeId'>,
  page: number,
  counts: { affectedProjects: number; notifications: number },
  nextKey: Record<string, unknown> | undefined,
): Promise<boolean> {
  const now = ctx.now().toISOString();
  // The last page sets the exact count; earlier ones add their own as progress.
  const total = nextKey ? undefined : await countAllClaims(ctx, change.changeId);
  const cursor: CursorItem | undefined = nextKey && {
    changeId: change.changeId,
    page: page + 1,
    startKey: JSON.stringify(nextKey),
    createdAt: now,
  };
  try {
    await ctx.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: ctx.tableName,
              Key: keys.change(change.changeId),
              UpdateExpression: cursor
                ? 'SET pagesDone = :next ADD affectedProjects :p, notifications :n'
                : 'SET pagesDone = :next, #status = :applied, appliedAt = :now, notifications = :n ADD affectedProjects :p',
              ConditionExpression: 'pagesDone = :page',
              ExpressionAttributeNames: cursor ? undefined : { '#status': 'status' },
              ExpressionAttributeValues: {
                ':page': page,
                ':next': page + 1,
                ':p': counts.affectedProjects,
                ':n': total ?? counts.notifications,
                ...(cursor ? {} : { ':applied': 'applied', ':now': now }),
              },
            },
          },
          ...(cursor
            ? [
                {
                  Put: {
                    TableName: ctx.tableName,
                    Item: {
                      ...keys.cursor(change.changeId, cursor.page),
                      type: 'cursor',
                      ...cursor,
                    },
                    ConditionExpression: 'attribute_not_exists(pk)',
                  },
                },
              ]
            : []),
        ],
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

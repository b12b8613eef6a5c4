import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Notification, NotificationSchema } from '../../schemas/index.js';
import type { StoreContext } from './context.js';
import { keys, prefixes } from './keys.js';
import { isConditionFailure } from './tx.js';

/** The conditional `Put` that claims the one notification of (change, researcher, project). */
export function notificationPut(ctx: StoreContext, n: Notification) {
  return {
    Put: {
      TableName: ctx.tableName,
      Item: {
        ...keys.notification(n.researcherId, n.changeId, n.projectId),
        type: 'notification',
        ...n,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/**
 * Adds notifications of one change on one project to the change's record of
 * whom it notified there (a string set, so adding again changes nothing).
 * Written in the same transaction as the claims it records, it is what the
 * change counts: an earlier delivery's claims stay counted even after a newer
 * change has rewritten the project's summary.
 */
export function claimsRecord(ctx: StoreContext, claims: readonly Notification[]) {
  const [n] = claims as [Notification];
  return {
    Update: {
      TableName: ctx.tableName,
      Key: keys.claims(n.changeId, n.projectId),
      UpdateExpression: 'SET #type = :type, changeId = :c, projectId = :p ADD researchers :r',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: {
        ':type': 'claims',
        ':c': n.changeId,
        ':p': n.projectId,
        ':r': new Set(claims.map((c) => c.researcherId)),
      },
    },
  };
}

/** A researcher's notifications, newest first (change ids sort by time). */
export async function listNotifications(
  ctx: StoreContext,
  researcherId: string,
  options: { limit?: number; startKey?: Record<string, unknown> | undefined } = {},
): Promise<{ items: Notification[]; nextKey?: Record<string, unknown> }> {
  const out = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :n)',
      ExpressionAttributeValues: {
        ':pk': keys.researcher(researcherId).pk,
        ':n': prefixes.notification,
      },
      ScanIndexForward: false,
      Limit: options.limit ?? 50,
      ExclusiveStartKey: options.startKey,
    }),
  );
  return {
    items: (out.Items ?? []).map((i) => NotificationSchema.parse(i)),
    ...(out.LastEvaluatedKey && { nextKey: out.LastEvaluatedKey }),
  };
}

/** Marks a notification delivered; `false` when it already was. */
export async function markDelivered(
  ctx: StoreContext,
  n: Pick<Notification, 'researcherId' | 'changeId' | 'projectId'>,
  at: string,
): Promise<boolean> {
  try {
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: keys.notification(n.researcherId, n.changeId, n.projectId),
        UpdateExpression: 'SET deliveredAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deliveredAt)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, AuditEntrySchema, type AuditedEntity } from '../../schemas/index.js';
import type { StoreContext } from './context.js';
import { newAuditId } from './ids.js';
import { auditPartition, keys, prefixes } from './keys.js';

/** What an accepted write records about itself. */
export interface AuditFacts {
  readonly entity: AuditedEntity;
  readonly entityId: string;
  readonly action: AuditEntry['action'];
  readonly actor: string;
  readonly at: string;
  readonly from: unknown;
  readonly to: unknown;
  readonly reason?: string | undefined;
  readonly changeId?: string | undefined;
}

/** The `Put` of an audit entry in the partition of the entity it describes. */
export function auditPut(ctx: StoreContext, entityPk: string, facts: AuditFacts) {
  const auditId = newAuditId();
  const entry: AuditEntry = {
    auditId,
    entity: facts.entity,
    entityId: facts.entityId,
    action: facts.action,
    actor: facts.actor,
    at: facts.at,
    from: facts.from ?? null,
    to: facts.to ?? null,
    ...(facts.reason !== undefined && { reason: facts.reason }),
    ...(facts.changeId !== undefined && { changeId: facts.changeId }),
  };
  return {
    Put: {
      TableName: ctx.tableName,
      Item: { ...keys.audit(entityPk, facts.at, auditId), type: 'audit', ...entry },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Audit entries of one entity partition, newest first. */
export async function listAudit(
  ctx: StoreContext,
  entityPk: string,
  limit = 100,
): Promise<AuditEntry[]> {
  const out = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': auditPartition(entityPk), ':audit': prefixes.audit },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((i) => AuditEntrySchema.parse(i));
}

/** One page of an entity's audit entries, newest first, and the key to continue from. */
export async function listAuditPage(
  ctx: StoreContext,
  entityPk: string,
  options: { limit?: number; startKey?: Record<string, unknown> | undefined } = {},
): Promise<{ items: AuditEntry[]; nextKey?: Record<string, unknown> }> {
  const out = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
      ExpressionAttributeValues: { ':pk': auditPartition(entityPk), ':audit': prefixes.audit },
      ScanIndexForward: false,
      Limit: options.limit ?? 100,
      ExclusiveStartKey: options.startKey,
    }),
  );
  return {
    items: (out.Items ?? []).map((i) => AuditEntrySchema.parse(i)),
    ...(out.LastEvaluatedKey && { nextKey: out.LastEvaluatedKey }),
  };
}

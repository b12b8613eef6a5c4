import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type AuditEntry, AuditEntrySchema, type AuditedEntity } from '../../schemas/index.js';
import type { StoreContext } from './context.js';
import { newAuditId } from './ids.js';
import { auditPartition, type ItemType, type Key, keys, prefixes } from './keys.js';
import { versionCondition } from './tx.js';

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
  return (await listAuditPage(ctx, entityPk, { limit })).items;
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

/** An entity write: the entity's `Put` and the audit entry that records it. */
export interface EntityWrite {
  readonly key: Key;
  readonly type: ItemType;
  /** The entity's attributes, beyond its key and type. */
  readonly item: Record<string, unknown>;
  /** The version the write replaces; `undefined` creates the entity. */
  readonly replaces: number | undefined;
  /** The audit entry; its action (`create` or `update`) follows from `replaces`. */
  readonly audit: Omit<AuditFacts, 'action'>;
}

/**
 * The two items every entity write begins with: the entity's `Put`, on
 * condition that it is still at the version read (or does not exist yet),
 * and its audit entry.
 */
export function entityWrite(ctx: StoreContext, write: EntityWrite) {
  return [
    {
      Put: {
        TableName: ctx.tableName,
        Item: { ...write.key, type: write.type, ...write.item },
        ...versionCondition(write.replaces),
      },
    },
    auditPut(ctx, write.key.pk, {
      ...write.audit,
      action: write.replaces === undefined ? 'create' : 'update',
    }),
  ] as const;
}

/** The version, time and author an entity carries after a write by `actor` at `at`. */
export function nextStamp(
  current: { readonly version: number } | undefined,
  at: string,
  actor: string,
) {
  return { version: (current?.version ?? 0) + 1, updatedAt: at, updatedBy: actor };
}

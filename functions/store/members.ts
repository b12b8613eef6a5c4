import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Membership } from '../../schemas/index.js';
import { auditPut } from './audit.js';
import type { StoreContext } from './context.js';
import { NotFoundError } from './errors.js';
import { keys, refs } from './keys.js';
import { mustExist, versionCondition } from './tx.js';
import { transact } from './write.js';

/** Adds a researcher to a project (both must exist), with an audit entry. */
export async function addMember(
  ctx: StoreContext,
  projectId: string,
  researcherId: string,
  actor: string,
): Promise<{ outcome: 'created' | 'unchanged' }> {
  const now = ctx.now().toISOString();
  const membership: Membership = { projectId, researcherId, addedAt: now };
  const failure = await transact(ctx, [
    mustExist(ctx, keys.project(projectId)),
    mustExist(ctx, keys.researcher(researcherId)),
    {
      Put: {
        TableName: ctx.tableName,
        Item: {
          ...keys.member(projectId, researcherId),
          ...refs.member(projectId, researcherId),
          type: 'member',
          ...membership,
        },
        ...versionCondition(undefined),
      },
    },
    auditPut(ctx, keys.project(projectId).pk, {
      entity: 'membership',
      entityId: `${projectId}/${researcherId}`,
      action: 'create',
      actor,
      at: now,
      from: null,
      to: { researcherId },
    }),
  ]);
  if (!failure) return { outcome: 'created' };
  switch (failure.index) {
    case 0:
      throw new NotFoundError('project', projectId, failure);
    case 1:
      throw new NotFoundError('researcher', researcherId, failure);
    case 2:
      return { outcome: 'unchanged' };
    default:
      throw failure.cause;
  }
}

/** Removes a researcher from a project, with an audit entry. */
export async function removeMember(
  ctx: StoreContext,
  projectId: string,
  researcherId: string,
  actor: string,
): Promise<void> {
  const failure = await transact(ctx, [
    {
      Delete: {
        TableName: ctx.tableName,
        Key: keys.member(projectId, researcherId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    auditPut(ctx, keys.project(projectId).pk, {
      entity: 'membership',
      entityId: `${projectId}/${researcherId}`,
      action: 'delete',
      actor,
      at: ctx.now().toISOString(),
      from: { researcherId },
      to: null,
    }),
  ]);
  if (failure?.index === 0) {
    throw new NotFoundError('membership', `${projectId}/${researcherId}`, failure);
  }
  if (failure) throw failure.cause;
}

/** Whether a researcher is a member of a project. */
export async function isMember(
  ctx: StoreContext,
  projectId: string,
  researcherId: string,
): Promise<boolean> {
  const out = await ctx.doc.send(
    new GetCommand({
      TableName: ctx.tableName,
      Key: keys.member(projectId, researcherId),
      ProjectionExpression: 'pk',
    }),
  );
  return out.Item !== undefined;
}

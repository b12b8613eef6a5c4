import { GetCommand } from '@aws-sdk/lib-dynamodb';
import {
  MemberItemSchema,
  type Membership,
  OrganisationSchema,
  ProjectSchema,
  ResearcherSchema,
  SummaryItemSchema,
} from '../../schemas/index.js';
import { accessChangeItem, decideRoutes, membershipEndedCause } from '../domain/index.js';
import { accessChangePut } from './access-changes.js';
import { auditPut } from './audit.js';
import { getParsedMany } from './batch.js';
import { appliedChange, changePut, newChange } from './changes.js';
import type { StoreContext } from './context.js';
import { NotFoundError } from './errors.js';
import { keys, refs } from './keys.js';
import { getParsed } from './read.js';
import { mustBeAt, mustExist, versionCondition } from './tx.js';
import { optimisticWrite } from './write.js';

/**
 * Adds a researcher to a project (both must exist), with an audit entry and a
 * `membership-started` change. The routes the researcher gains are decided
 * from the summary, the researcher and their organisation as read, and
 * recorded in the feed in the same transaction, which holds only if none of
 * the three has moved since (else it reads again). Adding a member again
 * writes nothing and returns the change that added them.
 */
export async function addMember(
  ctx: StoreContext,
  projectId: string,
  researcherId: string,
  actor: string,
): Promise<{ outcome: 'created' | 'unchanged'; changeId?: string }> {
  return optimisticWrite<{ outcome: 'created' | 'unchanged'; changeId?: string }>(ctx, {
    subject: `membership '${projectId}/${researcherId}'`,
    onConditionFailed: (failure) => {
      if (failure.index === 0) throw new NotFoundError('project', projectId, failure);
    },
    attempt: async () => {
      const { existing, summary, researcher, project } = await getParsedMany(ctx, {
        existing: { key: keys.member(projectId, researcherId), schema: MemberItemSchema },
        summary: { key: keys.summary(projectId), schema: SummaryItemSchema },
        researcher: { key: keys.researcher(researcherId), schema: ResearcherSchema },
        project: { key: keys.project(projectId), schema: ProjectSchema },
      });
      if (!project) throw new NotFoundError('project', projectId);
      if (!researcher) throw new NotFoundError('researcher', researcherId);
      if (existing) {
        return {
          result: {
            outcome: 'unchanged' as const,
            ...(existing.changeId !== undefined && { changeId: existing.changeId }),
          },
        };
      }
      const organisation = await getParsed(
        ctx,
        keys.organisation(researcher.organisationId),
        OrganisationSchema,
        true,
      );
      const now = ctx.now();
      const toRoutes = summary
        ? decideRoutes(
            {
              isMember: true,
              project: summary,
              agreements: organisation?.agreements,
              accreditation: researcher.accreditation,
            },
            now,
          ).routes
        : [];
      // A new member loses nothing, and the feed's entry goes with the membership: applied as written.
      const change = appliedChange(
        now,
        { kind: 'membership-started', actor, projectId, researcherId, toRoutes },
        1,
      );
      const membership: Membership = { projectId, researcherId, addedAt: now.toISOString() };
      const record = accessChangeItem({
        changeId: change.changeId,
        changeCreatedAt: change.createdAt,
        projectId,
        at: now.toISOString(),
        researchers: [{ researcherId, from: [], to: toRoutes }],
      });
      return {
        result: { outcome: 'created' as const, changeId: change.changeId },
        items: [
          mustExist(ctx, keys.project(projectId)),
          {
            Put: {
              TableName: ctx.tableName,
              Item: {
                ...keys.member(projectId, researcherId),
                ...refs.member(projectId, researcherId),
                type: 'member',
                ...membership,
                changeId: change.changeId,
              },
              ...versionCondition(undefined),
            },
          },
          mustBeAt(ctx, keys.summary(projectId), summary?.version),
          mustBeAt(ctx, keys.researcher(researcherId), researcher.version),
          mustBeAt(ctx, keys.organisation(researcher.organisationId), organisation?.version),
          auditPut(ctx, keys.project(projectId).pk, {
            entity: 'membership',
            entityId: `${projectId}/${researcherId}`,
            action: 'create',
            actor,
            at: now.toISOString(),
            from: null,
            to: { researcherId },
            changeId: change.changeId,
          }),
          changePut(ctx, change),
          // The feed's entry: the routes the membership brings, in the same transaction.
          ...(record ? [accessChangePut(ctx, record, researcherId)] : []),
        ],
      };
    },
  });
}

/**
 * Removes a researcher from a project, with an audit entry and a
 * `membership-ended` change. The routes the researcher had on the project
 * until now are decided from the summary, the researcher and their
 * organisation as read, and the transaction holds only if none of the three
 * has moved since (else it reads again), so the change notifies exactly as
 * the routes stood when the membership ended.
 */
export async function removeMember(
  ctx: StoreContext,
  projectId: string,
  researcherId: string,
  actor: string,
): Promise<{ changeId: string }> {
  return optimisticWrite(ctx, {
    subject: `membership '${projectId}/${researcherId}'`,
    onConditionFailed: (failure) => {
      if (failure.index === 0) {
        throw new NotFoundError('membership', `${projectId}/${researcherId}`, failure);
      }
    },
    attempt: async () => {
      const [member, summary, researcher] = await Promise.all([
        isMember(ctx, projectId, researcherId),
        getParsed(ctx, keys.summary(projectId), SummaryItemSchema, true),
        getParsed(ctx, keys.researcher(researcherId), ResearcherSchema, true),
      ]);
      if (!member) throw new NotFoundError('membership', `${projectId}/${researcherId}`);
      const organisation =
        researcher &&
        (await getParsed(
          ctx,
          keys.organisation(researcher.organisationId),
          OrganisationSchema,
          true,
        ));
      const now = ctx.now();
      const fromRoutes = summary
        ? decideRoutes(
            {
              isMember: true,
              project: summary,
              agreements: organisation?.agreements,
              accreditation: researcher?.accreditation,
            },
            now,
          ).routes
        : [];
      const change = newChange(now, {
        kind: 'membership-ended',
        actor,
        projectId,
        researcherId,
        fromRoutes,
        projectLevel: summary?.accessLevel ?? null,
        cause: membershipEndedCause(researcherId),
      });
      const record = accessChangeItem({
        changeId: change.changeId,
        changeCreatedAt: change.createdAt,
        projectId,
        at: now.toISOString(),
        researchers: [{ researcherId, from: fromRoutes, to: [] }],
      });
      return {
        result: { changeId: change.changeId },
        items: [
          {
            Delete: {
              TableName: ctx.tableName,
              Key: keys.member(projectId, researcherId),
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          mustBeAt(ctx, keys.summary(projectId), summary?.version),
          mustBeAt(ctx, keys.researcher(researcherId), researcher?.version),
          ...(researcher
            ? [mustBeAt(ctx, keys.organisation(researcher.organisationId), organisation?.version)]
            : []),
          auditPut(ctx, keys.project(projectId).pk, {
            entity: 'membership',
            entityId: `${projectId}/${researcherId}`,
            action: 'delete',
            actor,
            at: now.toISOString(),
            from: { researcherId },
            to: null,
            changeId: change.changeId,
          }),
          changePut(ctx, change),
          // The feed's entry: the routes end with the membership, in the same transaction.
          ...(record ? [accessChangePut(ctx, record, researcherId)] : []),
        ],
      };
    },
  });
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

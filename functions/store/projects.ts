import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  type LinkItem,
  LinkItemSchema,
  type Membership,
  MembershipSchema,
  type Project,
  ProjectSchema,
  type SummaryItem,
  SummaryItemSchema,
} from '../../schemas/index.js';
import { summariseProject } from '../domain/index.js';
import { auditPut } from './audit.js';
import { changePut, newChange } from './changes.js';
import type { StoreContext } from './context.js';
import { getDataset } from './datasets.js';
import { ContentionError, NotFoundError } from './errors.js';
import { idOf, keys, refs } from './keys.js';
import { getParsed } from './read.js';
import { isConditionFailure, MAX_ATTEMPTS, versionCondition } from './tx.js';

/** A project by id, or `undefined`. */
export async function getProject(
  ctx: StoreContext,
  projectId: string,
): Promise<Project | undefined> {
  return getParsed(ctx, keys.project(projectId), ProjectSchema);
}

/** A project's stored access summary (one `GetItem`), or `undefined` for an unknown project. */
export async function getSummary(
  ctx: StoreContext,
  projectId: string,
  consistent = false,
): Promise<SummaryItem | undefined> {
  return getParsed(ctx, keys.summary(projectId), SummaryItemSchema, consistent);
}

/**
 * Creates a project (with its initial `no-datasets` summary) or renames it,
 * with an audit entry, in one transaction.
 */
export async function putProject(
  ctx: StoreContext,
  projectId: string,
  title: string,
  actor: string,
): Promise<{ project: Project; outcome: 'created' | 'updated' | 'unchanged' }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await getProject(ctx, projectId);
    const now = ctx.now().toISOString();
    if (current?.title === title) return { project: current, outcome: 'unchanged' };
    const project: Project = {
      projectId,
      title,
      version: (current?.version ?? 0) + 1,
      updatedAt: now,
      updatedBy: actor,
    };
    const summary: SummaryItem = {
      projectId,
      ...summariseProject([]),
      version: 1,
      updatedAt: now,
    };
    try {
      await ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: ctx.tableName,
                Item: { ...keys.project(projectId), type: 'project', ...project },
                ...versionCondition(current?.version),
              },
            },
            auditPut(ctx, keys.project(projectId).pk, {
              entity: 'project',
              entityId: projectId,
              action: current ? 'update' : 'create',
              actor,
              at: now,
              from: current ? { title: current.title } : null,
              to: { title },
            }),
            ...(current
              ? []
              : [
                  {
                    Put: {
                      TableName: ctx.tableName,
                      Item: { ...keys.summary(projectId), type: 'summary', ...summary },
                      ConditionExpression: 'attribute_not_exists(pk)',
                    },
                  },
                ]),
          ],
        }),
      );
      return { project, outcome: current ? 'updated' : 'created' };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
  throw new ContentionError(`project '${projectId}' kept changing; nothing was written`);
}

/** Everything a project's partition holds that its access depends on. */
export interface ProjectPartition {
  readonly project?: Project;
  readonly summary?: SummaryItem;
  readonly links: LinkItem[];
  readonly members: Membership[];
}

/**
 * Reads a project's whole partition (project, summary, links, members) with
 * strongly consistent queries, a page at a time: the only input a summary is
 * ever recomputed from.
 */
export async function readProjectPartition(
  ctx: StoreContext,
  projectId: string,
): Promise<ProjectPartition> {
  const partition: {
    project?: Project;
    summary?: SummaryItem;
    links: LinkItem[];
    members: Membership[];
  } = { links: [], members: [] };
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await ctx.doc.send(
      new QueryCommand({
        TableName: ctx.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.project(projectId).pk },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of out.Items ?? []) {
      switch (item.type) {
        case 'project':
          partition.project = ProjectSchema.parse(item);
          break;
        case 'summary':
          partition.summary = SummaryItemSchema.parse(item);
          break;
        case 'link':
          partition.links.push(LinkItemSchema.parse(item));
          break;
        case 'member':
          partition.members.push(MembershipSchema.parse(item));
          break;
      }
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return partition;
}

/**
 * Adds a dataset to a project: the link carries the dataset's current level,
 * guarded by a condition on the dataset's version so it can never copy a stale
 * level. Writes the link, its audit entry and a `dataset-added` change in one
 * transaction. Adding an existing link changes nothing and returns its change.
 */
export async function linkDataset(
  ctx: StoreContext,
  projectId: string,
  datasetId: string,
  actor: string,
): Promise<{ outcome: 'created' | 'unchanged'; changeId: string }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const [project, dataset, existing] = await Promise.all([
      getProject(ctx, projectId),
      getDataset(ctx, datasetId, true),
      getLink(ctx, projectId, datasetId),
    ]);
    if (!project) throw new NotFoundError('project', projectId);
    if (!dataset) throw new NotFoundError('dataset', datasetId);
    if (existing) return { outcome: 'unchanged', changeId: existing.changeId };
    const now = ctx.now();
    const change = newChange(now, {
      kind: 'dataset-added',
      actor,
      projectId,
      datasetId,
      datasetVersion: dataset.version,
      toLevel: dataset.accessLevel,
      cause: {
        kind: 'dataset-added',
        datasetId,
        datasetTitle: dataset.title,
        toLevel: dataset.accessLevel,
      },
    });
    const link: LinkItem = {
      projectId,
      datasetId,
      accessLevel: dataset.accessLevel,
      datasetVersion: dataset.version,
      changeId: change.changeId,
      linkedAt: now.toISOString(),
    };
    try {
      await ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: ctx.tableName,
                Key: keys.dataset(datasetId),
                ConditionExpression: 'version = :v',
                ExpressionAttributeValues: { ':v': dataset.version },
              },
            },
            {
              ConditionCheck: {
                TableName: ctx.tableName,
                Key: keys.project(projectId),
                ConditionExpression: 'attribute_exists(pk)',
              },
            },
            {
              Put: {
                TableName: ctx.tableName,
                Item: {
                  ...keys.link(projectId, datasetId),
                  ...refs.link(projectId, datasetId),
                  type: 'link',
                  ...link,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            auditPut(ctx, keys.project(projectId).pk, {
              entity: 'link',
              entityId: `${projectId}/${datasetId}`,
              action: 'create',
              actor,
              at: link.linkedAt,
              from: null,
              to: { datasetId, accessLevel: dataset.accessLevel },
              changeId: change.changeId,
            }),
            changePut(ctx, change),
          ],
        }),
      );
      return { outcome: 'created', changeId: change.changeId };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
  throw new ContentionError(
    `dataset '${datasetId}' or project '${projectId}' kept changing; nothing was written`,
  );
}

/** A link by its two ids, or `undefined`. */
export async function getLink(
  ctx: StoreContext,
  projectId: string,
  datasetId: string,
): Promise<LinkItem | undefined> {
  return getParsed(ctx, keys.link(projectId, datasetId), LinkItemSchema, true);
}

/** Removes a dataset from a project, with its audit entry and a `dataset-removed` change. */
export async function unlinkDataset(
  ctx: StoreContext,
  projectId: string,
  datasetId: string,
  actor: string,
): Promise<{ changeId: string }> {
  const link = await getLink(ctx, projectId, datasetId);
  if (!link) throw new NotFoundError('link', `${projectId}/${datasetId}`);
  const now = ctx.now();
  const change = newChange(now, {
    kind: 'dataset-removed',
    actor,
    projectId,
    datasetId,
    fromLevel: link.accessLevel,
  });
  try {
    await ctx.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: ctx.tableName,
              Key: keys.link(projectId, datasetId),
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          auditPut(ctx, keys.project(projectId).pk, {
            entity: 'link',
            entityId: `${projectId}/${datasetId}`,
            action: 'delete',
            actor,
            at: now.toISOString(),
            from: { datasetId, accessLevel: link.accessLevel },
            to: null,
            changeId: change.changeId,
          }),
          changePut(ctx, change),
        ],
      }),
    );
  } catch (err) {
    if (isConditionFailure(err, 0)) throw new NotFoundError('link', `${projectId}/${datasetId}`);
    throw err;
  }
  return { changeId: change.changeId };
}

/** Adds a researcher to a project (both must exist), with an audit entry. */
export async function addMember(
  ctx: StoreContext,
  projectId: string,
  researcherId: string,
  actor: string,
): Promise<{ outcome: 'created' | 'unchanged' }> {
  const now = ctx.now().toISOString();
  const membership: Membership = { projectId, researcherId, addedAt: now };
  try {
    await ctx.doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: ctx.tableName,
              Key: keys.project(projectId),
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          {
            ConditionCheck: {
              TableName: ctx.tableName,
              Key: keys.researcher(researcherId),
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
          {
            Put: {
              TableName: ctx.tableName,
              Item: {
                ...keys.member(projectId, researcherId),
                ...refs.member(projectId, researcherId),
                type: 'member',
                ...membership,
              },
              ConditionExpression: 'attribute_not_exists(pk)',
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
        ],
      }),
    );
    return { outcome: 'created' };
  } catch (err) {
    if (isConditionFailure(err, 0)) throw new NotFoundError('project', projectId);
    if (isConditionFailure(err, 1)) throw new NotFoundError('researcher', researcherId);
    if (isConditionFailure(err, 2)) return { outcome: 'unchanged' };
    throw err;
  }
}

/** Removes a researcher from a project, with an audit entry. */
export async function removeMember(
  ctx: StoreContext,
  projectId: string,
  researcherId: string,
  actor: string,
): Promise<void> {
  const now = ctx.now().toISOString();
  try {
    await ctx.doc.send(
      new TransactWriteCommand({
        TransactItems: [
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
            at: now,
            from: { researcherId },
            to: null,
          }),
        ],
      }),
    );
  } catch (err) {
    if (isConditionFailure(err, 0)) {
      throw new NotFoundError('membership', `${projectId}/${researcherId}`);
    }
    throw err;
  }
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

/** Paging options of list queries. */
export interface PageOptions {
  readonly limit?: number;
  readonly startKey?: Record<string, unknown> | undefined;
}

/** One page of ids and the key to continue from, if there is more. */
export interface IdPage {
  readonly ids: string[];
  readonly nextKey?: Record<string, unknown>;
}

/** A page of the projects that use a dataset (through the `byRef` index). */
export function listProjectsOfDataset(
  ctx: StoreContext,
  datasetId: string,
  options: PageOptions = {},
): Promise<IdPage> {
  return queryRefs(ctx, `DATASET#${datasetId}`, 'PROJECT#', options);
}

/** A page of the projects a researcher is a member of. */
export function listProjectsOfResearcher(
  ctx: StoreContext,
  researcherId: string,
  options: PageOptions = {},
): Promise<IdPage> {
  return queryRefs(ctx, `RESEARCHER#${researcherId}`, 'PROJECT#', options);
}

/** A page of the researchers of an organisation. */
export function listResearchersOfOrganisation(
  ctx: StoreContext,
  organisationId: string,
  options: PageOptions = {},
): Promise<IdPage> {
  return queryRefs(ctx, `ORG#${organisationId}`, 'RESEARCHER#', options);
}

/**
 * A page of the ids related to `ref` through the `byRef` index, of the kind
 * `prefix` names. It asks for one item more than the page holds, so that a
 * page that ends the list says so (no `nextKey`) instead of leading to an
 * empty page: a fan-out of exactly n pages runs n pages, not n + 1.
 */
async function queryRefs(
  ctx: StoreContext,
  ref: string,
  prefix: string,
  options: PageOptions,
): Promise<IdPage> {
  const limit = options.limit ?? 100;
  const out = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.tableName,
      IndexName: 'byRef',
      KeyConditionExpression: 'gsi1pk = :ref AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':ref': ref, ':prefix': prefix },
      Limit: limit + 1,
      ExclusiveStartKey: options.startKey,
    }),
  );
  const items = (out.Items ?? []).slice(0, limit);
  const last = items.at(-1);
  // More than a page came back: go on after its last item (the index's key and the table's).
  const nextKey =
    (out.Items?.length ?? 0) > limit && last
      ? { pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk }
      : out.LastEvaluatedKey;
  return {
    ids: items.map((i) => idOf(String(i.gsi1sk))),
    ...(nextKey && { nextKey }),
  };
}

/** Summaries of many projects by id (missing projects are absent from the map). */
export async function getSummaries(
  ctx: StoreContext,
  projectIds: readonly string[],
): Promise<Map<string, SummaryItem>> {
  const out = new Map<string, SummaryItem>();
  for (const item of await batchGet(
    ctx,
    projectIds.map((p) => keys.summary(p)),
  )) {
    const s = SummaryItemSchema.parse(item);
    out.set(s.projectId, s);
  }
  return out;
}

/** Reads many items by key, 100 at a time, retrying unprocessed keys. */
export async function batchGet(
  ctx: StoreContext,
  itemKeys: readonly { pk: string; sk: string }[],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const unique = [...new Map(itemKeys.map((k) => [`${k.pk}\u0000${k.sk}`, k])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    let pending: { pk: string; sk: string }[] = unique.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      const res = await ctx.doc.send(
        new BatchGetCommand({
          RequestItems: { [ctx.tableName]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      items.push(...(res.Responses?.[ctx.tableName] ?? []));
      pending = (res.UnprocessedKeys?.[ctx.tableName]?.Keys ?? []) as { pk: string; sk: string }[];
      if (attempt > 10 && pending.length > 0) {
        throw new ContentionError('batch read kept being throttled');
      }
    }
  }
  return items;
}

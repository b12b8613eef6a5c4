import {
  DatasetSchema,
  type LinkItem,
  LinkItemSchema,
  ProjectSchema,
} from '../../schemas/index.js';
import { datasetLinkCause } from '../domain/index.js';
import { auditPut } from './audit.js';
import { getParsedMany } from './batch.js';
import { changePut, newChange } from './changes.js';
import type { StoreContext } from './context.js';
import { getDataset } from './datasets.js';
import { NotFoundError } from './errors.js';
import { keys, refs } from './keys.js';
import { getParsed } from './read.js';
import { mustBeAt, mustExist, versionCondition } from './tx.js';
import { optimisticWrite, transact } from './write.js';

/** What adding a dataset to a project did, and the change it started (or had started). */
export interface LinkWrite {
  readonly outcome: 'created' | 'unchanged';
  readonly changeId: string;
}

/**
 * Adds a dataset to a project: the link carries the dataset's current level,
 * guarded by a condition on the dataset's version so it can never copy a stale
 * level. Writes the link, its audit entry and a `dataset-added` change in one
 * transaction. Adding an existing link changes nothing and returns its change.
 */
export function linkDataset(
  ctx: StoreContext,
  projectId: string,
  datasetId: string,
  actor: string,
): Promise<LinkWrite> {
  return optimisticWrite<LinkWrite>(ctx, {
    subject: `dataset '${datasetId}' or project '${projectId}'`,
    attempt: async () => {
      const { project, dataset, existing } = await getParsedMany(ctx, {
        project: { key: keys.project(projectId), schema: ProjectSchema },
        dataset: { key: keys.dataset(datasetId), schema: DatasetSchema },
        existing: { key: keys.link(projectId, datasetId), schema: LinkItemSchema },
      });
      if (!project) throw new NotFoundError('project', projectId);
      if (!dataset) throw new NotFoundError('dataset', datasetId);
      if (existing) return { result: { outcome: 'unchanged', changeId: existing.changeId } };
      const now = ctx.now();
      const change = newChange(now, {
        kind: 'dataset-added',
        actor,
        projectId,
        datasetId,
        datasetVersion: dataset.version,
        toLevel: dataset.accessLevel,
        cause: datasetLinkCause(
          'dataset-added',
          { datasetId, title: dataset.title },
          dataset.accessLevel,
        ),
      });
      const link: LinkItem = {
        projectId,
        datasetId,
        accessLevel: dataset.accessLevel,
        datasetVersion: dataset.version,
        changeId: change.changeId,
        linkedAt: now.toISOString(),
      };
      return {
        result: { outcome: 'created', changeId: change.changeId },
        items: [
          mustBeAt(ctx, keys.dataset(datasetId), dataset.version),
          mustExist(ctx, keys.project(projectId)),
          {
            Put: {
              TableName: ctx.tableName,
              Item: {
                ...keys.link(projectId, datasetId),
                ...refs.link(projectId, datasetId),
                type: 'link',
                ...link,
              },
              ...versionCondition(undefined),
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
      };
    },
  });
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
  const [link, dataset] = await Promise.all([
    getLink(ctx, projectId, datasetId),
    getDataset(ctx, datasetId),
  ]);
  if (!link) throw new NotFoundError('link', `${projectId}/${datasetId}`);
  const now = ctx.now();
  const change = newChange(now, {
    kind: 'dataset-removed',
    actor,
    projectId,
    datasetId,
    fromLevel: link.accessLevel,
    cause: datasetLinkCause(
      'dataset-removed',
      { datasetId, ...(dataset && { title: dataset.title }) },
      link.accessLevel,
    ),
  });
  const failure = await transact(ctx, [
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
  ]);
  if (failure?.index === 0) throw new NotFoundError('link', `${projectId}/${datasetId}`, failure);
  if (failure) throw failure.cause;
  return { changeId: change.changeId };
}

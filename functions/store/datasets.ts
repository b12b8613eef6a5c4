import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Classification,
  type Dataset,
  type DatasetPutBody,
  DatasetSchema,
} from '../../schemas/index.js';
import { auditPut } from './audit.js';
import { changePut, newChange } from './changes.js';
import type { StoreContext } from './context.js';
import { ContentionError, NotFoundError, StoreError, VersionConflictError } from './errors.js';
import { keys } from './keys.js';
import { getParsed } from './read.js';
import { isConditionFailure, MAX_ATTEMPTS, versionCondition } from './tx.js';

/** A level change was requested without the reason the audit trail needs. */
export class ReasonRequiredError extends StoreError {
  constructor(readonly datasetId: string) {
    super(`changing the access level of dataset '${datasetId}' needs a reason`);
  }
}

/** The outcome of a dataset write. */
export interface DatasetWrite {
  readonly dataset: Dataset;
  readonly outcome: 'created' | 'updated' | 'unchanged';
  /** Set when the write changed (or re-asserted) the level and so started a propagation. */
  readonly changeId?: string;
}

/** A dataset by id, or `undefined`. */
export async function getDataset(
  ctx: StoreContext,
  datasetId: string,
  consistent = false,
): Promise<Dataset | undefined> {
  return getParsed(ctx, keys.dataset(datasetId), DatasetSchema, consistent);
}

const auditView = (d: Pick<Dataset, 'title' | 'owner' | 'accessLevel'>) => ({
  title: d.title,
  ...(d.owner !== undefined && { owner: d.owner }),
  accessLevel: d.accessLevel,
});

interface Desired {
  readonly title?: string;
  readonly owner?: string | undefined;
  readonly replaceOwner: boolean;
  readonly accessLevel?: Classification;
  /** A level write always records a change, even when the level stays the same. */
  readonly forceLevelChange: boolean;
  readonly reason?: string | undefined;
}

/**
 * Writes a dataset as one transaction with its audit entry and, when the level
 * is set, a change record whose stream record starts the propagation.
 * With `expectedVersion` a stale version fails with {@link VersionConflictError};
 * without it, a lost race re-reads and tries again.
 */
async function writeDataset(
  ctx: StoreContext,
  datasetId: string,
  desired: Desired,
  actor: string,
  expectedVersion?: number,
  createTitle?: string,
): Promise<DatasetWrite> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await getDataset(ctx, datasetId, true);
    const now = ctx.now().toISOString();
    if (current === undefined) {
      if (createTitle === undefined) throw new NotFoundError('dataset', datasetId);
      if (expectedVersion !== undefined) {
        throw new VersionConflictError('dataset', datasetId, expectedVersion, undefined);
      }
      const dataset: Dataset = {
        datasetId,
        title: createTitle,
        ...(desired.owner !== undefined && { owner: desired.owner }),
        accessLevel: desired.accessLevel ?? null,
        version: 1,
        updatedAt: now,
        updatedBy: actor,
      };
      try {
        await ctx.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: ctx.tableName,
                  Item: { ...keys.dataset(datasetId), type: 'dataset', ...dataset },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              auditPut(ctx, keys.dataset(datasetId).pk, {
                entity: 'dataset',
                entityId: datasetId,
                action: 'create',
                actor,
                at: now,
                from: null,
                to: auditView(dataset),
                reason: desired.reason,
              }),
            ],
          }),
        );
        return { dataset, outcome: 'created' };
      } catch (err) {
        if (isConditionFailure(err, 0)) continue;
        throw err;
      }
    }
    if (expectedVersion !== undefined && current.version !== expectedVersion) {
      throw new VersionConflictError('dataset', datasetId, expectedVersion, current.version);
    }
    const next: Dataset = {
      ...current,
      ...(desired.title !== undefined && { title: desired.title }),
      ...(desired.accessLevel !== undefined && { accessLevel: desired.accessLevel }),
      version: current.version + 1,
      updatedAt: now,
      updatedBy: actor,
    };
    if (desired.replaceOwner) {
      if (desired.owner === undefined) delete next.owner;
      else next.owner = desired.owner;
    }
    const levelChanged =
      desired.accessLevel !== undefined &&
      (desired.forceLevelChange || desired.accessLevel !== current.accessLevel);
    const contentChanged =
      next.title !== current.title ||
      next.owner !== current.owner ||
      next.accessLevel !== current.accessLevel;
    if (!levelChanged && !contentChanged) return { dataset: current, outcome: 'unchanged' };
    if (levelChanged && desired.reason === undefined) throw new ReasonRequiredError(datasetId);
    const change = levelChanged
      ? newChange(ctx.now(), {
          kind: 'dataset-level-changed',
          actor,
          datasetId,
          datasetVersion: next.version,
          fromLevel: current.accessLevel,
          toLevel: next.accessLevel,
          cause: {
            kind: 'dataset-level-changed',
            datasetId,
            fromLevel: current.accessLevel,
            toLevel: next.accessLevel,
          },
        })
      : undefined;
    try {
      await ctx.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: ctx.tableName,
                Item: {
                  ...keys.dataset(datasetId),
                  type: 'dataset',
                  ...next,
                  ...(change && { lastChangeId: change.changeId }),
                },
                ...versionCondition(current.version),
              },
            },
            auditPut(ctx, keys.dataset(datasetId).pk, {
              entity: 'dataset',
              entityId: datasetId,
              action: 'update',
              actor,
              at: now,
              from: auditView(current),
              to: auditView(next),
              reason: desired.reason,
              changeId: change?.changeId,
            }),
            ...(change ? [changePut(ctx, change)] : []),
          ],
        }),
      );
      return {
        dataset: next,
        outcome: 'updated',
        ...(change && { changeId: change.changeId }),
      };
    } catch (err) {
      if (!isConditionFailure(err, 0)) throw err;
      if (expectedVersion !== undefined) {
        const actual = (await getDataset(ctx, datasetId, true))?.version;
        throw new VersionConflictError('dataset', datasetId, expectedVersion, actual, {
          cause: err,
        });
      }
    }
  }
  throw new ContentionError(`dataset '${datasetId}' kept changing; nothing was written`);
}

/**
 * Creates or replaces a dataset's catalogue entry (`PUT /v1/datasets/{id}`).
 * A level that differs from the current one is a level change and needs a reason.
 */
export function putDataset(
  ctx: StoreContext,
  datasetId: string,
  body: DatasetPutBody,
  actor: string,
): Promise<DatasetWrite> {
  return writeDataset(
    ctx,
    datasetId,
    {
      title: body.title,
      owner: body.owner,
      replaceOwner: true,
      ...(body.accessLevel !== undefined && { accessLevel: body.accessLevel }),
      forceLevelChange: false,
      reason: body.reason,
    },
    actor,
    undefined,
    body.title,
  );
}

/**
 * Sets a dataset's access level (`PUT /v1/datasets/{id}/access-level`). Every
 * accepted call is a change, even to the same level (it then narrows nobody).
 */
export async function setDatasetLevel(
  ctx: StoreContext,
  datasetId: string,
  accessLevel: Classification,
  reason: string,
  actor: string,
  expectedVersion?: number,
): Promise<{ dataset: Dataset; changeId: string }> {
  const write = await writeDataset(
    ctx,
    datasetId,
    { accessLevel, forceLevelChange: true, replaceOwner: false, reason },
    actor,
    expectedVersion,
  );
  if (write.changeId === undefined) throw new StoreError('a level write must start a change');
  return { dataset: write.dataset, changeId: write.changeId };
}

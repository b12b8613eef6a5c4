import {
  type Classification,
  type Dataset,
  type DatasetPutBody,
  DatasetSchema,
} from '../../schemas/index.js';
import { levelChangedCause } from '../domain/index.js';
import { entityWrite, nextStamp } from './audit.js';
import { batchGet } from './batch.js';
import { changePut, newChange } from './changes.js';
import type { StoreContext } from './context.js';
import { NotFoundError, StoreError, VersionConflictError } from './errors.js';
import { keys } from './keys.js';
import { getParsed, getStored, type Stored, storedOf } from './read.js';
import { MAX_TRANSACTION_ITEMS, optimisticWrite, type TransactItem, transact } from './write.js';

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
  /** Set when the write moved the level and so started a propagation. */
  readonly changeId?: string;
  /** For a write that changed nothing: the change that last set the level, if one did. */
  readonly lastChangeId?: string;
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
  /**
   * Set by the access-level endpoint: a level no change ever recorded (set
   * when the dataset was created) is recorded as a change even if it stays,
   * so that the caller has a change to wait for.
   */
  readonly recordLevel?: boolean;
  readonly reason?: string | undefined;
}

/** A dataset as stored, with the id of the last change that set its level. */
type StoredDataset = Stored<Dataset>;

/** What a dataset write would do, planned from the stored item: nothing, or one transaction. */
type Plan =
  | { readonly write: DatasetWrite; readonly items?: undefined }
  | { readonly write: DatasetWrite; readonly items: TransactItem[] };

/**
 * Plans a dataset write from what is stored (`undefined`: nothing yet): the
 * dataset with its audit entry and, when the level is set and differs (or was
 * never recorded as a change), a change record whose stream record starts the
 * propagation. A write that changes nothing plans no items and reports the
 * change that brought the level to where it is. Conditions make the planned
 * transaction fail if the item moved since it was read.
 */
function planWrite(
  ctx: StoreContext,
  datasetId: string,
  stored: StoredDataset | undefined,
  desired: Desired,
  actor: string,
  createTitle?: string,
): Plan {
  const now = ctx.now();
  const at = now.toISOString();
  const current = stored?.value;
  if (current === undefined && createTitle === undefined) {
    throw new NotFoundError('dataset', datasetId);
  }
  const base: Dataset = current ?? {
    datasetId,
    title: createTitle ?? datasetId,
    accessLevel: null,
    version: 0,
    updatedAt: at,
    updatedBy: actor,
  };
  const next: Dataset = {
    ...base,
    ...(desired.title !== undefined && { title: desired.title }),
    ...(desired.accessLevel !== undefined && { accessLevel: desired.accessLevel }),
    ...nextStamp(current, at, actor),
  };
  if (desired.replaceOwner) {
    if (desired.owner === undefined) delete next.owner;
    else next.owner = desired.owner;
  }
  // A new dataset is in no project yet: its level starts no propagation.
  const levelChanged =
    current !== undefined &&
    (next.accessLevel !== current.accessLevel ||
      (desired.recordLevel === true && stored?.lastChangeId === undefined));
  const contentChanged =
    current === undefined || next.title !== current.title || next.owner !== current.owner;
  if (current !== undefined && !levelChanged && !contentChanged) {
    return {
      write: {
        dataset: current,
        outcome: 'unchanged',
        ...(stored?.lastChangeId !== undefined && { lastChangeId: stored.lastChangeId }),
      },
    };
  }
  if (levelChanged && desired.reason === undefined) {
    throw new ReasonRequiredError(datasetId);
  }
  const change = levelChanged
    ? newChange(now, {
        kind: 'dataset-level-changed',
        actor,
        datasetId,
        datasetVersion: next.version,
        fromLevel: base.accessLevel,
        toLevel: next.accessLevel,
        cause: levelChangedCause(
          { datasetId, title: next.title },
          base.accessLevel,
          next.accessLevel,
        ),
      })
    : undefined;
  const lastChangeId = change?.changeId ?? stored?.lastChangeId;
  const items: TransactItem[] = [
    ...entityWrite(ctx, {
      key: keys.dataset(datasetId),
      type: 'dataset',
      item: { ...next, ...(lastChangeId !== undefined && { lastChangeId }) },
      replaces: current?.version,
      audit: {
        entity: 'dataset',
        entityId: datasetId,
        actor,
        at,
        from: current === undefined ? null : auditView(current),
        to: auditView(next),
        reason: desired.reason,
        changeId: change?.changeId,
      },
    }),
    ...(change ? [changePut(ctx, change)] : []),
  ];
  return {
    items,
    write: {
      dataset: next,
      outcome: current === undefined ? 'created' : 'updated',
      ...(change && { changeId: change.changeId }),
    },
  };
}

/**
 * Writes a dataset as one transaction planned by {@link planWrite}.
 * With `expectedVersion` a stale version fails with {@link VersionConflictError};
 * without it, a lost race re-reads and tries again.
 */
function writeDataset(
  ctx: StoreContext,
  datasetId: string,
  desired: Desired,
  actor: string,
  expectedVersion?: number,
  createTitle?: string,
): Promise<DatasetWrite> {
  return optimisticWrite(ctx, {
    subject: `dataset '${datasetId}'`,
    attempt: async () => {
      const stored = await getStored(ctx, keys.dataset(datasetId), DatasetSchema);
      if (expectedVersion !== undefined && stored?.value.version !== expectedVersion) {
        if (stored === undefined && createTitle === undefined) {
          throw new NotFoundError('dataset', datasetId);
        }
        throw new VersionConflictError(
          'dataset',
          datasetId,
          expectedVersion,
          stored?.value.version,
        );
      }
      const plan = planWrite(ctx, datasetId, stored, desired, actor, createTitle);
      return { result: plan.write, ...(plan.items && { items: plan.items }) };
    },
    versioned: 0,
    onConditionFailed: async (failure) => {
      if (expectedVersion === undefined || failure.index !== 0) return;
      const actual = (await getDataset(ctx, datasetId, true))?.version;
      throw new VersionConflictError('dataset', datasetId, expectedVersion, actual, failure);
    },
  });
}

/** Most items one row of a bulk write plans: the dataset, its audit entry and a change record. */
export const MAX_ITEMS_PER_DATASET = 3;

/** A dataset write planned for a bulk write: the row's outcome if its items commit. */
export interface PlannedRow {
  readonly index: number;
  readonly items: readonly TransactItem[];
  readonly write: DatasetWrite;
}

/**
 * Plans many dataset writes as {@link putDataset} would, from one consistent
 * batch read of the rows: per entry, in order, its outcome when it needs no
 * write or is refused, and the planned rows that need one.
 */
export async function planDatasets(
  ctx: StoreContext,
  entries: readonly { readonly datasetId: string; readonly body: DatasetPutBody }[],
  actor: string,
): Promise<{ results: (DatasetWrite | StoreError | undefined)[]; planned: PlannedRow[] }> {
  const results: (DatasetWrite | StoreError | undefined)[] = new Array(entries.length);
  const stored = new Map<string, StoredDataset>();
  for (const item of await batchGet(
    ctx,
    entries.map((e) => keys.dataset(e.datasetId)),
  )) {
    const s = storedOf(DatasetSchema, item);
    stored.set(s.value.datasetId, s);
  }
  const planned: PlannedRow[] = [];
  entries.forEach(({ datasetId, body }, index) => {
    try {
      const plan = planWrite(
        ctx,
        datasetId,
        stored.get(datasetId),
        desiredOf(body),
        actor,
        body.title,
      );
      if (plan.items === undefined) results[index] = plan.write;
      else planned.push({ index, items: plan.items, write: plan.write });
    } catch (err) {
      if (!(err instanceof StoreError)) throw err;
      results[index] = err;
    }
  });
  return { results, planned };
}

/**
 * Creates or replaces many datasets as {@link putDataset} would, each row
 * independently, in far fewer requests: one consistent batch read of the
 * rows, then the planned items packed into transactions of up to 100 items.
 * A transaction that fails (a row moved since the read) is replayed row by
 * row through {@link putDataset}, so a row is never lost or written twice.
 * Returns, per entry and in order, its write or the store error that refused it.
 */
export async function putDatasets(
  ctx: StoreContext,
  entries: readonly { readonly datasetId: string; readonly body: DatasetPutBody }[],
  actor: string,
): Promise<(DatasetWrite | StoreError)[]> {
  const { results, planned } = await planDatasets(ctx, entries, actor);
  const groups: PlannedRow[][] = [[]];
  let size = 0;
  for (const row of planned) {
    if (size + row.items.length > MAX_TRANSACTION_ITEMS) {
      groups.push([]);
      size = 0;
    }
    groups.at(-1)?.push(row);
    size += row.items.length;
  }
  for (const group of groups.filter((g) => g.length > 0)) {
    if (
      (await transact(
        ctx,
        group.flatMap((g) => g.items),
      )) === undefined
    ) {
      for (const g of group) results[g.index] = g.write;
    } else {
      for (const g of group) {
        const { datasetId, body } = entries[g.index] as (typeof entries)[number];
        try {
          results[g.index] = await putDataset(ctx, datasetId, body, actor);
        } catch (rowErr) {
          if (!(rowErr instanceof StoreError)) throw rowErr;
          results[g.index] = rowErr;
        }
      }
    }
  }
  return results as (DatasetWrite | StoreError)[];
}

const desiredOf = (body: DatasetPutBody): Desired => ({
  title: body.title,
  owner: body.owner,
  replaceOwner: true,
  ...(body.accessLevel !== undefined && { accessLevel: body.accessLevel }),
  reason: body.reason,
});

/**
 * Creates or replaces a dataset's catalogue entry (`PUT /v1/datasets/{id}`);
 * with `expectedVersion`, only if it is at that version.
 * A level that differs from the current one is a level change and needs a reason.
 */
export function putDataset(
  ctx: StoreContext,
  datasetId: string,
  body: DatasetPutBody,
  actor: string,
  expectedVersion?: number,
): Promise<DatasetWrite> {
  return writeDataset(ctx, datasetId, desiredOf(body), actor, expectedVersion, body.title);
}

/**
 * Sets a dataset's access level (`PUT /v1/datasets/{id}/access-level`). Setting
 * the level it already has writes nothing and returns the change that set it.
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
    { accessLevel, recordLevel: true, replaceOwner: false, reason },
    actor,
    expectedVersion,
  );
  const changeId = write.changeId ?? write.lastChangeId;
  if (changeId === undefined) throw new StoreError('a level write must have a change');
  return { dataset: write.dataset, changeId };
}

/**
 * One scenario's part of a shared table: the partitions of its entities (and
 * their audit partitions) and the changes they name. A scenario that uses ids
 * of its own and names every entity it touches can check the invariants of
 * its part alone, at a cost that does not grow with the table.
 */
import { collect } from '../../../functions/commons/index.js';
import { snapshotOf, type TableSnapshot } from '../../../functions/reconcile/index.js';
import {
  auditPartition,
  batchGet,
  keys,
  queryPartition,
  type StoreContext,
} from '../../../functions/store/index.js';

/** The entities of a scenario, by kind. */
export interface Scope {
  readonly datasets?: readonly string[];
  readonly projects?: readonly string[];
  readonly researchers?: readonly string[];
  readonly organisations?: readonly string[];
}

/**
 * Every item of the scope: its entities' partitions, their audit entries, the
 * changes they name, and what those changes recorded about its projects.
 *
 * What holds one item by the key design (`functions/store/keys.ts`: a dataset,
 * an organisation, a change) is read by key in one batch, and so is the feed:
 * a change's records about a project are keyed by the project and, for a
 * researcher's, by one of the scope's researchers, the only ones a scenario's
 * projects can have. The partitions that hold many items (projects,
 * researchers, audit entries) are queried whole.
 */
export async function scopedItems(
  ctx: StoreContext,
  scope: Scope,
): Promise<Record<string, unknown>[]> {
  const projects = scope.projects ?? [];
  const researchers = scope.researchers ?? [];
  const single = [
    ...(scope.datasets ?? []).map((id) => keys.dataset(id)),
    ...(scope.organisations ?? []).map((id) => keys.organisation(id)),
  ];
  const many = [
    ...projects.map((id) => keys.project(id).pk),
    ...researchers.map((id) => keys.researcher(id).pk),
  ];
  const audited = [...single.map((k) => k.pk), ...many];
  const items = (
    await Promise.all([
      batchGet(ctx, single),
      ...many.map((pk) => collect(queryPartition(ctx, pk))),
      ...audited.map((pk) => collect(queryPartition(ctx, auditPartition(pk)))),
    ])
  ).flat();
  const changeIds = [
    ...new Set(items.flatMap((i) => (typeof i.changeId === 'string' ? [i.changeId] : []))),
  ];
  const feedKeys = changeIds.flatMap((c) =>
    projects.flatMap((p) => [
      keys.accessChange(c, p),
      ...researchers.map((r) => keys.accessChange(c, p, r)),
    ]),
  );
  // The changes and what they recorded about the scope, in one batch.
  const named = await batchGet(ctx, [...changeIds.map((c) => keys.change(c)), ...feedKeys]);
  return [...items, ...named];
}

/** The snapshot of the scope, for the invariant checker. */
export async function scopedSnapshot(ctx: StoreContext, scope: Scope): Promise<TableSnapshot> {
  return snapshotOf(await scopedItems(ctx, scope));
}

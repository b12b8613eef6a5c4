/**
 * One scenario's part of a shared table: the partitions of its entities (and
 * their audit partitions) and the changes they name. A scenario that uses ids
 * of its own and names every entity it touches can check the invariants of
 * its part alone, at a cost that does not grow with the table.
 */
import { collect } from '../../../functions/commons/index.js';
import { snapshotOf, type TableSnapshot } from '../../../functions/reconcile/index.js';
import {
  accessChangePartition,
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
 */
export async function scopedItems(
  ctx: StoreContext,
  scope: Scope,
): Promise<Record<string, unknown>[]> {
  const pks = [
    ...(scope.datasets ?? []).map((id) => keys.dataset(id).pk),
    ...(scope.projects ?? []).map((id) => keys.project(id).pk),
    ...(scope.researchers ?? []).map((id) => keys.researcher(id).pk),
    ...(scope.organisations ?? []).map((id) => keys.organisation(id).pk),
  ];
  const items = (
    await Promise.all(
      pks.flatMap((pk) => [
        collect(queryPartition(ctx, pk)),
        collect(queryPartition(ctx, auditPartition(pk))),
      ]),
    )
  ).flat();
  const changeIds = new Set(
    items.flatMap((i) => (typeof i.changeId === 'string' ? [i.changeId] : [])),
  );
  const projects = new Set(scope.projects ?? []);
  const [changes, records] = await Promise.all([
    batchGet(
      ctx,
      [...changeIds].map((c) => keys.change(c)),
    ),
    // What those changes recorded in the feed about the scope's projects.
    Promise.all([...changeIds].map((c) => collect(queryPartition(ctx, accessChangePartition(c))))),
  ]);
  return [...items, ...changes, ...records.flat().filter((r) => projects.has(String(r.projectId)))];
}

/** The snapshot of the scope, for the invariant checker. */
export async function scopedSnapshot(ctx: StoreContext, scope: Scope): Promise<TableSnapshot> {
  return snapshotOf(await scopedItems(ctx, scope));
}

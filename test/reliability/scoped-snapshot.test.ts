/**
 * The scoped snapshot the model-based test checks each scenario with
 * (`support/scope.ts`, `snapshotOf`): on a table shared by two scenarios, the
 * snapshot of one scenario's ids holds exactly that scenario's part of the
 * whole-table snapshot, and the checker finds in it what it finds there.
 */

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkSnapshot,
  type TableSnapshot,
  takeSnapshot,
} from '../../functions/reconcile/index.js';
import {
  keys,
  putOrganisation,
  type StoreContext,
  setDatasetLevel,
} from '../../functions/store/index.js';
import type { ChangeItem } from '../../schemas/index.js';
import { applyChange } from '../api/support.js';
import { type FreshTable, freshTable } from '../support/dynamo.js';
import { fullAoc, officeAoc, overwrittenSummaryFindings } from '../support/factories.js';
import { ACTOR, aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';
import { type Scope, scopedSnapshot } from './support/scope.js';

let table: FreshTable;
let ctx: StoreContext;

const scopeOf = (prefix: string): Scope => ({
  datasets: [`${prefix}d1`, `${prefix}d2`],
  projects: [`${prefix}p1`],
  researchers: [`${prefix}r1`, `${prefix}r2`],
  organisations: [`${prefix}o1`],
});

/** A small scenario under `prefix`: two datasets, a project, two members, narrowing changes. */
async function scenario(prefix: string): Promise<void> {
  const applied = async (write: Promise<{ changeId: string }>) =>
    applyChange(ctx, (await write).changeId);
  await applied(anOrganisation(ctx, `${prefix}o1`, fullAoc()));
  await applied(aResearcher(ctx, `${prefix}r1`, `${prefix}o1`));
  await applied(aResearcher(ctx, `${prefix}r2`, `${prefix}o1`));
  await aDataset(ctx, `${prefix}d1`, 3);
  await aDataset(ctx, `${prefix}d2`, 3);
  const links = await aProject(
    ctx,
    `${prefix}p1`,
    [`${prefix}d1`, `${prefix}d2`],
    [`${prefix}r1`, `${prefix}r2`],
  );
  for (const c of links) await applyChange(ctx, c);
  // d1 falls to level 2 (both lose AOC remote), the organisation drops ARACCC, d2 falls to 1.
  await applied(setDatasetLevel(ctx, `${prefix}d1`, 2, 'tightened', ACTOR));
  await applied(
    putOrganisation(ctx, `${prefix}o1`, { name: 'Narrower', agreements: officeAoc() }, ACTOR),
  );
  await applied(setDatasetLevel(ctx, `${prefix}d2`, 1, 'tightened', ACTOR));
}

/** A snapshot as plain sorted data, keeping only what `keep` says belongs to a scenario. */
/** The datasets, projects, organisations and researchers a change record names. */
const SUBJECT_FIELDS = ['datasetId', 'projectId', 'organisationId', 'researcherId'] as const;
const subjectsOf = (change: ChangeItem): string[] =>
  SUBJECT_FIELDS.flatMap((field) =>
    field in change ? [String(change[field as keyof ChangeItem])] : [],
  );

function normalise(snap: TableSnapshot, keep: (id: string) => boolean) {
  const byId = <T>(m: Map<string, T>) =>
    [...m].filter(([id]) => keep(id)).sort(([a], [b]) => a.localeCompare(b));
  const sorted = <T>(list: T[]) => list.map((x) => JSON.stringify(x)).sort();
  return {
    datasets: byId(snap.datasets),
    projects: byId(snap.projects),
    summaries: byId(snap.summaries),
    organisations: byId(snap.organisations),
    researchers: byId(snap.researchers),
    links: sorted(snap.links.filter((l) => keep(l.projectId))),
    members: sorted(snap.members.filter((m) => keep(m.projectId))),
    notifications: sorted(snap.notifications.filter((n) => keep(n.researcherId))),
    changes: sorted([...snap.changes.values()].filter((c) => subjectsOf(c).some(keep))),
    audits: [...snap.audits]
      .filter(([pk]) => keep(pk.slice(pk.indexOf('#') + 1)))
      .map(([pk, entries]) => [pk, sorted(entries)] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
    malformed: snap.malformed,
  };
}

beforeAll(async () => {
  table = await freshTable('scoped-snapshot');
  ctx = { doc: table.clients.doc, tableName: table.tableName, now: () => new Date() };
  await scenario('sa-');
  await scenario('sb-');
}, 60_000);

afterAll(async () => {
  await table?.drop();
});

describe('a snapshot scoped to one scenario of a shared table', () => {
  it('holds exactly that scenario’s part of the whole table', async () => {
    // Act
    const whole = await takeSnapshot(ctx);
    const scoped = await scopedSnapshot(ctx, scopeOf('sa-'));
    // Assert
    const mine = (id: string) => id.startsWith('sa-');
    expect(normalise(scoped, () => true)).toEqual(normalise(whole, mine));
    expect(scoped.notifications.length).toBeGreaterThan(0);
    expect(normalise(scoped, (id) => id.startsWith('sb-')).datasets).toEqual([]);
  });

  it('lets the checker find a drifted summary of that scenario, and only of that one', async () => {
    // Arrange: scenario b's summary is corrupted behind the store.
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: keys.summary('sb-p1'),
        UpdateExpression: 'SET accessLevel = :l',
        ExpressionAttributeValues: { ':l': 0 },
      }),
    );
    // Nothing here delivers notifications: they count as stale only after the default 15 minutes.
    const now = new Date();
    // Act
    const a = checkSnapshot(await scopedSnapshot(ctx, scopeOf('sa-')), { now });
    const b = checkSnapshot(await scopedSnapshot(ctx, scopeOf('sb-')), { now });
    // Assert
    expect(a.violations).toEqual([]);
    expect(a.warnings).toEqual([]);
    expect(b.violations).toEqual(overwrittenSummaryFindings('sb-p1'));
  });
});

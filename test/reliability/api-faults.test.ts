/**
 * DynamoDB faults under every write endpoint of the API: transaction
 * conflicts, throttling, provisioned throughput exceeded and socket timeouts,
 * injected on the wire inside the SDK's retry loop (`support/wire-faults.ts`),
 * once (the first write attempt) or on every attempt. A request is either
 * applied exactly once (one audit entry, the change it reports, everything
 * consistent) or answered `503` problem+json with `Retry-After` and nothing
 * changed. The one exception is a timeout after DynamoDB applied the write:
 * then the caller hears `503` although the write went through, and it must
 * have gone through completely, exactly once, and propagate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiApp, createApp } from '../../functions/api/index.js';
import { logger } from '../../functions/commons/index.js';
import { checkSnapshot } from '../../functions/reconcile/index.js';
import {
  getChange,
  linkDataset,
  putProject,
  type StoreContext,
} from '../../functions/store/index.js';
import { localJwtAuthenticator } from '../../local/auth.js';
import { ProblemSchema } from '../../schemas/index.js';
import { captureLogs, type RequestSpec, SECRET, send, tokensFor } from '../api/support.js';
import { fullAoc, officeAoc } from '../support/factories.js';
import { validated } from '../support/openapi-responses.js';
import { aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';
import { type DrivenTable, drivenTable } from './support/driven-table.js';
import { type Scope, scopedItems, scopedSnapshot } from './support/scope.js';
import { type Attempt, type WireFault, WirePlan } from './support/wire-faults.js';

logger.setLogLevel('SILENT');

/** A write endpoint: what must exist first, the request, and whether it starts a change. */
interface WriteCase {
  readonly arrange?: (ctx: StoreContext, id: string) => Promise<unknown>;
  readonly request: (id: string) => RequestSpec;
  readonly startsChange: boolean;
  /**
   * A bulk write reports a row that could not be written in its `errors`
   * (docs/api.md) rather than failing the request: for it, a `200`
   * listing the row as an error and changing nothing is as good as a `503`.
   */
  readonly rows?: number;
}

/**
 * One case per write endpoint (and both sides of the dataset PUT). `id` is
 * unique to the case, so the cases of one table never meet.
 */
const WRITES: Record<string, WriteCase> = {
  'create a dataset': {
    request: (id) => ({ method: 'PUT', path: `/v1/datasets/${id}-d`, json: { title: 'New' } }),
    startsChange: false,
  },
  'change a dataset and its level': {
    arrange: async (ctx, id) => {
      await aDataset(ctx, `${id}-d`, 3);
      await aProjectWithAMember(ctx, id, [`${id}-d`]);
    },
    request: (id) => ({
      method: 'PUT',
      path: `/v1/datasets/${id}-d`,
      json: { title: 'Retitled', accessLevel: 1, reason: 'fault test' },
    }),
    startsChange: true,
  },
  'set a level with If-Match': {
    arrange: async (ctx, id) => {
      await aDataset(ctx, `${id}-d`, 3);
      await aProjectWithAMember(ctx, id, [`${id}-d`]);
    },
    request: (id) => ({
      method: 'PUT',
      path: `/v1/datasets/${id}-d/access-level`,
      json: { accessLevel: 1, reason: 'fault test' },
      headers: { 'if-match': '"1"' },
    }),
    startsChange: true,
  },
  'import a dataset': {
    request: (id) => ({
      method: 'POST',
      path: '/v1/dataset-imports',
      json: { datasets: [{ datasetId: `${id}-d`, title: 'Imported', accessLevel: 2 }] },
    }),
    startsChange: false,
    rows: 1,
  },
  'create a project': {
    request: (id) => ({ method: 'PUT', path: `/v1/projects/${id}-p`, json: { title: 'New' } }),
    startsChange: false,
  },
  'add a dataset to a project': {
    arrange: async (ctx, id) => {
      await aDataset(ctx, `${id}-d`, 1);
      await aDataset(ctx, `${id}-d3`, 3);
      await aProjectWithAMember(ctx, id, [`${id}-d3`]);
    },
    request: (id) => ({ method: 'PUT', path: `/v1/projects/${id}-p/datasets/${id}-d` }),
    startsChange: true,
  },
  'remove a dataset from a project': {
    arrange: async (ctx, id) => {
      await aDataset(ctx, `${id}-d`, 3);
      await aProjectWithAMember(ctx, id, [`${id}-d`]);
    },
    request: (id) => ({ method: 'DELETE', path: `/v1/projects/${id}-p/datasets/${id}-d` }),
    startsChange: true,
  },
  'add a researcher to a project': {
    arrange: async (ctx, id) => {
      await putProject(ctx, `${id}-p`, 'Project', 'test');
      await anOrganisation(ctx, `${id}-o`, fullAoc());
      await aResearcher(ctx, `${id}-r2`, `${id}-o`);
    },
    request: (id) => ({ method: 'PUT', path: `/v1/projects/${id}-p/researchers/${id}-r2` }),
    startsChange: true,
  },
  'remove a researcher from a project': {
    arrange: async (ctx, id) => {
      await aDataset(ctx, `${id}-d`, 3);
      await aProjectWithAMember(ctx, id, [`${id}-d`]);
    },
    request: (id) => ({ method: 'DELETE', path: `/v1/projects/${id}-p/researchers/${id}-r` }),
    startsChange: true,
  },
  'replace an organisation': {
    arrange: async (ctx, id) => {
      await aDataset(ctx, `${id}-d`, 3);
      await aProjectWithAMember(ctx, id, [`${id}-d`]);
    },
    request: (id) => ({
      method: 'PUT',
      path: `/v1/organisations/${id}-o`,
      json: { name: 'Organisation', agreements: officeAoc() },
    }),
    startsChange: true,
  },
  'replace a researcher': {
    arrange: async (ctx, id) => {
      await aDataset(ctx, `${id}-d`, 3);
      await aProjectWithAMember(ctx, id, [`${id}-d`]);
    },
    request: (id) => ({
      method: 'PUT',
      path: `/v1/researchers/${id}-r`,
      json: {
        name: 'Researcher',
        email: 'researcher@example.org',
        organisationId: `${id}-o`,
        accreditation: {
          status: 'accredited',
          ararSignedAt: '2025-06-02',
          homeAddressOnFile: false,
        },
      },
    }),
    startsChange: true,
  },
};

/** Project `<id>-p` using `datasets`, with researcher `<id>-r` of organisation `<id>-o` (full AOC). */
async function aProjectWithAMember(ctx: StoreContext, id: string, datasets: string[]) {
  await anOrganisation(ctx, `${id}-o`, fullAoc());
  await aResearcher(ctx, `${id}-r`, `${id}-o`);
  await aProject(ctx, `${id}-p`, [], [`${id}-r`]);
  for (const d of datasets) await linkDataset(ctx, `${id}-p`, d, 'test');
}

/** Which attempts fail. */
type Mode = 'first write' | 'every write' | 'every request';

/** What the caller must see. */
type Expected = 'applied' | 'unavailable, nothing changed' | 'unavailable, applied once';

const FAULTS: { fault: WireFault; mode: Mode; expected: Expected }[] = [
  { fault: 'conflict', mode: 'first write', expected: 'applied' },
  { fault: 'conflict', mode: 'every write', expected: 'unavailable, nothing changed' },
  { fault: 'throttling', mode: 'first write', expected: 'applied' },
  { fault: 'throttling', mode: 'every write', expected: 'unavailable, nothing changed' },
  { fault: 'provisioned', mode: 'first write', expected: 'applied' },
  { fault: 'provisioned', mode: 'every request', expected: 'unavailable, nothing changed' },
  { fault: 'timeout-before', mode: 'first write', expected: 'applied' },
  { fault: 'timeout-before', mode: 'every write', expected: 'unavailable, nothing changed' },
  { fault: 'timeout-after', mode: 'first write', expected: 'applied' },
  { fault: 'timeout-after', mode: 'every write', expected: 'unavailable, applied once' },
];

function faultsOf(fault: WireFault, mode: Mode): (a: Attempt) => WireFault | undefined {
  switch (mode) {
    case 'first write':
      return (a) => (a.isWrite && a.write === 1 ? fault : undefined);
    case 'every write':
      return (a) => (a.isWrite ? fault : undefined);
    case 'every request':
      return () => fault;
  }
}

/** The ids a case's writes may touch: every entity its arrangement and request name. */
const scopeOf = (id: string): Scope => ({
  datasets: [`${id}-d`, `${id}-d3`],
  projects: [`${id}-p`],
  researchers: [`${id}-r`, `${id}-r2`],
  organisations: [`${id}-o`],
});

/** Every item of a case's part of the table, by key. */
async function items(ctx: StoreContext, id: string): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const item of await scopedItems(ctx, scopeOf(id)))
    out.set(`${item.pk}\u0000${item.sk}`, item);
  return out;
}

const sorted = (item: Record<string, unknown>) => JSON.stringify(item, Object.keys(item).sort());

/** The items a request added and those it changed. */
function diff(
  before: Map<string, Record<string, unknown>>,
  after: Map<string, Record<string, unknown>>,
) {
  const added = [...after].filter(([k]) => !before.has(k)).map(([, v]) => v);
  const changed = [...after]
    .filter(([k, v]) => before.has(k) && sorted(before.get(k) ?? {}) !== sorted(v))
    .map(([, v]) => v);
  const removed = [...before.keys()].filter((k) => !after.has(k));
  return { added, changed, removed };
}

/** The change id a response reports: in the body (most writes) or the `Change-Id` header. */
async function reportedChange(res: Response): Promise<string | undefined> {
  const body = (await res.clone().json()) as { changeId?: unknown };
  return typeof body.changeId === 'string'
    ? body.changeId
    : (res.headers.get('change-id') ?? undefined);
}

let table: DrivenTable;

beforeAll(async () => {
  table = await drivenTable('api-faults-');
}, 60_000);

afterAll(async () => {
  await table?.drop();
});

/** The API on the shared table, its client carrying a fault plan of its own. */
async function faultyApi() {
  const plan = new WirePlan();
  const doc = plan.client();
  const app: ApiApp = validated(
    createApp({
      ctx: { doc, tableName: table.tableName, now: () => new Date() },
      auth: localJwtAuthenticator(SECRET),
      logger: captureLogs(),
    }),
  );
  const { admin } = await tokensFor();
  return { plan, app, admin, close: () => doc.destroy() };
}

describe('DynamoDB faults under every API write', () => {
  it.concurrent.each(FAULTS)(
    '$fault on the $mode: $expected',
    async ({ fault, mode, expected }) => {
      // Every endpoint at once, each with ids and a fault plan of its own.
      await Promise.all(
        Object.entries(WRITES).map(async ([name, write], n) => {
          const api = await faultyApi();
          try {
            await runCase(
              api,
              `${fault}-${mode.replaceAll(' ', '-')}-${n}x`,
              name,
              write,
              faultsOf(fault, mode),
              expected,
            );
          } finally {
            api.close();
          }
        }),
      );
    },
    // A bound, not a goal: every case runs at once, so each takes as long as all of them,
    // and on a loaded 2-core CI machine the SDK's back-off under throttling passed 120 s.
    300_000,
  );

  it('answers the throttling the SDK gives up on with 503 and Retry-After, not 500', async () => {
    // Arrange
    const { plan, app, admin, close } = await faultyApi();
    plan.arm(() => 'throttling');
    try {
      // Act
      const res = await send(
        app,
        { method: 'PUT', path: '/v1/projects/p-throttled', json: { title: 'T' } },
        admin,
      );
      // Assert
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
      // The SDK retried the read before giving up; the request never reached a write.
      expect(plan.fired.length).toBeGreaterThan(1);
      expect(new Set(plan.fired.map((f) => f.command))).toEqual(new Set(['GetItemCommand']));
    } finally {
      close();
    }
  }, 60_000);
});

async function runCase(
  api: { plan: WirePlan; app: ApiApp; admin: string | undefined },
  id: string,
  name: string,
  write: WriteCase,
  faults: (a: Attempt) => WireFault | undefined,
  expected: Expected,
): Promise<void> {
  const { plan, app } = api;
  const ctx = table.ctx;
  const label = `${name} (${id})`;
  // Arrange
  await write.arrange?.(ctx, id);
  await table.driver.settle();
  const before = await items(ctx, id);
  plan.arm(faults);

  // Act
  const res = await send(app, write.request(id), api.admin);
  plan.disarm();

  // Assert: what the caller heard.
  expect(plan.fired.length, `${label}: a fault fired`).toBeGreaterThan(0);
  const after = await items(ctx, id);
  const { added, changed, removed } = diff(before, after);
  const audits = added.filter((i) => i.type === 'audit');
  const changes = added.filter((i) => i.type === 'change');
  const rowsFailed =
    write.rows !== undefined && res.status === 200 && expected !== 'applied'
      ? ((await res.clone().json()) as { errors: unknown[] }).errors.length
      : undefined;
  if (rowsFailed !== undefined) {
    expect(rowsFailed, `${label}: ${await res.clone().text()}`).toBe(write.rows);
  } else if (expected === 'applied') {
    expect(res.status, `${label}: ${await res.clone().text()}`).toBeGreaterThanOrEqual(200);
    expect(res.status, label).toBeLessThan(300);
    if (write.startsChange) expect(await reportedChange(res), label).toBe(changes[0]?.changeId);
  } else {
    expect(res.status, `${label}: ${await res.clone().text()}`).toBe(503);
    expect(res.headers.get('content-type'), label).toBe('application/problem+json');
    expect(res.headers.get('retry-after'), label).toBe('1');
    const problem = ProblemSchema.parse(await res.json());
    expect(problem.status).toBe(503);
    for (const field of [problem.type, problem.title, problem.detail]) expect(field).not.toBe('');
  }
  // And what the table holds: nothing, or the whole write exactly once.
  if (expected === 'unavailable, nothing changed') {
    expect({ added, changed, removed }, label).toEqual({ added: [], changed: [], removed: [] });
  } else {
    expect(audits, `${label}: one audit entry`).toHaveLength(1);
    expect(changes, `${label}: its change record`).toHaveLength(write.startsChange ? 1 : 0);
    expect(changed.length + added.length + removed.length, label).toBeGreaterThan(1);
  }

  // The write (if any) propagates, and the case's part of the table keeps every invariant.
  await table.driver.settle();
  for (const c of changes) {
    expect((await getChange(ctx, String(c.changeId)))?.status, label).toBe('applied');
  }
  const report = checkSnapshot(await scopedSnapshot(ctx, scopeOf(id)), {
    now: new Date(),
    staleAfterMs: 0,
  });
  expect(report.violations, label).toEqual([]);
  expect(report.warnings, label).toEqual([]);
}

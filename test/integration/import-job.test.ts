/**
 * Imports larger than the API applies at once are jobs: `POST
 * /v1/dataset-imports` answers `202` with a `Location` to poll, the chunks
 * are applied on the stream by the `changes` consumer, and the poll reports
 * progress and, row by row, what every row did. A chunk processed twice, at
 * once or after a crash that followed its commit, applies its rows once.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRows, MAX_SYNC_IMPORT_ROWS } from '../../functions/api/imports.js';
import type { ApiApp } from '../../functions/api/index.js';
import { logger } from '../../functions/commons/index.js';
import {
  applyImportChunk,
  createImportJob,
  documentClient,
  getChangeItem,
  getDataset,
  getImportJob,
  IMPORT_CHUNK_ROWS,
  keys,
  listAudit,
  type StoreContext,
} from '../../functions/store/index.js';
import { localClientConfig } from '../../local/table-setup.js';
import {
  type DatasetImportJob,
  DatasetImportJobSchema,
  DatasetImportResultSchema,
} from '../../schemas/index.js';
import { apiOn, type Caller, expectProblem, send } from '../api/support.js';
import { dynamoEndpoint, freshTable } from '../support/dynamo.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';

let pipeline: Pipeline;
let app: ApiApp;
let ctx: StoreContext;
let tokens: Record<Caller, string | undefined>;

beforeAll(async () => {
  // A line per chunk and per change page is not wanted in the test output.
  logger.setLogLevel('SILENT');
  pipeline = await startPipeline('import-job');
  ({ app, ctx, tokens } = await apiOn(pipeline.ctx));
});

afterAll(async () => {
  await pipeline?.stop();
  logger.setLogLevel('INFO');
});

type Row = { datasetId: string; title: string; accessLevel: number };

/** Rows of the second 5,000-row import whose level moves. */
const MOVED = 1200;

const bigRows = (prefix: string, n: number, shift = 0): Row[] =>
  Array.from({ length: n }, (_, i) => ({
    datasetId: `${prefix}-${String(i).padStart(4, '0')}`,
    title: `Bulk dataset ${i}`,
    accessLevel: (i + shift) % 4,
  }));

const importJson = (json: unknown) =>
  send(app, { method: 'POST', path: '/v1/dataset-imports', json }, tokens.editor);

/**
 * Sends an import (JSON, or a CSV text) that must become a job and polls it as a client would,
 * after each pause of the pipeline, until it is complete. Answers the final
 * job and the `processed` figure of every poll.
 */
async function importAsJob(
  body: unknown,
  reason?: string,
): Promise<{ job: DatasetImportJob; seen: number[] }> {
  const res =
    typeof body === 'string'
      ? await send(
          app,
          {
            method: 'POST',
            path: `/v1/dataset-imports${reason === undefined ? '' : `?reason=${reason}`}`,
            body,
            contentType: 'text/csv',
          },
          tokens.admin,
        )
      : await importJson(body);
  expect(res.status).toBe(202);
  const location = res.headers.get('location') ?? '';
  const retryAfterS = Number(res.headers.get('retry-after'));
  expect(retryAfterS).toBeGreaterThan(0);
  const accepted = DatasetImportJobSchema.parse(await res.json());
  expect(location).toBe(`/v1/dataset-imports/${accepted.importId}`);
  const seen = [accepted.processed];
  for (let poll = 0; poll < 1000; poll++) {
    const got = await send(app, { method: 'GET', path: location }, tokens.editor);
    expect(got.status).toBe(200);
    const job = DatasetImportJobSchema.parse(await got.json());
    seen.push(job.processed);
    if (job.status === 'complete') return { job, seen };
    // As a client would: wait as long as the job's answer asked.
    await new Promise((r) => setTimeout(r, retryAfterS * 1000));
  }
  throw new Error(`import ${accepted.importId} never completed`);
}

describe('POST /v1/dataset-imports at its largest size', () => {
  it('accepts 5,000 rows as a job, shows its progress, and reports every row exactly: created, then (as CSV) moved with the change each started, or unchanged', async () => {
    // Act: new datasets are in no project, so their levels start no change.
    const created = await importAsJob({ datasets: bigRows('big', 5000) });

    // Assert
    expect(created.job).toMatchObject({
      status: 'complete',
      rows: 5000,
      processed: 5000,
      created: 5000,
      updated: 0,
      unchanged: 0,
      errors: [],
      changes: [],
      reason: 'bulk import',
      createdBy: 'local-editor',
    });
    expect(created.seen).toEqual([...created.seen].sort((a, b) => a - b));
    expect(created.seen[0]).toBeLessThan(5000);

    // The first job's stream records are all handled before the second is sent: the POST is
    // timed as the deployed api function (held to its 29 s), and in AWS the consumers that
    // work through that backlog do not share its process or its two cores.
    await pipeline.settle();

    // Act: the same 5,000 rows as CSV, with the levels of the first 1,200 moved
    // and the reason in the query; the other 3,800 rows are as they are.
    const rows = bigRows('big', 5000).map((r, i) =>
      i < MOVED ? { ...r, accessLevel: (r.accessLevel + 1) % 4 } : r,
    );
    const csv = [
      'datasetId,title,accessLevel',
      ...rows.map((r) => `${r.datasetId},"${r.title}",${r.accessLevel}`),
    ].join('\n');
    const moved = await importAsJob(csv, 'catalogue%20review');

    // Assert: one change per moved row, each naming its row and dataset.
    expect(moved.job).toMatchObject({
      rows: 5000,
      created: 0,
      updated: MOVED,
      unchanged: 5000 - MOVED,
      errors: [],
      reason: 'catalogue review',
    });
    expect(moved.job.changes.map((c) => c.row)).toEqual(
      Array.from({ length: MOVED }, (_, i) => i + 1),
    );
    expect(moved.job.changes.map((c) => c.datasetId)).toEqual(
      rows.slice(0, MOVED).map((r) => r.datasetId),
    );
    expect(new Set(moved.job.changes.map((c) => c.changeId)).size).toBe(MOVED);
    const last = moved.job.changes.at(-1);
    expect(await getChangeItem(ctx, last?.changeId ?? '')).toMatchObject({
      datasetId: `big-${MOVED - 1}`,
      fromLevel: (MOVED - 1) % 4,
      toLevel: MOVED % 4,
    });
    expect(await getDataset(ctx, `big-${MOVED - 1}`)).toMatchObject({ version: 2 });
    expect((await listAudit(ctx, keys.dataset('big-0001').pk))[0]?.reason).toBe('catalogue review');
    expect(await listAudit(ctx, keys.dataset('big-0000').pk)).toHaveLength(2);
    expect(await listAudit(ctx, keys.dataset('big-4999').pk)).toHaveLength(1);
    expect(await getDataset(ctx, 'big-4999')).toMatchObject({ version: 1 });

    // Every change the rows started was carried out.
    await pipeline.applied(...moved.job.changes.map((c) => c.changeId));
    expect(pipeline.failures).toEqual([]);
  }, 900_000);

  it(`applies ${MAX_SYNC_IMPORT_ROWS} rows at once, and makes one more a job that reports refused rows by number and changes nothing for them`, async () => {
    // Arrange: rows the test above imported, as they now are.
    const current = bigRows('big', MAX_SYNC_IMPORT_ROWS + 1).map((r, i) =>
      i < MOVED ? { ...r, accessLevel: (r.accessLevel + 1) % 4 } : r,
    );

    // Act: the largest import applied at once.
    const res = await importJson({ datasets: current.slice(0, MAX_SYNC_IMPORT_ROWS) });

    // Assert
    expect(res.status).toBe(200);
    expect(DatasetImportResultSchema.parse(await res.json())).toMatchObject({
      unchanged: MAX_SYNC_IMPORT_ROWS,
      errors: [],
      complete: true,
    });

    // Arrange: one row more, three of them refused.
    const rows: unknown[] = [...current];
    rows[9] = { datasetId: '_bad', title: 'Bad id' };
    rows[99] = 'not an object';
    rows[MAX_SYNC_IMPORT_ROWS] = { datasetId: 'big-0000', title: 'Repeats row 1' };

    // Act
    const { job } = await importAsJob({ datasets: rows });

    // Assert
    expect(job).toMatchObject({
      status: 'complete',
      rows: MAX_SYNC_IMPORT_ROWS + 1,
      processed: MAX_SYNC_IMPORT_ROWS + 1,
      unchanged: MAX_SYNC_IMPORT_ROWS - 2,
    });
    expect(job.errors.map((e) => e.row)).toEqual([10, 100, MAX_SYNC_IMPORT_ROWS + 1]);
    expect(job.errors[0]?.message).toMatch(/datasetId/);
    expect(job.errors[2]?.message).toBe('datasetId: repeats row 1');
    expect(await getDataset(ctx, '_bad')).toBeUndefined();
    expect(await getDataset(ctx, 'big-0000')).toMatchObject({ title: 'Bulk dataset 0' });
  }, 300_000);

  it('answers 404 for an import that does not exist, and 403 to a researcher or a service', async () => {
    const path = '/v1/dataset-imports/i-none';
    await expectProblem(await send(app, { method: 'GET', path }, tokens.editor), 404);
    await expectProblem(await send(app, { method: 'GET', path }, tokens['researcher-own']), 403);
    await expectProblem(await send(app, { method: 'GET', path }, tokens.service), 403);
  });
});

describe('applyImportChunk', () => {
  let table: Awaited<ReturnType<typeof freshTable>>;
  let plain: StoreContext;

  beforeAll(async () => {
    table = await freshTable('import-chunk');
    plain = { doc: table.clients.doc, tableName: table.tableName, now: () => new Date() };
  });

  afterAll(() => table?.drop());

  const job = (importId: string, n: number) =>
    createImportJob(plain, {
      importId,
      reason: 'bulk import',
      actor: 'editor-1',
      entries: checkRows(bigRows(importId, n)),
    });

  it('applies a chunk processed twice at once exactly once, and both answer the same outcome', async () => {
    await job('twice', IMPORT_CHUNK_ROWS);

    const [a, b] = await Promise.all([
      applyImportChunk(plain, 'twice', 0),
      applyImportChunk(plain, 'twice', 0),
    ]);

    expect(a).toEqual(b);
    expect(a).toMatchObject({ created: IMPORT_CHUNK_ROWS, unchanged: 0, errors: [] });
    for (const i of [0, IMPORT_CHUNK_ROWS - 1]) {
      const id = `twice-${String(i).padStart(4, '0')}`;
      expect(await listAudit(plain, keys.dataset(id).pk), id).toHaveLength(1);
    }
    expect(await getImportJob(plain, 'twice')).toMatchObject({
      status: 'complete',
      created: IMPORT_CHUNK_ROWS,
    });
  });

  it('redelivered after a crash that followed its commit, reports what the first run did, not "unchanged"', async () => {
    // Arrange: a client whose first transaction commits and then loses its answer.
    await job('crash', 5);
    const ddb = new DynamoDBClient({ ...localClientConfig(dynamoEndpoint()), maxAttempts: 1 });
    let crashed = false;
    ddb.middlewareStack.add(
      (next, context) => async (args) => {
        const out = await next(args);
        if (!crashed && context.commandName === 'TransactWriteItemsCommand') {
          crashed = true;
          throw new Error('crashed after the commit');
        }
        return out;
      },
      { step: 'initialize', name: 'crash-after-commit' },
    );
    const crashing: StoreContext = { ...plain, doc: documentClient(ddb) };

    // Act
    await expect(applyImportChunk(crashing, 'crash', 0)).rejects.toThrow(
      'crashed after the commit',
    );
    const again = await applyImportChunk(crashing, 'crash', 0);

    // Assert
    expect(crashed).toBe(true);
    expect(again).toMatchObject({ created: 5, updated: 0, unchanged: 0 });
    expect(await listAudit(plain, keys.dataset('crash-0004').pk)).toHaveLength(1);
  });

  it('answers nothing for a chunk that does not exist, and writes nothing', async () => {
    expect(await applyImportChunk(plain, 'no-such-import', 0)).toBeUndefined();
    expect(await getImportJob(plain, 'no-such-import')).toBeUndefined();
  });
});

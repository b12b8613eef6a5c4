/** `POST /v1/dataset-imports` (JSON and CSV) and the CSV parser behind it. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkRows,
  importDatasets,
  MAX_ROW_MESSAGE,
  NOT_REACHED,
  parseCsv,
} from '../../functions/api/imports.js';
import type { ApiApp } from '../../functions/api/index.js';
import { ApiProblem } from '../../functions/api/index.js';
import {
  documentClient,
  getDataset,
  keys,
  listAudit,
  putDataset,
  type StoreContext,
} from '../../functions/store/index.js';
import { localClientConfig } from '../../local/table-setup.js';
import { DatasetImportResultSchema } from '../../schemas/index.js';
import { dynamoEndpoint } from '../support/dynamo.js';
import { aDataset } from '../support/seed.js';
import { apiOnFreshTable, type Caller, expectProblem, send, snapshot } from './support.js';

let app: ApiApp;
let ctx: StoreContext;
let tokens: Record<Caller, string | undefined>;

beforeAll(async () => {
  ({ app, ctx, tokens } = await apiOnFreshTable('api-imports'));
});

const importCsv = (csv: string, query = '') =>
  send(
    app,
    { method: 'POST', path: `/v1/dataset-imports${query}`, body: csv, contentType: 'text/csv' },
    tokens.editor,
  );
const importJson = (json: unknown) =>
  send(app, { method: 'POST', path: '/v1/dataset-imports', json }, tokens.editor);

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and CRLF or LF line ends', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\nlines"\n\nplain,,last\n';
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\nlines'],
      ['plain', '', 'last'],
    ]);
  });

  it('rejects an unterminated quote, a quote inside a field and text after a closing quote', () => {
    const problem = (text: string) => {
      try {
        parseCsv(text);
      } catch (err) {
        expect(err).toBeInstanceOf(ApiProblem);
        return {
          status: (err as ApiProblem).status,
          detail: JSON.stringify((err as ApiProblem).problem),
        };
      }
      throw new Error('parsed');
    };
    expect(problem('a\n"open')).toMatchObject({ status: 400 });
    expect(problem('a\nab"c').detail).toContain('line 2: a quote inside an unquoted field');
    expect(problem('a\n"x"y').detail).toContain('line 2: text after a closing quote');
    expect(problem('a\n"open').detail).toContain('line 2: an unterminated quoted field');
  });
});

describe('POST /v1/dataset-imports with JSON', () => {
  it('applies the valid rows, reports the invalid ones by row number, and counts outcomes', async () => {
    await aDataset(ctx, 'j-existing', 2);
    await aDataset(ctx, 'j-same', 1);

    const res = await importJson({
      datasets: [
        { datasetId: 'j-new', title: 'New', accessLevel: 3, owner: 'ONS' },
        { datasetId: 'j-existing', title: 'Dataset j-existing', accessLevel: 1 },
        { datasetId: 'j-same', title: 'Dataset j-same', accessLevel: 1 },
        { datasetId: '_bad', title: 'Bad id' },
        { datasetId: 'j-nolevel', title: 'No level', accessLevel: 9 },
        'not an object',
        { datasetId: 'j-new', title: 'Repeated' },
      ],
    });

    expect(res.status).toBe(200);
    const result = DatasetImportResultSchema.parse(await res.json());
    expect(result).toMatchObject({ created: 1, updated: 1, unchanged: 1 });
    expect(result.errors.map((e) => e.row)).toEqual([4, 5, 6, 7]);
    expect(result.errors[0]?.message).toMatch(/datasetId/);
    expect(result.errors[1]?.message).toMatch(/accessLevel/);
    expect(await getDataset(ctx, 'j-new')).toMatchObject({ title: 'New', accessLevel: 3 });
    expect(await getDataset(ctx, 'j-existing')).toMatchObject({ accessLevel: 1 });
    expect(await getDataset(ctx, '_bad')).toBeUndefined();
    expect(await getDataset(ctx, 'j-nolevel')).toBeUndefined();
  });

  it('keeps a row message short however many fields the row gets wrong, counting the rest', async () => {
    // Arrange: a row with 2,000 unknown fields.
    const row: Record<string, unknown> = { datasetId: 'j-wide', title: 'Wide' };
    for (let i = 0; i < 2000; i++) row[`extra${i}`] = i;

    // Act
    const res = await importJson({ datasets: [row] });

    // Assert
    expect(res.status).toBe(200);
    const [error] = DatasetImportResultSchema.parse(await res.json()).errors;
    expect(error?.row).toBe(1);
    expect(error?.message.length).toBeLessThanOrEqual(MAX_ROW_MESSAGE + 20);
    expect(error?.message).toMatch(/^extra0: is not a known field; .*; and \d+ more$/);
    expect(await getDataset(ctx, 'j-wide')).toBeUndefined();
  });

  it('records the body reason, or "bulk import", on a level change', async () => {
    await aDataset(ctx, 'j-reason', 3);
    await aDataset(ctx, 'j-default', 3);
    await importJson({
      datasets: [{ datasetId: 'j-reason', title: 'Dataset j-reason', accessLevel: 2 }],
      reason: 'owner review',
    });
    await importJson({
      datasets: [{ datasetId: 'j-default', title: 'Dataset j-default', accessLevel: 2 }],
    });
    expect((await listAudit(ctx, keys.dataset('j-reason').pk))[0]?.reason).toBe('owner review');
    expect((await listAudit(ctx, keys.dataset('j-default').pk))[0]?.reason).toBe('bulk import');
  });

  it('answers 400 for a body without datasets, and changes nothing', async () => {
    const before = await snapshot(ctx);
    for (const json of [{}, { datasets: 'x' }, [], { datasets: [], extra: 1 }]) {
      await expectProblem(await importJson(json), 400);
    }
    expect(await snapshot(ctx)).toEqual(before);
  });
});

describe('POST /v1/dataset-imports with CSV', () => {
  it('parses quoted titles, omits an empty level, and reports short rows', async () => {
    await aDataset(ctx, 'c-keep', 2);
    const csv = [
      'datasetId,title,accessLevel,owner',
      'c-1,"Census, 2021 ""final""",2,ONS',
      'c-2,Unclassified one,,',
      'c-keep,Dataset c-keep,,',
      'c-short,only two',
      'c-3,"Multi',
      'line title",0,"Owner, Ltd"',
      'c-bad,Bad level,high,',
    ].join('\r\n');

    const res = await importCsv(csv);

    expect(res.status).toBe(200);
    const result = DatasetImportResultSchema.parse(await res.json());
    expect(result).toMatchObject({ created: 3, updated: 0, unchanged: 1 });
    expect(result.errors.map((e) => e.row)).toEqual([4, 6]);
    expect(await getDataset(ctx, 'c-1')).toMatchObject({
      title: 'Census, 2021 "final"',
      accessLevel: 2,
      owner: 'ONS',
    });
    expect(await getDataset(ctx, 'c-2')).toMatchObject({ accessLevel: null });
    expect(await getDataset(ctx, 'c-keep')).toMatchObject({ accessLevel: 2 });
    expect(await getDataset(ctx, 'c-3')).toMatchObject({
      title: 'Multi\r\nline title',
      accessLevel: 0,
      owner: 'Owner, Ltd',
    });
    expect(await getDataset(ctx, 'c-short')).toBeUndefined();
    expect(await getDataset(ctx, 'c-bad')).toBeUndefined();
  });

  it('accepts the columns in any order and takes the reason from the query', async () => {
    await aDataset(ctx, 'c-order', 3);
    const res = await importCsv(
      'title,datasetId,accessLevel\n"Dataset c-order",c-order,1\n',
      '?reason=annual%20review',
    );
    expect(DatasetImportResultSchema.parse(await res.json())).toMatchObject({ updated: 1 });
    expect((await listAudit(ctx, keys.dataset('c-order').pk))[0]?.reason).toBe('annual review');
  });

  it('answers 400 for a bad header or malformed CSV, and changes nothing', async () => {
    const before = await snapshot(ctx);
    for (const csv of [
      'id,title\nx,y',
      'datasetId,title,colour\nx,y,z',
      'datasetId,datasetId,title\nx,x,y',
      'datasetId,title\nc-open,"unterminated',
      '',
    ]) {
      await expectProblem(await importCsv(csv), 400);
    }
    expect(await snapshot(ctx)).toEqual(before);
  });

  it('answers 415 for another content type and 400 for no body, changing nothing', async () => {
    const before = await snapshot(ctx);
    await expectProblem(
      await send(
        app,
        { method: 'POST', path: '/v1/dataset-imports', body: 'x', contentType: 'text/plain' },
        tokens.editor,
      ),
      415,
    );
    await expectProblem(
      await send(app, { method: 'POST', path: '/v1/dataset-imports' }, tokens.editor),
      400,
    );
    expect(await snapshot(ctx)).toEqual(before);
  });
});

describe('importDatasets', () => {
  const rows = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      datasetId: `${prefix}-${i}`,
      title: `Dataset ${prefix}-${i}`,
      accessLevel: 2,
    }));

  it('stops at its time budget and reports every row it did not reach, which changed nothing', async () => {
    // Arrange: three chunks of rows; time is up after the first chunk starts.
    let asked = 0;
    const stop = () => ++asked > 1;

    // Act
    const result = await importDatasets(
      ctx,
      checkRows(rows('budget', 250)),
      'bulk import',
      'editor-1',
      stop,
    );

    // Assert
    expect(result.complete).toBe(false);
    expect(result.created).toBe(100);
    expect(result.errors.map((e) => e.row)).toEqual(Array.from({ length: 150 }, (_, i) => i + 101));
    expect(new Set(result.errors.map((e) => e.message))).toEqual(new Set([NOT_REACHED]));
    expect(await getDataset(ctx, 'budget-99')).toBeDefined();
    expect(await getDataset(ctx, 'budget-100')).toBeUndefined();
    expect(await getDataset(ctx, 'budget-249')).toBeUndefined();
  });

  it('replays a chunk row by row when a row moved after it was read: none lost, none twice', async () => {
    // Arrange: a client that, just before the first batched transaction,
    // retitles one of its rows through another writer.
    await aDataset(ctx, 'moved-3', 1);
    const ddb = new DynamoDBClient({ ...localClientConfig(dynamoEndpoint()), maxAttempts: 1 });
    let interfered = false;
    ddb.middlewareStack.add(
      (next, context) => async (args) => {
        if (!interfered && context.commandName === 'TransactWriteItemsCommand') {
          interfered = true;
          await putDataset(ctx, 'moved-3', { title: 'Retitled meanwhile' }, 'someone-else');
        }
        return next(args);
      },
      { step: 'initialize', name: 'interfere' },
    );
    const racing: StoreContext = { ...ctx, doc: documentClient(ddb) };

    // Act
    const result = await importDatasets(
      racing,
      checkRows(rows('moved', 5)),
      'bulk import',
      'editor-1',
    );

    // Assert
    expect(interfered).toBe(true);
    expect(result).toMatchObject({ created: 4, updated: 1, unchanged: 0, errors: [] });
    expect(result.changes.map((c) => c.datasetId)).toEqual(['moved-3']);
    expect(await getDataset(ctx, 'moved-3')).toMatchObject({
      title: 'Dataset moved-3',
      accessLevel: 2,
      version: 3,
    });
    for (let i = 0; i < 5; i++) {
      const audit = await listAudit(ctx, keys.dataset(`moved-${i}`).pk);
      expect(
        audit.filter((a) => a.actor === 'editor-1'),
        `moved-${i}`,
      ).toHaveLength(1);
    }
  });
});

/** Dataset endpoints: catalogue entries, level changes, preview, history, users, imports. */
import { createRoute, z } from '@hono/zod-openapi';
import {
  AccessLevelChangeBodySchema,
  AccessLevelChangeResultSchema,
  AccessLevelPreviewBodySchema,
  AuditPageSchema,
  DatasetImportBodySchema,
  DatasetImportJobSchema,
  DatasetImportResultSchema,
  DatasetPutBodySchema,
  DatasetSchema,
  DatasetWriteResultSchema,
  ImpactSchema,
  ProjectRefPageSchema,
  ReasonSchema,
} from '../../../schemas/index.js';
import {
  auditPartition,
  createImportJob,
  getDataset,
  getImportJob,
  keys,
  listAuditPage,
  listProjectsOfDataset,
  newImportId,
  prefixes,
  putDataset,
  refPartitions,
  type StoreContext,
  setDatasetLevel,
} from '../../store/index.js';
import { ANY_ROLE, actorOf, endpoint } from '../authorization.js';
import {
  checkRows,
  DEFAULT_IMPORT_REASON,
  IMPORT_BUDGET_MS,
  importDatasets,
  MAX_SYNC_IMPORT_ROWS,
  rowsFromCsv,
} from '../imports.js';
import {
  CHANGE_ID,
  COMMON_PROBLEMS,
  ETAG,
  header,
  jsonResponse,
  problemResponses,
} from '../openapi.js';
import {
  DatasetParams,
  DEFAULT_PAGE_SIZE,
  decodePageToken,
  encodePageToken,
  expectedVersion,
  IfMatchHeaders,
  ImportParams,
  notFound,
  PageQuery,
  partitionKeyShape,
  readPage,
  refKeyShape,
} from '../params.js';
import { etag, validationProblem } from '../problem.js';
import { previewLevelChange } from '../queries.js';
import type { ApiApp } from '../types.js';

const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

const putDatasetRoute = createRoute({
  ...endpoint({
    id: 'putDataset',
    method: 'put',
    path: '/v1/datasets/{datasetId}',
    summary: 'Create or replace a dataset of the catalogue',
    tag: 'Datasets',
    roles: ['editor', 'admin'],
  }),
  request: { params: DatasetParams, headers: IfMatchHeaders, body: jsonBody(DatasetPutBodySchema) },
  responses: {
    200: jsonResponse(DatasetWriteResultSchema, 'Updated (or unchanged)', {
      ...ETAG,
      ...CHANGE_ID,
    }),
    201: jsonResponse(DatasetWriteResultSchema, 'Created', { ...ETAG, ...CHANGE_ID }),
    ...problemResponses(...COMMON_PROBLEMS, 412, 413, 415),
  },
});

const getDatasetRoute = createRoute({
  ...endpoint({
    id: 'getDataset',
    method: 'get',
    path: '/v1/datasets/{datasetId}',
    summary: 'Read a dataset',
    tag: 'Datasets',
    roles: ANY_ROLE,
  }),
  request: { params: DatasetParams },
  responses: {
    200: jsonResponse(DatasetSchema, 'The dataset', ETAG),
    ...problemResponses(...COMMON_PROBLEMS, 404),
  },
});

const setLevelRoute = createRoute({
  ...endpoint({
    id: 'setDatasetAccessLevel',
    method: 'put',
    path: '/v1/datasets/{datasetId}/access-level',
    summary: "Change a dataset's access level",
    tag: 'Datasets',
    roles: ['editor', 'admin'],
  }),
  request: {
    params: DatasetParams,
    headers: IfMatchHeaders,
    body: jsonBody(AccessLevelChangeBodySchema),
  },
  responses: {
    200: jsonResponse(
      AccessLevelChangeResultSchema,
      'Changed; follow `changeId` for propagation',
      ETAG,
    ),
    ...problemResponses(...COMMON_PROBLEMS, 404, 412, 413, 415),
  },
});

const previewRoute = createRoute({
  ...endpoint({
    id: 'previewDatasetAccessLevel',
    method: 'post',
    path: '/v1/datasets/{datasetId}/access-level/preview',
    summary: 'Preview who a level change would affect (changes nothing)',
    tag: 'Datasets',
    roles: ['editor', 'admin'],
  }),
  request: { params: DatasetParams, body: jsonBody(AccessLevelPreviewBodySchema) },
  responses: {
    200: jsonResponse(ImpactSchema, 'What the change would do; nothing changed'),
    ...problemResponses(...COMMON_PROBLEMS, 404, 413, 415),
  },
});

const historyRoute = createRoute({
  ...endpoint({
    id: 'getDatasetHistory',
    method: 'get',
    path: '/v1/datasets/{datasetId}/history',
    summary: "A dataset's audit trail, newest first",
    tag: 'Datasets',
    roles: ['editor', 'admin'],
  }),
  request: { params: DatasetParams, query: PageQuery },
  responses: {
    200: jsonResponse(AuditPageSchema, 'Audit entries, newest first'),
    ...problemResponses(...COMMON_PROBLEMS, 404),
  },
});

const projectsRoute = createRoute({
  ...endpoint({
    id: 'listDatasetProjects',
    method: 'get',
    path: '/v1/datasets/{datasetId}/projects',
    summary: 'The projects that use a dataset',
    tag: 'Datasets',
    roles: ['editor', 'admin', 'service'],
  }),
  request: { params: DatasetParams, query: PageQuery },
  responses: {
    200: jsonResponse(ProjectRefPageSchema, 'A page of the projects using the dataset'),
    ...problemResponses(...COMMON_PROBLEMS, 404),
  },
});

const importRoute = createRoute({
  ...endpoint({
    id: 'importDatasets',
    method: 'post',
    path: '/v1/dataset-imports',
    summary: 'Import datasets in bulk (JSON or CSV)',
    tag: 'Datasets',
    roles: ['editor', 'admin'],
  }),
  request: {
    query: z.object({
      reason: ReasonSchema.optional().meta({
        description: `Audit reason for CSV imports (default "${DEFAULT_IMPORT_REASON}")`,
      }),
    }),
    body: {
      // Not `required`: the JSON validator must let a CSV body through to the handler.
      description:
        'JSON `{ datasets: [...] }`, or `text/csv` with header `datasetId,title,accessLevel,owner`',
      content: {
        'application/json': { schema: DatasetImportBodySchema },
        'text/csv': {
          schema: z.string().meta({
            example: 'datasetId,title,accessLevel,owner\ncensus-2021,"Census 2021",2,ONS\n',
          }),
        },
      },
    },
  },
  responses: {
    200: jsonResponse(
      DatasetImportResultSchema,
      `Up to ${MAX_SYNC_IMPORT_ROWS} rows: valid rows applied, invalid rows reported`,
    ),
    202: jsonResponse(
      DatasetImportJobSchema,
      `More than ${MAX_SYNC_IMPORT_ROWS} rows: accepted as a job; poll its Location until \`status\` is \`complete\``,
      {
        Location: header('The job to poll: /v1/dataset-imports/{importId}'),
        'Retry-After': header('Seconds to wait before the first poll'),
      },
    ),
    ...problemResponses(...COMMON_PROBLEMS, 413, 415),
  },
});

const importJobRoute = createRoute({
  ...endpoint({
    id: 'getDatasetImport',
    method: 'get',
    path: '/v1/dataset-imports/{importId}',
    summary: 'An import accepted as a job: its progress and per-row report',
    tag: 'Datasets',
    roles: ['editor', 'admin'],
  }),
  request: { params: ImportParams },
  responses: {
    200: jsonResponse(DatasetImportJobSchema, 'The job, with what its rows did so far'),
    ...problemResponses(...COMMON_PROBLEMS, 404),
  },
});

/** Seconds a client waits before it first polls a new import job. */
const IMPORT_POLL_AFTER_S = 2;

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Registers the dataset endpoints. */
export function registerDatasetRoutes(app: ApiApp, ctx: StoreContext): void {
  app.openapi(putDatasetRoute, async (c) => {
    const { datasetId } = c.req.valid('param');
    const version = expectedVersion(c.req.valid('header')['if-match']);
    const write = await putDataset(ctx, datasetId, c.req.valid('json'), actorOf(c), version);
    c.header('ETag', etag(write.dataset.version));
    if (write.changeId !== undefined) c.header('Change-Id', write.changeId);
    const changeId = write.changeId ?? write.lastChangeId;
    const body = { ...write.dataset, ...(changeId !== undefined && { changeId }) };
    if (write.outcome === 'created') return c.json(body, 201);
    return c.json(body, 200);
  });

  app.openapi(getDatasetRoute, async (c) => {
    const { datasetId } = c.req.valid('param');
    const dataset = await getDataset(ctx, datasetId);
    if (!dataset) throw notFound('dataset', datasetId);
    c.header('ETag', etag(dataset.version));
    return c.json(dataset, 200);
  });

  app.openapi(setLevelRoute, async (c) => {
    const { datasetId } = c.req.valid('param');
    const { accessLevel, reason } = c.req.valid('json');
    const version = expectedVersion(c.req.valid('header')['if-match']);
    const result = await setDatasetLevel(ctx, datasetId, accessLevel, reason, actorOf(c), version);
    c.header('ETag', etag(result.dataset.version));
    return c.json(result, 200);
  });

  app.openapi(previewRoute, async (c) => {
    const { datasetId } = c.req.valid('param');
    const impact = await previewLevelChange(ctx, datasetId, c.req.valid('json').accessLevel);
    return c.json(impact, 200);
  });

  app.openapi(historyRoute, async (c) => {
    const { datasetId } = c.req.valid('param');
    const { limit, nextToken } = c.req.valid('query');
    const pk = keys.dataset(datasetId).pk;
    // The audit entries live in their own partition beside the dataset's.
    const startKey = decodePageToken(
      nextToken,
      partitionKeyShape(auditPartition(pk), prefixes.audit),
    );
    if (!(await getDataset(ctx, datasetId))) throw notFound('dataset', datasetId);
    const page = await readPage(startKey, () =>
      listAuditPage(ctx, pk, { limit: limit ?? DEFAULT_PAGE_SIZE, startKey }),
    );
    return c.json(
      { items: page.items, ...(page.nextKey && { nextToken: encodePageToken(page.nextKey) }) },
      200,
    );
  });

  app.openapi(projectsRoute, async (c) => {
    const { datasetId } = c.req.valid('param');
    const { limit, nextToken } = c.req.valid('query');
    const ref = refPartitions.dataset(datasetId);
    const startKey = decodePageToken(nextToken, refKeyShape(ref, prefixes.project));
    if (!(await getDataset(ctx, datasetId))) throw notFound('dataset', datasetId);
    const page = await readPage(startKey, () =>
      listProjectsOfDataset(ctx, datasetId, { limit: limit ?? DEFAULT_PAGE_SIZE, startKey }),
    );
    return c.json(
      {
        items: page.ids.map((projectId) => ({ projectId })),
        ...(page.nextKey && { nextToken: encodePageToken(page.nextKey) }),
      },
      200,
    );
  });

  app.openapi(importRoute, async (c) => {
    const deadline = Date.now() + IMPORT_BUDGET_MS;
    const type = mediaType(c.req.header('content-type'));
    let rows: readonly unknown[];
    let reason: string;
    if (type === 'text/csv') {
      rows = rowsFromCsv(await c.req.text());
      reason = c.req.valid('query').reason ?? DEFAULT_IMPORT_REASON;
    } else if (type !== '') {
      const body = c.req.valid('json');
      // Only JSON reaches the JSON validator; the union with the CSV string is nominal.
      if (typeof body !== 'object')
        throw validationProblem([{ path: 'body', message: 'must be a JSON object' }]);
      rows = body.datasets;
      reason = body.reason ?? c.req.valid('query').reason ?? DEFAULT_IMPORT_REASON;
    } else {
      throw validationProblem(
        [{ path: 'body', message: 'is required' }],
        'Send the datasets as application/json ({ "datasets": [...] }) or text/csv.',
      );
    }
    const entries = checkRows(rows);
    if (entries.length > MAX_SYNC_IMPORT_ROWS) {
      const importId = newImportId(ctx.now());
      const job = await createImportJob(ctx, { importId, reason, actor: actorOf(c), entries });
      c.header('Location', `/v1/dataset-imports/${importId}`);
      c.header('Retry-After', String(IMPORT_POLL_AFTER_S));
      return c.json(job, 202);
    }
    return c.json(
      await importDatasets(ctx, entries, reason, actorOf(c), () => Date.now() > deadline),
      200,
    );
  });

  app.openapi(importJobRoute, async (c) => {
    const { importId } = c.req.valid('param');
    const job = await getImportJob(ctx, importId);
    if (!job) throw notFound('import', importId);
    return c.json(job, 200);
  });
}

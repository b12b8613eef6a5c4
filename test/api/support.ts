/**
 * Fixtures of the API tests: the app on a fresh DynamoDB Local table, a token
 * per caller, a request helper, table snapshots and synchronous propagation.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, expect } from 'vitest';
import { type ApiLogger, createApp } from '../../functions/api/index.js';
import { runChangePage } from '../../functions/propagation/index.js';
import { getChangeItem, keys, type StoreContext, scanTable } from '../../functions/store/index.js';
import { localJwtAuthenticator, signLocalToken } from '../../local/auth.js';
import { asApi, invocation } from '../../local/aws-calls.js';
import { CursorItemSchema, ProblemSchema } from '../../schemas/index.js';
import { awsCallsDir, freshTable } from '../support/dynamo.js';
import { fullAoc } from '../support/factories.js';
import { validated } from '../support/openapi-responses.js';
import { aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';

/** The local signing secret of the tests. */
export const SECRET = 'api-test-secret';

/** The callers every route is tried with. */
export const CALLERS = [
  'none',
  'editor',
  'admin',
  'researcher-own',
  'researcher-other',
  'service',
] as const;
export type Caller = (typeof CALLERS)[number];

/** The researcher the `researcher-own` caller is (a member of project `p-1`). */
export const OWN_RESEARCHER = 'r-own';
/** The researcher the `researcher-other` caller is (a member of nothing). */
export const OTHER_RESEARCHER = 'r-other';

/** One bearer token per caller (`none` has none). */
export async function tokensFor(): Promise<Record<Caller, string | undefined>> {
  return {
    none: undefined,
    editor: await signLocalToken('editor', { secret: SECRET }),
    admin: await signLocalToken('admin', { secret: SECRET }),
    'researcher-own': await signLocalToken('researcher', {
      secret: SECRET,
      researcherId: OWN_RESEARCHER,
    }),
    'researcher-other': await signLocalToken('researcher', {
      secret: SECRET,
      researcherId: OTHER_RESEARCHER,
    }),
    service: await signLocalToken('service', { secret: SECRET }),
  };
}

/** A log sink that keeps every line, to assert on what is (not) logged. */
export function captureLogs(): ApiLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message, attributes) => {
      lines.push(JSON.stringify({ message, ...attributes }));
    },
    error: (message, attributes) => {
      lines.push(JSON.stringify({ message, ...attributes }));
    },
  };
}

/** The API on a fresh table. */
export async function apiOnFreshTable(prefix: string) {
  const { tableName, clients } = await freshTable(prefix);
  return apiOn({ doc: clients.doc, tableName, now: () => new Date() });
}

/** The app on `ctx`'s table (a pipeline's, say), its log capture and a token per caller. */
export async function apiOn(ctx: StoreContext, options: { feedHorizonMs?: number } = {}) {
  const logs = captureLogs();
  const app = createApp({ ctx, auth: localJwtAuthenticator(SECRET), logger: logs, ...options });
  // Requests run as the deployed `api` function, whose AWS calls are recorded.
  // Every response is held to the OpenAPI document the app serves.
  app.request = asApi(awsCallsDir(), app.request) as typeof app.request;
  validated(app);
  return { ctx, app, logs, tokens: await tokensFor() };
}

/** The app on a fresh table, its log capture and a token per caller. */
export type Api = Awaited<ReturnType<typeof apiOnFreshTable>>;

/**
 * The app on a fresh table seeded with {@link seedWorld} and then `more`, set
 * up before the file's tests run; its fields are there from the first test on.
 */
export function seededApi(prefix: string, more?: (ctx: StoreContext) => Promise<void>): Api {
  const api = {} as Api;
  beforeAll(async () => {
    Object.assign(api, await apiOnFreshTable(prefix));
    await seedWorld(api.ctx);
    await more?.(api.ctx);
  });
  return api;
}

/** What a test request carries. */
export interface RequestSpec {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE' | 'PATCH' | 'HEAD' | 'OPTIONS';
  readonly path: string;
  /** Sent as JSON with `Content-Type: application/json`. */
  readonly json?: unknown;
  /** Sent as is, with `contentType` if given. */
  readonly body?: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

/** Sends a request to the app as `token`'s bearer. */
export function send(
  app: { request: (input: string, init?: RequestInit) => Response | Promise<Response> },
  spec: RequestSpec,
  token?: string,
): Promise<Response> {
  const headers: Record<string, string> = { ...spec.headers };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (spec.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(spec.json);
  } else if (spec.body !== undefined) {
    if (spec.contentType !== undefined) headers['content-type'] = spec.contentType;
    body = spec.body;
  }
  return Promise.resolve(app.request(spec.path, { method: spec.method, headers, body }));
}

/** `GET path` as `caller`. */
export function getAs(api: Api, path: string, caller: Caller): Promise<Response> {
  return send(api.app, { method: 'GET', path }, api.tokens[caller]);
}

/** Every item of the table, sorted, as comparable text. */
export async function snapshot(ctx: StoreContext): Promise<string[]> {
  const items: string[] = [];
  for await (const item of scanTable(ctx))
    items.push(JSON.stringify(item, Object.keys(item).sort()));
  return items.sort();
}

/**
 * Carries a change out synchronously, page by page, the way the stream
 * consumer would: page 0 from the change record, later pages from the
 * cursors the previous page wrote.
 */
export function applyChange(ctx: StoreContext, changeId: string): Promise<void> {
  return invocation(awsCallsDir(), 'changes', () => applyPages(ctx, changeId));
}

async function applyPages(ctx: StoreContext, changeId: string): Promise<void> {
  await runChangePage(ctx, changeId, 0);
  for (let page = 1; page < 1000; page++) {
    const change = await getChangeItem(ctx, changeId);
    if (!change || change.status === 'applied') return;
    const out = await ctx.doc.send(
      new GetCommand({
        TableName: ctx.tableName,
        Key: keys.cursor(changeId, page),
        ConsistentRead: true,
      }),
    );
    if (!out.Item)
      throw new Error(`change ${changeId} is pending without a cursor for page ${page}`);
    const cursor = CursorItemSchema.parse(out.Item);
    await runChangePage(
      ctx,
      changeId,
      page,
      JSON.parse(cursor.startKey) as Record<string, unknown>,
    );
  }
}

/** Asserts a response is a problem of `status` and returns its body. */
export async function expectProblem(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  const body = ProblemSchema.parse(await res.json());
  expect(body.status).toBe(status);
  expect(body.title).not.toBe('');
  expect(body.detail).not.toBe('');
  expect(body.type).not.toBe('');
  return body;
}

/**
 * The shared world of most tests: organisation `org-full` (full AOC);
 * researchers `r-own` (member of `p-1`) and `r-other` (member of nothing);
 * datasets `d-1` (level 3) and `d-2` (level 1, used by nothing); project
 * `p-1` using `d-1`. Every change is applied.
 */
export async function seedWorld(ctx: StoreContext) {
  await anOrganisation(ctx, 'org-full', fullAoc());
  const changes: string[] = [];
  changes.push((await aResearcher(ctx, OWN_RESEARCHER, 'org-full')).changeId);
  changes.push((await aResearcher(ctx, OTHER_RESEARCHER, 'org-full')).changeId);
  await aDataset(ctx, 'd-1', 3);
  await aDataset(ctx, 'd-2', 1);
  changes.push(...(await aProject(ctx, 'p-1', ['d-1'], [OWN_RESEARCHER])));
  for (const id of changes) await applyChange(ctx, id);
  return { changeId: changes[changes.length - 1] as string };
}

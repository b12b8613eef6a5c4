/**
 * Hostile input on every endpoint that takes input (docs/api.md): more than 10,000 generated requests, each with something wrong in its
 * path, body or headers: random JSON, wrong types, huge strings, deep
 * nesting, unicode, prototype-pollution keys, bad ids in paths (encoded
 * slashes, dots, `..`), bad content types, bad `If-Match` values, truncated
 * JSON, bodies just over 1 MiB, missing or forged credentials. Every answer
 * is a 4xx `application/problem+json` with type, title, status and detail,
 * never a 5xx, and the table is exactly as it was.
 *
 * A generated request is used only if it is certainly to be refused (the
 * classifier below, which follows the routing, authorization and validation
 * rules); the assertions then check the app agrees, and the table snapshot
 * catches anything the classifier got wrong. Bulk imports whose envelope is
 * valid report bad rows in a `200` (the design's contract): they have a
 * property of their own.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsFromCsv } from '../../functions/api/imports.js';
import { type ApiApp, decide, MAX_BODY_BYTES, type Principal } from '../../functions/api/index.js';
import { logger } from '../../functions/commons/index.js';
import type { StoreContext } from '../../functions/store/index.js';
import { signLocalToken } from '../../local/auth.js';
import {
  AccessCheckRequestSchema,
  AccessLevelChangeBodySchema,
  AccessLevelPreviewBodySchema,
  DatasetImportBodySchema,
  DatasetImportRowSchema,
  DatasetPutBodySchema,
  IdSchema,
  OrganisationPutBodySchema,
  ProblemSchema,
  ProjectPutBodySchema,
  ResearcherPutBodySchema,
} from '../../schemas/index.js';
import { apiOnFreshTable, OWN_RESEARCHER, SECRET, seedWorld, snapshot } from '../api/support.js';
import { DEPTH, runs } from '../support/property.js';
import { honoPath, ROUTE_IDS, ruleOf } from '../support/routes.js';

logger.setLogLevel('SILENT');

/** Generated requests per endpoint, and rows-only import requests (at this run's depth): at least 10,000 in all. */
const RUNS_PER_ENDPOINT = runs(800);
const IMPORT_ROW_RUNS = runs(500);
/** Bound of each property's test, growing with the depth. */
const PROPERTY_TIMEOUT = 300_000 * DEPTH;

// ---------------------------------------------------------------------------
// The endpoints and what exists in the seeded world
// ---------------------------------------------------------------------------

type BodySchema = { safeParse(value: unknown): { success: boolean } };

/** A valid researcher body (the PUT's and the preview's). */
const RESEARCHER_BODY = {
  name: 'N',
  email: 'n@example.org',
  organisationId: 'org-full',
  accreditation: { status: 'none', homeAddressOnFile: false },
};

/** The endpoints that take input, with a valid body to start mutating from. */
const TARGETS = {
  putDataset: { body: DatasetPutBodySchema, valid: { title: 'T', accessLevel: 2, reason: 'r' } },
  setDatasetAccessLevel: {
    body: AccessLevelChangeBodySchema,
    valid: { accessLevel: 1, reason: 'r' },
  },
  previewDatasetAccessLevel: { body: AccessLevelPreviewBodySchema, valid: { accessLevel: 1 } },
  importDatasets: {
    body: DatasetImportBodySchema,
    valid: { datasets: [{ datasetId: 'd-new', title: 'T' }] },
  },
  putProject: { body: ProjectPutBodySchema, valid: { title: 'T' } },
  linkProjectDataset: {},
  unlinkProjectDataset: {},
  addProjectResearcher: {},
  removeProjectResearcher: {},
  checkAccess: {
    body: AccessCheckRequestSchema,
    valid: { projectId: 'p-1', researcherId: OWN_RESEARCHER, route: 'safepod' },
  },
  putOrganisation: { body: OrganisationPutBodySchema, valid: { name: 'N', agreements: {} } },
  putResearcher: { body: ResearcherPutBodySchema, valid: RESEARCHER_BODY },
  previewOrganisationChange: {
    body: OrganisationPutBodySchema,
    valid: { name: 'N', agreements: {} },
  },
  previewResearcherChange: { body: ResearcherPutBodySchema, valid: RESEARCHER_BODY },
} satisfies Partial<Record<string, { body?: BodySchema; valid?: unknown }>>;
type Target = keyof typeof TARGETS;

/** The seeded world (`seedWorld`): what a path may name that exists. */
const WORLD = {
  datasetId: new Set(['d-1', 'd-2']),
  projectId: new Set(['p-1']),
  researcherId: new Set([OWN_RESEARCHER, 'r-other']),
  organisationId: new Set(['org-full']),
  links: new Set(['p-1/d-1']),
  members: new Set([`p-1/${OWN_RESEARCHER}`]),
  /** The version of every seeded dataset. */
  datasetVersion: 1,
};

// ---------------------------------------------------------------------------
// Requests and the classifier: is a request certainly refused?
// ---------------------------------------------------------------------------

type Caller = 'admin' | 'editor' | 'researcher' | 'service' | 'none' | 'forged' | 'expired';

interface HostileRequest {
  readonly method: 'PUT' | 'POST' | 'DELETE';
  readonly path: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly ifMatch?: string;
  readonly caller: Caller;
}

const PRINCIPALS: Partial<Record<Caller, Principal>> = {
  admin: { subject: 'admin', roles: new Set(['admin']) },
  editor: { subject: 'editor', roles: new Set(['editor']) },
  researcher: { subject: 'r', roles: new Set(['researcher']), researcherId: OWN_RESEARCHER },
  service: { subject: 'service', roles: new Set(['service']) },
};

const JSON_MEDIA = /^application\/([\w.-]+\+)?json$/i;
const mediaType = (contentType: string | undefined) =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
const IF_MATCH = /^(?:\*|[1-9][0-9]{0,14}|"[1-9][0-9]{0,14}")$/;

function tryDecode(text: string, decode: (s: string) => string): string {
  try {
    return decode(text);
  } catch {
    return text;
  }
}

/** The route a request reaches (as Hono routes it after URL normalisation) and its decoded parameters. */
function route(
  method: string,
  path: string,
): { id: string; params: Record<string, string> } | 'no route' | 'other method' {
  let pathname: string;
  try {
    pathname = new URL(`http://localhost${path}`).pathname;
  } catch {
    return 'no route';
  }
  const routed = tryDecode(pathname.replace(/%25/g, '%2525'), decodeURI).split('/');
  let otherMethod = false;
  for (const id of ROUTE_IDS) {
    const rule = ruleOf(id);
    const parts = honoPath(rule.path).split('/');
    if (parts.length !== routed.length) continue;
    const params: Record<string, string> = {};
    const matches = parts.every((part, i) => {
      const segment = routed[i] ?? '';
      if (!part.startsWith(':')) return part === segment;
      params[part.slice(1)] = tryDecode(segment, decodeURIComponent);
      return segment !== '';
    });
    if (!matches) continue;
    if (rule.method.toUpperCase() === method) return { id, params };
    otherMethod = true;
  }
  return otherMethod ? 'other method' : 'no route';
}

/** Whether the app must refuse the request (4xx) without writing anything. */
function refused(req: HostileRequest): boolean {
  if (req.body !== undefined && Buffer.byteLength(req.body) > MAX_BODY_BYTES) return true;
  const reached = route(req.method, req.path);
  if (typeof reached === 'string') return true;
  const { id, params } = reached;
  const principal = PRINCIPALS[req.caller];
  if (principal === undefined || decide(ruleOf(id), principal, params) === 'deny') return true;
  if (Object.values(params).some((v) => !IdSchema.safeParse(v).success)) return true;
  const target = TARGETS[id as Target] as { body?: BodySchema } | undefined;
  const media = mediaType(req.contentType);
  if (target?.body !== undefined) {
    if (id === 'importDatasets' && media === 'text/csv') {
      try {
        rowsFromCsv(req.body ?? '');
      } catch {
        return true; // a malformed CSV or header is a 400
      }
      return false; // rows are reported in a 200: the rows property covers them
    }
    if (!JSON_MEDIA.test(media)) return true;
    let json: unknown;
    try {
      // The Fetch standard's JSON reading drops a leading byte-order mark, as RFC 8259 allows.
      json = JSON.parse((req.body ?? '').replace(/^\ufeff/, ''));
    } catch {
      return true;
    }
    if (!target.body.safeParse(json).success) return true;
  }
  const exists = (kind: keyof typeof WORLD, value: string | undefined) =>
    (WORLD[kind] as Set<string>).has(value ?? '');
  switch (id) {
    case 'setDatasetAccessLevel': {
      if (!exists('datasetId', params.datasetId)) return true;
      if (req.ifMatch === undefined) return false;
      const tag = req.ifMatch.trim();
      return (
        !IF_MATCH.test(tag) ||
        (tag !== '*' && Number(tag.replaceAll('"', '')) !== WORLD.datasetVersion)
      );
    }
    case 'linkProjectDataset':
      return !exists('projectId', params.projectId) || !exists('datasetId', params.datasetId);
    case 'unlinkProjectDataset':
      return !exists('links', `${params.projectId}/${params.datasetId}`);
    case 'addProjectResearcher':
      return !exists('projectId', params.projectId) || !exists('researcherId', params.researcherId);
    case 'removeProjectResearcher':
      return !exists('members', `${params.projectId}/${params.researcherId}`);
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------

/** Path segments that are not identifiers, or try to escape their segment. */
const NASTY_SEGMENTS = [
  '',
  '.',
  '..',
  '%2e',
  '%2e%2e',
  '%2E%2E',
  '.%2e',
  '..%2F..',
  '..%2f',
  '%2F',
  'a%2Fb',
  'a%2fb',
  'd-1%2F..%2F..',
  'a%5Cb',
  'a\\b',
  '%252F',
  '%25',
  '%',
  '%zz',
  '%ff',
  '%C0%AE%C0%AE',
  '%00',
  'd-1%00',
  'a%0Ab',
  'a%0D%0Ab',
  '_x',
  '-x',
  '.x',
  'x.',
  '%20x',
  'x%20',
  'caf%C3%A9',
  '%F0%9F%92%A9',
  '%E2%80%AE',
  '%EF%BB%BF',
  'x'.repeat(129),
  'x'.repeat(4096),
  'a;b',
  'a,b',
  'a:b',
  'a@b',
  'a*b',
  'a?b=1',
  'a#b',
  '%3Cscript%3E',
  "'%20OR%201=1",
  '$%7Bjndi%7D',
  '~',
];

/** Identifiers that are valid but tempting: names of prototypes, reserved words, the seeded ids. */
const TEMPTING_IDS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'null',
  'undefined',
  'NaN',
  'd-1',
  'd-2',
  'p-1',
  OWN_RESEARCHER,
  'r-other',
  'org-full',
  'd-1.',
];

const arbSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...NASTY_SEGMENTS) },
  { weight: 2, arbitrary: fc.constantFrom(...TEMPTING_IDS) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/) },
  {
    weight: 2,
    arbitrary: fc
      .string({ unit: 'binary', maxLength: 12 })
      .map((s) => tryDecode(s, encodeURIComponent)),
  },
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.constantFrom('.', '/', '%', '2', 'e', 'F', '\\', 'x'),
      maxLength: 8,
    }),
  },
);

/** Keys that try to reach prototypes, and other odd ones. */
const NASTY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  'title ',
  'TITLE',
  '\u0000',
  '\ud800',
  'k'.repeat(10_000),
];

/** Values of every wrong kind. */
const arbNastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(
    null,
    true,
    0,
    -0,
    -1,
    1.5,
    4,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    '',
    ' ',
    '3',
    '\u0000',
    '\ud800',
    '\u202e',
    '💩'.repeat(100),
    [],
    {},
    [null],
    { $ne: null },
    JSON.parse('{"__proto__":{"polluted":true}}') as unknown,
  ),
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.integer({ min: 10, max: 3_000 }).map((n) => nest(n)),
);

/** An object nested `depth` deep. */
function nest(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** A valid body with one field replaced, removed or added. */
function arbMutated(valid: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = Object.keys(valid);
  return fc
    .record({
      key:
        keys.length > 0
          ? fc.oneof(fc.constantFrom(...keys), fc.constantFrom(...NASTY_KEYS))
          : fc.constantFrom(...NASTY_KEYS),
      action: fc.constantFrom('replace', 'remove'),
      value: arbNastyValue,
    })
    .map(({ key, action, value }) => {
      const body: Record<string, unknown> = { ...valid };
      if (action === 'remove') delete body[key];
      else
        Object.defineProperty(body, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return JSON.stringify(body) ?? '';
    });
}

/** Bodies: random JSON, mutated valid ones, deep nesting, truncation, raw text, just over 1 MiB. */
function arbBody(valid: unknown): fc.Arbitrary<string> {
  const validJson = JSON.stringify(valid ?? {});
  const record = (valid ?? {}) as Record<string, unknown>;
  return fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? '') },
    { weight: 5, arbitrary: arbMutated(record) },
    {
      weight: 1,
      arbitrary: fc
        .record({
          depth: fc.integer({ min: 100, max: 20_000 }),
          open: fc.constantFrom('[', '{"a":'),
        })
        .map(({ depth, open }) =>
          open === '['
            ? `${'['.repeat(depth)}${']'.repeat(depth)}`
            : `${open.repeat(depth)}1${'}'.repeat(depth)}`,
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .integer({ min: 0, max: Math.max(0, validJson.length - 1) })
        .map((n) => validJson.slice(0, n)),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1, max: 64 })
        .map((extra) =>
          JSON.stringify({ ...record, pad: 'x'.repeat(MAX_BODY_BYTES - validJson.length + extra) }),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        `{"__proto__":{"polluted":true},${validJson.slice(1)}`,
        `{"constructor":{"prototype":{"polluted":true}},${validJson.slice(1)}`,
        `${validJson.slice(0, -1)},"__proto__":{"polluted":true}}`,
        `${validJson}${validJson}`,
        `${validJson},`,
        `\ufeff${validJson}`,
        'null',
        '',
      ),
    },
  );
}

const arbContentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 10, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      undefined,
      '',
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/vnd.api+json',
      'APPLICATION/JSON',
      'application/jsonx',
      'application/json-patch',
      'text/json',
      'text/plain',
      'text/csv',
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
      '*/*',
      'application/json, text/plain',
    ),
  },
);

const arbIfMatch: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    '',
    '"',
    '""',
    'W/"1"',
    '"0"',
    '0',
    '"-1"',
    '"1.0"',
    '"1", "2"',
    '1,2',
    '"9999999999999999"',
    '"01"',
    '**',
    'null',
    '"abc"',
    '"12345"',
    '12345',
  ),
  fc.string({ unit: fc.constantFrom('"', '1', '9', '*', ' ', 'W', '/', ','), maxLength: 8 }),
);

const arbCaller: fc.Arbitrary<Caller> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('admin' as const) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<Caller>(
      'editor',
      'researcher',
      'service',
      'none',
      'forged',
      'expired',
    ),
  },
);

/** Hostile requests for one endpoint, certain to be refused. */
function arbHostile(id: Target): fc.Arbitrary<HostileRequest> {
  const rule = ruleOf(id);
  const slots = (rule.path.match(/\{[^}]+\}/g) ?? []).length;
  const target = TARGETS[id] as { body?: BodySchema; valid?: unknown };
  return fc
    .record({
      segments: fc.array(arbSegment, { minLength: slots, maxLength: slots }),
      body: target.body ? arbBody(target.valid) : fc.option(arbBody({}), { nil: undefined }),
      contentType: arbContentType,
      ifMatch: id === 'setDatasetAccessLevel' ? arbIfMatch : fc.constant(undefined),
      caller: arbCaller,
    })
    .map(({ segments, body, contentType, ifMatch, caller }) => {
      let i = 0;
      const path = rule.path.replace(/\{[^}]+\}/g, () => segments[i++] ?? '');
      return {
        method: rule.method.toUpperCase() as HostileRequest['method'],
        path,
        ...(body !== undefined && { body }),
        ...(contentType !== undefined && { contentType }),
        ...(ifMatch !== undefined && { ifMatch }),
        caller,
      };
    })
    .filter(refused);
}

// ---------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------

let app: ApiApp;
let ctx: StoreContext;
let tokens: Record<Caller, string | undefined>;
let sent = 0;

beforeAll(async () => {
  ({ app, ctx } = await apiOnFreshTable('hostile'));
  await seedWorld(ctx);
  tokens = {
    admin: await signLocalToken('admin', { secret: SECRET }),
    editor: await signLocalToken('editor', { secret: SECRET }),
    researcher: await signLocalToken('researcher', {
      secret: SECRET,
      researcherId: OWN_RESEARCHER,
    }),
    service: await signLocalToken('service', { secret: SECRET }),
    none: undefined,
    forged: await signLocalToken('admin', { secret: 'not-the-secret' }),
    expired: await signLocalToken('admin', { secret: SECRET, expiresInSeconds: -60 }),
  };
}, 120_000);

afterAll(() => {
  console.info(`hostile input: ${sent} requests`);
});

async function send(req: HostileRequest): Promise<Response> {
  sent++;
  const headers: Record<string, string> = {};
  const token = tokens[req.caller];
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (req.contentType !== undefined) headers['content-type'] = req.contentType;
  if (req.ifMatch !== undefined) headers['if-match'] = req.ifMatch;
  return app.request(req.path, { method: req.method, headers, body: req.body ?? null });
}

/** Asserts a refusal: 4xx, problem+json with every field, its status in the body. */
async function expectRefusal(req: HostileRequest, res: Response): Promise<void> {
  const text = await res.text();
  const label = `${req.method} ${req.path.slice(0, 200)} → ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, label).toBeGreaterThanOrEqual(400);
  expect(res.status, label).toBeLessThan(500);
  expect(res.headers.get('content-type'), label).toBe('application/problem+json');
  const problem = ProblemSchema.parse(JSON.parse(text));
  expect(problem.status, label).toBe(res.status);
  for (const field of [problem.type, problem.title, problem.detail])
    expect(field, label).not.toBe('');
}

const polluted = () => Object.keys(Object.prototype).length > 0 || 'polluted' in {};

describe('hostile input on every endpoint that takes input', () => {
  it('is generated for every endpoint that writes or takes a body, over 10,000 requests in all', () => {
    const writes = ROUTE_IDS.filter((id) => ruleOf(id).method !== 'get');
    expect(Object.keys(TARGETS).sort()).toEqual([...writes].sort());
    expect(writes.length * RUNS_PER_ENDPOINT + IMPORT_ROW_RUNS).toBeGreaterThanOrEqual(10_000);
  });

  it.each(Object.keys(TARGETS) as Target[])(
    '%s answers every hostile request with a 4xx problem and changes nothing',
    async (id) => {
      // Arrange
      const before = await snapshot(ctx);
      let ran = 0;
      // Act and assert, request by request
      await fc.assert(
        fc.asyncProperty(arbHostile(id), async (req) => {
          ran++;
          await expectRefusal(req, await send(req));
        }),
        { numRuns: RUNS_PER_ENDPOINT },
      );
      // Assert: the table is exactly as it was, and no prototype was touched.
      expect(ran).toBeGreaterThanOrEqual(RUNS_PER_ENDPOINT);
      expect(await snapshot(ctx)).toEqual(before);
      expect(polluted()).toBe(false);
    },
    PROPERTY_TIMEOUT,
  );

  it(
    'reports every hostile row of an import in its errors, writing none of them',
    async () => {
      // Arrange: rows that each fail validation, in a valid envelope (JSON) or a valid CSV header.
      const arbRow = fc
        .oneof(
          arbNastyValue,
          arbMutated({ datasetId: 'd-hostile', title: 'T', accessLevel: 2, owner: 'O' }).map(
            (s) => JSON.parse(s) as unknown,
          ),
          fc.record({ datasetId: arbSegment, title: fc.string() }),
        )
        .filter((row) => !DatasetImportRowSchema.safeParse(row).success);
      const arbImport = fc.oneof(
        fc.array(arbRow, { maxLength: 8 }).map((rows) => ({
          contentType: 'application/json',
          body: JSON.stringify({ datasets: rows, reason: 'hostile' }),
          rows: rows.length,
        })),
        fc
          .array(
            fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { minLength: 1, maxLength: 6 }),
            {
              maxLength: 8,
            },
          )
          .map((rows) => {
            const text = [
              'datasetId,title,accessLevel,owner',
              ...rows.map((r) => r.map(csvField).join(',')),
            ].join('\n');
            return { contentType: 'text/csv', body: text, rows: rowsFromCsv(text).length };
          })
          .filter(({ body }) =>
            rowsFromCsv(body).every(
              (r) => typeof r === 'string' || !DatasetImportRowSchema.safeParse(r).success,
            ),
          ),
      );
      const before = await snapshot(ctx);
      // Act and assert
      await fc.assert(
        fc.asyncProperty(arbImport, async ({ contentType, body, rows }) => {
          const res = await send({
            method: 'POST',
            path: '/v1/dataset-imports',
            body,
            contentType,
            caller: 'admin',
          });
          const text = await res.text();
          if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
            // Long enough nasty values can push a few rows over the body limit: refused whole.
            expect(res.status, text.slice(0, 300)).toBe(413);
            return;
          }
          expect(res.status, text.slice(0, 300)).toBe(200);
          const result = JSON.parse(text) as {
            created: number;
            updated: number;
            unchanged: number;
            errors: unknown[];
            changes: unknown[];
            complete: boolean;
          };
          expect({ ...result, errors: result.errors.length }).toEqual({
            created: 0,
            updated: 0,
            unchanged: 0,
            errors: rows,
            changes: [],
            complete: true,
          });
        }),
        { numRuns: IMPORT_ROW_RUNS },
      );
      expect(await snapshot(ctx)).toEqual(before);
      expect(polluted()).toBe(false);
    },
    PROPERTY_TIMEOUT,
  );
});

/** One CSV field, quoted when it must be. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

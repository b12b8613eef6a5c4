/**
 * Request plumbing shared by the routes: path parameters, the `If-Match`
 * header, paging query parameters and opaque page tokens. Entity and body
 * shapes live in `schemas/`; these only compose its primitives.
 */
import { z } from '@hono/zod-openapi';
import { IdSchema } from '../../schemas/index.js';
import { ApiProblem, validationProblem } from './problem.js';

/** Path parameters `{ datasetId }`. */
export const DatasetParams = z.object({ datasetId: IdSchema });
/** Path parameters `{ projectId }`. */
export const ProjectParams = z.object({ projectId: IdSchema });
/** Path parameters `{ projectId, datasetId }`. */
export const ProjectDatasetParams = z.object({ projectId: IdSchema, datasetId: IdSchema });
/** Path parameters `{ projectId, researcherId }`. */
export const ProjectResearcherParams = z.object({ projectId: IdSchema, researcherId: IdSchema });
/** Path parameters `{ organisationId }`. */
export const OrganisationParams = z.object({ organisationId: IdSchema });
/** Path parameters `{ researcherId }`. */
export const ResearcherParams = z.object({ researcherId: IdSchema });
/** Path parameters `{ importId }`. */
export const ImportParams = z.object({ importId: IdSchema });
/** Path parameters `{ changeId }`. */
export const ChangeParams = z.object({ changeId: IdSchema });

/**
 * `If-Match: "<version>"` (quotes optional) or `*`. Anything else, including
 * weak tags and lists, is a 400: a write must name one exact version.
 */
export const IfMatchHeaders = z.object({
  'if-match': z
    .string()
    .trim()
    .regex(/^(?:\*|[1-9][0-9]{0,14}|"[1-9][0-9]{0,14}")$/, {
      error: 'must be "<version>" (a positive integer, quotes optional) or *',
    })
    .optional()
    .meta({
      description: 'The version the write replaces: `"<version>"`; `412` when stale',
      example: '"3"',
    }),
});

/** The version an `If-Match` value names; `undefined` for none or `*`. */
export function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch === '*') return undefined;
  return Number(ifMatch.replaceAll('"', ''));
}

/** Largest page a list endpoint returns. */
export const MAX_PAGE_SIZE = 100;

/** Page size of a list endpoint called without `limit`. */
export const DEFAULT_PAGE_SIZE = 50;

/** Paging query parameters of list endpoints. */
export const PageQuery = z.object({
  limit: z.coerce
    .number({ error: `must be an integer from 1 to ${MAX_PAGE_SIZE}` })
    .int({ error: `must be an integer from 1 to ${MAX_PAGE_SIZE}` })
    .min(1, { error: `must be an integer from 1 to ${MAX_PAGE_SIZE}` })
    .max(MAX_PAGE_SIZE, { error: `must be an integer from 1 to ${MAX_PAGE_SIZE}` })
    .optional()
    .meta({ description: `Page size, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})` }),
  nextToken: z
    .string()
    .max(2048)
    .optional()
    .meta({ description: 'The `nextToken` of the previous page' }),
});

/** The opaque token of a page's continuation: base64url of the key JSON. */
export function encodePageToken(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

const badToken = (field = 'nextToken') =>
  validationProblem(
    [{ path: field, message: 'is not a page token of this list' }],
    `The ${field} is malformed or belongs to another list.`,
  );

/**
 * The key a page token encodes, checked against the exact shape of this
 * list's keys (`shape`), so a forged token can never reach the database as a
 * malformed start key: a bad token is a `400`.
 */
export function decodePageToken<T extends Record<string, unknown>>(
  token: string | undefined,
  shape: z.ZodType<T>,
  field = 'nextToken',
): T | undefined {
  if (token === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw badToken(field);
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badToken(field);
  }
  const parsed = shape.safeParse(json);
  if (!parsed.success) throw badToken(field);
  return parsed.data;
}

/** Query parameters of `GET /v1/access-changes`. */
export const FeedQuery = PageQuery.pick({ limit: true }).extend({
  after: z
    .string()
    .max(2048)
    .optional()
    .meta({ description: 'The `nextCursor` of the previous page; absent: from the first entry' }),
});

/** A feed cursor as it travels: a position in the `feed` index (see `readAccessChanges`). */
export const FeedCursorShape = z.strictObject({
  s: z.string().max(1024),
  i: z.int().min(0).max(100_000),
});

/**
 * Reads one page from `startKey`: a start key DynamoDB still refuses (outside
 * the query's bounds) is the token's fault, so a `400`, never a `500`.
 */
export async function readPage<T>(
  startKey: Record<string, unknown> | undefined,
  read: () => Promise<T>,
): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (startKey !== undefined && (err as { name?: unknown })?.name === 'ValidationException') {
      throw badToken();
    }
    throw err;
  }
}

/** The key shape of a page of a partition's items (`pk` fixed, `sk` under `skPrefix`). */
export function partitionKeyShape(pk: string, skPrefix: string) {
  return z.strictObject({
    pk: z.literal(pk),
    sk: z.string().startsWith(skPrefix).max(1024),
  });
}

/** The key shape of a page of the `byRef` index (`gsi1pk` fixed, `gsi1sk` under `refPrefix`). */
export function refKeyShape(ref: string, refPrefix: string) {
  return z.strictObject({
    pk: z.string().min(1).max(1024),
    sk: z.string().min(1).max(1024),
    gsi1pk: z.literal(ref),
    gsi1sk: z.string().startsWith(refPrefix).max(1024),
  });
}

/** `404` for an id that names nothing. */
export function notFound(entity: string, id: string): ApiProblem {
  return new ApiProblem(404, `${entity} '${id}' does not exist`);
}

/**
 * Response declarations shared by the route definitions, so that every
 * operation documents its problems the same way.
 */
import { z } from '@hono/zod-openapi';
import { ProblemSchema } from '../../schemas/index.js';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, type ProblemStatus } from './problem.js';

/** A response header as the document declares it. */
export const header = (description: string) => z.string().meta({ description });

/** `ETag: "<version>"`, the version to send back in `If-Match`. */
export const ETAG = {
  ETag: header('The resource version, quoted ("3"); send it back in If-Match'),
};
/** `Change-Id`, on a write that started a change. */
export const CHANGE_ID = {
  'Change-Id': header('The change the write started; follow GET /v1/changes/{changeId}'),
};

type HeaderShape = Record<string, z.ZodString>;
type JsonContent<T> = { readonly 'application/json': { readonly schema: T } };

/** A JSON response of `schema`, with the headers it sends. */
export function jsonResponse<T extends z.ZodType>(
  schema: T,
  description: string,
): { readonly description: string; readonly content: JsonContent<T> };
export function jsonResponse<T extends z.ZodType>(
  schema: T,
  description: string,
  headers: HeaderShape,
): {
  readonly description: string;
  readonly headers: z.ZodObject<HeaderShape>;
  readonly content: JsonContent<T>;
};
export function jsonResponse<T extends z.ZodType>(
  schema: T,
  description: string,
  headers?: HeaderShape,
) {
  return {
    description,
    ...(headers && { headers: z.object(headers) }),
    content: { 'application/json': { schema } },
  };
}

/** The headers each problem status sends. */
const PROBLEM_HEADERS: Partial<Record<ProblemStatus, HeaderShape>> = {
  401: { 'WWW-Authenticate': header('The Bearer challenge of RFC 6750') },
  412: { ETag: header('The current version, when the resource exists') },
  503: { 'Retry-After': header('Seconds to wait before retrying') },
};

const PROBLEM_DESCRIPTIONS: Record<ProblemStatus, string> = {
  400: 'Bad input (validation errors list each bad field); nothing changed',
  401: 'Missing, expired or forged credentials',
  403: 'The caller’s role may not do this',
  404: 'An id names nothing',
  405: 'The path exists, with other methods',
  409: 'Conflict',
  412: 'The If-Match version is stale; nothing changed',
  413: 'The body is over 1 MiB',
  415: 'Unsupported Content-Type',
  500: 'Unexpected error',
  503: 'The table is throttling or too contended; retry after Retry-After (nothing changed)',
};

type ProblemResponses<S extends ProblemStatus> = {
  [K in S]: {
    description: string;
    content: { 'application/problem+json': { schema: typeof ProblemSchema } };
  };
};

/** Problem responses for the given statuses. */
export function problemResponses<S extends ProblemStatus>(...statuses: S[]): ProblemResponses<S> {
  const out: Partial<ProblemResponses<S>> = {};
  for (const status of statuses) {
    const headers = PROBLEM_HEADERS[status];
    out[status] = {
      description: `${PROBLEM_TYPES[status].title}: ${PROBLEM_DESCRIPTIONS[status]}`,
      ...(headers && { headers: z.object(headers) }),
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } as {
        'application/problem+json': { schema: typeof ProblemSchema };
      },
    } as ProblemResponses<S>[S];
  }
  return out as ProblemResponses<S>;
}

/**
 * The problems every authenticated endpoint that reads or writes the table can
 * answer: bad input, credentials, role, and DynamoDB throttling or contention.
 */
export const COMMON_PROBLEMS = [400, 401, 403, 503] as const;

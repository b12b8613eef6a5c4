/**
 * Errors as `application/problem+json` (RFC 9457, docs/api.md): the
 * problem type of every status the API uses, the mapping of zod issues to
 * `errors: [{ path, message }]`, and the mapping of store errors to statuses.
 */
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';
import type { FieldError, Problem } from '../../schemas/index.js';
import {
  ContentionError,
  InvalidReferenceError,
  isUnavailable,
  NotFoundError,
  ReasonRequiredError,
  VersionConflictError,
} from '../store/index.js';

/** The media type of every error response. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The problem types of the API, by status: a slug (documented on `/docs`) and a title. */
export const PROBLEM_TYPES = {
  400: { slug: 'bad-request', title: 'Bad request' },
  401: { slug: 'unauthenticated', title: 'Unauthenticated' },
  403: { slug: 'forbidden', title: 'Forbidden' },
  404: { slug: 'not-found', title: 'Not found' },
  405: { slug: 'method-not-allowed', title: 'Method not allowed' },
  409: { slug: 'conflict', title: 'Conflict' },
  412: { slug: 'precondition-failed', title: 'Precondition failed' },
  413: { slug: 'payload-too-large', title: 'Payload too large' },
  415: { slug: 'unsupported-media-type', title: 'Unsupported media type' },
  500: { slug: 'internal-error', title: 'Internal error' },
  503: { slug: 'unavailable', title: 'Service unavailable' },
} as const;

/** A status the API answers with a problem. */
export type ProblemStatus = keyof typeof PROBLEM_TYPES;

/** The `type` URI of a problem: an anchor of the API reference page that explains it. */
export function problemType(status: ProblemStatus): string {
  return `/docs#problem-${PROBLEM_TYPES[status].slug}`;
}

/**
 * An error that the API renders as a problem response. Handlers and
 * middleware throw it; the app's error handler renders it.
 */
export class ApiProblem extends Error {
  readonly problem: Problem;

  constructor(
    readonly status: ProblemStatus,
    detail: string,
    readonly extra: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'ApiProblem';
    this.problem = {
      type: problemType(status),
      title: PROBLEM_TYPES[status].title,
      status,
      detail,
      ...(extra.errors && { errors: extra.errors }),
    };
  }
}

/** A `400` listing each invalid field. */
export function validationProblem(errors: FieldError[], detail?: string): ApiProblem {
  const fields = [...new Set(errors.map((e) => e.path))].join(', ');
  return new ApiProblem(400, detail ?? `The request is invalid: check ${fields}.`, { errors });
}

/** Renders a problem as an `application/problem+json` response. */
export function problemResponse(p: ApiProblem): Response {
  return new Response(JSON.stringify(p.problem), {
    status: p.status,
    headers: { ...p.extra.headers, 'Content-Type': PROBLEM_CONTENT_TYPE },
  });
}

/** Where a validated value came from; names the root of its field paths. */
export type ValidationTarget = 'json' | 'form' | 'query' | 'param' | 'header' | 'cookie';

const ROOT_NAMES: Record<ValidationTarget, string> = {
  json: 'body',
  form: 'body',
  query: 'query',
  param: 'path',
  header: 'headers',
  cookie: 'cookies',
};

/** Whether the field at `path` is absent from `input` (its parent exists but lacks the key). */
function isMissing(input: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return input === undefined;
  let parent: unknown = input;
  for (const key of path.slice(0, -1)) {
    if (typeof parent !== 'object' || parent === null) return false;
    parent = (parent as Record<PropertyKey, unknown>)[key];
  }
  const last = path[path.length - 1] as PropertyKey;
  return (
    typeof parent === 'object' &&
    parent !== null &&
    !Object.hasOwn(parent, last) &&
    !Array.isArray(parent)
  );
}

/** A dotted field path (`agreements.AOCOA.status`), or the target's name for the root. */
export function fieldPath(path: readonly PropertyKey[], target: ValidationTarget = 'json'): string {
  return path.length === 0 ? ROOT_NAMES[target] : path.map(String).join('.');
}

/**
 * The `errors` of a validation problem: one entry per invalid field, with a
 * plain message. A missing field says it is required; each unknown field of a
 * strict object is listed under its own name.
 */
export function fieldErrors(
  error: z.ZodError,
  input: unknown,
  target: ValidationTarget = 'json',
): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          path: fieldPath([...issue.path, key], target),
          message: 'is not a known field',
        });
      }
      continue;
    }
    const missing = issue.code === 'invalid_type' && isMissing(input, issue.path);
    out.push({
      path: fieldPath(issue.path, target),
      message: missing ? 'is required' : issue.message,
    });
  }
  return out;
}

/** The statuses the store's errors map to; `undefined` for an error that is not the caller's. */
export function storeErrorProblem(err: unknown): ApiProblem | undefined {
  if (err instanceof NotFoundError) return new ApiProblem(404, err.message);
  if (err instanceof VersionConflictError) {
    // The store raises it only when the caller named a version (If-Match).
    return new ApiProblem(
      412,
      `${err.entity} '${err.id}' is at version ${err.actual ?? 'none'}, not ${err.expected}; read it again and retry`,
      err.actual !== undefined ? { headers: { ETag: etag(err.actual) } } : {},
    );
  }
  if (err instanceof ReasonRequiredError) {
    return validationProblem(
      [{ path: 'reason', message: 'is required when the access level changes' }],
      err.message,
    );
  }
  if (err instanceof InvalidReferenceError) {
    return validationProblem([{ path: err.path, message: err.message }], err.message);
  }
  if (err instanceof ContentionError) {
    return new ApiProblem(503, `${err.message}; retry shortly`, {
      headers: { 'Retry-After': '1' },
    });
  }
  if (isUnavailable(err)) {
    // Throttling or a timeout the SDK's retries did not outlast: the caller's to retry, not a 500.
    return new ApiProblem(
      503,
      'The database is busy or did not answer in time; retry shortly (a write that timed out may have been applied: read it back before repeating it).',
      { headers: { 'Retry-After': '1' } },
    );
  }
  return undefined;
}

/** Any error as a problem: ours, the store's, Hono's, or an unexpected one (`500`). */
export function toProblem(err: unknown): { problem: ApiProblem; unexpected: boolean } {
  if (err instanceof ApiProblem) return { problem: err, unexpected: false };
  const mapped = storeErrorProblem(err);
  if (mapped) return { problem: mapped, unexpected: false };
  if (err instanceof HTTPException && err.status in PROBLEM_TYPES && err.status < 500) {
    const status = err.status as ProblemStatus;
    const detail =
      status === 415
        ? 'The Content-Type of the request body is not one this endpoint accepts (see /docs).'
        : err.message || PROBLEM_TYPES[status].title;
    return { problem: new ApiProblem(status, detail), unexpected: false };
  }
  return {
    problem: new ApiProblem(500, 'The request could not be completed; it has been logged.'),
    unexpected: true,
  };
}

/** The entity tag of a version: `"<version>"`. */
export function etag(version: number): string {
  return `"${version}"`;
}

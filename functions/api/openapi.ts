/**
 * Response declarations shared by the route definitions, so that every
 * operation documents its problems the same way.
 */
import type { z } from '@hono/zod-openapi';
import { ProblemSchema } from '../../schemas/index.js';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPES, type ProblemStatus } from './problem.js';

/** A JSON response of `schema`. */
export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}

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
  503: 'Too much contention; retry shortly (nothing changed)',
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
    out[status] = {
      description: `${PROBLEM_TYPES[status].title}: ${PROBLEM_DESCRIPTIONS[status]}`,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: ProblemSchema } } as {
        'application/problem+json': { schema: typeof ProblemSchema };
      },
    } as ProblemResponses<S>[S];
  }
  return out as ProblemResponses<S>;
}

/** The problems every authenticated endpoint can answer. */
export const AUTH_PROBLEMS = [401, 403] as const;

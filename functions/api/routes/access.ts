/** Access checks for other services, and change progress. */
import { createRoute } from '@hono/zod-openapi';
import {
  AccessChangesPageSchema,
  AccessCheckRequestSchema,
  AccessCheckResponseSchema,
  ChangeRecordSchema,
} from '../../../schemas/index.js';
import { getChange, type StoreContext } from '../../store/index.js';
import { ANY_ROLE, endpoint } from '../authorization.js';
import { DEFAULT_FEED_HORIZON_MS, FEED_START, readAccessChanges } from '../feed.js';
import { COMMON_PROBLEMS, jsonResponse, problemResponses } from '../openapi.js';
import {
  ChangeParams,
  DEFAULT_PAGE_SIZE,
  decodePageToken,
  FeedCursorShape,
  FeedQuery,
  notFound,
} from '../params.js';
import { checkAccess } from '../queries.js';
import type { ApiApp } from '../types.js';

const checkAccessRoute = createRoute({
  ...endpoint({
    id: 'checkAccess',
    method: 'post',
    path: '/v1/access-checks',
    summary: 'May this researcher use this route on this project now?',
    tag: 'Access',
    roles: ['service', 'admin'],
  }),
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: AccessCheckRequestSchema } },
    },
  },
  responses: {
    200: jsonResponse(
      AccessCheckResponseSchema,
      'The answer; an unknown project or researcher is `allowed: false`',
    ),
    ...problemResponses(...COMMON_PROBLEMS, 413, 415),
  },
});

const getChangeRoute = createRoute({
  ...endpoint({
    id: 'getChange',
    method: 'get',
    path: '/v1/changes/{changeId}',
    summary: 'The progress of a change',
    tag: 'Changes',
    roles: ANY_ROLE,
  }),
  request: { params: ChangeParams },
  responses: {
    200: jsonResponse(ChangeRecordSchema, 'The change and its progress'),
    ...problemResponses(...COMMON_PROBLEMS, 404),
  },
});

const accessChangesRoute = createRoute({
  ...endpoint({
    id: 'listAccessChanges',
    method: 'get',
    path: '/v1/access-changes',
    summary: 'Every change of derived access, oldest first, from a cursor',
    description:
      'Every change of a project’s level, status or routes (`ProjectAccessChanged`) and of a ' +
      'researcher’s permitted routes on a project, narrowing or widening (`ResearcherRoutesChanged`), ' +
      'in the order they were written. Keep `nextCursor` and pass it as `after`: every later entry ' +
      'follows, none twice. An entry appears once it is older than a short horizon (1 s by ' +
      'default), so one that commits late is never skipped.',
    tag: 'Access',
    roles: ['service', 'admin'],
  }),
  request: { query: FeedQuery },
  responses: {
    200: jsonResponse(AccessChangesPageSchema, 'The entries after the cursor, oldest first'),
    ...problemResponses(...COMMON_PROBLEMS),
  },
});

/** Registers the access-check, change and access-change feed endpoints. */
export function registerAccessRoutes(
  app: ApiApp,
  ctx: StoreContext,
  feedHorizonMs: number = DEFAULT_FEED_HORIZON_MS,
): void {
  app.openapi(accessChangesRoute, async (c) => {
    const { after, limit } = c.req.valid('query');
    const cursor = decodePageToken(after, FeedCursorShape, 'after') ?? FEED_START;
    const page = await readAccessChanges(ctx, {
      cursor,
      limit: limit ?? DEFAULT_PAGE_SIZE,
      horizonMs: feedHorizonMs,
    });
    return c.json(page, 200);
  });

  app.openapi(checkAccessRoute, async (c) => {
    return c.json(await checkAccess(ctx, c.req.valid('json')), 200);
  });

  app.openapi(getChangeRoute, async (c) => {
    const { changeId } = c.req.valid('param');
    const change = await getChange(ctx, changeId);
    if (!change) throw notFound('change', changeId);
    return c.json(ChangeRecordSchema.parse(change), 200);
  });
}

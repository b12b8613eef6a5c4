/** Access checks for other services, and change progress. */
import { createRoute } from '@hono/zod-openapi';
import {
  AccessCheckRequestSchema,
  AccessCheckResponseSchema,
  ChangeRecordSchema,
} from '../../../schemas/index.js';
import { getChange, type StoreContext } from '../../store/index.js';
import { ANY_ROLE, endpoint } from '../authorization.js';
import { COMMON_PROBLEMS, jsonResponse, problemResponses } from '../openapi.js';
import { ChangeParams, notFound } from '../params.js';
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

/** Registers the access-check and change endpoints. */
export function registerAccessRoutes(app: ApiApp, ctx: StoreContext): void {
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

/** Organisation and researcher endpoints, and the researcher's inbox. */
import { createRoute } from '@hono/zod-openapi';
import {
  NotificationPageSchema,
  OrganisationPutBodySchema,
  OrganisationViewSchema,
  OrganisationWriteResultSchema,
  ResearcherPutBodySchema,
  ResearcherWriteResultSchema,
  StandingImpactSchema,
} from '../../../schemas/index.js';
import { organisationRoutes } from '../../domain/index.js';
import {
  getOrganisation,
  getResearcher,
  keys,
  listNotifications,
  prefixes,
  putOrganisation,
  putResearcher,
  type StoreContext,
} from '../../store/index.js';
import { actorOf, endpoint } from '../authorization.js';
import { COMMON_PROBLEMS, ETAG, jsonResponse, problemResponses } from '../openapi.js';
import {
  DEFAULT_PAGE_SIZE,
  decodePageToken,
  encodePageToken,
  expectedVersion,
  IfMatchHeaders,
  notFound,
  OrganisationParams,
  PageQuery,
  partitionKeyShape,
  ResearcherParams,
  readPage,
} from '../params.js';
import { etag } from '../problem.js';
import { previewOrganisationChange, previewResearcherChange } from '../queries.js';
import type { ApiApp } from '../types.js';

const putOrganisationRoute = createRoute({
  ...endpoint({
    id: 'putOrganisation',
    method: 'put',
    path: '/v1/organisations/{organisationId}',
    summary: 'Create or replace an organisation and its AOC agreements',
    tag: 'Organisations and researchers',
    roles: ['admin'],
  }),
  request: {
    params: OrganisationParams,
    headers: IfMatchHeaders,
    body: {
      required: true,
      content: { 'application/json': { schema: OrganisationPutBodySchema } },
    },
  },
  responses: {
    200: jsonResponse(OrganisationWriteResultSchema, 'Replaced; follow `changeId`', ETAG),
    201: jsonResponse(OrganisationWriteResultSchema, 'Created', ETAG),
    ...problemResponses(...COMMON_PROBLEMS, 412, 413, 415),
  },
});

const getOrganisationRoute = createRoute({
  ...endpoint({
    id: 'getOrganisation',
    method: 'get',
    path: '/v1/organisations/{organisationId}',
    summary: 'Read an organisation with the routes its agreements permit',
    tag: 'Organisations and researchers',
    roles: ['admin', 'service'],
  }),
  request: { params: OrganisationParams },
  responses: {
    200: jsonResponse(
      OrganisationViewSchema,
      'The organisation and the routes it permits now',
      ETAG,
    ),
    ...problemResponses(...COMMON_PROBLEMS, 404),
  },
});

const putResearcherRoute = createRoute({
  ...endpoint({
    id: 'putResearcher',
    method: 'put',
    path: '/v1/researchers/{researcherId}',
    summary: 'Create or replace a researcher and their accreditation',
    tag: 'Organisations and researchers',
    roles: ['admin'],
  }),
  request: {
    params: ResearcherParams,
    headers: IfMatchHeaders,
    body: { required: true, content: { 'application/json': { schema: ResearcherPutBodySchema } } },
  },
  responses: {
    200: jsonResponse(ResearcherWriteResultSchema, 'Replaced; follow `changeId`', ETAG),
    201: jsonResponse(ResearcherWriteResultSchema, 'Created', ETAG),
    ...problemResponses(...COMMON_PROBLEMS, 412, 413, 415),
  },
});

const previewOrganisationRoute = createRoute({
  ...endpoint({
    id: 'previewOrganisationChange',
    method: 'post',
    path: '/v1/organisations/{organisationId}/preview',
    summary: 'Who would be narrowed and who widened if this organisation body were PUT',
    tag: 'Organisations and researchers',
    roles: ['admin'],
  }),
  request: {
    params: OrganisationParams,
    body: {
      required: true,
      content: { 'application/json': { schema: OrganisationPutBodySchema } },
    },
  },
  responses: {
    200: jsonResponse(
      StandingImpactSchema,
      'The impact on each researcher and project; nothing changed',
    ),
    ...problemResponses(...COMMON_PROBLEMS, 413, 415),
  },
});

const previewResearcherRoute = createRoute({
  ...endpoint({
    id: 'previewResearcherChange',
    method: 'post',
    path: '/v1/researchers/{researcherId}/preview',
    summary: 'Which projects would narrow or widen for a researcher if this body were PUT',
    tag: 'Organisations and researchers',
    roles: ['admin'],
  }),
  request: {
    params: ResearcherParams,
    body: { required: true, content: { 'application/json': { schema: ResearcherPutBodySchema } } },
  },
  responses: {
    200: jsonResponse(
      StandingImpactSchema,
      'The impact on each of their projects; nothing changed',
    ),
    ...problemResponses(...COMMON_PROBLEMS, 413, 415),
  },
});

const notificationsRoute = createRoute({
  ...endpoint({
    id: 'listResearcherNotifications',
    method: 'get',
    path: '/v1/researchers/{researcherId}/notifications',
    summary: "A researcher's notifications, newest first",
    tag: 'Organisations and researchers',
    roles: ['admin'],
    researcher: 'self',
  }),
  request: { params: ResearcherParams, query: PageQuery },
  responses: {
    200: jsonResponse(NotificationPageSchema, 'Notifications, newest first'),
    ...problemResponses(...COMMON_PROBLEMS, 404),
  },
});

/** Registers the organisation and researcher endpoints. */
export function registerPartyRoutes(app: ApiApp, ctx: StoreContext): void {
  app.openapi(previewOrganisationRoute, async (c) => {
    const { organisationId } = c.req.valid('param');
    return c.json(await previewOrganisationChange(ctx, organisationId, c.req.valid('json')), 200);
  });

  app.openapi(previewResearcherRoute, async (c) => {
    const { researcherId } = c.req.valid('param');
    return c.json(await previewResearcherChange(ctx, researcherId, c.req.valid('json')), 200);
  });

  app.openapi(putOrganisationRoute, async (c) => {
    const { organisationId } = c.req.valid('param');
    const version = expectedVersion(c.req.valid('header')['if-match']);
    const write = await putOrganisation(
      ctx,
      organisationId,
      c.req.valid('json'),
      actorOf(c),
      version,
    );
    c.header('ETag', etag(write.value.version));
    const body = { ...write.value, changeId: write.changeId };
    if (write.outcome === 'created') return c.json(body, 201);
    return c.json(body, 200);
  });

  app.openapi(getOrganisationRoute, async (c) => {
    const { organisationId } = c.req.valid('param');
    const organisation = await getOrganisation(ctx, organisationId);
    if (!organisation) throw notFound('organisation', organisationId);
    c.header('ETag', etag(organisation.version));
    return c.json(
      { ...organisation, routes: organisationRoutes(organisation.agreements, ctx.now()) },
      200,
    );
  });

  app.openapi(putResearcherRoute, async (c) => {
    const { researcherId } = c.req.valid('param');
    const version = expectedVersion(c.req.valid('header')['if-match']);
    const write = await putResearcher(ctx, researcherId, c.req.valid('json'), actorOf(c), version);
    c.header('ETag', etag(write.value.version));
    const body = { ...write.value, changeId: write.changeId };
    if (write.outcome === 'created') return c.json(body, 201);
    return c.json(body, 200);
  });

  app.openapi(notificationsRoute, async (c) => {
    const { researcherId } = c.req.valid('param');
    const { limit, nextToken } = c.req.valid('query');
    const pk = keys.researcher(researcherId).pk;
    const startKey = decodePageToken(nextToken, partitionKeyShape(pk, prefixes.notification));
    if (!(await getResearcher(ctx, researcherId))) throw notFound('researcher', researcherId);
    const page = await readPage(startKey, () =>
      listNotifications(ctx, researcherId, { limit: limit ?? DEFAULT_PAGE_SIZE, startKey }),
    );
    return c.json(
      { items: page.items, ...(page.nextKey && { nextToken: encodePageToken(page.nextKey) }) },
      200,
    );
  });
}

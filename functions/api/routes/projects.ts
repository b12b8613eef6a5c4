/** Project endpoints: projects, their datasets and researchers, and their derived access. */
import { createRoute } from '@hono/zod-openapi';
import {
  ChangeRefSchema,
  MembershipAddedSchema,
  MembershipRemovedSchema,
  ProjectAccessSchema,
  ProjectDatasetLinkResultSchema,
  ProjectPutBodySchema,
  ProjectSchema,
  ResearcherAccessSchema,
} from '../../../schemas/index.js';
import {
  addMember,
  getSummary,
  linkDataset,
  putProject,
  removeMember,
  type StoreContext,
  unlinkDataset,
} from '../../store/index.js';
import { actorOf, endpoint } from '../authorization.js';
import { COMMON_PROBLEMS, ETAG, jsonResponse, problemResponses } from '../openapi.js';
import {
  expectedVersion,
  IfMatchHeaders,
  notFound,
  ProjectDatasetParams,
  ProjectParams,
  ProjectResearcherParams,
} from '../params.js';
import { etag } from '../problem.js';
import { researcherAccess } from '../queries.js';
import type { ApiApp } from '../types.js';

const putProjectRoute = createRoute({
  ...endpoint({
    id: 'putProject',
    method: 'put',
    path: '/v1/projects/{projectId}',
    summary: 'Create or rename a project',
    tag: 'Projects',
    roles: ['admin'],
  }),
  request: {
    params: ProjectParams,
    headers: IfMatchHeaders,
    body: { required: true, content: { 'application/json': { schema: ProjectPutBodySchema } } },
  },
  responses: {
    200: jsonResponse(ProjectSchema, 'Renamed (or unchanged)', ETAG),
    201: jsonResponse(ProjectSchema, 'Created', ETAG),
    ...problemResponses(...COMMON_PROBLEMS, 412, 413, 415),
  },
});

const linkRoute = createRoute({
  ...endpoint({
    id: 'linkProjectDataset',
    method: 'put',
    path: '/v1/projects/{projectId}/datasets/{datasetId}',
    summary: 'Add a dataset to a project',
    tag: 'Projects',
    roles: ['admin'],
  }),
  request: { params: ProjectDatasetParams },
  responses: {
    200: jsonResponse(ProjectDatasetLinkResultSchema, 'Already linked (the original change)'),
    201: jsonResponse(ProjectDatasetLinkResultSchema, 'Linked; follow `changeId`'),
    ...problemResponses(...COMMON_PROBLEMS, 404, 413),
  },
});

const unlinkRoute = createRoute({
  ...endpoint({
    id: 'unlinkProjectDataset',
    method: 'delete',
    path: '/v1/projects/{projectId}/datasets/{datasetId}',
    summary: 'Remove a dataset from a project',
    tag: 'Projects',
    roles: ['admin'],
  }),
  request: { params: ProjectDatasetParams },
  responses: {
    200: jsonResponse(ChangeRefSchema, 'Unlinked; follow `changeId`'),
    ...problemResponses(...COMMON_PROBLEMS, 404, 413),
  },
});

const addMemberRoute = createRoute({
  ...endpoint({
    id: 'addProjectResearcher',
    method: 'put',
    path: '/v1/projects/{projectId}/researchers/{researcherId}',
    summary: 'Add a researcher to a project',
    tag: 'Projects',
    roles: ['admin'],
  }),
  request: { params: ProjectResearcherParams },
  responses: {
    200: jsonResponse(
      MembershipAddedSchema,
      'Already a member: nothing written, the change that added them',
    ),
    201: jsonResponse(MembershipAddedSchema, 'Added, with the `membership-started` change'),
    ...problemResponses(...COMMON_PROBLEMS, 404, 413),
  },
});

const removeMemberRoute = createRoute({
  ...endpoint({
    id: 'removeProjectResearcher',
    method: 'delete',
    path: '/v1/projects/{projectId}/researchers/{researcherId}',
    summary: 'Remove a researcher from a project',
    tag: 'Projects',
    roles: ['admin'],
  }),
  request: { params: ProjectResearcherParams },
  responses: {
    200: jsonResponse(
      MembershipRemovedSchema,
      'Removed; the change notifies the researcher if they lose routes',
    ),
    ...problemResponses(...COMMON_PROBLEMS, 404, 413),
  },
});

const projectAccessRoute = createRoute({
  ...endpoint({
    id: 'getProjectAccess',
    method: 'get',
    path: '/v1/projects/{projectId}/access',
    summary: "A project's access level, status and routes",
    tag: 'Access',
    roles: ['service', 'admin', 'editor'],
    researcher: 'member',
  }),
  request: { params: ProjectParams },
  responses: {
    200: jsonResponse(ProjectAccessSchema, "The project's derived access"),
    ...problemResponses(...COMMON_PROBLEMS, 404),
  },
});

const researcherAccessRoute = createRoute({
  ...endpoint({
    id: 'getResearcherAccess',
    method: 'get',
    path: '/v1/projects/{projectId}/researchers/{researcherId}/access',
    summary: 'The routes a researcher may use on a project, and why others are denied',
    tag: 'Access',
    roles: ['service', 'admin'],
    researcher: 'self-member',
  }),
  request: { params: ProjectResearcherParams },
  responses: {
    200: jsonResponse(ResearcherAccessSchema, 'Permitted routes and the reasons for the others'),
    ...problemResponses(...COMMON_PROBLEMS, 404),
  },
});

/** Registers the project endpoints. */
export function registerProjectRoutes(app: ApiApp, ctx: StoreContext): void {
  app.openapi(putProjectRoute, async (c) => {
    const { projectId } = c.req.valid('param');
    const version = expectedVersion(c.req.valid('header')['if-match']);
    const write = await putProject(ctx, projectId, c.req.valid('json').title, actorOf(c), version);
    c.header('ETag', etag(write.project.version));
    if (write.outcome === 'created') return c.json(write.project, 201);
    return c.json(write.project, 200);
  });

  app.openapi(linkRoute, async (c) => {
    const { projectId, datasetId } = c.req.valid('param');
    const { outcome, changeId } = await linkDataset(ctx, projectId, datasetId, actorOf(c));
    const body = { projectId, datasetId, changeId };
    if (outcome === 'created') return c.json(body, 201);
    return c.json(body, 200);
  });

  app.openapi(unlinkRoute, async (c) => {
    const { projectId, datasetId } = c.req.valid('param');
    const { changeId } = await unlinkDataset(ctx, projectId, datasetId, actorOf(c));
    return c.json({ changeId }, 200);
  });

  app.openapi(addMemberRoute, async (c) => {
    const { projectId, researcherId } = c.req.valid('param');
    const { outcome, changeId } = await addMember(ctx, projectId, researcherId, actorOf(c));
    const body = { projectId, researcherId, ...(changeId !== undefined && { changeId }) };
    if (outcome === 'created') return c.json(body, 201);
    return c.json(body, 200);
  });

  app.openapi(removeMemberRoute, async (c) => {
    const { projectId, researcherId } = c.req.valid('param');
    const { changeId } = await removeMember(ctx, projectId, researcherId, actorOf(c));
    return c.json({ projectId, researcherId, changeId }, 200);
  });

  // One GetItem: the summary the stream keeps up to date (`npm run bench` counts it).
  app.openapi(projectAccessRoute, async (c) => {
    const { projectId } = c.req.valid('param');
    const summary = await getSummary(ctx, projectId);
    if (!summary) throw notFound('project', projectId);
    return c.json(ProjectAccessSchema.parse(summary), 200);
  });

  app.openapi(researcherAccessRoute, async (c) => {
    const { projectId, researcherId } = c.req.valid('param');
    return c.json(await researcherAccess(ctx, projectId, researcherId), 200);
  });
}

/** Open endpoints: health, the OpenAPI document and the reference page. */
import { createRoute } from '@hono/zod-openapi';
import { HealthSchema } from '../../../schemas/index.js';
import { declaration, endpoint, guard, type RouteRule } from '../authorization.js';
import { DOCS_CSP, renderApiReference } from '../docs.js';
import { jsonResponse } from '../openapi.js';
import type { ApiApp } from '../types.js';

/** Version of the API contract (docs/api.md). */
export const API_VERSION = '1.0.0';

/** The `info` and top-level fields of the generated document. */
export const OPENAPI_CONFIG: Parameters<ApiApp['getOpenAPI31Document']>[0] = {
  openapi: '3.1.0',
  info: {
    title: 'SRS access API',
    version: API_VERSION,
    description:
      'Dataset access levels, project levels, permitted routes and narrowing notifications of the Secure Research Service. ' +
      'Send `Authorization: Bearer <JWT>`; errors are `application/problem+json`. ' +
      'Writes return as soon as they are durable; follow `GET /v1/changes/{changeId}` until `applied` to read derived state.',
    // No licence has been chosen for the project yet (package.json is private): say so.
    license: { name: 'UNLICENSED: no licence granted; internal to the Secure Research Service' },
  },
  // Relative: the document is served by the API it describes, wherever that is deployed.
  servers: [{ url: '/', description: 'The API that serves this document' }],
  security: [{ bearer: [] }],
};

/** The document and the page: served by plain handlers, declared in the document by hand. */
const openApiRule = {
  id: 'getOpenApiDocument',
  method: 'get',
  path: '/v1/openapi.json',
  summary: 'The OpenAPI 3.1 document of this API',
  tag: 'Service',
  public: true,
  roles: [],
} as const satisfies RouteRule;
const docsRule = {
  id: 'getApiReference',
  method: 'get',
  path: '/docs',
  summary: 'This API reference page',
  tag: 'Service',
  public: true,
  roles: [],
} as const satisfies RouteRule;

const healthRoute = createRoute({
  ...endpoint({
    id: 'health',
    method: 'get',
    path: '/health',
    summary: 'Liveness check',
    tag: 'Service',
    public: true,
    roles: [],
  }),
  responses: { 200: jsonResponse(HealthSchema, 'The API is up') },
});

/** The generated document's type, as `getOpenAPI31Document` returns it. */
type OpenApiDocument = ReturnType<ApiApp['getOpenAPI31Document']>;

/**
 * Registers `/health`, `/v1/openapi.json` and `/docs`. The document is
 * generated on first request, once every route has been registered.
 */
export function registerMetaRoutes(app: ApiApp): void {
  app.openapi(healthRoute, (c) => c.json({ status: 'ok' as const }, 200));

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A Cognito user-pool token (groups catalogue-editor, srs-admin, researcher with researcher_id) or a client-credentials token with scope srs-access/read. Locally, `npm run token -- <role> [researcherId]`.',
  });
  app.openAPIRegistry.registerPath({
    ...declaration(openApiRule),
    responses: {
      200: {
        description: 'This document',
        content: { 'application/json': { schema: { type: 'object' } } },
      },
    },
  });
  app.openAPIRegistry.registerPath({
    ...declaration(docsRule),
    responses: {
      200: {
        description: 'An HTML page',
        content: { 'text/html': { schema: { type: 'string' } } },
      },
    },
  });

  let document: OpenApiDocument | undefined;
  let page: string | undefined;
  const openApiDocument = () => {
    document ??= app.getOpenAPI31Document(OPENAPI_CONFIG);
    return document;
  };

  app.get(openApiRule.path, guard(openApiRule), (c) => c.json(openApiDocument()));
  app.get(docsRule.path, guard(docsRule), (c) => {
    page ??= renderApiReference(openApiDocument());
    c.header('Content-Security-Policy', DOCS_CSP);
    return c.html(page);
  });
}

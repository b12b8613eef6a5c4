/** Open endpoints: health, the OpenAPI document and the reference page. */
import { createRoute } from '@hono/zod-openapi';
import { HealthSchema } from '../../../schemas/index.js';
import { endpoint, ROUTE_RULES } from '../authorization.js';
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

const healthRoute = createRoute({
  ...endpoint('health'),
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
  const openApiRule = ROUTE_RULES.getOpenApiDocument;
  const docsRule = ROUTE_RULES.getApiReference;
  app.openAPIRegistry.registerPath({
    ...endpoint('getOpenApiDocument'),
    responses: {
      200: {
        description: 'This document',
        content: { 'application/json': { schema: { type: 'object' } } },
      },
    },
  });
  app.openAPIRegistry.registerPath({
    ...endpoint('getApiReference'),
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

  app.get(openApiRule.path, (c) => c.json(openApiDocument()));
  app.get(docsRule.path, (c) => {
    page ??= renderApiReference(openApiDocument());
    c.header('Content-Security-Policy', DOCS_CSP);
    return c.html(page);
  });
}

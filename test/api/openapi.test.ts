/**
 * `GET /health`, `GET /v1/openapi.json` (an OpenAPI 3.1 document with every
 * path of the contract) and the self-contained reference page at `/docs`;
 * and the Lambda entry point.
 */
import type { LambdaEvent } from 'hono/aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiApp } from '../../functions/api/index.js';
import { ROUTE_IDS, ruleOf } from '../support/routes.js';
import { apiOnFreshTable } from './support.js';

let app: ApiApp;

beforeAll(async () => {
  ({ app } = await apiOnFreshTable('api-openapi'));
});

type Json = Record<string, unknown>;

/** Every `$ref` in a JSON value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) =>
    k === '$ref' && typeof v === 'string' ? [v] : refsIn(v),
  );
}

describe('GET /health', () => {
  it('answers { status: "ok" } without credentials', async () => {
    const res = await app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });
});

describe('GET /v1/openapi.json', () => {
  let doc: Json;
  beforeAll(async () => {
    const res = await app.request('/v1/openapi.json');
    expect(res.status).toBe(200);
    doc = (await res.json()) as Json;
  });

  it('is an OpenAPI 3.1 document with info and a bearer security scheme', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect((doc.components as Json).securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
    });
  });

  it('documents every route of the contract with its method and operation id', () => {
    const paths = doc.paths as Record<string, Record<string, Json>>;
    for (const id of ROUTE_IDS) {
      const rule = ruleOf(id);
      const operation = paths[rule.path]?.[rule.method];
      expect(operation, `${rule.method} ${rule.path}`).toBeDefined();
      expect(operation?.operationId).toBe(id);
      expect(operation?.responses).toBeDefined();
      if (!rule.public) expect(operation?.security).toEqual([{ bearer: [] }]);
    }
    const operations = Object.values(paths).flatMap((p) => Object.keys(p));
    expect(operations).toHaveLength(ROUTE_IDS.length);
  });

  it('resolves every $ref to a component schema', () => {
    const schemas = (doc.components as Json).schemas as Json;
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      expect(ref.startsWith('#/components/schemas/'), ref).toBe(true);
      expect(schemas[ref.slice('#/components/schemas/'.length)], ref).toBeDefined();
    }
  });

  it('declares problem+json error responses', () => {
    const op = (doc.paths as Record<string, Record<string, Json>>)['/v1/datasets/{datasetId}']?.put;
    const responses = op?.responses as Record<string, Json>;
    for (const status of ['400', '401', '403', '415']) {
      expect(Object.keys(responses[status]?.content as Json)).toEqual(['application/problem+json']);
    }
  });
});

describe('GET /docs', () => {
  it('serves one self-contained HTML page describing every operation', async () => {
    const res = await app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    // The page's own policy (its script's hash), not the API's default.
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'sha256-/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/);
    for (const id of ROUTE_IDS) expect(html).toContain(`id="op-${id}"`);
    expect(html).toContain('id="schema-Dataset"');
    expect(html).toContain('id="problem-not-found"');
    // Nothing is loaded from elsewhere: no external script, style or image.
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']?https?:/i);
    expect(html).not.toMatch(/@import/);
  });
});

describe('the Lambda entry point', () => {
  it('reads no environment when imported, and serves API Gateway v2 events', async () => {
    const saved = process.env.TABLE_NAME;
    delete process.env.TABLE_NAME;
    const { handler } = await import('../../functions/handlers/api.js');
    process.env.TABLE_NAME = 'unused-by-health';
    try {
      const event: LambdaEvent = {
        version: '2.0',
        routeKey: '$default',
        rawPath: '/health',
        rawQueryString: '',
        headers: {},
        body: null,
        isBase64Encoded: false,
        requestContext: {
          accountId: '1',
          apiId: 'a',
          authentication: null,
          authorizer: {},
          domainName: 'example.org',
          domainPrefix: 'example',
          http: {
            method: 'GET',
            path: '/health',
            protocol: 'HTTP/1.1',
            sourceIp: '127.0.0.1',
            userAgent: 't',
          },
          requestId: 'lambda-req',
          routeKey: '$default',
          stage: '$default',
          time: '',
          timeEpoch: 0,
        },
      };
      const result = await handler(event);
      expect(result.statusCode).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ status: 'ok' });
      expect(result.headers?.['x-request-id']).toBe('lambda-req');
    } finally {
      if (saved === undefined) delete process.env.TABLE_NAME;
      else process.env.TABLE_NAME = saved;
    }
  });
});

describe('security headers', () => {
  it('go on every answer: JSON, problems and unknown routes', async () => {
    const headers = await Promise.all(
      ['/health', '/v1/datasets/d-1', '/v1/no-such-route'].map(async (path) => {
        const res = await app.request(path);
        return {
          status: res.status,
          nosniff: res.headers.get('x-content-type-options'),
          frame: res.headers.get('x-frame-options'),
          csp: res.headers.get('content-security-policy'),
          hsts: res.headers.get('strict-transport-security'),
          referrer: res.headers.get('referrer-policy'),
        };
      }),
    );
    const expected = {
      nosniff: 'nosniff',
      frame: 'DENY',
      csp: "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      hsts: expect.stringMatching(/^max-age=\d+/),
      referrer: 'no-referrer',
    };
    expect(headers).toEqual([
      { status: 200, ...expected },
      { status: 401, ...expected },
      { status: 404, ...expected },
    ]);
  });
});

/**
 * Every route is authenticated unless it is declared open: also routes added
 * with `all` or `mount`, which the authorization table does not list.
 */
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiOnFreshTable, expectProblem, send } from './support.js';

let api: Awaited<ReturnType<typeof apiOnFreshTable>>;

beforeAll(async () => {
  api = await apiOnFreshTable('deny-by-default');
  api.app.all('/v1/extra', (c) => c.json({ leaked: true }));
  const sub = new Hono();
  sub.get('/inside', (c) => c.json({ leaked: true }));
  api.app.mount('/v1/mounted', sub.fetch);
  api.app.route('/v1/routed', sub);
});

describe('routes without an authorization rule', () => {
  it.each([
    ['a route added with all()', 'GET', '/v1/extra'],
    ['a route added with all(), another method', 'POST', '/v1/extra'],
    ['an app added with mount()', 'GET', '/v1/mounted/inside'],
    ['an app added with route()', 'GET', '/v1/routed/inside'],
  ] as const)('%s needs credentials: 401 without a token', async (_, method, path) => {
    const res = await send(api.app, { method, path });
    const body = await expectProblem(res, 401);
    expect(JSON.stringify(body)).not.toContain('leaked');
  });

  it.each([
    ['all()', '/v1/extra'],
    ['mount()', '/v1/mounted/inside'],
    ['route()', '/v1/routed/inside'],
  ])('a route added with %s is refused even with valid credentials', async (_, path) => {
    const res = await send(api.app, { method: 'GET', path }, api.tokens.admin);
    expect(res.status).toBeGreaterThanOrEqual(403);
    expect(JSON.stringify(await res.json())).not.toContain('leaked');
  });

  it('still answers an unknown path with 404 and the open routes without credentials', async () => {
    expect((await send(api.app, { method: 'GET', path: '/v1/nothing-here' })).status).toBe(404);
    expect((await send(api.app, { method: 'GET', path: '/health' })).status).toBe(200);
  });
});

/**
 * Authentication (docs/api.md): local HS256 tokens, API Gateway's
 * verified claims, and the roles both derive from the claims.
 */
import { sign } from 'hono/jwt';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiApp,
  apiGatewayAuthenticator,
  createApp,
  parseGroups,
  principalFromClaims,
} from '../../functions/api/index.js';
import { signLocalToken } from '../../local/auth.js';
import { validated } from '../support/openapi-responses.js';
import {
  apiOnFreshTable,
  captureLogs,
  expectProblem,
  getAs,
  SECRET,
  seededApi,
  send,
} from './support.js';

const api = seededApi('api-auth');

const now = () => Math.floor(Date.now() / 1000);
const getDataset = (headers: Record<string, string>) =>
  api.app.request('/v1/datasets/d-1', { headers });

describe('local bearer tokens', () => {
  it('accepts a token made by signLocalToken', async () => {
    const res = await getDataset({ authorization: `Bearer ${api.tokens.editor}` });
    expect(res.status).toBe(200);
  });

  it.each([
    ['expired', () => signLocalToken('admin', { secret: SECRET, expiresInSeconds: -60 })],
    ['signed with another secret', () => signLocalToken('admin', { secret: 'not-the-secret' })],
    [
      'from another issuer',
      () => signLocalToken('admin', { secret: SECRET, issuer: 'someone-else' }),
    ],
    [
      'without an expiry',
      () =>
        sign(
          { iss: 'srs-access-local', sub: 'x', 'cognito:groups': ['srs-admin'] },
          SECRET,
          'HS256',
        ),
    ],
    [
      'not yet valid',
      () =>
        sign(
          {
            iss: 'srs-access-local',
            sub: 'x',
            nbf: now() + 600,
            exp: now() + 900,
            'cognito:groups': ['srs-admin'],
          },
          SECRET,
          'HS256',
        ),
    ],
    [
      'unsigned (alg none)',
      async () => {
        const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: 'srs-access-local', exp: now() + 600, 'cognito:groups': ['srs-admin'] })}.`;
      },
    ],
    [
      'with a tampered payload',
      async () => {
        const token = await signLocalToken('researcher', { secret: SECRET, researcherId: 'r-own' });
        const [h, , s] = token.split('.');
        const payload = Buffer.from(
          JSON.stringify({
            iss: 'srs-access-local',
            exp: now() + 600,
            'cognito:groups': ['srs-admin'],
          }),
        ).toString('base64url');
        return `${h}.${payload}.${s}`;
      },
    ],
    ['that is not a JWT', async () => 'not-a-token'],
  ])('refuses a token %s with 401 and a Bearer challenge', async (_label, make) => {
    const token = await make();
    const res = await getDataset({ authorization: `Bearer ${token}` });
    const problem = await expectProblem(res, 401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    expect(problem.detail).not.toContain(token);
  });

  it.each([
    ['no Authorization header', {}],
    ['a Basic credential', { authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('refuses %s with 401', async (_label, headers: Record<string, string>) => {
    const res = await getDataset(headers);
    await expectProblem(res, 401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('refuses a valid token that carries no role with 403', async () => {
    const token = await sign(
      { iss: 'srs-access-local', sub: 'nobody', exp: now() + 600, 'cognito:groups': ['visitors'] },
      SECRET,
      'HS256',
    );
    await expectProblem(await getDataset({ authorization: `Bearer ${token}` }), 403);
  });

  it('needs a researcherId for a researcher token', async () => {
    await expect(signLocalToken('researcher', { secret: SECRET })).rejects.toThrow(/researcherId/);
  });

  it('never logs the token', async () => {
    const api = await apiOnFreshTable('api-auth-logs');
    await getAs(api, '/v1/datasets/x', 'admin');
    await send(api.app, { method: 'GET', path: '/v1/datasets/x' }, 'forged.token.value');
    const admin = api.tokens.admin ?? '';
    for (const line of api.logs.lines) {
      expect(line).not.toContain(admin.split('.')[2]);
      expect(line).not.toContain('forged.token.value');
    }
  });
});

describe('API Gateway claims', () => {
  let gatewayApp: ApiApp;
  beforeAll(() => {
    gatewayApp = validated(
      createApp({ ctx: api.ctx, auth: apiGatewayAuthenticator(), logger: captureLogs() }),
    );
  });

  /** A request as hono/aws-lambda presents it: the Lambda event in `c.env.event`. */
  const viaGateway = (path: string, claims?: Record<string, unknown>, scopes?: string[]) =>
    gatewayApp.request(
      path,
      { headers: { authorization: `Bearer ${api.tokens.admin}` } },
      {
        event: {
          requestContext: {
            requestId: 'gw-request-1',
            ...(claims && { authorizer: { jwt: { claims, scopes: scopes ?? null } } }),
          },
        },
      },
    );

  it('uses the verified claims: groups for people, the scope for services', async () => {
    expect(
      (
        await viaGateway('/v1/datasets/d-1/history', {
          sub: 'u1',
          token_use: 'id',
          'cognito:groups': '[catalogue-editor]',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await viaGateway('/v1/datasets/d-1/projects', {
          client_id: 'booking',
          token_use: 'access',
          scope: 'srs-access/read',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await viaGateway(
          '/v1/datasets/d-1/projects',
          { client_id: 'booking', token_use: 'access' },
          ['srs-access/read'],
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await viaGateway('/v1/researchers/r-own/notifications', {
          sub: 'u2',
          token_use: 'access',
          'cognito:groups': 'researcher',
          researcher_id: 'r-own',
        })
      ).status,
    ).toBe(200);
  });

  it('takes the service role only from an access token, where Cognito puts scopes', async () => {
    const asId = await viaGateway('/v1/datasets/d-1/projects', {
      sub: 'u3',
      token_use: 'id',
      scope: 'srs-access/read',
    });
    await expectProblem(asId, 403);
    const scopesOfId = await viaGateway(
      '/v1/datasets/d-1/projects',
      { sub: 'u3', token_use: 'id' },
      ['srs-access/read'],
    );
    await expectProblem(scopesOfId, 403);
  });

  it('gives no role to a token that is neither a Cognito ID nor access token', async () => {
    for (const tokenUse of [undefined, 'refresh', 'ID', 42]) {
      const res = await viaGateway('/v1/datasets/d-1/history', {
        sub: 'u4',
        'cognito:groups': '[srs-admin]',
        ...(tokenUse !== undefined && { token_use: tokenUse }),
      });
      await expectProblem(res, 403);
    }
  });

  it('refuses a request without authorizer claims, whatever its Authorization header', async () => {
    const res = await viaGateway('/v1/datasets/d-1');
    await expectProblem(res, 401);
  });

  it('takes the request id from the API Gateway context', async () => {
    const res = await viaGateway('/health');
    expect(res.headers.get('x-request-id')).toBe('gw-request-1');
  });
});

describe('roles from claims', () => {
  it.each([
    [
      ['catalogue-editor', 'srs-admin'],
      ['catalogue-editor', 'srs-admin'],
    ],
    ['[catalogue-editor srs-admin]', ['catalogue-editor', 'srs-admin']],
    ['catalogue-editor,srs-admin', ['catalogue-editor', 'srs-admin']],
    ['catalogue-editor srs-admin', ['catalogue-editor', 'srs-admin']],
    ['["catalogue-editor","srs-admin"]', ['catalogue-editor', 'srs-admin']],
    ['[researcher]', ['researcher']],
    ['', []],
    [undefined, []],
    [42, []],
  ])('reads cognito:groups %j', (claim, groups) => {
    expect(parseGroups(claim)).toEqual(groups);
  });

  it('maps groups and scopes to roles, and researcher_id to the researcher', () => {
    const person = principalFromClaims({
      sub: 'u',
      token_use: 'id',
      'cognito:groups': '[catalogue-editor srs-admin researcher]',
      researcher_id: 'r-1',
    });
    expect([...person.roles].sort()).toEqual(['admin', 'editor', 'researcher']);
    expect(person.researcherId).toBe('r-1');
    const service = principalFromClaims({
      client_id: 'c',
      token_use: 'access',
      scope: 'openid srs-access/read',
    });
    expect([...service.roles]).toEqual(['service']);
    expect(service.subject).toBe('c');
    expect(principalFromClaims({ token_use: 'access', scope: 'srs-access/write' }).roles.size).toBe(
      0,
    );
    expect(
      principalFromClaims({
        token_use: 'id',
        'cognito:groups': ['researcher'],
        researcher_id: '../x',
      }).researcherId,
    ).toBeUndefined();
  });
});

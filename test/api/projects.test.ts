/**
 * Project endpoints and the access queries: projects, links, members, a
 * project's access (one DynamoDB request), a researcher's access and access
 * checks, including the three worked examples of the guidance.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../functions/api/index.js';
import { getChangeItem, isMember } from '../../functions/store/index.js';
import { localJwtAuthenticator } from '../../local/auth.js';
import {
  AccessCheckResponseSchema,
  ProjectAccessSchema,
  ProjectDatasetLinkResultSchema,
  ProjectSchema,
  ResearcherAccessSchema,
} from '../../schemas/index.js';
import { noAoc } from '../support/factories.js';
import { validated } from '../support/openapi-responses.js';
import { aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';
import {
  applyChange,
  captureLogs,
  expectProblem,
  getAs,
  SECRET,
  seededApi,
  send,
  snapshot,
} from './support.js';

const api = seededApi('api-projects');

const asAdmin = (method: 'GET' | 'PUT' | 'DELETE' | 'POST', path: string, json?: unknown) =>
  send(api.app, { method, path, ...(json !== undefined && { json }) }, api.tokens.admin);

describe('PUT /v1/projects/{projectId}', () => {
  it('creates with 201 and renames with 200', async () => {
    const created = await asAdmin('PUT', '/v1/projects/p-new', { title: 'New project' });
    expect(created.status).toBe(201);
    expect(ProjectSchema.parse(await created.json())).toMatchObject({
      projectId: 'p-new',
      version: 1,
    });
    const renamed = await asAdmin('PUT', '/v1/projects/p-new', { title: 'Renamed' });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ title: 'Renamed', version: 2 });
    const access = await asAdmin('GET', '/v1/projects/p-new/access');
    expect(ProjectAccessSchema.parse(await access.json())).toMatchObject({
      accessLevel: null,
      status: 'no-datasets',
      routes: [],
    });
  });
});

describe('PUT and DELETE /v1/projects/{projectId}/datasets/{datasetId}', () => {
  it('links with 201 and a changeId, again with 200, and unlinks with 200 { changeId }', async () => {
    await asAdmin('PUT', '/v1/projects/p-link', { title: 'Link' });
    const first = await asAdmin('PUT', '/v1/projects/p-link/datasets/d-2');
    expect(first.status).toBe(201);
    const link = ProjectDatasetLinkResultSchema.parse(await first.json());
    expect(link).toMatchObject({ projectId: 'p-link', datasetId: 'd-2' });
    const again = await asAdmin('PUT', '/v1/projects/p-link/datasets/d-2');
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(link);

    await applyChange(api.ctx, link.changeId);
    const access = ProjectAccessSchema.parse(
      await (await asAdmin('GET', '/v1/projects/p-link/access')).json(),
    );
    expect(access).toMatchObject({
      accessLevel: 1,
      status: 'ok',
      routes: ['safe-room', 'safepod'],
    });

    const removed = await asAdmin('DELETE', '/v1/projects/p-link/datasets/d-2');
    expect(removed.status).toBe(200);
    const body = (await removed.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['changeId']);
  });

  it('answers 404 when the project or the dataset is unknown, changing nothing', async () => {
    const before = await snapshot(api.ctx);
    await expectProblem(await asAdmin('PUT', '/v1/projects/p-none/datasets/d-1'), 404);
    await expectProblem(await asAdmin('PUT', '/v1/projects/p-1/datasets/d-none'), 404);
    await expectProblem(await asAdmin('DELETE', '/v1/projects/p-1/datasets/d-2'), 404);
    expect(await snapshot(api.ctx)).toEqual(before);
  });
});

describe('PUT and DELETE /v1/projects/{projectId}/researchers/{researcherId}', () => {
  it('adds with 201, again with 200, removes with 200, then 404', async () => {
    await asAdmin('PUT', '/v1/projects/p-team', { title: 'Team' });
    const added = await asAdmin('PUT', '/v1/projects/p-team/researchers/r-other');
    expect(added.status).toBe(201);
    const start = (await added.json()) as { changeId: string };
    expect(start).toEqual({
      projectId: 'p-team',
      researcherId: 'r-other',
      changeId: start.changeId,
    });
    expect(await getChangeItem(api.ctx, start.changeId)).toMatchObject({
      kind: 'membership-started',
      projectId: 'p-team',
      researcherId: 'r-other',
    });
    // Again: nothing written, the change that added them.
    const again = await asAdmin('PUT', '/v1/projects/p-team/researchers/r-other');
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(start);
    expect(await isMember(api.ctx, 'p-team', 'r-other')).toBe(true);
    const removed = await asAdmin('DELETE', '/v1/projects/p-team/researchers/r-other');
    expect(removed.status).toBe(200);
    const body = (await removed.json()) as { changeId: string };
    expect(body).toEqual({ projectId: 'p-team', researcherId: 'r-other', changeId: body.changeId });
    expect((await asAdmin('GET', `/v1/changes/${body.changeId}`)).status).toBe(200);
    expect(await isMember(api.ctx, 'p-team', 'r-other')).toBe(false);
    await expectProblem(await asAdmin('DELETE', '/v1/projects/p-team/researchers/r-other'), 404);
  });

  it('answers 404 for an unknown project or researcher', async () => {
    await expectProblem(await asAdmin('PUT', '/v1/projects/p-none/researchers/r-own'), 404);
    await expectProblem(await asAdmin('PUT', '/v1/projects/p-1/researchers/r-none'), 404);
  });
});

describe('GET /v1/projects/{projectId}/access', () => {
  it('returns the summary with exactly the fields of the contract', async () => {
    const res = await getAs(api, '/v1/projects/p-1/access', 'service');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      [
        'accessLevel',
        'datasetCount',
        'limitingDatasets',
        'projectId',
        'routes',
        'status',
        'updatedAt',
        'version',
      ].sort(),
    );
    expect(body).toMatchObject({
      projectId: 'p-1',
      accessLevel: 3,
      status: 'ok',
      routes: ['safe-room', 'safepod', 'aoc-office', 'aoc-remote'],
      limitingDatasets: [{ datasetId: 'd-1', accessLevel: 3 }],
      datasetCount: 1,
    });
  });

  it('makes exactly one DynamoDB request', async () => {
    let requests = 0;
    const counting = new Proxy(api.ctx.doc, {
      get(target, prop, receiver) {
        if (prop === 'send') {
          return (...args: Parameters<DynamoDBDocumentClient['send']>) => {
            requests++;
            return target.send(...args);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
    const counted = validated(
      createApp({
        ctx: { ...api.ctx, doc: counting },
        auth: localJwtAuthenticator(SECRET),
        logger: captureLogs(),
      }),
    );
    const res = await send(
      counted,
      { method: 'GET', path: '/v1/projects/p-1/access' },
      api.tokens.service,
    );
    expect(res.status).toBe(200);
    expect(requests).toBe(1);
  });

  it('answers 404 for an unknown project and 403 to a researcher who is not a member', async () => {
    await expectProblem(await getAs(api, '/v1/projects/p-none/access', 'service'), 404);
    await expectProblem(await getAs(api, '/v1/projects/p-1/access', 'researcher-other'), 403);
  });
});

describe('GET /v1/projects/{projectId}/researchers/{researcherId}/access', () => {
  it('gives a member the permitted routes', async () => {
    const res = await getAs(api, '/v1/projects/p-1/researchers/r-own/access', 'researcher-own');
    expect(res.status).toBe(200);
    expect(ResearcherAccessSchema.parse(await res.json())).toEqual({
      projectId: 'p-1',
      researcherId: 'r-own',
      projectAccessLevel: 3,
      routes: ['safe-room', 'safepod', 'aoc-office', 'aoc-remote'],
      denied: [],
    });
  });

  it('gives a non-member no routes, each denied with not-a-member first', async () => {
    const res = await getAs(api, '/v1/projects/p-1/researchers/r-other/access', 'service');
    const body = ResearcherAccessSchema.parse(await res.json());
    expect(body.routes).toEqual([]);
    expect(body.denied.map((d) => d.route)).toEqual([
      'safe-room',
      'safepod',
      'aoc-office',
      'aoc-remote',
    ]);
    for (const d of body.denied) expect(d.reasons[0]).toBe('not-a-member');
  });

  it('answers 404 for an unknown project or researcher', async () => {
    await expectProblem(
      await getAs(api, '/v1/projects/p-none/researchers/r-own/access', 'admin'),
      404,
    );
    await expectProblem(
      await getAs(api, '/v1/projects/p-1/researchers/r-none/access', 'admin'),
      404,
    );
  });
});

describe('POST /v1/access-checks', () => {
  const check = (json: unknown) =>
    send(api.app, { method: 'POST', path: '/v1/access-checks', json }, api.tokens.service);

  it('allows a permitted route and explains a denied one', async () => {
    const allowed = AccessCheckResponseSchema.parse(
      await (await check({ projectId: 'p-1', researcherId: 'r-own', route: 'aoc-remote' })).json(),
    );
    expect(allowed).toEqual({ allowed: true, route: 'aoc-remote', reasons: [] });
    const denied = AccessCheckResponseSchema.parse(
      await (await check({ projectId: 'p-1', researcherId: 'r-other', route: 'safe-room' })).json(),
    );
    expect(denied).toEqual({ allowed: false, route: 'safe-room', reasons: ['not-a-member'] });
  });

  it('answers allowed: false, not an error, for an unknown project or researcher', async () => {
    for (const body of [
      { projectId: 'p-none', researcherId: 'r-own', route: 'safe-room' },
      { projectId: 'p-1', researcherId: 'r-none', route: 'safe-room' },
    ]) {
      const res = await check(body);
      expect(res.status).toBe(200);
      const answer = AccessCheckResponseSchema.parse(await res.json());
      expect(answer.allowed).toBe(false);
      expect(answer.reasons[0]).toBe('not-a-member');
    }
  });

  it('answers 400 for a bad route or id', async () => {
    const bad = await expectProblem(
      await check({ projectId: 'p-1', researcherId: 'r-own', route: 'teleport' }),
      400,
    );
    expect(bad.errors?.[0]?.path).toBe('route');
    await expectProblem(
      await check({ projectId: '../x', researcherId: 'r-own', route: 'safepod' }),
      400,
    );
  });
});

describe('the worked examples of the guidance, through HTTP', () => {
  const routesOf = async (projectId: string, researcherId: string) =>
    ResearcherAccessSchema.parse(
      await (
        await getAs(api, `/v1/projects/${projectId}/researchers/${researcherId}/access`, 'service')
      ).json(),
    ).routes;

  it('1: level 3 datasets, organisation without AOC: safe-room and safepod only', async () => {
    await anOrganisation(api.ctx, 'org-no-aoc', noAoc());
    await applyChange(api.ctx, (await aResearcher(api.ctx, 'r-ex1', 'org-no-aoc')).changeId);
    await aDataset(api.ctx, 'd-ex1', 3);
    for (const id of await aProject(api.ctx, 'p-ex1', ['d-ex1'], ['r-ex1']))
      await applyChange(api.ctx, id);
    expect(await routesOf('p-ex1', 'r-ex1')).toEqual(['safe-room', 'safepod']);
  });

  it('2: full AOC, one level 1 dataset: safe-room and safepod only', async () => {
    await aDataset(api.ctx, 'd-ex2', 1);
    for (const id of await aProject(api.ctx, 'p-ex2', ['d-ex2', 'd-1'], ['r-own'])) {
      await applyChange(api.ctx, id);
    }
    expect(await routesOf('p-ex2', 'r-own')).toEqual(['safe-room', 'safepod']);
  });

  it('3: one organisation, two projects of different levels: each follows its own level', async () => {
    await aDataset(api.ctx, 'd-ex3', 2);
    for (const id of await aProject(api.ctx, 'p-ex3', ['d-ex3'], ['r-own']))
      await applyChange(api.ctx, id);
    expect(await routesOf('p-ex3', 'r-own')).toEqual(['safe-room', 'safepod', 'aoc-office']);
    expect(await routesOf('p-1', 'r-own')).toEqual([
      'safe-room',
      'safepod',
      'aoc-office',
      'aoc-remote',
    ]);
  });
});

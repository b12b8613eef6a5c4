/**
 * Dataset endpoints: create/replace, read, level changes with If-Match,
 * preview, history and the projects that use a dataset.
 */
import { describe, expect, it } from 'vitest';
import {
  AccessLevelChangeResultSchema,
  AuditPageSchema,
  DatasetSchema,
  ImpactSchema,
  ProjectRefPageSchema,
} from '../../schemas/index.js';
import { aocLossImpact, noAoc } from '../support/factories.js';
import { aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';
import { applyChange, expectProblem, getAs, seededApi, send, snapshot } from './support.js';

const api = seededApi('api-datasets');

const put = (id: string, json: unknown, token = api.tokens.editor) =>
  send(api.app, { method: 'PUT', path: `/v1/datasets/${id}`, json }, token);

const setLevel = (id: string, json: unknown, headers: Record<string, string> = {}) =>
  send(
    api.app,
    { method: 'PUT', path: `/v1/datasets/${id}/access-level`, json, headers },
    api.tokens.editor,
  );

describe('PUT /v1/datasets/{datasetId}', () => {
  it('creates a dataset with 201, then answers 200 when it is updated or unchanged', async () => {
    const created = await put('d-new', { title: 'New dataset', owner: 'ONS', accessLevel: 2 });
    expect(created.status).toBe(201);
    const dataset = DatasetSchema.parse(await created.json());
    expect(dataset).toMatchObject({
      datasetId: 'd-new',
      title: 'New dataset',
      accessLevel: 2,
      version: 1,
    });
    expect(created.headers.get('etag')).toBe('"1"');

    const updated = await put('d-new', { title: 'Renamed', owner: 'ONS', accessLevel: 2 });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ title: 'Renamed', version: 2 });

    const unchanged = await put('d-new', { title: 'Renamed', owner: 'ONS', accessLevel: 2 });
    expect(unchanged.status).toBe(200);
    expect(await unchanged.json()).toMatchObject({ version: 2 });
  });

  it('refuses a level change without a reason with a 400 naming reason, and changes nothing', async () => {
    await put('d-reason', { title: 'Needs a reason', accessLevel: 3 });
    const before = await snapshot(api.ctx);

    const res = await put('d-reason', { title: 'Needs a reason', accessLevel: 1 });

    const problem = await expectProblem(res, 400);
    expect(problem.errors?.map((e) => e.path)).toContain('reason');
    expect(await snapshot(api.ctx)).toEqual(before);
  });

  it('accepts a level change with a reason and reports the change in a Change-Id header', async () => {
    await put('d-reasoned', { title: 'Reasoned', accessLevel: 3 });
    const res = await put('d-reasoned', {
      title: 'Reasoned',
      accessLevel: 1,
      reason: 'owner asked',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accessLevel: 1 });
    expect(res.headers.get('change-id')).toMatch(/\S/);
  });
});

describe('GET /v1/datasets/{datasetId}', () => {
  it('returns the dataset with exactly the fields of the contract', async () => {
    const res = await getAs(api, '/v1/datasets/d-1', 'service');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      ['accessLevel', 'datasetId', 'title', 'updatedAt', 'updatedBy', 'version'].sort(),
    );
    expect(body).toMatchObject({ datasetId: 'd-1', accessLevel: 3 });
  });

  it('answers 404 for an unknown dataset', async () => {
    const res = await getAs(api, '/v1/datasets/nope', 'editor');
    await expectProblem(res, 404);
  });

  it('answers 400 for a malformed id', async () => {
    for (const id of ['.hidden', '_x', 'a%20b', 'x'.repeat(129), '%E2%9C%93']) {
      const res = await getAs(api, `/v1/datasets/${id}`, 'editor');
      const problem = await expectProblem(res, 400);
      expect(problem.errors?.[0]?.path).toBe('datasetId');
    }
  });
});

describe('PUT /v1/datasets/{datasetId}/access-level', () => {
  it('to the level it already has writes nothing and returns the change that set it', async () => {
    // Arrange: d-same moved to 2 by a first change.
    await aDataset(api.ctx, 'd-same', 3);
    const first = AccessLevelChangeResultSchema.parse(
      await (await setLevel('d-same', { accessLevel: 2, reason: 'owner narrowed it' })).json(),
    );
    const before = await snapshot(api.ctx);

    // Act
    const res = await setLevel('d-same', { accessLevel: 2, reason: 'asked again' });

    // Assert
    expect(res.status).toBe(200);
    const body = AccessLevelChangeResultSchema.parse(await res.json());
    expect(body.changeId).toBe(first.changeId);
    expect(body.dataset).toEqual(first.dataset);
    expect(res.headers.get('etag')).toBe(`"${first.dataset.version}"`);
    expect(await snapshot(api.ctx)).toEqual(before);
  });

  it('changes the level and returns 200 { dataset, changeId }', async () => {
    await aDataset(api.ctx, 'd-level', 3);
    const res = await setLevel('d-level', { accessLevel: 2, reason: 'owner narrowed it' });
    expect(res.status).toBe(200);
    const body = AccessLevelChangeResultSchema.parse(await res.json());
    expect(body.dataset).toMatchObject({ datasetId: 'd-level', accessLevel: 2, version: 2 });
    const change = await getAs(api, `/v1/changes/${body.changeId}`, 'editor');
    expect(change.status).toBe(200);
    expect(await change.json()).toMatchObject({
      changeId: body.changeId,
      kind: 'dataset-level-changed',
    });
  });

  it('applies with a current If-Match, quoted or not', async () => {
    await aDataset(api.ctx, 'd-match', 3);
    const quoted = await setLevel(
      'd-match',
      { accessLevel: 2, reason: 'r' },
      { 'if-match': '"1"' },
    );
    expect(quoted.status).toBe(200);
    expect(quoted.headers.get('etag')).toBe('"2"');
    const bare = await setLevel('d-match', { accessLevel: 1, reason: 'r' }, { 'if-match': '2' });
    expect(bare.status).toBe(200);
  });

  it('answers 412 for a stale If-Match and changes nothing', async () => {
    await aDataset(api.ctx, 'd-stale', 3);
    await setLevel('d-stale', { accessLevel: 2, reason: 'first' });
    const before = await snapshot(api.ctx);

    const res = await setLevel(
      'd-stale',
      { accessLevel: 1, reason: 'second' },
      { 'if-match': '"1"' },
    );

    await expectProblem(res, 412);
    expect(await snapshot(api.ctx)).toEqual(before);
  });

  it('answers 400 for a malformed If-Match and changes nothing', async () => {
    await aDataset(api.ctx, 'd-badmatch', 3);
    const before = await snapshot(api.ctx);
    for (const value of ['W/"1"', '"1", "2"', 'abc', '"0"', '"1']) {
      const res = await setLevel(
        'd-badmatch',
        { accessLevel: 1, reason: 'r' },
        { 'if-match': value },
      );
      const problem = await expectProblem(res, 400);
      expect(problem.errors?.[0]?.path).toBe('if-match');
    }
    expect(await snapshot(api.ctx)).toEqual(before);
  });

  it('answers 404 for an unknown dataset, with or without If-Match', async () => {
    await expectProblem(await setLevel('d-missing', { accessLevel: 1, reason: 'r' }), 404);
    await expectProblem(
      await setLevel('d-missing', { accessLevel: 1, reason: 'r' }, { 'if-match': '"1"' }),
      404,
    );
  });

  it('requires a reason and a level of 0 to 3', async () => {
    await aDataset(api.ctx, 'd-body', 3);
    const noReason = await expectProblem(await setLevel('d-body', { accessLevel: 1 }), 400);
    expect(noReason.errors).toEqual([{ path: 'reason', message: 'is required' }]);
    const badLevel = await expectProblem(
      await setLevel('d-body', { accessLevel: 4, reason: 'r' }),
      400,
    );
    expect(badLevel.errors?.[0]?.path).toBe('accessLevel');
    const nullLevel = await expectProblem(
      await setLevel('d-body', { accessLevel: null, reason: 'r' }),
      400,
    );
    expect(nullLevel.errors?.[0]?.path).toBe('accessLevel');
  });
});

describe('POST /v1/datasets/{datasetId}/access-level/preview', () => {
  it('reports how each project and member would be affected, and changes nothing', async () => {
    // Arrange: d-pv (level 3) is used by p-pv, whose member works at an
    // organisation with full AOC; a second member's organisation has none.
    await aDataset(api.ctx, 'd-pv', 3);
    await anOrganisation(api.ctx, 'org-none', noAoc());
    await applyChange(api.ctx, (await aResearcher(api.ctx, 'r-pv-none', 'org-none')).changeId);
    for (const id of await aProject(api.ctx, 'p-pv', ['d-pv'], ['r-own', 'r-pv-none'])) {
      await applyChange(api.ctx, id);
    }
    const before = await snapshot(api.ctx);

    // Act
    const res = await send(
      api.app,
      { method: 'POST', path: '/v1/datasets/d-pv/access-level/preview', json: { accessLevel: 1 } },
      api.tokens.editor,
    );

    // Assert
    expect(res.status).toBe(200);
    const impact = ImpactSchema.parse(await res.json());
    expect(impact).toEqual(aocLossImpact('d-pv', 'p-pv', 'r-own'));
    expect(await snapshot(api.ctx)).toEqual(before);
  });

  it('previews unclassifying (accessLevel null): the project is pending classification and every member loses every route', async () => {
    // Arrange: p-pv from the test above, at level 3 with two members.
    const before = await snapshot(api.ctx);

    // Act
    const res = await send(
      api.app,
      {
        method: 'POST',
        path: '/v1/datasets/d-pv/access-level/preview',
        json: { accessLevel: null },
      },
      api.tokens.editor,
    );

    // Assert
    expect(res.status).toBe(200);
    const impact = ImpactSchema.parse(await res.json());
    expect(impact).toMatchObject({
      datasetId: 'd-pv',
      fromLevel: 3,
      toLevel: null,
      projects: [
        {
          projectId: 'p-pv',
          fromLevel: 3,
          toLevel: null,
          fromStatus: 'ok',
          toStatus: 'pending-classification',
        },
      ],
      projectCount: 1,
      narrowedCount: 2,
      truncated: false,
    });
    expect(impact.narrowed.map((n) => n.researcherId).sort()).toEqual(['r-own', 'r-pv-none']);
    for (const n of impact.narrowed) {
      expect(n.remainingRoutes).toEqual([]);
      expect(n.removedRoutes.length).toBeGreaterThan(0);
    }
    expect(await snapshot(api.ctx)).toEqual(before);
  });

  it('answers 404 for an unknown dataset and 400 for a bad level', async () => {
    await expectProblem(
      await send(
        api.app,
        {
          method: 'POST',
          path: '/v1/datasets/nope/access-level/preview',
          json: { accessLevel: 1 },
        },
        api.tokens.editor,
      ),
      404,
    );
    const bad = await expectProblem(
      await send(
        api.app,
        {
          method: 'POST',
          path: '/v1/datasets/d-1/access-level/preview',
          json: { accessLevel: 'x' },
        },
        api.tokens.editor,
      ),
      400,
    );
    expect(bad.errors?.[0]?.path).toBe('accessLevel');
  });
});

describe('GET /v1/datasets/{datasetId}/history', () => {
  it('lists the audit entries newest first, with who, what from, what to and why', async () => {
    await aDataset(api.ctx, 'd-hist', 3);
    await setLevel('d-hist', { accessLevel: 2, reason: 'first narrowing' });
    await setLevel('d-hist', { accessLevel: 1, reason: 'second narrowing' });

    const res = await getAs(api, '/v1/datasets/d-hist/history', 'admin');

    expect(res.status).toBe(200);
    const { items } = AuditPageSchema.parse(await res.json());
    expect(items.map((i) => i.reason)).toEqual(['second narrowing', 'first narrowing', undefined]);
    expect(items[0]).toMatchObject({
      entity: 'dataset',
      entityId: 'd-hist',
      action: 'update',
      actor: 'local-editor',
      from: { accessLevel: 2 },
      to: { accessLevel: 1 },
    });
  });

  it('answers 404 for an unknown dataset', async () => {
    await expectProblem(await getAs(api, '/v1/datasets/nope/history', 'admin'), 404);
  });
});

describe('GET /v1/datasets/{datasetId}/projects', () => {
  it('pages through the projects using a dataset with an opaque nextToken', async () => {
    await aDataset(api.ctx, 'd-many', 2);
    for (const p of ['p-m1', 'p-m2', 'p-m3']) await aProject(api.ctx, p, ['d-many'], []);

    const seen: string[] = [];
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const qs = `limit=2${nextToken ? `&nextToken=${nextToken}` : ''}`;
      const res = await getAs(api, `/v1/datasets/d-many/projects?${qs}`, 'service');
      expect(res.status).toBe(200);
      const page = ProjectRefPageSchema.parse(await res.json());
      seen.push(...page.items.map((i) => i.projectId));
      nextToken = page.nextToken;
      pages++;
    } while (nextToken && pages < 10);

    expect(seen.sort()).toEqual(['p-m1', 'p-m2', 'p-m3']);
    expect(pages).toBeGreaterThanOrEqual(2);
  });

  it('answers 400 for a malformed token or a token of another list', async () => {
    await aProject(api.ctx, 'p-extra', ['d-1'], []);
    const other = ProjectRefPageSchema.parse(
      await (await getAs(api, '/v1/datasets/d-1/projects?limit=1', 'admin')).json(),
    );
    expect(other.nextToken).toBeDefined();
    const forged = Buffer.from(JSON.stringify({ pk: 1 })).toString('base64url');
    for (const token of ['!!!', 'bm90LWpzb24', forged, other.nextToken ?? '']) {
      const res = await getAs(api, `/v1/datasets/d-many/projects?nextToken=${token}`, 'admin');
      const problem = await expectProblem(res, 400);
      expect(problem.errors?.[0]?.path).toBe('nextToken');
    }
  });

  it('answers 400 for a bad limit and 404 for an unknown dataset', async () => {
    for (const limit of ['0', '101', 'x', '1.5']) {
      const res = await getAs(api, `/v1/datasets/d-1/projects?limit=${limit}`, 'admin');
      expect((await expectProblem(res, 400)).errors?.[0]?.path).toBe('limit');
    }
    await expectProblem(await getAs(api, '/v1/datasets/nope/projects', 'admin'), 404);
  });
});

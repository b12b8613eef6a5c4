/**
 * Organisations, researchers, the researcher's inbox and change records:
 * writes return the entity and its changeId; a narrowing reaches the inbox.
 */
import { describe, expect, it } from 'vitest';
import {
  ChangeRecordSchema,
  NotificationPageSchema,
  OrganisationViewSchema,
  OrganisationWriteResultSchema,
  ResearcherWriteResultSchema,
  StandingImpactSchema,
} from '../../schemas/index.js';
import { anAccreditation, fullAoc, noAoc, officeAoc } from '../support/factories.js';
import { anOrganisation, aProject, aResearcher } from '../support/seed.js';
import {
  apiOnFreshTable,
  applyChange,
  expectProblem,
  getAs,
  seededApi,
  seedWorld,
  send,
  snapshot,
} from './support.js';

const api = seededApi('api-parties');

const asAdmin = (method: 'GET' | 'PUT', path: string, json?: unknown) =>
  send(api.app, { method, path, ...(json !== undefined && { json }) }, api.tokens.admin);

const researcherBody = (organisationId: string) => ({
  name: 'Ada Example',
  email: 'ada@example.org',
  organisationId,
  accreditation: {
    status: 'accredited',
    ararSignedAt: '2025-06-02',
    expiresAt: '2030-01-01',
    homeAddressOnFile: true,
  },
});

describe('PUT and GET /v1/organisations/{organisationId}', () => {
  it('creates with 201 and a changeId, replaces with 200, and reads back with derived routes', async () => {
    const created = await asAdmin('PUT', '/v1/organisations/org-a', {
      name: 'Org A',
      agreements: { AOCOA: { status: 'approved' }, AOCCC: { status: 'approved' } },
    });
    expect(created.status).toBe(201);
    const write = OrganisationWriteResultSchema.parse(await created.json());
    expect(write).toMatchObject({ organisationId: 'org-a', name: 'Org A', version: 1 });
    expect(write.changeId).toMatch(/\S/);

    const replaced = await asAdmin('PUT', '/v1/organisations/org-a', {
      name: 'Org A',
      agreements: fullAoc(),
    });
    expect(replaced.status).toBe(200);
    expect(OrganisationWriteResultSchema.parse(await replaced.json()).version).toBe(2);

    const read = await getAs(api, '/v1/organisations/org-a', 'service');
    expect(read.status).toBe(200);
    expect(OrganisationViewSchema.parse(await read.json()).routes).toEqual([
      'safe-room',
      'safepod',
      'aoc-office',
      'aoc-remote',
    ]);
  });

  it('writes nothing for a body that matches what is stored, and returns the change that set it', async () => {
    // Arrange
    const body = {
      name: 'Org Same',
      agreements: { AOCOA: { status: 'approved', approvedAt: '2025-01-01' } },
    };
    const first = OrganisationWriteResultSchema.parse(
      await (await asAdmin('PUT', '/v1/organisations/org-same', body)).json(),
    );
    const before = await snapshot(api.ctx);

    // Act: the same facts, keys in another order.
    const res = await asAdmin('PUT', '/v1/organisations/org-same', {
      agreements: { AOCOA: { approvedAt: '2025-01-01', status: 'approved' } },
      name: 'Org Same',
    });

    // Assert
    expect(res.status).toBe(200);
    expect(OrganisationWriteResultSchema.parse(await res.json())).toEqual(first);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(await snapshot(api.ctx)).toEqual(before);
  });

  it('answers 404 for an unknown organisation', async () => {
    await expectProblem(await asAdmin('GET', '/v1/organisations/org-none'), 404);
  });

  it('answers 400 for a bad agreement, listing each bad field, and changes nothing', async () => {
    const before = await snapshot(api.ctx);
    const res = await asAdmin('PUT', '/v1/organisations/org-bad', {
      name: '',
      agreements: { AOCOA: { status: 'maybe' }, XYZ: { status: 'approved' } },
    });
    const problem = await expectProblem(res, 400);
    expect(problem.errors?.map((e) => e.path).sort()).toEqual(
      ['agreements.AOCOA.status', 'agreements.XYZ', 'name'].sort(),
    );
    expect(await snapshot(api.ctx)).toEqual(before);
  });
});

describe('PUT /v1/researchers/{researcherId}', () => {
  it('creates with 201 and replaces with 200, returning the researcher and a changeId', async () => {
    const created = await asAdmin('PUT', '/v1/researchers/r-ada', researcherBody('org-full'));
    expect(created.status).toBe(201);
    const write = ResearcherWriteResultSchema.parse(await created.json());
    expect(write).toMatchObject({ researcherId: 'r-ada', organisationId: 'org-full', version: 1 });
    const replaced = await asAdmin('PUT', '/v1/researchers/r-ada', researcherBody('org-full'));
    expect(replaced.status).toBe(200);
  });

  it('writes nothing for a body that matches what is stored, and returns the change that set it', async () => {
    const first = ResearcherWriteResultSchema.parse(
      await (await asAdmin('PUT', '/v1/researchers/r-same', researcherBody('org-full'))).json(),
    );
    const before = await snapshot(api.ctx);

    const res = await asAdmin('PUT', '/v1/researchers/r-same', researcherBody('org-full'));

    expect(res.status).toBe(200);
    expect(ResearcherWriteResultSchema.parse(await res.json())).toEqual(first);
    expect(await snapshot(api.ctx)).toEqual(before);

    // A changed fact is a write again.
    const renamed = await asAdmin('PUT', '/v1/researchers/r-same', {
      ...researcherBody('org-full'),
      name: 'Ada Renamed',
    });
    const write = ResearcherWriteResultSchema.parse(await renamed.json());
    expect(write.version).toBe(2);
    expect(write.changeId).not.toBe(first.changeId);
  });

  it('answers 400 naming organisationId for an unknown organisation, and changes nothing', async () => {
    const before = await snapshot(api.ctx);
    const problem = await expectProblem(
      await asAdmin('PUT', '/v1/researchers/r-orphan', researcherBody('org-none')),
      400,
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(['organisationId']);
    expect(await snapshot(api.ctx)).toEqual(before);
  });

  it('never writes the email address to the logs', async () => {
    const api = await apiOnFreshTable('api-parties-logs');
    await seedWorld(api.ctx);
    await send(
      api.app,
      { method: 'PUT', path: '/v1/researchers/r-log', json: researcherBody('org-full') },
      api.tokens.admin,
    );
    await send(
      api.app,
      { method: 'PUT', path: '/v1/researchers/r-log', json: { ...researcherBody('org-none') } },
      api.tokens.admin,
    );
    expect(api.logs.lines.length).toBeGreaterThanOrEqual(2);
    for (const line of api.logs.lines) {
      expect(line).not.toContain('ada@example.org');
      expect(line).not.toContain(api.tokens.admin);
      expect(JSON.parse(line)).toMatchObject({ requestId: expect.any(String) });
    }
  });
});

describe('GET /v1/researchers/{researcherId}/notifications', () => {
  it('shows a narrowing to the researcher, newest first, and to nobody else', async () => {
    // Arrange: r-own's project p-1 (d-1, level 3) narrows twice.
    let res = await send(
      api.app,
      {
        method: 'PUT',
        path: '/v1/datasets/d-1/access-level',
        json: { accessLevel: 2, reason: 'first' },
      },
      api.tokens.editor,
    );
    const first = (await res.json()) as { changeId: string };
    await applyChange(api.ctx, first.changeId);
    res = await send(
      api.app,
      {
        method: 'PUT',
        path: '/v1/datasets/d-1/access-level',
        json: { accessLevel: 1, reason: 'second' },
      },
      api.tokens.editor,
    );
    const second = (await res.json()) as { changeId: string };
    await applyChange(api.ctx, second.changeId);

    // Act
    const inbox = await getAs(api, '/v1/researchers/r-own/notifications', 'researcher-own');

    // Assert
    expect(inbox.status).toBe(200);
    const { items } = NotificationPageSchema.parse(await inbox.json());
    expect(items.map((n) => n.changeId)).toEqual([second.changeId, first.changeId]);
    expect(items[0]).toMatchObject({
      researcherId: 'r-own',
      projectId: 'p-1',
      cause: { kind: 'dataset-level-changed', datasetId: 'd-1', fromLevel: 2, toLevel: 1 },
      projectLevel: { from: 2, to: 1 },
      removedRoutes: ['aoc-office'],
      remainingRoutes: ['safe-room', 'safepod'],
    });
    await expectProblem(
      await getAs(api, '/v1/researchers/r-own/notifications', 'researcher-other'),
      403,
    );
    const others = await getAs(api, '/v1/researchers/r-other/notifications', 'researcher-other');
    expect(NotificationPageSchema.parse(await others.json()).items).toEqual([]);

    const change = await getAs(api, `/v1/changes/${second.changeId}`, 'service');
    expect(ChangeRecordSchema.parse(await change.json())).toMatchObject({
      status: 'applied',
      affectedProjects: 1,
      notifications: 1,
    });
  });

  it('answers 404 for an unknown researcher', async () => {
    await expectProblem(await asAdmin('GET', '/v1/researchers/r-none/notifications'), 404);
  });
});

describe('GET /v1/changes/{changeId}', () => {
  it('answers with exactly the public fields, and 404 for an unknown change', async () => {
    const write = OrganisationWriteResultSchema.parse(
      await (
        await asAdmin('PUT', '/v1/organisations/org-change', { name: 'C', agreements: {} })
      ).json(),
    );
    const res = await getAs(api, `/v1/changes/${write.changeId}`, 'researcher-other');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      [
        'affectedProjects',
        'appliedAt',
        'changeId',
        'createdAt',
        'kind',
        'notifications',
        'status',
      ].sort(),
    );
    // A new organisation has no researchers yet: its change has nothing to carry out.
    expect(body).toMatchObject({ status: 'applied', affectedProjects: 0, notifications: 0 });
    await expectProblem(await getAs(api, '/v1/changes/no-such-change', 'editor'), 404);
  });

  it('answers pending for a change of an existing party until the pipeline has carried it out', async () => {
    const write = OrganisationWriteResultSchema.parse(
      await (
        await asAdmin('PUT', '/v1/organisations/org-change', {
          name: 'C',
          agreements: { AOCOA: { status: 'approved', approvedAt: '2025-01-06' } },
        })
      ).json(),
    );
    const res = await getAs(api, `/v1/changes/${write.changeId}`, 'editor');
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(
      ['affectedProjects', 'changeId', 'createdAt', 'kind', 'notifications', 'status'].sort(),
    );
    expect(body).toMatchObject({ changeId: write.changeId, status: 'pending' });
  });
});

describe('POST /v1/organisations/{id}/preview and /v1/researchers/{id}/preview', () => {
  // A world of its own: the tests above move p-1's level.
  const world = seededApi('api-previews');
  const preview = (path: string, json: unknown) =>
    send(world.app, { method: 'POST', path, json }, world.tokens.admin);

  it('shows who an organisation losing its remote agreement would narrow, and changes nothing', async () => {
    // Arrange: r-own (org-full) has every route on p-1 (level 3); r-other is on no project.
    const before = await snapshot(world.ctx);

    // Act
    const res = await preview('/v1/organisations/org-full/preview', {
      name: 'Organisation org-full',
      agreements: officeAoc(),
    });

    // Assert
    expect(res.status).toBe(200);
    expect(StandingImpactSchema.parse(await res.json())).toEqual({
      narrowed: [
        {
          researcherId: 'r-own',
          projectId: 'p-1',
          removedRoutes: ['aoc-remote'],
          remainingRoutes: ['safe-room', 'safepod', 'aoc-office'],
        },
      ],
      widened: [],
      truncated: false,
      narrowedCount: 1,
      widenedCount: 0,
    });
    expect(await snapshot(world.ctx)).toEqual(before);
  });

  it('shows who an organisation gaining agreements would widen; a new organisation affects nobody', async () => {
    // Arrange: r-wide, of an organisation without AOC, is on p-wide (level 3).
    await anOrganisation(world.ctx, 'org-wide', noAoc());
    const changes = [(await aResearcher(world.ctx, 'r-wide', 'org-wide')).changeId];
    changes.push(...(await aProject(world.ctx, 'p-wide', ['d-1'], ['r-wide'])));
    for (const id of changes) await applyChange(world.ctx, id);
    const before = await snapshot(world.ctx);

    // Act
    const wider = await preview('/v1/organisations/org-wide/preview', {
      name: 'Wide',
      agreements: fullAoc(),
    });
    const fresh = await preview('/v1/organisations/org-new/preview', {
      name: 'New',
      agreements: {},
    });

    // Assert
    expect(StandingImpactSchema.parse(await wider.json())).toMatchObject({
      narrowed: [],
      widened: [
        {
          researcherId: 'r-wide',
          projectId: 'p-wide',
          addedRoutes: ['aoc-office', 'aoc-remote'],
          remainingRoutes: ['safe-room', 'safepod', 'aoc-office', 'aoc-remote'],
        },
      ],
      widenedCount: 1,
    });
    expect(StandingImpactSchema.parse(await fresh.json())).toMatchObject({
      narrowed: [],
      widened: [],
      narrowedCount: 0,
      widenedCount: 0,
    });
    expect(await snapshot(world.ctx)).toEqual(before);
  });

  it('shows a researcher losing their home address, or moving to an organisation without AOC, and changes nothing', async () => {
    const before = await snapshot(world.ctx);
    const body = (organisationId: string, homeAddressOnFile: boolean) => ({
      name: 'Researcher r-own',
      email: 'r-own@example.org',
      organisationId,
      accreditation: anAccreditation({ homeAddressOnFile }),
    });

    const noHome = StandingImpactSchema.parse(
      await (await preview('/v1/researchers/r-own/preview', body('org-full', false))).json(),
    );
    const moved = StandingImpactSchema.parse(
      await (await preview('/v1/researchers/r-own/preview', body('org-wide', true))).json(),
    );

    expect(noHome.narrowed).toEqual([
      {
        researcherId: 'r-own',
        projectId: 'p-1',
        removedRoutes: ['aoc-remote'],
        remainingRoutes: ['safe-room', 'safepod', 'aoc-office'],
      },
    ]);
    expect(moved.narrowed).toEqual([
      {
        researcherId: 'r-own',
        projectId: 'p-1',
        removedRoutes: ['aoc-office', 'aoc-remote'],
        remainingRoutes: ['safe-room', 'safepod'],
      },
    ]);
    expect(moved.widened).toEqual([]);
    expect(await snapshot(world.ctx)).toEqual(before);
  });

  it('refuses a researcher body naming an unknown organisation as the PUT does (400), and a new researcher affects nobody', async () => {
    const body = (organisationId: string) => ({
      name: 'N',
      email: 'n@example.org',
      organisationId,
      accreditation: anAccreditation(),
    });
    const bad = await expectProblem(
      await preview('/v1/researchers/r-own/preview', body('org-nowhere')),
      400,
    );
    expect(bad.errors?.[0]?.path).toBe('organisationId');
    const fresh = await preview('/v1/researchers/r-new/preview', body('org-full'));
    expect(StandingImpactSchema.parse(await fresh.json())).toMatchObject({
      narrowed: [],
      widened: [],
    });
  });

  it('answers 403 to anyone but an administrator', async () => {
    for (const caller of ['editor', 'service', 'researcher-own'] as const) {
      await expectProblem(
        await send(
          world.app,
          {
            method: 'POST',
            path: '/v1/organisations/org-full/preview',
            json: { name: 'N', agreements: {} },
          },
          world.tokens[caller],
        ),
        403,
      );
    }
  });
});

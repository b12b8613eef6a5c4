/**
 * End to end: `npm start -- --in-memory` as a child process on a free port,
 * driven through HTTP only, then stopped with Ctrl-C (SIGINT).
 */
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLocalToken } from '../../local/auth.js';
import { killGroup, type NpmStart, startNpm } from '../support/npm-start.js';

const SECRET = 'e2e-secret';
let run: NpmStart;
let child: ChildProcess;
let output: () => string;
let base = '';
let dynamoPort = 0;
const tokens: Record<string, string> = {};

async function call(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Waits until every change is applied, as a client reading its own writes would. */
async function applied(...changeIds: string[]) {
  for (const id of changeIds) {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const res = await call('GET', `/v1/changes/${id}`, tokens.admin as string);
      if (res.body?.status === 'applied') break;
      if (Date.now() > deadline)
        throw new Error(`change ${id} not applied: ${JSON.stringify(res.body)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

const put = (path: string, body?: unknown) => call('PUT', path, tokens.admin as string, body);

beforeAll(async () => {
  run = await startNpm([], { LOCAL_JWT_SECRET: SECRET });
  child = run.child;
  base = run.base;
  dynamoPort = run.dynamoPort;
  output = run.output;
  for (const role of ['editor', 'admin', 'service'] as const) {
    tokens[role] = await signLocalToken(role, { secret: SECRET });
  }
  tokens.researcher = await signLocalToken('researcher', { secret: SECRET, researcherId: 'r-e2e' });
}, 150_000);

afterAll(() => {
  killGroup(child);
});

describe('npm start, through HTTP only', () => {
  it('prints the URL, the docs URL and a token per role', () => {
    expect(output()).toContain(`API        http://localhost:`);
    expect(output()).toContain('/docs');
    for (const name of ['EDITOR_TOKEN', 'ADMIN_TOKEN', 'SERVICE_TOKEN', 'RESEARCHER_TOKEN']) {
      expect(output()).toContain(`export ${name}=ey`);
    }
  });

  it('serves the health check and the docs page', async () => {
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
    const docs = await fetch(`${base}/docs`);
    expect(docs.headers.get('content-type')).toContain('text/html');
  });

  it('answers the worked examples and notifies a narrowing once', async () => {
    // Arrange: organisations without and with full AOC, researchers, datasets, projects.
    const approved = { status: 'approved' };
    const changes: string[] = [];
    changes.push(
      (await put('/v1/organisations/no-aoc', { name: 'No AOC', agreements: {} })).body.changeId,
    );
    changes.push(
      (
        await put('/v1/organisations/full-aoc', {
          name: 'Full AOC',
          agreements: { AOCOA: approved, AOCCC: approved, ARACCC: approved },
        })
      ).body.changeId,
    );
    const accreditation = {
      status: 'accredited',
      ararSignedAt: '2026-01-05',
      expiresAt: '2030-01-01',
      homeAddressOnFile: true,
    };
    for (const [id, org] of [
      ['r-plain', 'no-aoc'],
      ['r-e2e', 'full-aoc'],
    ]) {
      const res = await put(`/v1/researchers/${id}`, {
        name: id,
        email: `${id}@example.org`,
        organisationId: org,
        accreditation,
      });
      expect(res.status).toBe(201);
      changes.push(res.body.changeId);
    }
    for (const [id, level] of [
      ['d3a', 3],
      ['d3b', 3],
      ['d2', 2],
      ['d1', 1],
    ] as const) {
      expect(
        (
          await call('PUT', `/v1/datasets/${id}`, tokens.editor as string, {
            title: id,
            accessLevel: level,
          })
        ).status,
      ).toBe(201);
    }
    const projects: Record<string, string[]> = {
      'p-three': ['d3a', 'd3b'],
      'p-mixed': ['d3a', 'd3b', 'd1'],
      'p-two': ['d2', 'd3a'],
    };
    for (const [p, datasets] of Object.entries(projects)) {
      expect((await put(`/v1/projects/${p}`, { title: p })).status).toBe(201);
      for (const r of ['r-plain', 'r-e2e']) {
        expect((await put(`/v1/projects/${p}/researchers/${r}`)).status).toBe(201);
      }
      for (const d of datasets)
        changes.push((await put(`/v1/projects/${p}/datasets/${d}`)).body.changeId);
    }
    await applied(...changes);
    const routesOf = async (p: string, r: string) =>
      (await call('GET', `/v1/projects/${p}/researchers/${r}/access`, tokens.service as string))
        .body;

    // Assert: example one (level 3, no AOC), two (full AOC, a level 1 dataset), three (two levels).
    expect((await routesOf('p-three', 'r-plain')).routes).toEqual(['safe-room', 'safepod']);
    expect((await routesOf('p-mixed', 'r-e2e')).routes).toEqual(['safe-room', 'safepod']);
    expect((await routesOf('p-two', 'r-e2e')).routes).toEqual([
      'safe-room',
      'safepod',
      'aoc-office',
    ]);
    expect((await routesOf('p-three', 'r-e2e')).routes).toEqual([
      'safe-room',
      'safepod',
      'aoc-office',
      'aoc-remote',
    ]);
    expect(
      (
        await call('POST', '/v1/access-checks', tokens.service as string, {
          projectId: 'p-three',
          researcherId: 'r-plain',
          route: 'aoc-remote',
        })
      ).body,
    ).toEqual({
      allowed: false,
      route: 'aoc-remote',
      reasons: ['no-aoc-agreement', 'no-remote-agreement'],
    });

    // Act: an editor lowers d3b to level 2; r-e2e loses remote access on p-three.
    const change = await call('PUT', '/v1/datasets/d3b/access-level', tokens.editor as string, {
      accessLevel: 2,
      reason: 'data owner conditions changed',
    });
    expect(change.status).toBe(200);
    await applied(change.body.changeId);

    // Assert: one notification of this change, to r-e2e only, delivered through the local
    // outbox. (Adding d1 to p-mixed may have narrowed r-e2e earlier, depending on timing.)
    const inbox = await call(
      'GET',
      '/v1/researchers/r-e2e/notifications',
      tokens.researcher as string,
    );
    expect(inbox.status).toBe(200);
    const ofChange = inbox.body.items.filter(
      (n: { changeId: string }) => n.changeId === change.body.changeId,
    );
    expect(ofChange).toHaveLength(1);
    expect(ofChange[0]).toMatchObject({
      projectId: 'p-three',
      cause: { kind: 'dataset-level-changed', datasetId: 'd3b', fromLevel: 3, toLevel: 2 },
      removedRoutes: ['aoc-remote'],
      remainingRoutes: ['safe-room', 'safepod', 'aoc-office'],
    });
    // r-plain (no AOC) never had more than safe room and SafePod, so never narrowed.
    expect(
      (await call('GET', '/v1/researchers/r-plain/notifications', tokens.admin as string)).body
        .items,
    ).toEqual([]);
    // `applied` means claimed; delivery follows through the notification's own stream record.
    const line = `[outbox] ${ofChange[0].notificationId} to researcher r-e2e`;
    for (
      const deadline = Date.now() + 15_000;
      !output().includes(line) && Date.now() < deadline;
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(output()).toContain(line);
    expect(output()).not.toContain('r-e2e@example.org');
  }, 120_000);

  it('notifies exactly once for a move of organisation, a dataset removed and a membership ended', async () => {
    // Arrange: three researchers of full-aoc, each alone on a level 3 project of their own.
    const accreditation = {
      status: 'accredited',
      ararSignedAt: '2026-01-05',
      expiresAt: '2030-01-01',
      homeAddressOnFile: true,
    };
    const researcher = (id: string, organisationId: string) =>
      put(`/v1/researchers/${id}`, {
        name: id,
        email: `${id}@example.org`,
        organisationId,
        accreditation,
      });
    const setup: string[] = [];
    for (const [r, p] of [
      ['r-move', 'p-move'],
      ['r-gone', 'p-gone'],
      ['r-leave', 'p-leave'],
    ] as const) {
      setup.push((await researcher(r, 'full-aoc')).body.changeId);
      expect((await put(`/v1/projects/${p}`, { title: p })).status).toBe(201);
      expect((await put(`/v1/projects/${p}/researchers/${r}`)).status).toBe(201);
      setup.push((await put(`/v1/projects/${p}/datasets/d3a`)).body.changeId);
    }
    await applied(...setup);
    const inbox = async (r: string) =>
      (await call('GET', `/v1/researchers/${r}/notifications`, tokens.admin as string)).body
        .items as Array<Record<string, unknown>>;
    const all = ['safe-room', 'safepod', 'aoc-office', 'aoc-remote'];

    // Act
    const moved = await researcher('r-move', 'no-aoc');
    const removed = await call(
      'DELETE',
      '/v1/projects/p-gone/datasets/d3a',
      tokens.admin as string,
    );
    const left = await call(
      'DELETE',
      '/v1/projects/p-leave/researchers/r-leave',
      tokens.admin as string,
    );
    expect([moved.status, removed.status, left.status]).toEqual([200, 200, 200]);
    await applied(moved.body.changeId, removed.body.changeId, left.body.changeId);
    // The same body again changes nothing and notifies nobody.
    const again = await researcher('r-move', 'no-aoc');
    expect(again.status).toBe(200);
    expect(again.body.changeId).toBe(moved.body.changeId);

    // Assert: one notice each, with its cause, its facts and its contact.
    const [move, gone, leave] = [
      await inbox('r-move'),
      await inbox('r-gone'),
      await inbox('r-leave'),
    ];
    expect(move).toHaveLength(1);
    expect(move[0]).toMatchObject({
      changeId: moved.body.changeId,
      projectId: 'p-move',
      cause: {
        kind: 'organisation-changed',
        organisationId: 'no-aoc',
        changes: [{ field: 'organisationId', from: 'full-aoc', to: 'no-aoc' }],
      },
      removedRoutes: ['aoc-office', 'aoc-remote'],
      remainingRoutes: ['safe-room', 'safepod'],
      contact: 'srs.connectivity@ons.gov.uk',
    });
    expect(gone).toHaveLength(1);
    expect(gone[0]).toMatchObject({
      changeId: removed.body.changeId,
      projectId: 'p-gone',
      cause: { kind: 'dataset-removed', changes: [{ field: 'dataset', from: 'd3a', to: null }] },
      projectLevel: { from: 3, to: null },
      removedRoutes: all,
      remainingRoutes: [],
      contact: 'srs.customer.support@ons.gov.uk',
    });
    expect(leave).toHaveLength(1);
    expect(leave[0]).toMatchObject({
      changeId: left.body.changeId,
      projectId: 'p-leave',
      cause: {
        kind: 'membership-ended',
        changes: [{ field: 'membership', from: true, to: false }],
      },
      removedRoutes: all,
      remainingRoutes: [],
    });
    for (const id of [moved.body.changeId, removed.body.changeId, left.body.changeId]) {
      const record = await call('GET', `/v1/changes/${id}`, tokens.admin as string);
      expect(record.body).toMatchObject({ status: 'applied', notifications: 1 });
    }

    // The feed holds the same narrowings (and the project that lost its dataset), once
    // each, after its 1 s horizon; a client walking it by cursor meets every one.
    const ids = new Set([moved.body.changeId, removed.body.changeId, left.body.changeId]);
    const feedOf = async () => {
      const entries: Array<Record<string, unknown>> = [];
      let after = '';
      for (;;) {
        const page = await call(
          'GET',
          `/v1/access-changes?limit=100${after ? `&after=${after}` : ''}`,
          tokens.service as string,
        );
        expect(page.status).toBe(200);
        const items = page.body.items as Array<Record<string, unknown>>;
        if (items.length === 0) return entries;
        entries.push(...items);
        after = page.body.nextCursor as string;
      }
    };
    const brief = (e: Record<string, unknown>) =>
      `${e.type} ${e.projectId} ${e.researcherId ?? '-'} -> ${JSON.stringify(e.to)}`;
    let ours: string[] = [];
    for (let i = 0; i < 50 && ours.length < 4; i++) {
      await new Promise((r) => setTimeout(r, 200));
      ours = (await feedOf()).filter((e) => ids.has(e.changeId as string)).map(brief);
    }
    expect(ours.sort()).toEqual(
      [
        'ResearcherRoutesChanged p-move r-move -> ["safe-room","safepod"]',
        'ProjectAccessChanged p-gone - -> {"accessLevel":null,"status":"no-datasets","routes":[]}',
        'ResearcherRoutesChanged p-gone r-gone -> []',
        'ResearcherRoutesChanged p-leave r-leave -> []',
      ].sort(),
    );
  }, 120_000);

  it('stops cleanly on Ctrl-C and leaves no DynamoDB Local behind', async () => {
    // 'close': every process of the group has closed its end of the output pipes.
    process.kill(-(child.pid as number), 'SIGINT');
    await run.closed;
    expect(output()).toContain('Stopping: API, stream poller, DynamoDB Local');
    expect(output()).toContain('Stopped.');
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(dynamoPort, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  }, 30_000);
});

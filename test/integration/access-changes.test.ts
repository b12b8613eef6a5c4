/**
 * `GET /v1/access-changes` and the events on DynamoDB Local, on a clock of the
 * test's own: every derived change (a project's move, each researcher's
 * narrowing or widening, a membership that ends) is one entry, in order, read
 * through the API; paging by `nextCursor` gives every entry once; an entry
 * younger than the horizon stays unseen until it is older; the events carry
 * the same facts; a change that moves nothing records nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../functions/commons/index.js';
import {
  listNotifications,
  putOrganisation,
  removeMember,
  setDatasetLevel,
} from '../../functions/store/index.js';
import type { AccessChange, AccessChangesPage } from '../../schemas/index.js';
import { type Api, apiOn, expectProblem, getAs } from '../api/support.js';
import { fullAoc, noAoc } from '../support/factories.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { ACTOR, aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';

const HORIZON_MS = 1000;
let clock = Date.parse('2026-06-01T09:00:00Z');
let p: Pipeline;
let api: Api;
/** The change id of each step, in order. */
const steps: Record<string, string> = {};

/** Waits for the changes, then moves the clock past the horizon. */
async function done(...changeIds: string[]) {
  await p.applied(...changeIds);
  clock += 5_000;
}

async function page(query: string): Promise<AccessChangesPage> {
  const res = await getAs(api, `/v1/access-changes${query}`, 'service');
  expect(res.status).toBe(200);
  return (await res.json()) as AccessChangesPage;
}

/** Every entry from `after`, `limit` at a time, and the last cursor. */
async function readAll(limit: number, after?: string) {
  const items: AccessChange[] = [];
  let cursor = after;
  for (let i = 0; i < 100; i++) {
    const next = await page(`?limit=${limit}${cursor ? `&after=${cursor}` : ''}`);
    items.push(...next.items);
    if (next.items.length === 0) return { items, cursor: next.nextCursor };
    cursor = next.nextCursor;
  }
  throw new Error('the feed never ended');
}

/** An entry as comparable text: type, change, project, researcher, from, to. */
const brief = (e: AccessChange) =>
  e.type === 'ProjectAccessChanged'
    ? `project ${e.projectId} ${e.from.accessLevel}->${e.to.accessLevel}`
    : `${e.researcherId} on ${e.projectId}: ${e.from.join(',')} -> ${e.to.join(',') || 'none'}`;

beforeAll(async () => {
  logger.setLogLevel('SILENT');
  p = await startPipeline('access-changes', { now: () => new Date(clock) });
  api = await apiOn(p.ctx, { feedHorizonMs: HORIZON_MS });
  await anOrganisation(p.ctx, 'org-a', fullAoc());
  const setup = [
    (await aResearcher(p.ctx, 'r-a', 'org-a')).changeId,
    (await aResearcher(p.ctx, 'r-b', 'org-a')).changeId,
  ];
  await aDataset(p.ctx, 'd1', 3);
  await done(...setup);
  // 1. The project gets its dataset: it moves to level 3, and both members gain every route.
  steps.linked = (await aProject(p.ctx, 'p1', ['d1'], ['r-a', 'r-b']))[0] as string;
  await done(steps.linked);
  // 2. The dataset goes down to level 1: both members lose the AOC routes.
  steps.lowered = (await setDatasetLevel(p.ctx, 'd1', 1, 'review', ACTOR)).changeId;
  await done(steps.lowered);
  // 3. The organisation loses its AOC agreements: at level 1 nobody's routes move.
  steps.noAoc = (
    await putOrganisation(p.ctx, 'org-a', { name: 'Org', agreements: noAoc() }, ACTOR)
  ).changeId;
  await done(steps.noAoc);
  // 4. Back to level 3: the project widens, the members (without AOC) keep what they had.
  steps.raised = (await setDatasetLevel(p.ctx, 'd1', 3, 'review', ACTOR)).changeId;
  await done(steps.raised);
  // 5. The agreements come back: both members widen, with no notice.
  steps.aoc = (
    await putOrganisation(p.ctx, 'org-a', { name: 'Org', agreements: fullAoc() }, ACTOR, 2)
  ).changeId;
  await done(steps.aoc);
  // 6. r-b leaves the project: every route goes.
  steps.left = (await removeMember(p.ctx, 'p1', 'r-b', ACTOR)).changeId;
  await done(steps.left);
});

afterAll(async () => {
  await p?.stop();
  logger.setLogLevel('INFO');
});

describe('GET /v1/access-changes', () => {
  it('lists every derived change once, oldest first, and nothing for a change that moved nothing', async () => {
    const { items } = await readAll(50);
    expect(items.map(brief)).toEqual([
      'project p1 null->3',
      'r-a on p1:  -> safe-room,safepod,aoc-office,aoc-remote',
      'r-b on p1:  -> safe-room,safepod,aoc-office,aoc-remote',
      'project p1 3->1',
      'r-a on p1: safe-room,safepod,aoc-office,aoc-remote -> safe-room,safepod',
      'r-b on p1: safe-room,safepod,aoc-office,aoc-remote -> safe-room,safepod',
      'project p1 1->3',
      'r-a on p1: safe-room,safepod -> safe-room,safepod,aoc-office,aoc-remote',
      'r-b on p1: safe-room,safepod -> safe-room,safepod,aoc-office,aoc-remote',
      'r-b on p1: safe-room,safepod,aoc-office,aoc-remote -> none',
    ]);
    expect(items.map((e) => e.changeId)).toEqual([
      ...Array(3).fill(steps.linked),
      ...Array(3).fill(steps.lowered),
      steps.raised,
      steps.aoc,
      steps.aoc,
      steps.left,
    ]);
    expect(items.some((e) => e.changeId === steps.noAoc)).toBe(false);
    // Each (project, researcher)'s entries carry rising versions; times never go back.
    const versions = items.filter(
      (e) => e.type === 'ResearcherRoutesChanged' && e.researcherId === 'r-b',
    );
    expect(versions.map((e) => e.version)).toEqual([...versions.map((e) => e.version)].sort());
    expect(new Set(versions.map((e) => e.version)).size).toBe(versions.length);
    expect(items.map((e) => e.at)).toEqual([...items.map((e) => e.at)].sort());
    // Only the narrowings were notices: r-a once, r-b twice (the level, then the membership).
    expect((await listNotifications(p.ctx, 'r-a')).items.map((n) => n.changeId)).toEqual([
      steps.lowered,
    ]);
    expect((await listNotifications(p.ctx, 'r-b')).items.map((n) => n.changeId).sort()).toEqual(
      [steps.lowered, steps.left].sort(),
    );
    await p.expectClean();
  });

  it('gives the same entries a page at a time, each once, and resumes from any cursor', async () => {
    const whole = (await readAll(50)).items;
    for (const limit of [1, 2, 3]) {
      expect((await readAll(limit)).items).toEqual(whole);
    }
    // From the cursor of the fourth entry, the rest follow.
    const fourth = whole[3] as AccessChange;
    expect((await readAll(4, fourth.cursor)).items).toEqual(whole.slice(4));
    expect(new Set(whole.map((e) => e.cursor)).size).toBe(whole.length);
  });

  it('shows an entry only once it is older than the horizon, and a kept cursor then sees it', async () => {
    const { cursor } = await readAll(50);
    const changeId = (await setDatasetLevel(p.ctx, 'd1', 2, 'review', ACTOR)).changeId;
    await p.applied(changeId);
    clock += HORIZON_MS / 2;
    const early = await page(`?after=${cursor}`);
    expect(early.items).toEqual([]);
    expect(early.nextCursor).toBe(cursor);
    clock += HORIZON_MS;
    const later = await page(`?after=${cursor}`);
    expect(later.items.map(brief)).toEqual([
      'project p1 3->2',
      'r-a on p1: safe-room,safepod,aoc-office,aoc-remote -> safe-room,safepod,aoc-office',
    ]);
    expect(later.items.every((e) => e.changeId === changeId)).toBe(true);
    await p.expectClean();
  });

  it('publishes the same facts as events: ProjectAccessChanged and ResearcherRoutesChanged', async () => {
    const { items } = await readAll(50);
    const published = p.events.events
      .filter(
        (e) =>
          e.detailType === 'ProjectAccessChanged' || e.detailType === 'ResearcherRoutesChanged',
      )
      .map((e) => {
        const d = { ...e.detail, type: e.detailType, cursor: '' } as unknown as AccessChange;
        return `${e.detailType} ${d.changeId} ${brief(d)} v${d.version}`;
      });
    const fed = items.map((e) => `${e.type} ${e.changeId} ${brief(e)} v${e.version}`);
    expect([...new Set(published)].sort()).toEqual([...fed].sort());
    const widenings = p.events.events.filter(
      (e) => e.detailType === 'ResearcherRoutesChanged' && e.detail.changeId === steps.aoc,
    );
    expect(
      widenings
        .map((e) => e.detail)
        .sort((a, b) =>
          (a as { researcherId: string }).researcherId <
          (b as { researcherId: string }).researcherId
            ? -1
            : 1,
        ),
    ).toEqual([
      expect.objectContaining({ researcherId: 'r-a', narrowed: false }),
      expect.objectContaining({ researcherId: 'r-b', narrowed: false }),
    ]);
  });

  it('refuses a forged cursor or a bad limit with a problem, as a 400', async () => {
    for (const query of [
      '?after=not-a-cursor!',
      `?after=${Buffer.from('{"x":1}').toString('base64url')}`,
      '?limit=0',
    ]) {
      const res = await getAs(api, `/v1/access-changes${query}`, 'admin');
      await expectProblem(res, 400);
    }
  });
});

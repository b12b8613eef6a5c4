/**
 * Concurrent conflicting writes (docs/propagation.md): 100 level changes and
 * link edits at once over 10 datasets and 50 projects with members, while
 * the stream pipeline (the local poller and the real handlers) propagates
 * them. Once it settles, every summary equals a recount from the links and
 * dataset levels read independently, each dataset holds the level of its
 * last accepted write, the links are exactly those the accepted edits leave,
 * and the invariant checker finds nothing.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger, mapLimit } from '../../functions/commons/index.js';
import { summariseProject } from '../../functions/domain/index.js';
import {
  addMember,
  ContentionError,
  getDataset,
  getSummary,
  keys,
  linkDataset,
  putProject,
  setDatasetLevel,
  unlinkDataset,
} from '../../functions/store/index.js';
import type { AccessLevel } from '../../schemas/index.js';
import { fullAoc, officeAoc } from '../support/factories.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { ACTOR, aDataset, anOrganisation, aResearcher } from '../support/seed.js';
import { summaryView } from './support/model.js';
import { prng } from './support/stream-driver.js';

logger.setLogLevel('SILENT');

const DATASETS = Array.from({ length: 10 }, (_, i) => `d${i + 1}`);
const PROJECTS = Array.from({ length: 50 }, (_, i) => `p${i + 1}`);
const RESEARCHERS = Array.from({ length: 6 }, (_, i) => `r${i + 1}`);
const random = prng(2026);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
const pair = (p: string, d: string) => `${p}/${d}`;

let p: Pipeline;
/** Links as "project/dataset" after set-up. */
const initialLinks = new Set<string>();
const initialLevels = new Map<string, AccessLevel>();

beforeAll(async () => {
  p = await startPipeline('reliability-concurrency');
  await anOrganisation(p.ctx, 'org-full', fullAoc());
  await anOrganisation(p.ctx, 'org-office', officeAoc());
  await Promise.all(
    RESEARCHERS.map((r, i) => aResearcher(p.ctx, r, i % 2 === 0 ? 'org-full' : 'org-office')),
  );
  await Promise.all(
    DATASETS.map((d) => {
      const level = pick([1, 2, 3, 3, 3] as const);
      initialLevels.set(d, level);
      return aDataset(p.ctx, d, level);
    }),
  );
  // Each project uses two or three datasets and has one or two members.
  const changes = await mapLimit(PROJECTS, 8, async (project) => {
    await putProject(p.ctx, project, `Project ${project}`, ACTOR);
    const members = new Set([pick(RESEARCHERS), pick(RESEARCHERS)]);
    for (const r of members) await addMember(p.ctx, project, r, ACTOR);
    const used = new Set([pick(DATASETS), pick(DATASETS), pick(DATASETS)]);
    const ids: string[] = [];
    for (const d of used) {
      initialLinks.add(pair(project, d));
      ids.push((await linkDataset(p.ctx, project, d, ACTOR)).changeId);
    }
    return ids;
  });
  await p.applied(...changes.flat());
}, 300_000);

afterAll(async () => {
  await p?.stop();
});

/** One of the concurrent writes, and what it did if it was accepted. */
type Edit =
  | { kind: 'level'; datasetId: string; level: AccessLevel }
  | { kind: 'link' | 'unlink'; projectId: string; datasetId: string };

/** 60 level changes, 20 new links and 20 removed links, in a random order. */
function edits(): Edit[] {
  const out: Edit[] = [];
  for (let i = 0; i < 60; i++) {
    out.push({ kind: 'level', datasetId: pick(DATASETS), level: pick([0, 1, 2, 3] as const) });
  }
  const linked = [...initialLinks];
  const unlinked = PROJECTS.flatMap((pr) => DATASETS.map((d) => pair(pr, d))).filter(
    (x) => !initialLinks.has(x),
  );
  const take = (from: string[], n: number) =>
    Array.from(
      { length: n },
      () => from.splice(Math.floor(random() * from.length), 1)[0] as string,
    );
  for (const x of take(unlinked, 20)) {
    const [projectId = '', datasetId = ''] = x.split('/');
    out.push({ kind: 'link', projectId, datasetId });
  }
  for (const x of take(linked, 20)) {
    const [projectId = '', datasetId = ''] = x.split('/');
    out.push({ kind: 'unlink', projectId, datasetId });
  }
  return out.sort(() => random() - 0.5);
}

/** Carries out one edit; returns the change it started and, for a level, the version it made. */
async function run(e: Edit): Promise<{ changeId: string; version?: number }> {
  switch (e.kind) {
    case 'level': {
      const { changeId, dataset } = await setDatasetLevel(
        p.ctx,
        e.datasetId,
        e.level,
        'race',
        ACTOR,
      );
      return { changeId, version: dataset.version };
    }
    case 'link':
      return linkDataset(p.ctx, e.projectId, e.datasetId, ACTOR);
    case 'unlink':
      return unlinkDataset(p.ctx, e.projectId, e.datasetId, ACTOR);
  }
}

/** The datasets a project uses, read straight from its partition. */
async function linksOf(projectId: string): Promise<string[]> {
  const out = await p.ctx.doc.send(
    new QueryCommand({
      TableName: p.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :link)',
      ExpressionAttributeValues: { ':pk': keys.project(projectId).pk, ':link': 'DATASET#' },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => String(i.datasetId));
}

describe('100 concurrent level changes and link edits', () => {
  it('converge to summaries that match a recount, with every invariant holding', async () => {
    // Arrange
    const planned = edits();
    // Act: all at once, while the pipeline propagates.
    const results = await Promise.allSettled(planned.map(run));
    const accepted = results.flatMap((r, i) =>
      r.status === 'fulfilled' ? [{ edit: planned[i] as Edit, ...r.value }] : [],
    );
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    await p.applied(...accepted.map((a) => a.changeId));

    // Assert: only contention may refuse a write (and then it wrote nothing, as the checker confirms).
    for (const err of refused) expect(err).toBeInstanceOf(ContentionError);
    expect(accepted.length).toBeGreaterThanOrEqual(90);
    await p.expectClean();

    // Each dataset holds the level of its last accepted write.
    const levels = new Map<string, AccessLevel | null>();
    for (const d of DATASETS) {
      const last = accepted
        .filter((a) => a.edit.kind === 'level' && a.edit.datasetId === d)
        .sort((a, b) => (b.version ?? 0) - (a.version ?? 0))[0];
      const dataset = await getDataset(p.ctx, d, true);
      const expected = last?.edit.kind === 'level' ? last.edit.level : initialLevels.get(d);
      expect(dataset?.accessLevel, d).toBe(expected);
      levels.set(d, dataset?.accessLevel ?? null);
    }

    // The links are those the accepted edits leave.
    const expectedLinks = new Set(initialLinks);
    for (const { edit } of accepted) {
      if (edit.kind === 'link') expectedLinks.add(pair(edit.projectId, edit.datasetId));
      if (edit.kind === 'unlink') expectedLinks.delete(pair(edit.projectId, edit.datasetId));
    }
    const links = await mapLimit(PROJECTS, 8, async (pr) =>
      (await linksOf(pr)).map((d) => pair(pr, d)),
    );
    expect(links.flat().sort()).toEqual([...expectedLinks].sort());

    // Every summary equals a recount from those links and the datasets' levels.
    for (const [i, projectId] of PROJECTS.entries()) {
      const recount = summariseProject(
        (links[i] ?? []).map((x) => {
          const datasetId = x.split('/')[1] ?? '';
          return { datasetId, accessLevel: levels.get(datasetId) ?? null };
        }),
      );
      expect(summaryView(await getSummary(p.ctx, projectId, true)), projectId).toEqual(
        summaryView(recount),
      );
    }
  }, 300_000);
});

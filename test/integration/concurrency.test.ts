import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  getDataset,
  getSummary,
  keys,
  listAudit,
  setDatasetLevel,
  VersionConflictError,
} from '../../functions/store/index.js';
import type { AccessLevel } from '../../schemas/index.js';
import { fullAoc } from '../support/factories.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { ACTOR, aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';

let p: Pipeline;

beforeEach(async () => {
  p = await startPipeline('concurrency');
  await anOrganisation(p.ctx, 'org', fullAoc());
  await aResearcher(p.ctx, 'r1', 'org');
  await aDataset(p.ctx, 'd1', 3);
  await aDataset(p.ctx, 'd2', 3);
  await p.applied(
    ...(await aProject(p.ctx, 'p1', ['d1'], ['r1'])),
    ...(await aProject(p.ctx, 'p2', ['d1', 'd2'], ['r1'])),
  );
});

afterEach(async () => {
  await p.expectClean();
  await p.stop();
});

const levels = (n: number) => Array.from({ length: n }, (_, i) => (i % 4) as AccessLevel);

describe('20 concurrent conflicting level changes on one dataset', () => {
  it('with the same expected version: exactly one is accepted, the others fail and change nothing', async () => {
    // Arrange
    const start = await getDataset(p.ctx, 'd1');
    const version = start?.version ?? 0;
    // Act
    const results = await Promise.allSettled(
      levels(20).map((level, i) =>
        setDatasetLevel(p.ctx, 'd1', level, `writer ${i}`, ACTOR, version),
      ),
    );
    const accepted = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    await p.applied(...accepted.map((a) => a.changeId));
    // Assert
    expect(accepted).toHaveLength(1);
    expect(rejected).toHaveLength(19);
    for (const err of rejected) expect(err).toBeInstanceOf(VersionConflictError);
    const [winner] = accepted;
    const dataset = await getDataset(p.ctx, 'd1');
    expect(dataset?.version).toBe(version + 1);
    expect(dataset?.accessLevel).toBe(winner?.dataset.accessLevel);
    const audits = await listAudit(p.ctx, keys.dataset('d1').pk);
    expect(audits).toHaveLength(version + 1);
    expect(audits[0]?.changeId).toBe(winner?.changeId);
    expect((await getSummary(p.ctx, 'p1'))?.accessLevel).toBe(winner?.dataset.accessLevel);
  });

  it('each with the version it read: every accepted write is audited and the summaries follow the last', async () => {
    // Act: each writer reads the version, then writes with it; losers retry with what they read next.
    // A writer whose level is already the stored one is accepted as a no-op: it writes nothing.
    const accepted: { version: number; level: AccessLevel | null; changeId: string }[] = [];
    const noOps: { read: number; version: number; level: AccessLevel | null }[] = [];
    let conflicts = 0;
    await Promise.all(
      levels(20).map(async (level, i) => {
        for (;;) {
          const current = await getDataset(p.ctx, 'd1', true);
          try {
            const r = await setDatasetLevel(
              p.ctx,
              'd1',
              level,
              `writer ${i}`,
              ACTOR,
              current?.version,
            );
            if (current !== undefined && r.dataset.version === current.version) {
              noOps.push({ read: current.version, version: r.dataset.version, level });
              expect(r.dataset.accessLevel).toBe(level);
              return;
            }
            accepted.push({
              version: r.dataset.version,
              level: r.dataset.accessLevel,
              changeId: r.changeId,
            });
            return;
          } catch (err) {
            if (!(err instanceof VersionConflictError)) throw err;
            conflicts++;
          }
        }
      }),
    );
    await p.applied(...accepted.map((a) => a.changeId));
    // Assert
    const last = accepted.reduce((a, b) => (b.version > a.version ? b : a));
    const dataset = await getDataset(p.ctx, 'd1');
    expect(accepted.length + noOps.length).toBe(20);
    expect(accepted.length).toBeGreaterThan(1);
    expect(new Set(accepted.map((a) => a.version)).size).toBe(accepted.length);
    expect(Math.max(...accepted.map((a) => a.version))).toBe(
      Math.min(...accepted.map((a) => a.version)) + accepted.length - 1,
    );
    expect(conflicts).toBeGreaterThan(0);
    expect(dataset?.version).toBe(last.version);
    expect(dataset?.accessLevel).toBe(last.level);
    expect(await listAudit(p.ctx, keys.dataset('d1').pk)).toHaveLength(last.version);
    expect((await getSummary(p.ctx, 'p1'))?.accessLevel).toBe(last.level);
    expect((await getSummary(p.ctx, 'p2'))?.accessLevel).toBe(Math.min(3, last.level ?? 0));
  });
});

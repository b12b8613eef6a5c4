import { afterEach, describe, expect, it } from 'vitest';
import { listNotifications } from '../../functions/store/index.js';
import { fullAoc } from '../support/factories.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';

let p: Pipeline | undefined;

afterEach(async () => {
  await p?.stop();
  p = undefined;
});

describe('the local reconciler loop', () => {
  it('runs on start and again on its interval, and notices an accreditation that runs out between runs', async () => {
    // The store's clock is the test's: the expiry comes when the test moves
    // the clock, not after a wait that a loaded machine could overrun.
    let clock = Date.now();
    p = await startPipeline('reconcile-loop', {
      reconcileEveryMs: 200,
      now: () => new Date(clock),
    });
    const pipeline = p;
    await anOrganisation(pipeline.ctx, 'org', fullAoc());
    const expiresAt = new Date(clock + 3_600_000).toISOString();
    await aResearcher(pipeline.ctx, 'r1', 'org', { expiresAt });
    await aDataset(pipeline.ctx, 'd1', 3);
    await pipeline.applied(...(await aProject(pipeline.ctx, 'p1', ['d1'], ['r1'])));
    const notices = async () =>
      (await listNotifications(pipeline.ctx, 'r1')).items.filter((n) => n.kind === 'narrowed');
    expect(await notices()).toEqual([]);
    // A whole run starts after the membership is in place (the second run to
    // finish from here), so it sees the expiry within its 7-day window.
    const runsAtSeed = pipeline.reconciles.length;
    while (pipeline.reconciles.length < runsAtSeed + 2) await new Promise((r) => setTimeout(r, 50));
    const runsBefore = pipeline.reconciles.length;

    // Act: the accreditation runs out.
    clock += 2 * 3_600_000;

    // Wait (bounded) for a run after the expiry to start its change and for it to notify.
    let items: Awaited<ReturnType<typeof listNotifications>>['items'] = [];
    for (const deadline = Date.now() + 30_000; items.length === 0 && Date.now() < deadline; ) {
      await new Promise((r) => setTimeout(r, 100));
      await pipeline.settle();
      items = await notices();
    }

    expect(runsBefore).toBeGreaterThan(0);
    expect(pipeline.reconciles.length).toBeGreaterThan(runsBefore);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      projectId: 'p1',
      cause: {
        kind: 'expiry',
        researcherId: 'r1',
        changes: [{ field: 'accreditation.expired', from: false, to: true }],
      },
      removedRoutes: ['safe-room', 'safepod', 'aoc-office', 'aoc-remote'],
      remainingRoutes: [],
    });
    // Later runs find the same expiry and start nothing more.
    const runs = pipeline.reconciles.length;
    while (pipeline.reconciles.length < runs + 2) await new Promise((r) => setTimeout(r, 100));
    await pipeline.settle();
    expect(await notices()).toHaveLength(1);
    // Before it ran out, one run warned of it, in the 7-day window only.
    const warnings = (await listNotifications(pipeline.ctx, 'r1')).items.filter(
      (n) => n.kind === 'warning',
    );
    expect(warnings.map((w) => w.cause.kind)).toEqual(['expiry-upcoming']);
  });
});

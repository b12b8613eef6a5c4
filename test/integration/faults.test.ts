import { describe, expect, it } from 'vitest';
import {
  listNotifications,
  putOrganisation,
  setDatasetLevel,
} from '../../functions/store/index.js';
import type { StreamHandler } from '../../local/system.js';
import { fullAoc, officeAoc } from '../support/factories.js';
import { FaultPlan } from '../support/faults.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { ACTOR, aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';

/**
 * p1 uses d1 and d2 (r1, r2); p2 uses d1 (r1); p3 uses d2 (r2); all level 3,
 * one organisation with full AOC.
 */
async function arrange(p: Pipeline): Promise<void> {
  await anOrganisation(p.ctx, 'org', fullAoc());
  await aResearcher(p.ctx, 'r1', 'org');
  await aResearcher(p.ctx, 'r2', 'org');
  await aDataset(p.ctx, 'd1', 3);
  await aDataset(p.ctx, 'd2', 3);
  await p.applied(
    ...(await aProject(p.ctx, 'p1', ['d1', 'd2'], ['r1', 'r2'])),
    ...(await aProject(p.ctx, 'p2', ['d1'], ['r1'])),
    ...(await aProject(p.ctx, 'p3', ['d2'], ['r2'])),
  );
}

/**
 * d1 falls to level 1 (narrowing r1 and r2 on p1, r1 on p2), then the
 * organisation loses ARACCC (narrowing r2 on p3, the only level 3 project
 * left). Returns the expected (change, researcher, project) notifications.
 */
async function act(p: Pipeline): Promise<string[]> {
  const level = await setDatasetLevel(p.ctx, 'd1', 1, 'owner tightened', ACTOR);
  await p.applied(level.changeId);
  const org = await putOrganisation(
    p.ctx,
    'org',
    { name: 'Organisation org', agreements: officeAoc() },
    ACTOR,
  );
  await p.applied(org.changeId);
  return [
    `${level.changeId} r1 p1`,
    `${level.changeId} r1 p2`,
    `${level.changeId} r2 p1`,
    `${org.changeId} r2 p3`,
  ].sort();
}

/** Every notification in the table as "change researcher project", sorted. */
async function claimed(p: Pipeline): Promise<string[]> {
  const all = [
    ...(await listNotifications(p.ctx, 'r1')).items,
    ...(await listNotifications(p.ctx, 'r2')).items,
  ];
  for (const n of all) expect(n.deliveredAt, n.notificationId).toBeDefined();
  return all.map((n) => `${n.changeId} ${n.researcherId} ${n.projectId}`).sort();
}

/** Writes the handlers make for {@link act}, counted on a fault-free run. */
async function countWrites(): Promise<number> {
  const plan = new FaultPlan();
  const p = await startPipeline('faults-count', { doc: plan.client() });
  try {
    await arrange(p);
    plan.arm();
    await act(p);
    return plan.writes;
  } finally {
    await p.stop();
  }
}

describe('a crash at any write of the pipeline, redelivered', () => {
  it('leaves no violation and exactly one notification per narrowed (change, researcher, project)', async () => {
    const writes = await countWrites();
    // Each of d1's two projects (its summary, the link's level and the claims in one transaction),
    // the change's page, three deliveries; then the organisation's claim, page and delivery.
    expect(writes).toBe(9);
    for (const when of ['before', 'after'] as const) {
      for (let failAt = 1; failAt <= writes; failAt++) {
        // Arrange
        const plan = new FaultPlan(failAt, when);
        const p = await startPipeline(`faults-${when}-${failAt}`, { doc: plan.client() });
        try {
          await arrange(p);
          plan.arm();
          // Act
          const expected = await act(p);
          // Assert
          expect(
            plan.fired.map((f) => f.message),
            `write ${failAt} ${when}`,
          ).toEqual([`injected crash ${when} write ${failAt}`]);
          expect(await claimed(p), `crash ${when} write ${failAt}`).toEqual(expected);
          await p.expectClean();
        } finally {
          await p.stop();
        }
      }
    }
  }, 600_000);
});

describe('duplicated stream records', () => {
  it('change nothing: every batch delivered twice, with every record twice in it', async () => {
    const twice =
      (_name: string, handler: StreamHandler): StreamHandler =>
      async (event) => {
        const doubled = { Records: [...event.Records, ...event.Records] };
        await handler(doubled);
        return handler(doubled);
      };
    const p = await startPipeline('faults-duplicates', { wrap: twice });
    try {
      await arrange(p);
      const expected = await act(p);
      expect(await claimed(p)).toEqual(expected);
      await p.expectClean();
    } finally {
      await p.stop();
    }
  }, 120_000);
});

/**
 * DynamoDB faults under the stream pipeline: three in ten of the handlers'
 * DynamoDB requests (writes and reads) meet a transaction conflict,
 * throttling, provisioned throughput exceeded, or a socket timeout before or
 * after DynamoDB applied them, injected on the wire inside the SDK's retry
 * loop. Retried by the SDK, the store and the local poller (batches, partial
 * failures, bounded retries), the pipeline converges: every change applied,
 * exactly the expected notifications, each delivered, nothing sent to
 * on-failure, and the invariant checker finds nothing.
 */
import { describe, expect, it } from 'vitest';
import { logger } from '../../functions/commons/index.js';
import {
  linkDataset,
  listNotifications,
  putOrganisation,
  putResearcher,
  setDatasetLevel,
} from '../../functions/store/index.js';
import { anAccreditation, fullAoc, officeAoc } from '../support/factories.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { ACTOR, aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';
import { prng } from './support/stream-driver.js';
import { type WireFault, WirePlan } from './support/wire-faults.js';

logger.setLogLevel('SILENT');

/** Share of the handlers' requests that fail. */
const FAULT_RATE = 0.3;

/**
 * p1 uses d1 and d2 (r1, r2); p2 uses d1 (r1); p3 uses d2 (r2); all level 3,
 * one organisation with full AOC; d3 (level 1) is used by nothing yet.
 */
async function arrange(p: Pipeline): Promise<void> {
  await anOrganisation(p.ctx, 'org', fullAoc());
  await aResearcher(p.ctx, 'r1', 'org');
  await aResearcher(p.ctx, 'r2', 'org');
  await aDataset(p.ctx, 'd1', 3);
  await aDataset(p.ctx, 'd2', 3);
  await aDataset(p.ctx, 'd3', 1);
  await p.applied(
    ...(await aProject(p.ctx, 'p1', ['d1', 'd2'], ['r1', 'r2'])),
    ...(await aProject(p.ctx, 'p2', ['d1'], ['r1'])),
    ...(await aProject(p.ctx, 'p3', ['d2'], ['r2'])),
  );
}

/**
 * One change of each kind that notifies, each narrowing someone, written
 * while the pipeline works (the organisation's once the level has applied): d1 falls to level 1 (r1 and r2 on
 * p1, r1 on p2); the organisation loses ARACCC (r2 on p3, the only level 3
 * project left); d3 (level 1) joins p3 (r2 loses AOC office there); r1's
 * accreditation expires (r1 on p1 and p2). Returns the change ids and the
 * expected notifications as "change researcher project".
 */
async function act(p: Pipeline): Promise<{ changeIds: string[]; expected: string[] }> {
  const level = await setDatasetLevel(p.ctx, 'd1', 1, 'owner tightened', ACTOR);
  // The organisation's change judges narrowing on the summaries as they are: it is written
  // once the level has reached them, or it would also tell of the AOC remote that p1 loses
  // with the level (a race between two changes whose outcome depends on the stream's
  // shards, see docs/propagation.md).
  await p.applied(level.changeId);
  const org = await putOrganisation(
    p.ctx,
    'org',
    { name: 'Organisation org', agreements: officeAoc() },
    ACTOR,
  );
  await p.applied(level.changeId, org.changeId);
  const link = await linkDataset(p.ctx, 'p3', 'd3', ACTOR);
  const expiry = await putResearcher(
    p.ctx,
    'r1',
    {
      name: 'Researcher r1',
      email: 'r1@example.org',
      organisationId: 'org',
      accreditation: anAccreditation({ status: 'expired' }),
    },
    ACTOR,
  );
  const changeIds = [level.changeId, org.changeId, link.changeId, expiry.changeId];
  return {
    changeIds,
    expected: [
      `${level.changeId} r1 p1`,
      `${level.changeId} r1 p2`,
      `${level.changeId} r2 p1`,
      `${org.changeId} r2 p3`,
      `${link.changeId} r2 p3`,
      `${expiry.changeId} r1 p1`,
      `${expiry.changeId} r1 p2`,
    ].sort(),
  };
}

/** Every notification in the table as "change researcher project", sorted; each was delivered. */
async function claimed(p: Pipeline): Promise<string[]> {
  const all = [
    ...(await listNotifications(p.ctx, 'r1')).items,
    ...(await listNotifications(p.ctx, 'r2')).items,
  ];
  for (const n of all) expect(n.deliveredAt, n.notificationId).toBeDefined();
  return all.map((n) => `${n.changeId} ${n.researcherId} ${n.projectId}`).sort();
}

/** The faults of each scenario, and which requests they may hit. */
const SCENARIOS: { fault: WireFault; on: 'writes' | 'every request' }[] = [
  { fault: 'conflict', on: 'writes' },
  { fault: 'throttling', on: 'every request' },
  { fault: 'provisioned', on: 'every request' },
  { fault: 'timeout-before', on: 'every request' },
  { fault: 'timeout-after', on: 'every request' },
];

describe('the stream pipeline under DynamoDB faults', () => {
  it.concurrent.each(SCENARIOS)(
    '$fault on three in ten of the handlers’ requests ($on): converges with exactly the expected notifications',
    async ({ fault, on }) => {
      // Arrange: the handlers' client carries the faults; set-up runs before they are armed.
      const plan = new WirePlan();
      const p = await startPipeline(`pipeline-faults-${fault}`, { doc: plan.client() });
      try {
        await arrange(p);
        const random = prng(0x1234 + fault.length);
        plan.arm((a) =>
          (on === 'writes' ? a.isWrite : true) && random() < FAULT_RATE ? fault : undefined,
        );
        // Act
        const { changeIds, expected } = await act(p);
        await p.applied(...changeIds);
        plan.disarm();
        // Assert
        expect(plan.fired.length, 'faults fired').toBeGreaterThanOrEqual(5);
        expect(await claimed(p)).toEqual(expected);
        await p.expectClean();
      } finally {
        await p.stop();
      }
    },
    180_000,
  );
});

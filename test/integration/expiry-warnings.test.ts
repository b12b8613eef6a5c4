/**
 * Expiry warnings on DynamoDB Local, on a clock of the test's own: the
 * reconciler warns each researcher whose routes an upcoming expiry would
 * narrow, once per (researcher, project, fact, expiresAt, window), only in
 * the nearest open window, again after a renewal, never one whom the expiry
 * would not narrow; warnings go through the same inbox, delivery and events
 * as notices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../functions/commons/index.js';
import { reconcile } from '../../functions/handlers/reconcile.js';
import { warningDaysFromEnv } from '../../functions/reconcile/index.js';
import { addMember, listNotifications, putOrganisation } from '../../functions/store/index.js';
import { CONTACTS, type Notification } from '../../schemas/index.js';
import { anAgreement, fullAoc } from '../support/factories.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { ACTOR, aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';

let clock = Date.parse('2026-06-01T09:00:00Z');
let p: Pipeline;

const warningsOf = async (researcherId: string): Promise<Notification[]> =>
  (await listNotifications(p.ctx, researcherId)).items.filter((n) => n.kind === 'warning');

/** One reconciler run at `iso`, then the pipeline settles; the warnings it sent. */
async function runAt(iso: string): Promise<string[]> {
  clock = Date.parse(iso);
  const { warnings } = await reconcile(p.ctx);
  await p.settle();
  return warnings;
}

beforeAll(async () => {
  logger.setLogLevel('SILENT');
  p = await startPipeline('expiry-warnings', { now: () => new Date(clock) });
  // org-w's remote agreement runs out at the end of 31 July. r-w has every route on
  // p-open (level 3) and loses AOC remote with it; r-low is on p-low (level 1), which the
  // agreement never served; r-acc's own accreditation runs out on 20 July.
  await anOrganisation(
    p.ctx,
    'org-w',
    fullAoc({ ARACCC: anAgreement({ expiresAt: '2026-07-31' }) }),
  );
  await anOrganisation(p.ctx, 'org-full', fullAoc());
  const setup = [
    (await aResearcher(p.ctx, 'r-w', 'org-w')).changeId,
    (await aResearcher(p.ctx, 'r-low', 'org-w')).changeId,
    (await aResearcher(p.ctx, 'r-acc', 'org-full', { expiresAt: '2026-07-20' })).changeId,
  ];
  await aDataset(p.ctx, 'd-open', 3);
  await aDataset(p.ctx, 'd-low', 1);
  setup.push(...(await aProject(p.ctx, 'p-open', ['d-open'], ['r-w', 'r-acc'])));
  setup.push(...(await aProject(p.ctx, 'p-low', ['d-low'], ['r-low'])));
  await p.applied(...setup);
});

afterAll(async () => {
  await p?.stop();
  logger.setLogLevel('INFO');
});

describe('expiry warnings', () => {
  it('warn once inside the 30-day window, with what would go and what would stay, and nobody the expiry spares', async () => {
    expect(await runAt('2026-06-20T09:00:00Z')).toEqual([]);
    // 26 days before the agreement, 10 days before the accreditation: each in one window.
    const sent = await runAt('2026-07-06T09:00:00Z');
    expect(sent).toHaveLength(2);
    expect(await runAt('2026-07-06T10:00:00Z')).toEqual([]);

    const [agreement] = await warningsOf('r-w');
    expect(await warningsOf('r-w')).toHaveLength(1);
    expect(agreement).toMatchObject({
      kind: 'warning',
      projectId: 'p-open',
      cause: {
        kind: 'expiry-upcoming',
        organisationId: 'org-w',
        agreement: 'ARACCC',
        expiresAt: '2026-07-31',
      },
      removedRoutes: ['aoc-remote'],
      remainingRoutes: ['safe-room', 'safepod', 'aoc-office'],
      contact: CONTACTS.connectivity,
    });
    expect(agreement?.message).toContain('will narrow');
    expect(agreement?.message).toContain('2026-07-31');
    // The accreditation's expiry would take every route.
    expect(await warningsOf('r-acc')).toEqual([
      expect.objectContaining({
        cause: expect.objectContaining({ kind: 'expiry-upcoming', researcherId: 'r-acc' }),
        removedRoutes: ['safe-room', 'safepod', 'aoc-office', 'aoc-remote'],
        remainingRoutes: [],
      }),
    ]);
    expect(await warningsOf('r-low')).toEqual([]);
    // Same inbox, same delivery, and an ExpiryWarning event each.
    const delivered = (await listNotifications(p.ctx, 'r-w')).items;
    expect(delivered.every((n) => n.deliveredAt !== undefined)).toBe(true);
    expect(p.outbox.sent.some((m) => m.subject.includes('will narrow on 2026-07-31'))).toBe(true);
    expect(p.events.events.filter((e) => e.detailType === 'ExpiryWarning')).toHaveLength(2);
    await p.expectClean();
  });

  it('warn again in the 7-day window, and only there for a fact first seen inside it', async () => {
    // r-new joins p-open on 27 July with an accreditation that runs out on 31 July.
    clock = Date.parse('2026-07-27T08:00:00Z');
    await anOrganisation(p.ctx, 'org-late', fullAoc());
    const joined = (await aResearcher(p.ctx, 'r-new', 'org-late', { expiresAt: '2026-07-31' }))
      .changeId;
    await p.applied(joined);
    await addMember(p.ctx, 'p-open', 'r-new', ACTOR);
    await runAt('2026-07-27T09:00:00Z');
    expect((await warningsOf('r-w')).map((w) => w.cause.expiresAt)).toEqual([
      '2026-07-31',
      '2026-07-31',
    ]);
    expect(new Set((await warningsOf('r-w')).map((w) => w.changeId)).size).toBe(2);
    expect(await warningsOf('r-new')).toHaveLength(1);
    await p.expectClean();
  });

  it('start new windows after a renewal', async () => {
    const renewed = await putOrganisation(
      p.ctx,
      'org-w',
      {
        name: 'Organisation org-w',
        agreements: fullAoc({ ARACCC: anAgreement({ expiresAt: '2026-12-31' }) }),
      },
      ACTOR,
    );
    await p.applied(renewed.changeId);
    expect(await runAt('2026-07-28T09:00:00Z')).toEqual([]);
    expect(await runAt('2026-12-10T09:00:00Z')).toHaveLength(1);
    expect((await warningsOf('r-w')).map((w) => w.cause.expiresAt).sort()).toEqual([
      '2026-07-31',
      '2026-07-31',
      '2026-12-31',
    ]);
  });

  it('take their windows from EXPIRY_WARNING_DAYS, and refuse a bad one with its reason', () => {
    expect(warningDaysFromEnv({})).toEqual([30, 7]);
    expect(warningDaysFromEnv({ EXPIRY_WARNING_DAYS: '14, 3' })).toEqual([14, 3]);
    expect(() => warningDaysFromEnv({ EXPIRY_WARNING_DAYS: '14,soon' })).toThrow(
      /EXPIRY_WARNING_DAYS must list whole days/,
    );
  });
});

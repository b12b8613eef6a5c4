/**
 * Expiry on DynamoDB Local, on a clock of the test's own. An organisation's
 * remote agreement runs out: the next reconciler run starts one `expiry`
 * change, and each researcher of the organisation who loses a route on a
 * project gets exactly one notice naming the connectivity contact; one who
 * loses nothing gets none, and later runs start nothing more. What is due is
 * derived from the stored facts with no look-back window: a run after a week
 * without one still starts the expiry, an expiry already past when it was
 * written starts nothing, and an unrelated write after an expiry no run has
 * seen yet leaves it due.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../functions/commons/index.js';
import { reconcile } from '../../functions/handlers/reconcile.js';
import {
  getChange,
  getChangeItem,
  listNotifications,
  putResearcher,
} from '../../functions/store/index.js';
import { CONTACTS } from '../../schemas/index.js';
import { anAccreditation, anAgreement, fullAoc } from '../support/factories.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { ACTOR, aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';

let clock = Date.parse('2026-06-01T09:00:00Z');
let p: Pipeline;

beforeAll(async () => {
  logger.setLogLevel('SILENT');
  p = await startPipeline('agreement-expiry', { now: () => new Date(clock) });
});

afterAll(async () => {
  await p?.stop();
  logger.setLogLevel('INFO');
});

describe('an AOC agreement that expires', () => {
  it('is noticed by the next reconciler run: one notice per narrowed researcher and project, with the connectivity contact, and none for the rest', async () => {
    // Arrange: the remote agreement (ARACCC) of org-x runs out on 10 June.
    // r-remote has every route on p-open (level 3); r-room is on p-room
    // (level 1: safe room and SafePod only), which the agreement never served.
    await anOrganisation(
      p.ctx,
      'org-x',
      fullAoc({ ARACCC: anAgreement({ expiresAt: '2026-06-10' }) }),
    );
    const setup = [
      (await aResearcher(p.ctx, 'r-remote', 'org-x')).changeId,
      (await aResearcher(p.ctx, 'r-room', 'org-x')).changeId,
    ];
    await aDataset(p.ctx, 'd-open', 3);
    await aDataset(p.ctx, 'd-room', 1);
    setup.push(...(await aProject(p.ctx, 'p-open', ['d-open'], ['r-remote'])));
    setup.push(...(await aProject(p.ctx, 'p-room', ['d-room'], ['r-room'])));
    await p.applied(...setup);

    // Act: a run before the expiry starts nothing; one after it starts the expiry.
    const before = await reconcile(p.ctx);
    clock = Date.parse('2026-06-10T23:59:59Z');
    const stillIn = await reconcile(p.ctx);
    clock = Date.parse('2026-06-11T00:30:00Z');
    const after = await reconcile(p.ctx);
    await p.settle();

    // Assert
    expect(before.expiryChanges).toEqual([]);
    expect(stillIn.expiryChanges).toEqual([]);
    expect(after.expiryChanges).toHaveLength(1);
    const changeId = after.expiryChanges[0] as string;
    expect(await getChange(p.ctx, changeId)).toMatchObject({ status: 'applied', notifications: 1 });
    const inbox = (await listNotifications(p.ctx, 'r-remote')).items;
    // Ahead of it came its warnings: the 30-day one on 1 June, the 7-day one on 10 June.
    expect(inbox.filter((n) => n.kind === 'warning')).toHaveLength(2);
    const notices = inbox.filter((n) => n.kind === 'narrowed');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      changeId,
      projectId: 'p-open',
      cause: {
        kind: 'expiry',
        organisationId: 'org-x',
        agreement: 'ARACCC',
        changes: [{ field: 'ARACCC.expired', from: false, to: true }],
      },
      removedRoutes: ['aoc-remote'],
      remainingRoutes: ['safe-room', 'safepod', 'aoc-office'],
      contact: CONTACTS.connectivity,
    });
    expect((await listNotifications(p.ctx, 'r-room')).items).toEqual([]);

    // Act again: later runs find the same expiry and start nothing more.
    clock = Date.parse('2026-06-11T01:30:00Z');
    const later = await reconcile(p.ctx);
    await p.settle();
    expect(later.expiryChanges).toEqual([]);
    expect(
      (await listNotifications(p.ctx, 'r-remote')).items.filter((n) => n.kind === 'narrowed'),
    ).toHaveLength(1);
    await p.expectClean();
  });
});

describe('the expiry sweep, with no look-back window', () => {
  /** The researchers whose expiry changes a reconciler run started. */
  async function expiredBy(run: Awaited<ReturnType<typeof reconcile>>): Promise<string[]> {
    const items = await Promise.all(run.expiryChanges.map((id) => getChangeItem(p.ctx, id)));
    return items.flatMap((c) => (c && 'researcherId' in c ? [c.researcherId] : []));
  }

  /** A researcher of org-y on a project of their own (level 3), expiring on `expiresAt`. */
  async function onProject(researcherId: string, expiresAt: string) {
    const ids = [(await aResearcher(p.ctx, researcherId, 'org-y', { expiresAt })).changeId];
    ids.push(...(await aProject(p.ctx, `p-${researcherId}`, ['d-open'], [researcherId])));
    await p.applied(...ids);
  }

  it('starts an expiry that no run saw for a week, and notifies once', async () => {
    // Arrange: r-week's accreditation covers 12 June; no run comes until the 20th.
    clock = Date.parse('2026-06-11T02:00:00Z');
    await anOrganisation(p.ctx, 'org-y', fullAoc());
    await onProject('r-week', '2026-06-12');

    // Act
    clock = Date.parse('2026-06-20T10:00:00Z');
    const run = await reconcile(p.ctx);
    await p.settle();

    // Assert
    expect(await expiredBy(run)).toEqual(['r-week']);
    const notices = (await listNotifications(p.ctx, 'r-week')).items;
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      projectId: 'p-r-week',
      cause: { kind: 'expiry', researcherId: 'r-week', expiredAt: '2026-06-12' },
      remainingRoutes: [],
    });
  });

  it('starts nothing for an expiry that had passed when it was written', async () => {
    // Arrange: on 20 June, r-late is written with an accreditation that ran out on the 15th.
    clock = Date.parse('2026-06-20T11:00:00Z');
    await onProject('r-late', '2026-06-15');

    // Act
    clock = Date.parse('2026-06-20T12:00:00Z');
    const run = await reconcile(p.ctx);
    await p.settle();

    // Assert: the write was judged with the expiry; it had no routes to lose since.
    expect(await expiredBy(run)).toEqual([]);
    expect((await listNotifications(p.ctx, 'r-late')).items).toEqual([]);
  });

  it('keeps an unseen expiry due after an unrelated write of the researcher, and notifies once', async () => {
    // Arrange: r-renamed's accreditation covers 21 June; on the 23rd, before any
    // run, the researcher is renamed (the accreditation stays as it was).
    clock = Date.parse('2026-06-20T13:00:00Z');
    await onProject('r-renamed', '2026-06-21');
    clock = Date.parse('2026-06-23T08:00:00Z');
    const renamed = await putResearcher(
      p.ctx,
      'r-renamed',
      {
        name: 'Renamed',
        email: 'r-renamed@example.org',
        organisationId: 'org-y',
        accreditation: anAccreditation({ expiresAt: '2026-06-21' }),
      },
      ACTOR,
    );
    await p.applied(renamed.changeId);

    // Act
    clock = Date.parse('2026-06-23T09:00:00Z');
    const run = await reconcile(p.ctx);
    await p.settle();

    // Assert
    expect(await expiredBy(run)).toEqual(['r-renamed']);
    expect((await listNotifications(p.ctx, 'r-renamed')).items).toHaveLength(1);
    await p.expectClean();
  });
});

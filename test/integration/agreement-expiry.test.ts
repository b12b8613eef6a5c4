/**
 * The agreement-expiry path on DynamoDB Local, on a clock of the test's own:
 * an organisation's remote agreement runs out, the next reconciler run starts
 * one `expiry` change, and each researcher of the organisation who loses a
 * route on a project gets exactly one notice naming the connectivity contact;
 * one who loses nothing gets none, and later runs start nothing more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../functions/commons/index.js';
import { reconcile } from '../../functions/handlers/reconcile.js';
import { getChange, listNotifications } from '../../functions/store/index.js';
import { CONTACTS } from '../../schemas/index.js';
import { anAgreement, fullAoc } from '../support/factories.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';

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
    const notices = (await listNotifications(p.ctx, 'r-remote')).items;
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
    expect((await listNotifications(p.ctx, 'r-remote')).items).toHaveLength(1);
    await p.expectClean();
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { researcherAccess } from '../../functions/api/queries.js';
import { PROJECT_PAGE_SIZE } from '../../functions/propagation/index.js';
import {
  getChangeItem,
  getLink,
  getSummary,
  linkDataset,
  listNotifications,
  putOrganisation,
  removeMember,
  type StoreContext,
  setDatasetLevel,
  unlinkDataset,
} from '../../functions/store/index.js';
import { fullAoc, noAoc, officeAoc } from '../support/factories.js';
import { type Pipeline, startPipeline } from '../support/pipeline.js';
import { ACTOR, aDataset, anOrganisation, aProject, aResearcher } from '../support/seed.js';

let p: Pipeline;

beforeEach(async () => {
  p = await startPipeline('propagation');
});

afterEach(async () => {
  await p.expectClean();
  await p.stop();
});

/** The one notification a researcher has (failing unless there is exactly one). */
async function theOnlyNotice(ctx: StoreContext, researcherId: string) {
  const { items } = await listNotifications(ctx, researcherId);
  expect(items, `the notifications of ${researcherId}`).toHaveLength(1);
  return items.at(0);
}

describe('the worked examples of the guidance, through the pipeline', () => {
  it('example one: level 3 datasets but no AOC agreement give safe room and SafePod only', async () => {
    // Arrange
    await anOrganisation(p.ctx, 'org', noAoc());
    await aResearcher(p.ctx, 'r1', 'org');
    await aDataset(p.ctx, 'd1', 3);
    await aDataset(p.ctx, 'd2', 3);
    const changes = await aProject(p.ctx, 'p1', ['d1', 'd2'], ['r1']);
    await p.applied(...changes);
    // Act
    const access = await researcherAccess(p.ctx, 'p1', 'r1');
    // Assert
    expect((await getSummary(p.ctx, 'p1'))?.accessLevel).toBe(3);
    expect(access.routes).toEqual(['safe-room', 'safepod']);
    expect(access.denied).toEqual([
      { route: 'aoc-office', reasons: ['no-aoc-agreement'] },
      { route: 'aoc-remote', reasons: ['no-aoc-agreement', 'no-remote-agreement'] },
    ]);
  });

  it('example two: full AOC but one level 1 dataset gives safe room and SafePod only', async () => {
    await anOrganisation(p.ctx, 'org', fullAoc());
    await aResearcher(p.ctx, 'r1', 'org');
    for (const [id, level] of [
      ['d1', 3],
      ['d2', 3],
      ['d3', 1],
    ] as const) {
      await aDataset(p.ctx, id, level);
    }
    await p.applied(...(await aProject(p.ctx, 'p1', ['d1', 'd2', 'd3'], ['r1'])));

    const access = await researcherAccess(p.ctx, 'p1', 'r1');

    const summary = await getSummary(p.ctx, 'p1');
    expect(summary?.accessLevel).toBe(1);
    expect(summary?.limitingDatasets).toEqual([{ datasetId: 'd3', accessLevel: 1 }]);
    expect(access.routes).toEqual(['safe-room', 'safepod']);
    expect(access.denied).toEqual([
      { route: 'aoc-office', reasons: ['project-level'] },
      { route: 'aoc-remote', reasons: ['project-level'] },
    ]);
  });

  it('example three: one organisation, two projects of different levels, routes follow each project', async () => {
    await anOrganisation(p.ctx, 'org', fullAoc());
    await aResearcher(p.ctx, 'r1', 'org');
    await aDataset(p.ctx, 'd2', 2);
    await aDataset(p.ctx, 'd3', 3);
    await p.applied(
      ...(await aProject(p.ctx, 'p-office', ['d2', 'd3'], ['r1'])),
      ...(await aProject(p.ctx, 'p-remote', ['d3'], ['r1'])),
    );

    const office = await researcherAccess(p.ctx, 'p-office', 'r1');
    const remote = await researcherAccess(p.ctx, 'p-remote', 'r1');

    expect(office.routes).toEqual(['safe-room', 'safepod', 'aoc-office']);
    expect(office.denied).toEqual([{ route: 'aoc-remote', reasons: ['project-level'] }]);
    expect(remote.routes).toEqual(['safe-room', 'safepod', 'aoc-office', 'aoc-remote']);
    expect(remote.denied).toEqual([]);
  });
});

describe('a dataset level change', () => {
  it('narrows the two researchers of one project and nobody on another', async () => {
    // Arrange: p1 uses d1 (level 3) with two remote-capable members; p2 does not use d1.
    await anOrganisation(p.ctx, 'org', fullAoc());
    for (const r of ['r1', 'r2', 'r3']) await aResearcher(p.ctx, r, 'org');
    await aDataset(p.ctx, 'd1', 3);
    await aDataset(p.ctx, 'd2', 3);
    await p.applied(
      ...(await aProject(p.ctx, 'p1', ['d1', 'd2'], ['r1', 'r2'])),
      ...(await aProject(p.ctx, 'p2', ['d2'], ['r3'])),
    );
    // Act
    const { changeId } = await setDatasetLevel(p.ctx, 'd1', 1, 'owner tightened', ACTOR);
    await p.applied(changeId);
    // Assert
    for (const r of ['r1', 'r2']) {
      const notice = await theOnlyNotice(p.ctx, r);
      expect(notice).toMatchObject({
        changeId,
        projectId: 'p1',
        cause: { kind: 'dataset-level-changed', datasetId: 'd1', fromLevel: 3, toLevel: 1 },
        projectLevel: { from: 3, to: 1 },
        removedRoutes: ['aoc-office', 'aoc-remote'],
        remainingRoutes: ['safe-room', 'safepod'],
        contact: 'srs.customer.support@ons.gov.uk',
      });
      expect(notice?.deliveredAt).toBeDefined();
    }
    expect((await listNotifications(p.ctx, 'r3')).items).toEqual([]);
    expect((await getSummary(p.ctx, 'p2'))?.accessLevel).toBe(3);
    expect(await getChangeItem(p.ctx, changeId)).toMatchObject({
      status: 'applied',
      affectedProjects: 1,
      notifications: 2,
    });
    expect(p.outbox.sent.map((m) => m.researcherId).sort()).toEqual(['r1', 'r2']);
    expect(p.events.events.filter((e) => e.detailType === 'ResearcherRoutesNarrowed')).toHaveLength(
      2,
    );
    expect(p.events.events.filter((e) => e.detailType === 'ProjectAccessChanged')).toContainEqual(
      expect.objectContaining({
        detail: expect.objectContaining({ projectId: 'p1', changeId, widened: false }),
      }),
    );
  });

  it('to the same level is applied and notifies nobody', async () => {
    await anOrganisation(p.ctx, 'org', fullAoc());
    await aResearcher(p.ctx, 'r1', 'org');
    await aDataset(p.ctx, 'd1', 2);
    await p.applied(...(await aProject(p.ctx, 'p1', ['d1'], ['r1'])));
    const before = await getSummary(p.ctx, 'p1');

    const { changeId } = await setDatasetLevel(p.ctx, 'd1', 2, 'reviewed, unchanged', ACTOR);
    await p.applied(changeId);

    expect((await listNotifications(p.ctx, 'r1')).items).toEqual([]);
    expect(await getSummary(p.ctx, 'p1')).toEqual(before);
    expect(await getChangeItem(p.ctx, changeId)).toMatchObject({
      notifications: 0,
      affectedProjects: 1,
    });
  });

  it('that widens produces an event and no notification', async () => {
    await anOrganisation(p.ctx, 'org', fullAoc());
    await aResearcher(p.ctx, 'r1', 'org');
    await aDataset(p.ctx, 'd1', 1);
    await p.applied(...(await aProject(p.ctx, 'p1', ['d1'], ['r1'])));

    const { changeId } = await setDatasetLevel(p.ctx, 'd1', 3, 'owner relaxed', ACTOR);
    await p.applied(changeId);

    expect((await listNotifications(p.ctx, 'r1')).items).toEqual([]);
    expect(p.events.events).toContainEqual(
      expect.objectContaining({
        detailType: 'ProjectAccessChanged',
        detail: expect.objectContaining({ projectId: 'p1', changeId, widened: true }),
      }),
    );
  });

  it(`fans out over 500 projects in pages of ${PROJECT_PAGE_SIZE} and applies every one`, async () => {
    // Arrange: 520 projects use d1 (no members, to keep the set-up quick).
    await aDataset(p.ctx, 'd1', 3);
    const projects = Array.from({ length: 520 }, (_, i) => `p${String(i).padStart(3, '0')}`);
    const links: string[] = [];
    for (let i = 0; i < projects.length; i += 20) {
      const batch = await Promise.all(
        projects.slice(i, i + 20).map((id) => aProject(p.ctx, id, ['d1'], [])),
      );
      links.push(...batch.flat());
    }
    await p.applied(...links);
    // Act
    const { changeId } = await setDatasetLevel(p.ctx, 'd1', 2, 'fan-out', ACTOR);
    await p.applied(changeId);
    // Assert
    const change = await getChangeItem(p.ctx, changeId);
    expect(change?.pagesDone).toBe(Math.ceil(projects.length / PROJECT_PAGE_SIZE));
    expect(change?.affectedProjects).toBe(projects.length);
    for (const id of [projects[0], projects[259], projects[519]] as string[]) {
      expect((await getSummary(p.ctx, id))?.accessLevel).toBe(2);
      expect((await getLink(p.ctx, id, 'd1'))?.accessLevel).toBe(2);
    }
  }, 360_000);

  it('twice in quick succession converges to the last level', async () => {
    await anOrganisation(p.ctx, 'org', fullAoc());
    await aResearcher(p.ctx, 'r1', 'org');
    await aDataset(p.ctx, 'd1', 3);
    await p.applied(
      ...(await aProject(p.ctx, 'p1', ['d1'], ['r1'])),
      ...(await aProject(p.ctx, 'p2', ['d1'], [])),
    );

    const first = await setDatasetLevel(p.ctx, 'd1', 1, 'first', ACTOR);
    const second = await setDatasetLevel(p.ctx, 'd1', 2, 'second', ACTOR);
    await p.applied(first.changeId, second.changeId);

    for (const id of ['p1', 'p2']) {
      expect((await getSummary(p.ctx, id))?.accessLevel).toBe(2);
      expect((await getLink(p.ctx, id, 'd1'))?.datasetVersion).toBe(second.dataset.version);
    }
  });
});

describe('adding a dataset', () => {
  it('that is lower narrows the members with cause dataset-added', async () => {
    await anOrganisation(p.ctx, 'org', fullAoc());
    await aResearcher(p.ctx, 'r1', 'org');
    await aDataset(p.ctx, 'd3', 3);
    await aDataset(p.ctx, 'd1', 1);
    await p.applied(...(await aProject(p.ctx, 'p1', ['d3'], ['r1'])));

    const { changeId } = await linkDataset(p.ctx, 'p1', 'd1', ACTOR);
    await p.applied(changeId);

    const notice = await theOnlyNotice(p.ctx, 'r1');
    expect(notice).toMatchObject({
      changeId,
      cause: { kind: 'dataset-added', datasetId: 'd1', toLevel: 1 },
      projectLevel: { from: 3, to: 1 },
      removedRoutes: ['aoc-office', 'aoc-remote'],
      remainingRoutes: ['safe-room', 'safepod'],
    });
    expect(notice?.message).toContain('dataset "Dataset d1" (d1) (level 1) was added');
  });
});

describe('an organisation change', () => {
  it('losing ARACCC narrows its researchers to office access, with the connectivity contact', async () => {
    await anOrganisation(p.ctx, 'org', fullAoc());
    await anOrganisation(p.ctx, 'other', fullAoc());
    for (const r of ['r1', 'r2']) await aResearcher(p.ctx, r, 'org');
    await aResearcher(p.ctx, 'r3', 'other');
    await aDataset(p.ctx, 'd1', 3);
    await p.applied(...(await aProject(p.ctx, 'p1', ['d1'], ['r1', 'r2', 'r3'])));

    const { changeId } = await putOrganisation(
      p.ctx,
      'org',
      { name: 'Organisation org', agreements: officeAoc() },
      ACTOR,
    );
    await p.applied(changeId);

    for (const r of ['r1', 'r2']) {
      expect(await theOnlyNotice(p.ctx, r)).toMatchObject({
        changeId,
        cause: {
          kind: 'organisation-agreement-changed',
          organisationId: 'org',
          agreement: 'ARACCC',
        },
        projectLevel: { from: 3, to: 3 },
        removedRoutes: ['aoc-remote'],
        remainingRoutes: ['safe-room', 'safepod', 'aoc-office'],
        contact: 'srs.connectivity@ons.gov.uk',
      });
    }
    expect((await listNotifications(p.ctx, 'r3')).items).toEqual([]);
  });
});

describe("a researcher's own standing", () => {
  it('losing the home address on file names that fact, not an unchanged status, and customer support', async () => {
    await anOrganisation(p.ctx, 'org', fullAoc());
    await aResearcher(p.ctx, 'r1', 'org');
    await aDataset(p.ctx, 'd1', 3);
    await p.applied(...(await aProject(p.ctx, 'p1', ['d1'], ['r1'])));

    const { changeId } = await aResearcher(p.ctx, 'r1', 'org', { homeAddressOnFile: false });
    await p.applied(changeId);

    const notice = await theOnlyNotice(p.ctx, 'r1');
    expect(notice).toMatchObject({
      changeId,
      cause: {
        kind: 'accreditation-changed',
        researcherId: 'r1',
        changes: [{ field: 'accreditation.homeAddressOnFile', from: true, to: false }],
      },
      removedRoutes: ['aoc-remote'],
      remainingRoutes: ['safe-room', 'safepod', 'aoc-office'],
      contact: 'srs.customer.support@ons.gov.uk',
    });
    expect(notice?.message).toContain('home address on file from yes to no');
    expect(notice?.message).not.toMatch(/from accredited to accredited/);
  });

  it('moving to an organisation without AOC is an organisation change, with the connectivity contact', async () => {
    await anOrganisation(p.ctx, 'org-a', fullAoc());
    await anOrganisation(p.ctx, 'org-b', noAoc());
    await aResearcher(p.ctx, 'r1', 'org-a');
    await aDataset(p.ctx, 'd1', 3);
    await p.applied(...(await aProject(p.ctx, 'p1', ['d1'], ['r1'])));

    const { changeId } = await aResearcher(p.ctx, 'r1', 'org-b');
    await p.applied(changeId);

    const notice = await theOnlyNotice(p.ctx, 'r1');
    expect(notice).toMatchObject({
      changeId,
      cause: {
        kind: 'organisation-changed',
        researcherId: 'r1',
        organisationId: 'org-b',
        changes: [{ field: 'organisationId', from: 'org-a', to: 'org-b' }],
      },
      removedRoutes: ['aoc-office', 'aoc-remote'],
      remainingRoutes: ['safe-room', 'safepod'],
      contact: 'srs.connectivity@ons.gov.uk',
    });
    expect(notice?.message).toContain('you moved from organisation org-a to organisation org-b');
  });

  it('rewritten unchanged notifies nobody', async () => {
    await anOrganisation(p.ctx, 'org', fullAoc());
    await aResearcher(p.ctx, 'r1', 'org');
    await aDataset(p.ctx, 'd1', 3);
    await p.applied(...(await aProject(p.ctx, 'p1', ['d1'], ['r1'])));

    const again = await aResearcher(p.ctx, 'r1', 'org');
    if (again.changeId) await p.applied(again.changeId);

    expect((await listNotifications(p.ctx, 'r1')).items).toEqual([]);
  });
});

describe('removing a dataset', () => {
  it("that was the project's last takes every route and notifies each member once, with cause dataset-removed", async () => {
    await anOrganisation(p.ctx, 'org', fullAoc());
    for (const r of ['r1', 'r2']) await aResearcher(p.ctx, r, 'org');
    await aDataset(p.ctx, 'd1', 3);
    await p.applied(...(await aProject(p.ctx, 'p1', ['d1'], ['r1', 'r2'])));

    const { changeId } = await unlinkDataset(p.ctx, 'p1', 'd1', ACTOR);
    await p.applied(changeId);

    for (const r of ['r1', 'r2']) {
      const notice = await theOnlyNotice(p.ctx, r);
      expect(notice).toMatchObject({
        changeId,
        cause: {
          kind: 'dataset-removed',
          datasetId: 'd1',
          changes: [{ field: 'dataset', from: 'd1', to: null }],
        },
        projectLevel: { from: 3, to: null },
        removedRoutes: ['safe-room', 'safepod', 'aoc-office', 'aoc-remote'],
        remainingRoutes: [],
        contact: 'srs.customer.support@ons.gov.uk',
      });
      expect(notice?.message).toContain('dataset "Dataset d1" (d1) was removed from the project');
    }
    expect(await getChangeItem(p.ctx, changeId)).toMatchObject({ notifications: 2 });
  });

  it('that leaves a lower dataset behind widens and notifies nobody', async () => {
    await anOrganisation(p.ctx, 'org', fullAoc());
    await aResearcher(p.ctx, 'r1', 'org');
    await aDataset(p.ctx, 'd1', 1);
    await aDataset(p.ctx, 'd3', 3);
    await p.applied(...(await aProject(p.ctx, 'p1', ['d1', 'd3'], ['r1'])));

    const { changeId } = await unlinkDataset(p.ctx, 'p1', 'd1', ACTOR);
    await p.applied(changeId);

    expect((await listNotifications(p.ctx, 'r1')).items).toEqual([]);
    expect(await getChangeItem(p.ctx, changeId)).toMatchObject({ notifications: 0 });
  });
});

describe('removing a researcher from a project', () => {
  it('notifies them once that every route they had is gone, with cause membership-ended', async () => {
    await anOrganisation(p.ctx, 'org', officeAoc());
    await aResearcher(p.ctx, 'r1', 'org');
    await aResearcher(p.ctx, 'r2', 'org');
    await aDataset(p.ctx, 'd1', 3);
    await p.applied(...(await aProject(p.ctx, 'p1', ['d1'], ['r1', 'r2'])));

    const { changeId } = await removeMember(p.ctx, 'p1', 'r1', ACTOR);
    await p.applied(changeId);

    expect(await theOnlyNotice(p.ctx, 'r1')).toMatchObject({
      changeId,
      projectId: 'p1',
      cause: {
        kind: 'membership-ended',
        researcherId: 'r1',
        changes: [{ field: 'membership', from: true, to: false }],
      },
      projectLevel: { from: 3, to: 3 },
      removedRoutes: ['safe-room', 'safepod', 'aoc-office'],
      remainingRoutes: [],
      contact: 'srs.customer.support@ons.gov.uk',
    });
    expect((await listNotifications(p.ctx, 'r2')).items).toEqual([]);
    expect(await getChangeItem(p.ctx, changeId)).toMatchObject({ notifications: 1 });
  });

  it('who had no route on it notifies nobody', async () => {
    await anOrganisation(p.ctx, 'org', fullAoc());
    await aResearcher(p.ctx, 'r1', 'org', { status: 'expired' });
    await aDataset(p.ctx, 'd1', 3);
    await p.applied(...(await aProject(p.ctx, 'p1', ['d1'], ['r1'])));

    const { changeId } = await removeMember(p.ctx, 'p1', 'r1', ACTOR);
    await p.applied(changeId);

    expect((await listNotifications(p.ctx, 'r1')).items).toEqual([]);
    expect(await getChangeItem(p.ctx, changeId)).toMatchObject({ notifications: 0 });
  });
});

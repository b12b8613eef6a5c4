import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accessChangeItem,
  type DatasetLevel,
  decideRoutes,
  intersectRoutes,
  type MemberStanding,
  memberMoves,
  narrowedMembers,
  organisationRoutes,
  type ProjectUnderChange,
  previewImpact,
  previewStandings,
  researcherRoutes,
  routesForLevel,
  summariseProject,
} from '../../functions/domain/index.js';
import {
  type Classification,
  ImpactSchema,
  type NarrowedResearcher,
  type ProjectSummary,
  type Route,
  StandingImpactSchema,
  type WidenedResearcher,
} from '../../schemas/index.js';
import {
  aMember,
  anAccreditation,
  aocLossImpact,
  arbAccreditation,
  arbAgreements,
  arbClassification,
  arbDatasets,
  arbMembers,
  arbNow,
  arbShortId,
  datasets,
  fullAoc,
  NOW,
  noAoc,
  officeAoc,
  PROPERTY_RUNS,
  rank,
} from '../support/factories.js';

const CHANGED = 'changed-dataset';

/** A member's routes on a project, from the three factors and independently of decideRoutes. */
function routesByHand(
  project: Pick<ProjectSummary, 'accessLevel'>,
  member: MemberStanding,
  now: Date,
): Route[] {
  return intersectRoutes(
    routesForLevel(project.accessLevel),
    organisationRoutes(member.agreements ?? {}, now),
    member.accreditation === undefined ? [] : researcherRoutes(member.accreditation, now),
  );
}

/** Projects that all use CHANGED at `fromLevel`, and possibly other datasets. */
function arbProjectsUsing(fromLevel: Classification): fc.Arbitrary<ProjectUnderChange[]> {
  return fc.uniqueArray(
    fc.record({
      projectId: arbShortId,
      datasets: arbDatasets({ maxLength: 5 }).map((others): DatasetLevel[] => [
        ...others.filter((d) => d.datasetId !== CHANGED),
        { datasetId: CHANGED, accessLevel: fromLevel },
      ]),
      members: arbMembers,
    }),
    { selector: (p) => p.projectId, maxLength: 4 },
  );
}

/** A change of CHANGED from one classification to another, on projects that use it. */
function changeOf(levels: fc.Arbitrary<[Classification, Classification]>) {
  return levels.chain(([fromLevel, toLevel]) =>
    fc.record({
      fromLevel: fc.constant(fromLevel),
      toLevel: fc.constant(toLevel),
      projects: arbProjectsUsing(fromLevel),
    }),
  );
}

const arbChange = changeOf(fc.tuple(arbClassification, arbClassification));

/** A change that raises the level or keeps it (unclassified ranks below level 0). */
const arbRaise = changeOf(
  fc
    .tuple(arbClassification, arbClassification)
    .map(([a, b]): [Classification, Classification] => (rank(a) <= rank(b) ? [a, b] : [b, a])),
);

describe('previewImpact', () => {
  it('shows a project dropping from level 3 to 1 and its AOC members losing office and remote access', () => {
    // Arrange
    const project: ProjectUnderChange = {
      projectId: 'census-linkage',
      datasets: [
        { datasetId: CHANGED, accessLevel: 3 },
        { datasetId: 'other', accessLevel: 3 },
      ],
      members: [
        aMember({ researcherId: 'connected' }),
        aMember({ researcherId: 'unconnected', agreements: noAoc() }),
      ],
    };

    // Act
    const impact = previewImpact(
      { datasetId: CHANGED, fromLevel: 3, toLevel: 1, projects: [project] },
      NOW,
    );

    // Assert
    expect(impact).toEqual(aocLossImpact(CHANGED, 'census-linkage', 'connected'));
  });

  it('lists at most `limit` entries of each kind, says so, and keeps the full counts', () => {
    // Arrange: three projects on the changed dataset, each with one connected member.
    const projects: ProjectUnderChange[] = ['p-1', 'p-2', 'p-3'].map((projectId) => ({
      projectId,
      datasets: [{ datasetId: CHANGED, accessLevel: 3 }],
      members: [aMember({ researcherId: `r-${projectId}` })],
    }));

    // Act
    const cut = previewImpact({ datasetId: CHANGED, fromLevel: 3, toLevel: 1, projects }, NOW, 2);
    const whole = previewImpact({ datasetId: CHANGED, fromLevel: 3, toLevel: 1, projects }, NOW, 3);

    // Assert
    expect(cut.projects.map((p) => p.projectId)).toEqual(['p-1', 'p-2']);
    expect(cut.narrowed.map((n) => n.researcherId)).toEqual(['r-p-1', 'r-p-2']);
    expect(cut).toMatchObject({ truncated: true, projectCount: 3, narrowedCount: 3 });
    expect(whole.projects).toHaveLength(3);
    expect(whole).toMatchObject({ truncated: false, projectCount: 3, narrowedCount: 3 });
  });

  it('lists at most 1,000 projects by default', () => {
    const projects: ProjectUnderChange[] = Array.from({ length: 1001 }, (_, i) => ({
      projectId: `p-${i}`,
      datasets: [{ datasetId: CHANGED, accessLevel: 3 }],
      members: [],
    }));
    const impact = previewImpact({ datasetId: CHANGED, fromLevel: 3, toLevel: 2, projects }, NOW);
    expect(impact.projects).toHaveLength(1000);
    expect(impact).toMatchObject({ truncated: true, projectCount: 1001, narrowedCount: 0 });
  });

  it('leaves out members whose routes were already below the new level', () => {
    // Arrange: office-only organisation, dataset 3 -> 2: remote was never theirs.
    const project: ProjectUnderChange = {
      projectId: 'p1',
      datasets: [{ datasetId: CHANGED, accessLevel: 3 }],
      members: [aMember({ agreements: officeAoc() })],
    };

    // Act
    const impact = previewImpact(
      { datasetId: CHANGED, fromLevel: 3, toLevel: 2, projects: [project] },
      NOW,
    );

    // Assert
    expect(impact.projects).toEqual([
      { projectId: 'p1', fromLevel: 3, toLevel: 2, fromStatus: 'ok', toStatus: 'ok' },
    ]);
    expect(impact.narrowed).toEqual([]);
  });

  it('shows a project going pending and everyone losing every route when the dataset becomes unclassified', () => {
    // Arrange
    const project: ProjectUnderChange = {
      projectId: 'p1',
      datasets: [{ datasetId: CHANGED, accessLevel: 2 }],
      members: [aMember({ accreditation: anAccreditation({ homeAddressOnFile: false }) })],
    };

    // Act
    const impact = previewImpact(
      { datasetId: CHANGED, fromLevel: 2, toLevel: null, projects: [project] },
      NOW,
    );

    // Assert
    expect(impact.projects).toEqual([
      {
        projectId: 'p1',
        fromLevel: 2,
        toLevel: null,
        fromStatus: 'ok',
        toStatus: 'pending-classification',
      },
    ]);
    expect(impact.narrowed).toEqual([
      {
        researcherId: 'researcher-1',
        projectId: 'p1',
        removedRoutes: ['safe-room', 'safepod', 'aoc-office'],
        remainingRoutes: [],
      },
    ]);
  });

  it('agrees with summarising each project before and after by hand (property)', () => {
    fc.assert(
      fc.property(arbChange, arbNow, ({ fromLevel, toLevel, projects }, now) => {
        // Act
        const impact = previewImpact({ datasetId: CHANGED, fromLevel, toLevel, projects }, now);

        // Assert
        expect(impact.datasetId).toBe(CHANGED);
        expect(impact.fromLevel).toBe(fromLevel);
        expect(impact.toLevel).toBe(toLevel);
        expect(impact.projects).toHaveLength(projects.length);
        const expectedNarrowed: NarrowedResearcher[] = [];
        projects.forEach((p, i) => {
          const before = summariseProject(p.datasets);
          const after = summariseProject(
            p.datasets.map((d) => (d.datasetId === CHANGED ? { ...d, accessLevel: toLevel } : d)),
          );
          expect(impact.projects[i]).toEqual({
            projectId: p.projectId,
            fromLevel: before.accessLevel,
            toLevel: after.accessLevel,
            fromStatus: before.status,
            toStatus: after.status,
          });
          for (const m of p.members) {
            const was = routesByHand(before, m, now);
            const is = routesByHand(after, m, now);
            const removedRoutes = was.filter((r) => !is.includes(r));
            if (removedRoutes.length > 0) {
              expectedNarrowed.push({
                researcherId: m.researcherId,
                projectId: p.projectId,
                removedRoutes,
                remainingRoutes: is,
              });
            }
          }
        });
        expect(impact.narrowed).toEqual(expectedNarrowed);
      }),
      PROPERTY_RUNS,
    );
  });

  it('agrees with narrowedMembers on each project (property)', () => {
    fc.assert(
      fc.property(arbChange, arbNow, ({ fromLevel, toLevel, projects }, now) => {
        const impact = previewImpact({ datasetId: CHANGED, fromLevel, toLevel, projects }, now);
        const expected = projects.flatMap((p) =>
          narrowedMembers(
            p.projectId,
            summariseProject(p.datasets),
            summariseProject(
              p.datasets.map((d) => (d.datasetId === CHANGED ? { ...d, accessLevel: toLevel } : d)),
            ),
            p.members,
            now,
          ).map(({ deniedBy: _, ...n }) => n),
        );
        expect(impact.narrowed).toEqual(expected);
      }),
      PROPERTY_RUNS,
    );
  });

  it('narrows no one when the level goes up or stays the same (property)', () => {
    fc.assert(
      fc.property(arbRaise, arbNow, ({ fromLevel, toLevel, projects }, now) => {
        const impact = previewImpact({ datasetId: CHANGED, fromLevel, toLevel, projects }, now);
        expect(impact.narrowed).toEqual([]);
      }),
      PROPERTY_RUNS,
    );
  });

  it('conforms to the Impact schema of the API (property)', () => {
    fc.assert(
      fc.property(arbChange, arbNow, ({ fromLevel, toLevel, projects }, now) => {
        const impact = previewImpact({ datasetId: CHANGED, fromLevel, toLevel, projects }, now);
        expect(ImpactSchema.safeParse(impact).success).toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });

  it('leaves a project that does not use the dataset unchanged', () => {
    // Arrange
    const project: ProjectUnderChange = {
      projectId: 'unrelated',
      datasets: datasets(3),
      members: [aMember()],
    };

    // Act
    const impact = previewImpact(
      { datasetId: CHANGED, fromLevel: 3, toLevel: 0, projects: [project] },
      NOW,
    );

    // Assert
    expect(impact.projects).toEqual([
      { projectId: 'unrelated', fromLevel: 3, toLevel: 3, fromStatus: 'ok', toStatus: 'ok' },
    ]);
    expect(impact.narrowed).toEqual([]);
  });
});

describe('narrowedMembers', () => {
  it('lists only the members who lose a route', () => {
    // Arrange
    const before = summariseProject(datasets(3));
    const after = summariseProject(datasets(2));
    const members = [
      aMember({ researcherId: 'remote-worker' }),
      aMember({
        researcherId: 'office-worker',
        accreditation: anAccreditation({ homeAddressOnFile: false }),
      }),
    ];

    // Act
    const result = narrowedMembers('p1', before, after, members, NOW);

    // Assert
    expect(result).toEqual([
      {
        researcherId: 'remote-worker',
        projectId: 'p1',
        removedRoutes: ['aoc-remote'],
        remainingRoutes: ['safe-room', 'safepod', 'aoc-office'],
        deniedBy: ['project-level'],
      },
    ]);
  });
});

describe('previewStandings', () => {
  const arbSide = fc.record({
    agreements: fc.option(arbAgreements, { nil: undefined }),
    accreditation: fc.option(arbAccreditation, { nil: undefined }),
  });
  const arbUnderChange = fc.uniqueArray(
    fc.record({
      researcherId: arbShortId,
      before: arbSide,
      after: arbSide,
      projects: fc.uniqueArray(
        fc.record({ projectId: arbShortId, datasets: arbDatasets({ maxLength: 4 }) }).map((p) => ({
          projectId: p.projectId,
          ...summariseProject(p.datasets),
        })),
        { selector: (p) => p.projectId, maxLength: 4 },
      ),
    }),
    { selector: (r) => r.researcherId, maxLength: 5 },
  );

  it('lists, for each (researcher, project), the routes lost as narrowed and the routes gained as widened, from the three factors', () => {
    fc.assert(
      fc.property(arbUnderChange, arbNow, (researchers, now) => {
        const impact = previewStandings(researchers, now);
        const expectedNarrowed: NarrowedResearcher[] = [];
        const expectedWidened: WidenedResearcher[] = [];
        for (const r of researchers) {
          for (const p of r.projects) {
            const was = routesByHand(p, { researcherId: r.researcherId, ...r.before }, now);
            const will = routesByHand(p, { researcherId: r.researcherId, ...r.after }, now);
            const key = { researcherId: r.researcherId, projectId: p.projectId };
            const removed = was.filter((x) => !will.includes(x));
            const added = will.filter((x) => !was.includes(x));
            if (removed.length > 0)
              expectedNarrowed.push({ ...key, removedRoutes: removed, remainingRoutes: will });
            if (added.length > 0)
              expectedWidened.push({ ...key, addedRoutes: added, remainingRoutes: will });
          }
        }
        expect(impact.narrowed).toEqual(expectedNarrowed);
        expect(impact.widened).toEqual(expectedWidened);
        expect(impact).toMatchObject({
          narrowedCount: expectedNarrowed.length,
          widenedCount: expectedWidened.length,
          truncated: false,
        });
        StandingImpactSchema.parse(impact);
      }),
      PROPERTY_RUNS,
    );
  });

  it('turns narrowing into widening when before and after swap', () => {
    fc.assert(
      fc.property(arbUnderChange, arbNow, (researchers, now) => {
        const forward = previewStandings(researchers, now);
        const back = previewStandings(
          researchers.map((r) => ({ ...r, before: r.after, after: r.before })),
          now,
        );
        const pairs = (list: readonly { researcherId: string; projectId: string }[]) =>
          list.map((e) => `${e.researcherId}/${e.projectId}`);
        expect(pairs(back.widened)).toEqual(pairs(forward.narrowed));
        expect(pairs(back.narrowed)).toEqual(pairs(forward.widened));
        expect(back.widened.map((w) => w.addedRoutes)).toEqual(
          forward.narrowed.map((n) => n.removedRoutes),
        );
      }),
      PROPERTY_RUNS,
    );
  });

  it('lists at most the limit in each list, with full counts and truncated', () => {
    const everyone = Array.from({ length: 5 }, (_, i) => ({
      researcherId: `r-${i}`,
      before: { agreements: fullAoc(), accreditation: anAccreditation() },
      after: { agreements: noAoc(), accreditation: anAccreditation() },
      projects: [{ projectId: 'p', ...summariseProject(datasets(3)) }],
    }));
    expect(previewStandings(everyone, NOW, 3)).toMatchObject({
      truncated: true,
      narrowedCount: 5,
      widenedCount: 0,
    });
    expect(previewStandings(everyone, NOW, 3).narrowed).toHaveLength(3);
  });
});

describe('the access-change item of a project recompute', () => {
  it('records each member whose routes moved, narrowing or widening, with the routes the rules decide, and nothing when nothing moved', () => {
    fc.assert(
      fc.property(arbDatasets(), arbDatasets(), arbMembers, arbNow, (a, b, members, now) => {
        const before = summariseProject(a);
        const after = summariseProject(b);
        const moves = memberMoves(before, after, members, now);
        const item = accessChangeItem({
          changeId: 'c1',
          changeCreatedAt: now.toISOString(),
          projectId: 'p1',
          at: now.toISOString(),
          project: {
            from: { accessLevel: before.accessLevel, status: before.status, routes: before.routes },
            to: { accessLevel: after.accessLevel, status: after.status, routes: after.routes },
          },
          researchers: moves,
        });
        const moved = members.filter((m) => {
          const routes = (s: ProjectSummary) =>
            decideRoutes(
              {
                isMember: true,
                project: s,
                agreements: m.agreements,
                accreditation: m.accreditation,
              },
              now,
            ).routes.join();
          return routes(before) !== routes(after);
        });
        const projectMoved =
          before.accessLevel !== after.accessLevel ||
          before.status !== after.status ||
          before.routes.join() !== after.routes.join();
        if (!projectMoved && moved.length === 0) {
          expect(item).toBeUndefined();
          return;
        }
        expect(item?.project !== undefined).toBe(projectMoved);
        expect(item?.researchers.map((r) => r.researcherId)).toEqual(
          moved.map((m) => m.researcherId).sort(),
        );
        expect(item?.version).toBe(now.getTime());
        // The narrowed ones are exactly the notices' members.
        const narrowed = narrowedMembers('p1', before, after, members, now).map(
          (n) => n.researcherId,
        );
        expect(
          item?.researchers
            .filter((r) => r.from.some((route) => !r.to.includes(route)))
            .map((r) => r.researcherId),
        ).toEqual([...narrowed].sort());
      }),
      PROPERTY_RUNS,
    );
  });
});

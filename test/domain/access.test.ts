import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AccessContext,
  decideRoutes,
  denyReasons,
  hasAocFoundation,
  intersectRoutes,
  isAgreementInForce,
  isEligible,
  organisationRoutes,
  researcherRoutes,
  routesForLevel,
  summariseProject,
} from '../../functions/domain/index.js';
import {
  DENY_REASONS,
  type DenyReason,
  ResearcherAccessSchema,
  ROUTES,
  type Route,
} from '../../schemas/index.js';
import {
  anAccreditation,
  arbAccreditation,
  arbAgreements,
  arbDatasets,
  arbNow,
  datasets,
  isCanonical,
  isSubset,
  memberOf,
  NOW,
  noAoc,
  PROPERTY_RUNS,
} from '../support/factories.js';

/** Any access context, consistent with the rules: the project summary comes from datasets. */
const arbContext: fc.Arbitrary<AccessContext> = fc.record({
  isMember: fc.oneof(
    { arbitrary: fc.constant(true), weight: 4 },
    { arbitrary: fc.constant(false), weight: 1 },
  ),
  project: fc.option(arbDatasets().map(summariseProject), { nil: undefined, freq: 10 }),
  agreements: fc.option(arbAgreements, { nil: undefined, freq: 8 }),
  accreditation: fc.option(arbAccreditation, { nil: undefined, freq: 8 }),
});

/** Routes of each factor, computed separately from the decision. */
function factorRoutes(ctx: AccessContext, now: Date) {
  return {
    project: ctx.project === undefined ? [] : routesForLevel(ctx.project.accessLevel),
    organisation: organisationRoutes(ctx.agreements ?? {}, now),
    researcher: ctx.accreditation === undefined ? [] : researcherRoutes(ctx.accreditation, now),
  };
}

/** Every reason of docs/rules.md that applies to `route`, stated one condition at a time. */
function expectedReasons(route: Route, ctx: AccessContext, now: Date): DenyReason[] {
  const agreements = ctx.agreements ?? {};
  const aoc = route === 'aoc-office' || route === 'aoc-remote';
  const applies: Record<DenyReason, boolean> = {
    'not-a-member': !ctx.isMember,
    'no-datasets': ctx.project === undefined || ctx.project.status === 'no-datasets',
    'pending-classification': ctx.project?.status === 'pending-classification',
    'project-level':
      ctx.project?.status === 'ok' && !routesForLevel(ctx.project.accessLevel).includes(route),
    'no-aoc-agreement': aoc && !hasAocFoundation(agreements, now),
    'no-remote-agreement': route === 'aoc-remote' && !isAgreementInForce(agreements.ARACCC, now),
    'not-accredited': ctx.accreditation === undefined || !isEligible(ctx.accreditation, now),
    'no-home-address': route === 'aoc-remote' && ctx.accreditation?.homeAddressOnFile !== true,
  };
  return DENY_REASONS.filter((reason) => applies[reason]);
}

describe('decideRoutes', () => {
  it('permits every route to an eligible member of a level 3 project in a fully connected organisation', () => {
    // Arrange
    const ctx = memberOf(summariseProject(datasets(3, 3)));

    // Act
    const decision = decideRoutes(ctx, NOW);

    // Assert
    expect(decision).toEqual({ routes: [...ROUTES], denied: [] });
  });

  it('denies every route to a non-member, with not-a-member as the reason', () => {
    // Arrange
    const ctx = { ...memberOf(summariseProject(datasets(3))), isMember: false };

    // Act
    const decision = decideRoutes(ctx, NOW);

    // Assert
    expect(decision.routes).toEqual([]);
    expect(decision.denied).toEqual(ROUTES.map((route) => ({ route, reasons: ['not-a-member'] })));
  });

  it('denies every route on a project with no datasets, with no-datasets as the reason', () => {
    const decision = decideRoutes(memberOf(summariseProject([])), NOW);

    expect(decision.routes).toEqual([]);
    expect(decision.denied).toEqual(ROUTES.map((route) => ({ route, reasons: ['no-datasets'] })));
  });

  it('treats an unknown project like one with no datasets', () => {
    const decision = decideRoutes({ ...memberOf(summariseProject([])), project: undefined }, NOW);

    expect(decision.denied).toEqual(ROUTES.map((route) => ({ route, reasons: ['no-datasets'] })));
  });

  it('denies every route on a project pending classification, with pending-classification as the reason', () => {
    const decision = decideRoutes(memberOf(summariseProject(datasets(3, null))), NOW);

    expect(decision.routes).toEqual([]);
    expect(decision.denied).toEqual(
      ROUTES.map((route) => ({ route, reasons: ['pending-classification'] })),
    );
  });

  it('denies every route on a level 0 project, with project-level as the reason', () => {
    const decision = decideRoutes(memberOf(summariseProject(datasets(0, 3))), NOW);

    expect(decision.routes).toEqual([]);
    expect(decision.denied).toEqual(ROUTES.map((route) => ({ route, reasons: ['project-level'] })));
  });

  it('denies every route to an ineligible researcher, and AOC remote also for a missing home address', () => {
    // Arrange
    const ctx = memberOf(summariseProject(datasets(3)), {
      accreditation: anAccreditation({ status: 'expired', homeAddressOnFile: false }),
    });

    // Act
    const decision = decideRoutes(ctx, NOW);

    // Assert
    expect(decision.routes).toEqual([]);
    expect(decision.denied).toEqual([
      { route: 'safe-room', reasons: ['not-accredited'] },
      { route: 'safepod', reasons: ['not-accredited'] },
      { route: 'aoc-office', reasons: ['not-accredited'] },
      { route: 'aoc-remote', reasons: ['not-accredited', 'no-home-address'] },
    ]);
  });

  it('treats an unknown researcher as not accredited and without a home address', () => {
    const ctx = memberOf(summariseProject(datasets(3)), { accreditation: undefined });

    const decision = decideRoutes(ctx, NOW);

    expect(decision.denied.find((d) => d.route === 'aoc-remote')?.reasons).toEqual([
      'not-accredited',
      'no-home-address',
    ]);
    expect(decision.denied.find((d) => d.route === 'safe-room')?.reasons).toEqual([
      'not-accredited',
    ]);
  });

  it('withholds only AOC remote, for no-home-address, from an eligible researcher without a home address', () => {
    const ctx = memberOf(summariseProject(datasets(3)), {
      accreditation: anAccreditation({ homeAddressOnFile: false }),
    });

    const decision = decideRoutes(ctx, NOW);

    expect(decision.routes).toEqual(['safe-room', 'safepod', 'aoc-office']);
    expect(decision.denied).toEqual([{ route: 'aoc-remote', reasons: ['no-home-address'] }]);
  });

  it('reports all reasons that apply, in the order of the rules', () => {
    // Arrange: not a member, level 1 project, no AOC, no accreditation, no home address.
    const ctx: AccessContext = {
      isMember: false,
      project: summariseProject(datasets(1)),
      agreements: noAoc(),
      accreditation: anAccreditation({ status: 'none', homeAddressOnFile: false }),
    };

    // Act
    const decision = decideRoutes(ctx, NOW);

    // Assert
    expect(decision.denied).toEqual([
      { route: 'safe-room', reasons: ['not-a-member', 'not-accredited'] },
      { route: 'safepod', reasons: ['not-a-member', 'not-accredited'] },
      {
        route: 'aoc-office',
        reasons: ['not-a-member', 'project-level', 'no-aoc-agreement', 'not-accredited'],
      },
      {
        route: 'aoc-remote',
        reasons: [
          'not-a-member',
          'project-level',
          'no-aoc-agreement',
          'no-remote-agreement',
          'not-accredited',
          'no-home-address',
        ],
      },
    ]);
  });

  it('permits only routes within each of the project, organisation and researcher route sets (property)', () => {
    fc.assert(
      fc.property(arbContext, arbNow, (ctx, now) => {
        const { routes } = decideRoutes(ctx, now);
        const factors = factorRoutes(ctx, now);
        expect(isSubset(routes, factors.project)).toBe(true);
        expect(isSubset(routes, factors.organisation)).toBe(true);
        expect(isSubset(routes, factors.researcher)).toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });

  it('permits a member exactly the intersection of the three route sets (property)', () => {
    fc.assert(
      fc.property(arbContext, arbNow, (ctx, now) => {
        const member = { ...ctx, isMember: true };
        const factors = factorRoutes(member, now);
        expect(decideRoutes(member, now).routes).toEqual(
          intersectRoutes(factors.project, factors.organisation, factors.researcher),
        );
      }),
      PROPERTY_RUNS,
    );
  });

  it('permits nothing to a non-member (property)', () => {
    fc.assert(
      fc.property(arbContext, arbNow, (ctx, now) => {
        const decision = decideRoutes({ ...ctx, isMember: false }, now);
        expect(decision.routes).toEqual([]);
        for (const d of decision.denied) expect(d.reasons[0]).toBe('not-a-member');
      }),
      PROPERTY_RUNS,
    );
  });

  it('permits nothing on a level 0 or unclassified project (property)', () => {
    fc.assert(
      fc.property(
        arbDatasets({ minLength: 1 }),
        fc.constantFrom(0, null),
        arbAgreements,
        arbAccreditation,
        arbNow,
        (used, blocker, agreements, accreditation, now) => {
          const project = summariseProject([
            ...used,
            { datasetId: 'blocker', accessLevel: blocker },
          ]);
          const decision = decideRoutes(memberOf(project, { agreements, accreditation }), now);
          expect(decision.routes).toEqual([]);
          expect(decision.denied).toHaveLength(ROUTES.length);
        },
      ),
      PROPERTY_RUNS,
    );
  });

  it('splits the four routes into permitted and denied, each in canonical order (property)', () => {
    fc.assert(
      fc.property(arbContext, arbNow, (ctx, now) => {
        const { routes, denied } = decideRoutes(ctx, now);
        const deniedRoutes = denied.map((d) => d.route);
        expect(isCanonical(routes)).toBe(true);
        expect(isCanonical(deniedRoutes)).toBe(true);
        expect([...routes, ...deniedRoutes].sort()).toEqual([...ROUTES].sort());
      }),
      PROPERTY_RUNS,
    );
  });

  it('gives every denied route at least one reason, without repeats, in the order of DENY_REASONS (property)', () => {
    fc.assert(
      fc.property(arbContext, arbNow, (ctx, now) => {
        for (const { reasons } of decideRoutes(ctx, now).denied) {
          expect(reasons.length).toBeGreaterThanOrEqual(1);
          const positions = reasons.map((r) => DENY_REASONS.indexOf(r));
          for (let i = 1; i < positions.length; i++) {
            expect(positions[i]).toBeGreaterThan(positions[i - 1] ?? -1);
          }
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it('permits a route exactly when no deny reason applies to it (property)', () => {
    fc.assert(
      fc.property(arbContext, arbNow, (ctx, now) => {
        const decision = decideRoutes(ctx, now);
        for (const route of ROUTES) {
          const reasons = denyReasons(route, ctx, now);
          expect(decision.routes.includes(route)).toBe(reasons.length === 0);
          if (reasons.length > 0) expect(decision.denied).toContainEqual({ route, reasons });
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it('reports exactly the reasons whose condition holds, one rule at a time (property)', () => {
    fc.assert(
      fc.property(arbContext, arbNow, arbRouteIndex(), (ctx, now, index) => {
        const route = ROUTES[index] as Route;
        expect(denyReasons(route, ctx, now)).toEqual(expectedReasons(route, ctx, now));
      }),
      PROPERTY_RUNS,
    );
  });

  it('conforms to the ResearcherAccess schema of the API (property)', () => {
    fc.assert(
      fc.property(arbContext, arbNow, (ctx, now) => {
        const decision = decideRoutes(ctx, now);
        const body = {
          projectId: 'p-1',
          researcherId: 'r-1',
          projectAccessLevel: ctx.project?.accessLevel ?? null,
          ...decision,
        };
        expect(ResearcherAccessSchema.safeParse(body).success).toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });

  it('gives no-home-address and no-remote-agreement only on AOC remote, no-aoc-agreement only on AOC routes (property)', () => {
    fc.assert(
      fc.property(arbContext, arbNow, (ctx, now) => {
        for (const { route, reasons } of decideRoutes(ctx, now).denied) {
          if (route !== 'aoc-remote') {
            expect(reasons).not.toContain('no-home-address');
            expect(reasons).not.toContain('no-remote-agreement');
          }
          if (route === 'safe-room' || route === 'safepod') {
            expect(reasons).not.toContain('no-aoc-agreement');
          }
        }
      }),
      PROPERTY_RUNS,
    );
  });
});

function arbRouteIndex(): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: ROUTES.length - 1 });
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildNotification,
  contactFor,
  type NarrowingNotice,
  narrowing,
} from '../../functions/domain/index.js';
import { type Cause, NotificationSchema, ROUTES, type Route } from '../../schemas/index.js';
import {
  arbCause,
  arbLevel,
  arbShortId,
  arbShuffledRoutes,
  PROPERTY_RUNS,
} from '../support/factories.js';

const CUSTOMER_SUPPORT = 'srs.customer.support@ons.gov.uk';
const CONNECTIVITY = 'srs.connectivity@ons.gov.uk';

/** How the guidance names each route; messages must use these words. */
const ROUTE_WORDS: Record<Route, string> = {
  'safe-room': 'safe room',
  safepod: 'SafePod',
  'aoc-office': 'AOC office',
  'aoc-remote': 'AOC remote',
};

/** The contact the rules call for: connectivity for AOC agreements, customer support otherwise. */
const expectedContact = (cause: Cause): string =>
  cause.kind === 'organisation-agreement-changed' ||
  (cause.kind === 'expiry' && cause.agreement !== undefined)
    ? CONNECTIVITY
    : CUSTOMER_SUPPORT;

function aNotice(overrides: Partial<NarrowingNotice> = {}): NarrowingNotice {
  return {
    notificationId: 'n-1',
    changeId: 'c-1',
    researcherId: 'r-1',
    projectId: 'labour-flows',
    projectTitle: 'Labour market flows',
    cause: { kind: 'dataset-level-changed', datasetId: 'ashe-2024', fromLevel: 3, toLevel: 1 },
    projectLevel: { from: 3, to: 1 },
    removedRoutes: ['aoc-office', 'aoc-remote'],
    remainingRoutes: ['safe-room', 'safepod'],
    createdAt: '2026-03-15T12:00:00.000Z',
    ...overrides,
  };
}

/** The part of the message about the routes lost, and the part about the routes left. */
function routeSentences(message: string): { lost: string; left: string } {
  const lost = /no longer[^.]*\./i.exec(message)?.[0] ?? '';
  const left = /still[^.]*\./i.exec(message)?.[0] ?? '';
  return { lost, left };
}

describe('buildNotification', () => {
  it('names the project, the dataset and its levels, the routes lost and left, and customer support', () => {
    // Act
    const n = buildNotification(aNotice());

    // Assert
    expect(n.message).toContain('Labour market flows');
    expect(n.message).toContain('labour-flows');
    expect(n.message).toContain('ashe-2024');
    expect(n.message).toMatch(/level 3/);
    expect(n.message).toMatch(/level 1/);
    const { lost, left } = routeSentences(n.message);
    expect(lost).toContain('AOC office');
    expect(lost).toContain('AOC remote');
    expect(left).toContain('safe room');
    expect(left).toContain('SafePod');
    expect(n.message).toContain(CUSTOMER_SUPPORT);
    expect(n.contact).toBe(CUSTOMER_SUPPORT);
  });

  it('says plainly that no route remains when every route is lost', () => {
    // Act
    const n = buildNotification(
      aNotice({
        projectLevel: { from: 1, to: 0 },
        removedRoutes: ['safe-room', 'safepod'],
        remainingRoutes: [],
      }),
    );

    // Assert
    expect(n.message).toMatch(/no permitted route/i);
    expect(routeSentences(n.message).left).toBe('');
    expect(n.remainingRoutes).toEqual([]);
  });

  it('does not say that no route remains while some do', () => {
    const n = buildNotification(aNotice());

    expect(n.message).not.toMatch(/no permitted route/i);
  });

  it('names the agreement and organisation and sends AOC questions to the connectivity team when an agreement changes', () => {
    // Arrange
    const cause: Cause = {
      kind: 'organisation-agreement-changed',
      organisationId: 'uni-of-x',
      agreement: 'ARACCC',
      fromStatus: 'approved',
      toStatus: 'suspended',
    };

    // Act
    const n = buildNotification(
      aNotice({
        cause,
        projectLevel: { from: 3, to: 3 },
        removedRoutes: ['aoc-remote'],
        remainingRoutes: ['safe-room', 'safepod', 'aoc-office'],
      }),
    );

    // Assert
    expect(n.message).toContain('ARACCC');
    expect(n.message).toContain('uni-of-x');
    expect(n.message).toContain('suspended');
    expect(n.contact).toBe(CONNECTIVITY);
    expect(n.message).toContain(CONNECTIVITY);
    expect(n.message).not.toContain(CUSTOMER_SUPPORT);
  });

  it('sends an agreement expiry to the connectivity team and names the agreement', () => {
    const cause: Cause = {
      kind: 'expiry',
      organisationId: 'uni-of-x',
      agreement: 'AOCCC',
      expiredAt: '2026-03-14',
    };

    const n = buildNotification(aNotice({ cause }));

    expect(n.contact).toBe(CONNECTIVITY);
    expect(n.message).toContain('AOCCC');
    expect(n.message).toContain('2026-03-14');
  });

  it('sends an accreditation expiry to customer support', () => {
    const cause: Cause = { kind: 'expiry', researcherId: 'r-1', expiredAt: '2026-03-14' };

    const n = buildNotification(aNotice({ cause }));

    expect(n.contact).toBe(CUSTOMER_SUPPORT);
    expect(n.message).toMatch(/accreditation/);
  });

  it('sends an accreditation change and a dataset added to customer support', () => {
    const accreditation: Cause = {
      kind: 'accreditation-changed',
      fromStatus: 'accredited',
      toStatus: 'expired',
    };
    const added: Cause = { kind: 'dataset-added', datasetId: 'new-survey', toLevel: 1 };

    expect(contactFor(accreditation)).toBe(CUSTOMER_SUPPORT);
    expect(contactFor(added)).toBe(CUSTOMER_SUPPORT);
    expect(buildNotification(aNotice({ cause: added })).message).toContain('new-survey');
  });

  it('names the dataset and the project by title and id, in the message and the project in the subject', () => {
    const levelChanged: Cause = {
      kind: 'dataset-level-changed',
      datasetId: 'ashe-2024',
      datasetTitle: 'Annual Survey of Hours and Earnings 2024',
      fromLevel: 3,
      toLevel: 1,
    };
    const added: Cause = {
      kind: 'dataset-added',
      datasetId: 'new-survey',
      datasetTitle: 'A new survey',
      toLevel: 1,
    };

    const changed = buildNotification(aNotice({ cause: levelChanged }));
    const joined = buildNotification(aNotice({ cause: added }));

    expect(changed.message).toContain(
      'dataset "Annual Survey of Hours and Earnings 2024" (ashe-2024) changed from level 3 to level 1',
    );
    expect(changed.message).toContain('project "Labour market flows" (labour-flows)');
    expect(changed.subject).toBe(
      'SRS access to project "Labour market flows" (labour-flows) has narrowed',
    );
    expect(joined.message).toContain('dataset "A new survey" (new-survey) (level 1) was added');
  });

  it('uses the project id when the title is not known', () => {
    const n = buildNotification(aNotice({ projectTitle: undefined }));

    expect(n.message).toContain('labour-flows');
    expect(n.subject).toContain('labour-flows');
  });

  it('carries the fields of the notice, names every route lost and left, and picks the right contact (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          projectId: arbShortId,
          projectTitle: fc.constantFrom(undefined, 'Labour market flows', 'Census 2021 linkage'),
          cause: arbCause,
          from: fc.option(arbLevel, { nil: null }),
          to: fc.option(arbLevel, { nil: null }),
          before: arbShuffledRoutes.filter((r) => r.length > 0),
          after: arbShuffledRoutes,
        }),
        (input) => {
          // Arrange
          const { removedRoutes, remainingRoutes } = narrowing(input.before, input.after);
          fc.pre(removedRoutes.length > 0);
          const notice = aNotice({
            projectId: input.projectId,
            projectTitle: input.projectTitle,
            cause: input.cause,
            projectLevel: { from: input.from, to: input.to },
            removedRoutes,
            remainingRoutes,
          });

          // Act
          const n = buildNotification(notice);

          // Assert
          expect(NotificationSchema.safeParse(n).success).toBe(true);
          expect(n).toMatchObject({
            notificationId: notice.notificationId,
            changeId: notice.changeId,
            researcherId: notice.researcherId,
            projectId: input.projectId,
            createdAt: notice.createdAt,
            cause: input.cause,
            projectLevel: { from: input.from, to: input.to },
            removedRoutes,
            remainingRoutes,
            contact: expectedContact(input.cause),
          });
          expect(n.message).toContain(input.projectId);
          if (input.projectTitle) expect(n.message).toContain(input.projectTitle);
          expect(n.message).toContain(expectedContact(input.cause));
          const { lost, left } = routeSentences(n.message);
          for (const route of ROUTES) {
            expect(lost.includes(ROUTE_WORDS[route])).toBe(removedRoutes.includes(route));
            expect(left.includes(ROUTE_WORDS[route])).toBe(remainingRoutes.includes(route));
          }
          expect(/no permitted route/i.test(n.message)).toBe(remainingRoutes.length === 0);
          const named =
            input.cause.datasetId ??
            input.cause.agreement ??
            input.cause.organisationId ??
            'accreditation';
          expect(n.message).toContain(named);
        },
      ),
      PROPERTY_RUNS,
    );
  });

  it('does not share its route lists with the notice it was built from', () => {
    // Arrange
    const notice = aNotice();
    const removed = notice.removedRoutes as Route[];

    // Act
    const n = buildNotification(notice);
    n.removedRoutes.push('safe-room');

    // Assert
    expect(removed).toEqual(['aoc-office', 'aoc-remote']);
  });
});

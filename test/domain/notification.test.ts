import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  agreementsChangedCause,
  buildNotification,
  contactFor,
  datasetLinkCause,
  expiryCause,
  levelChangedCause,
  membershipEndedCause,
  type NarrowingNotice,
  narrowing,
  standingChangedCause,
} from '../../functions/domain/index.js';
import {
  type Accreditation,
  type Cause,
  DENY_REASONS,
  type DenyReason,
  NotificationSchema,
  ROUTES,
  type Route,
} from '../../schemas/index.js';
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

/** The contact the rules call for: connectivity when a lost route is now denied for want of an agreement. */
const expectedContact = (deniedBy: readonly DenyReason[]): string =>
  deniedBy.includes('no-aoc-agreement') || deniedBy.includes('no-remote-agreement')
    ? CONNECTIVITY
    : CUSTOMER_SUPPORT;

const NOW = new Date('2026-03-15T12:00:00.000Z');
const ACCREDITED: Accreditation = {
  status: 'accredited',
  ararSignedAt: '2025-01-01T00:00:00.000Z',
  homeAddressOnFile: true,
};

/** A change described as going from a value to the same value: "from approved to approved". */
const FROM_X_TO_X = /from (\S+) to \1(?![\w-])/;

function aNotice(overrides: Partial<NarrowingNotice> = {}): NarrowingNotice {
  return {
    notificationId: 'n-1',
    changeId: 'c-1',
    researcherId: 'r-1',
    projectId: 'labour-flows',
    projectTitle: 'Labour market flows',
    cause: levelChangedCause({ datasetId: 'ashe-2024' }, 3, 1),
    projectLevel: { from: 3, to: 1 },
    removedRoutes: ['aoc-office', 'aoc-remote'],
    remainingRoutes: ['safe-room', 'safepod'],
    deniedBy: ['project-level'],
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

/** What a notice's message must name for its cause. */
function namedBy(cause: Cause): string {
  switch (cause.kind) {
    case 'membership-ended':
      return 'membership of the project ended';
    case 'accreditation-changed':
      return 'accreditation';
    case 'expiry':
      return cause.agreement ?? 'accreditation';
    default:
      return cause.datasetId ?? cause.organisationId ?? '';
  }
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
    const cause = agreementsChangedCause(
      'uni-of-x',
      { ARACCC: { status: 'approved' } },
      { ARACCC: { status: 'suspended' } },
      NOW,
    );

    // Act
    const n = buildNotification(
      aNotice({
        cause,
        projectLevel: { from: 3, to: 3 },
        removedRoutes: ['aoc-remote'],
        remainingRoutes: ['safe-room', 'safepod', 'aoc-office'],
        deniedBy: ['no-remote-agreement'],
      }),
    );

    // Assert
    expect(n.cause.changes).toEqual([
      { field: 'ARACCC.status', from: 'approved', to: 'suspended' },
    ]);
    expect(n.message).toContain('ARACCC status from approved to suspended');
    expect(n.message).toContain('uni-of-x');
    expect(n.contact).toBe(CONNECTIVITY);
    expect(n.message).toContain(CONNECTIVITY);
    expect(n.message).not.toContain(CUSTOMER_SUPPORT);
  });

  it('sends an agreement expiry to the connectivity team and names the agreement', () => {
    const cause = expiryCause(
      { organisationId: 'uni-of-x', agreement: 'AOCCC' },
      '2026-03-14T00:00:00.000Z',
    );

    const n = buildNotification(aNotice({ cause, deniedBy: ['no-aoc-agreement'] }));

    expect(n.contact).toBe(CONNECTIVITY);
    expect(n.message).toContain('AOCCC');
    expect(n.message).toContain('2026-03-14');
  });

  it('sends an accreditation expiry to customer support', () => {
    const cause = expiryCause({ researcherId: 'r-1' }, '2026-03-14T00:00:00.000Z');

    const n = buildNotification(aNotice({ cause, deniedBy: ['not-accredited'] }));

    expect(n.contact).toBe(CUSTOMER_SUPPORT);
    expect(n.message).toMatch(/accreditation/);
  });

  it('sends the researcher to the connectivity team exactly when a lost route is now denied for want of an agreement', () => {
    expect(contactFor(['not-accredited'])).toBe(CUSTOMER_SUPPORT);
    expect(contactFor(['project-level', 'no-home-address'])).toBe(CUSTOMER_SUPPORT);
    expect(contactFor([])).toBe(CUSTOMER_SUPPORT);
    expect(contactFor(['no-aoc-agreement'])).toBe(CONNECTIVITY);
    expect(contactFor(['not-accredited', 'no-remote-agreement'])).toBe(CONNECTIVITY);
  });

  it('names the home address, not the unchanged status, when a home address is removed', () => {
    const cause = standingChangedCause(
      'r-1',
      { organisationId: 'org-a', accreditation: ACCREDITED },
      { organisationId: 'org-a', accreditation: { ...ACCREDITED, homeAddressOnFile: false } },
    );

    const n = buildNotification(
      aNotice({
        cause,
        removedRoutes: ['aoc-remote'],
        remainingRoutes: ['safe-room', 'safepod', 'aoc-office'],
        deniedBy: ['no-home-address'],
      }),
    );

    expect(cause.kind).toBe('accreditation-changed');
    expect(cause.changes).toEqual([
      { field: 'accreditation.homeAddressOnFile', from: true, to: false },
    ]);
    expect(n.message).toContain('home address on file from yes to no');
    expect(n.message).not.toContain('from accredited to accredited');
    expect(n.contact).toBe(CUSTOMER_SUPPORT);
  });

  it('calls a move to an organisation without AOC an organisation change, and names the connectivity team', () => {
    const cause = standingChangedCause(
      'r-1',
      { organisationId: 'org-a', accreditation: ACCREDITED },
      { organisationId: 'org-b', accreditation: ACCREDITED },
    );

    const n = buildNotification(
      aNotice({
        cause,
        projectLevel: { from: 3, to: 3 },
        deniedBy: ['no-aoc-agreement', 'no-remote-agreement'],
      }),
    );

    expect(cause).toMatchObject({
      kind: 'organisation-changed',
      researcherId: 'r-1',
      organisationId: 'org-b',
      changes: [{ field: 'organisationId', from: 'org-a', to: 'org-b' }],
    });
    expect(n.message).toContain('you moved from organisation org-a to organisation org-b');
    expect(n.message).not.toMatch(/accreditation/);
    expect(n.contact).toBe(CONNECTIVITY);
  });

  it('says that a dataset was removed, and that a membership ended', () => {
    const removed = datasetLinkCause('dataset-removed', { datasetId: 'old-survey' }, 3);
    const ended = membershipEndedCause('r-1');

    const byRemoval = buildNotification(
      aNotice({ cause: removed, removedRoutes: [...ROUTES], remainingRoutes: [] }),
    );
    const byLeaving = buildNotification(
      aNotice({ cause: ended, removedRoutes: [...ROUTES], remainingRoutes: [] }),
    );

    expect(removed.changes).toEqual([{ field: 'dataset', from: 'old-survey', to: null }]);
    expect(byRemoval.message).toContain('dataset old-survey was removed from the project');
    expect(ended.changes).toEqual([{ field: 'membership', from: true, to: false }]);
    expect(byLeaving.message).toContain('your membership of the project ended');
    expect(byLeaving.message).toMatch(/no permitted route/i);
  });

  it('sends a dataset added to customer support and names it', () => {
    const added = datasetLinkCause('dataset-added', { datasetId: 'new-survey' }, 1);

    const n = buildNotification(aNotice({ cause: added }));

    expect(n.contact).toBe(CUSTOMER_SUPPORT);
    expect(n.message).toContain('new-survey');
  });

  it('names the dataset and the project by title and id, in the message and the project in the subject', () => {
    const levelChanged = levelChangedCause(
      { datasetId: 'ashe-2024', title: 'Annual Survey of Hours and Earnings 2024' },
      3,
      1,
    );
    const added = datasetLinkCause(
      'dataset-added',
      { datasetId: 'new-survey', title: 'A new survey' },
      1,
    );

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
          deniedBy: fc.subarray([...DENY_REASONS]),
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
            deniedBy: input.deniedBy,
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
            contact: expectedContact(input.deniedBy),
          });
          expect(n.message).toContain(input.projectId);
          if (input.projectTitle) expect(n.message).toContain(input.projectTitle);
          expect(n.message).toContain(expectedContact(input.deniedBy));
          expect(n.message).not.toMatch(FROM_X_TO_X);
          const { lost, left } = routeSentences(n.message);
          for (const route of ROUTES) {
            expect(lost.includes(ROUTE_WORDS[route])).toBe(removedRoutes.includes(route));
            expect(left.includes(ROUTE_WORDS[route])).toBe(remainingRoutes.includes(route));
          }
          expect(/no permitted route/i.test(n.message)).toBe(remainingRoutes.length === 0);
          expect(n.message).toContain(namedBy(input.cause));
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

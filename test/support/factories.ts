/**
 * Small fixture builders and fast-check arbitraries for the access rules.
 * Builders return valid, fully permissive values; tests override only what
 * they are about.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  type AccessContext,
  agreementsChangedCause,
  type DatasetLevel,
  datasetLinkCause,
  expiryCause,
  levelChangedCause,
  type MemberStanding,
  membershipEndedCause,
  type StandingFacts,
  standingChangedCause,
} from '../../functions/domain/index.js';
import {
  ACCREDITATION_STATUSES,
  type AccessLevel,
  type Accreditation,
  AGREEMENT_STATUSES,
  type Agreement,
  type AgreementKind,
  type Agreements,
  type Cause,
  type Classification,
  type Impact,
  type ProjectSummary,
  ROUTES,
  type Route,
} from '../../schemas/index.js';

/** Every property runs at least this many times (the README's Contributing section). */
export const PROPERTY_RUNS = { numRuns: 1000 } as const;

/**
 * The preview of a dataset going from level 3 to 1 on one project with one
 * fully connected member: the project's level follows, and the member loses
 * both AOC routes.
 */
export function aocLossImpact(datasetId: string, projectId: string, researcherId: string): Impact {
  return {
    datasetId,
    fromLevel: 3,
    toLevel: 1,
    projects: [{ projectId, fromLevel: 3, toLevel: 1, fromStatus: 'ok', toStatus: 'ok' }],
    narrowed: [
      {
        researcherId,
        projectId,
        removedRoutes: ['aoc-office', 'aoc-remote'],
        remainingRoutes: ['safe-room', 'safepod'],
      },
    ],
    truncated: false,
    projectCount: 1,
    narrowedCount: 1,
  };
}

/** The clock of the unit tests. */
export const NOW = new Date('2026-03-15T12:00:00.000Z');

const DAY_MS = 86_400_000;

/** An ISO date-time (UTC) `ms` milliseconds from `from`. */
export function instantAt(from: Date, ms: number): string {
  return new Date(from.getTime() + ms).toISOString();
}

/** A date-only instant (`YYYY-MM-DD`) `days` whole UTC days from `from`. */
export function dateOnly(from: Date, days: number): string {
  return new Date(from.getTime() + days * DAY_MS).toISOString().slice(0, 10);
}

/** An approved agreement with no expiry. */
export function anAgreement(overrides: Partial<Agreement> = {}): Agreement {
  return { status: 'approved', approvedAt: '2025-01-06', ...overrides };
}

/** All three AOC agreements (AOCOA, AOCCC, ARACCC) approved and in force. */
export function fullAoc(overrides: Partial<Record<AgreementKind, Agreement>> = {}): Agreements {
  return { AOCOA: anAgreement(), AOCCC: anAgreement(), ARACCC: anAgreement(), ...overrides };
}

/** The two foundation agreements only: office but not remote access. */
export function officeAoc(): Agreements {
  return { AOCOA: anAgreement(), AOCCC: anAgreement() };
}

/** An organisation with no AOC agreement at all. */
export function noAoc(): Agreements {
  return {};
}

/** An eligible researcher: accredited, ARAR signed, not expired, home address on file. */
export function anAccreditation(overrides: Partial<Accreditation> = {}): Accreditation {
  return {
    status: 'accredited',
    ararSignedAt: '2025-06-02',
    expiresAt: '2028-06-30',
    homeAddressOnFile: true,
    ...overrides,
  };
}

/** Datasets `ds-1`, `ds-2`, ... with the given levels, in that order. */
export function datasets(...levels: Classification[]): DatasetLevel[] {
  return levels.map((accessLevel, i) => ({ datasetId: `ds-${i + 1}`, accessLevel }));
}

/** A project member; by default eligible and in a fully connected organisation. */
export function aMember(overrides: Partial<MemberStanding> = {}): MemberStanding {
  return {
    researcherId: 'researcher-1',
    agreements: fullAoc(),
    accreditation: anAccreditation(),
    ...overrides,
  };
}

/**
 * The access context of a member of `project`: by default eligible and in a
 * fully connected organisation. Pass `agreements` or `accreditation` as
 * `undefined` explicitly for an organisation or researcher not on record.
 */
export function memberOf(
  project: Pick<ProjectSummary, 'accessLevel' | 'status'>,
  standing: { agreements?: Agreements | undefined; accreditation?: Accreditation | undefined } = {},
): AccessContext {
  return {
    isMember: true,
    project,
    agreements: 'agreements' in standing ? standing.agreements : fullAoc(),
    accreditation: 'accreditation' in standing ? standing.accreditation : anAccreditation(),
  };
}

/** Rank of a classification for "is at least as permissive": unclassified below level 0. */
export function rank(level: Classification): number {
  return level === null ? -1 : level;
}

/** Whether every route of `a` is in `b`. */
export function isSubset(a: readonly Route[], b: readonly Route[]): boolean {
  return a.every((r) => b.includes(r));
}

/** Whether `routes` are in the canonical order of ROUTES, without duplicates. */
export function isCanonical(routes: readonly Route[]): boolean {
  const indexes = routes.map((r) => ROUTES.indexOf(r));
  return indexes.every((idx, i) => idx >= 0 && (i === 0 || idx > (indexes[i - 1] ?? -1)));
}

// ---------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------

/** Any identifier of docs/api.md. */
export const arbId: fc.Arbitrary<string> = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);

/** Short readable identifiers, for collections where collisions matter. */
export const arbShortId: fc.Arbitrary<string> = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,7}$/);

export const arbLevel: fc.Arbitrary<AccessLevel> = fc.constantFrom(0, 1, 2, 3);

/** A level or unclassified (`null`); the blocking values (0, null) are rarer so that routes exist. */
export const arbClassification: fc.Arbitrary<Classification> = fc.oneof(
  { arbitrary: fc.constant(3), weight: 12 },
  { arbitrary: fc.constant(2), weight: 4 },
  { arbitrary: fc.constant(1), weight: 3 },
  { arbitrary: fc.constant(0), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
);

export const arbRoute: fc.Arbitrary<Route> = fc.constantFrom(...ROUTES);

/** A set of routes in canonical order. */
export const arbRoutes: fc.Arbitrary<Route[]> = fc.subarray([...ROUTES]);

/** A set of routes in any order. */
export const arbShuffledRoutes: fc.Arbitrary<Route[]> = fc.shuffledSubarray([...ROUTES]);

/** Datasets with distinct ids and any classification (possibly empty). */
export function arbDatasets(
  constraints: { minLength?: number; maxLength?: number; classified?: boolean } = {},
): fc.Arbitrary<DatasetLevel[]> {
  const accessLevel = constraints.classified ? arbLevel : arbClassification;
  return fc.uniqueArray(fc.record({ datasetId: arbShortId, accessLevel }), {
    selector: (d) => d.datasetId,
    minLength: constraints.minLength ?? 0,
    maxLength: constraints.maxLength ?? 6,
  });
}

/** The centre of the generated clock: clocks and instants fall within 4 days of it. */
const CENTRE = new Date('2026-03-15T00:00:00.000Z');
const SPREAD_MS = 4 * DAY_MS;

/** A clock near the generated instants, so that expiries fall on both sides of it. */
export const arbNow: fc.Arbitrary<Date> = fc
  .integer({ min: -SPREAD_MS, max: SPREAD_MS })
  .map((ms) => new Date(CENTRE.getTime() + ms));

/** An instant near {@link arbNow}: a UTC date-time or a date-only day. */
export const arbInstant: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: -SPREAD_MS, max: SPREAD_MS }).map((ms) => instantAt(CENTRE, ms)),
  fc.integer({ min: -4, max: 4 }).map((days) => dateOnly(CENTRE, days)),
);

/** An optional expiry: often none, otherwise on either side of the clock. */
const arbExpiry: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 2 },
  { arbitrary: arbInstant, weight: 1 },
);

/** An agreement, approved more often than not, possibly expired. */
export const arbAgreement: fc.Arbitrary<Agreement> = fc.record(
  {
    status: fc.oneof(
      { arbitrary: fc.constant('approved' as const), weight: 8 },
      { arbitrary: fc.constantFrom(...AGREEMENT_STATUSES), weight: 1 },
    ),
    approvedAt: arbInstant,
    expiresAt: arbExpiry,
  },
  { requiredKeys: ['status'] },
);

/** The agreements of an organisation; each kind held more often than not. */
export const arbAgreements: fc.Arbitrary<Agreements> = fc.record({
  AOCOA: fc.option(arbAgreement, { nil: undefined, freq: 10 }),
  AOCCC: fc.option(arbAgreement, { nil: undefined, freq: 10 }),
  ARACCC: fc.option(arbAgreement, { nil: undefined, freq: 4 }),
});

/** An accreditation, eligible more often than not. */
export const arbAccreditation: fc.Arbitrary<Accreditation> = fc.record({
  status: fc.oneof(
    { arbitrary: fc.constantFrom('accredited' as const, 'provisional' as const), weight: 4 },
    { arbitrary: fc.constantFrom(...ACCREDITATION_STATUSES), weight: 1 },
  ),
  ararSignedAt: fc.option(arbInstant, { nil: undefined, freq: 6 }),
  expiresAt: arbExpiry,
  homeAddressOnFile: fc.boolean(),
});

/** A project member; organisation agreements or accreditation may be missing. */
export const arbMember: fc.Arbitrary<MemberStanding> = fc.record({
  researcherId: arbShortId,
  agreements: fc.option(arbAgreements, { nil: undefined, freq: 8 }),
  accreditation: fc.option(arbAccreditation, { nil: undefined, freq: 8 }),
});

/** Members with distinct researcher ids. */
export const arbMembers: fc.Arbitrary<MemberStanding[]> = fc.uniqueArray(arbMember, {
  selector: (m) => m.researcherId,
  maxLength: 4,
});

/** A dataset as a cause names it: an id, and a title more often than not. */
const arbDatasetRef = fc.record(
  { datasetId: arbShortId, title: fc.constantFrom('Labour market flows', 'Census 2021') },
  { requiredKeys: ['datasetId'] },
);

/** What a researcher's own routes depend on. */
const arbStanding: fc.Arbitrary<StandingFacts> = fc.record({
  organisationId: fc.constantFrom('org-a', 'org-b'),
  accreditation: arbAccreditation,
});

const arbAgreementKind = fc.constantFrom('AOCOA' as const, 'AOCCC' as const, 'ARACCC' as const);

/**
 * A cause of a narrowing, of any kind, built as the system builds it (the
 * domain's cause builders), so its `changes` list only facts that differ.
 */
export const arbCause: fc.Arbitrary<Cause> = fc.oneof(
  fc
    .tuple(arbDatasetRef, arbClassification, arbClassification)
    .filter(([, from, to]) => from !== to)
    .map(([d, from, to]) => levelChangedCause(d, from, to)),
  fc
    .tuple(fc.constantFrom('dataset-added' as const, 'dataset-removed' as const), arbDatasetRef)
    .chain(([kind, d]) => arbClassification.map((level) => datasetLinkCause(kind, d, level))),
  arbShortId.map(membershipEndedCause),
  fc
    .tuple(arbShortId, arbAgreements, arbAgreements, arbNow)
    .map(([org, from, to, now]) => agreementsChangedCause(org, from, to, now))
    .filter((c) => c.changes.length > 0),
  fc
    .tuple(arbShortId, arbStanding, arbStanding)
    .map(([r, from, to]) => standingChangedCause(r, from, to))
    .filter((c) => c.changes.length > 0),
  fc
    .tuple(arbShortId, arbAgreementKind, arbInstant)
    .map(([organisationId, agreement, at]) => expiryCause({ organisationId, agreement }, at)),
  fc.tuple(arbShortId, arbInstant).map(([researcherId, at]) => expiryCause({ researcherId }, at)),
);

/** One validation problem as the API reports it: a dotted path and a message. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * The field problems of parsing `value` with `schema`, in the `{ path, message }`
 * shape of the problem+json `errors` array; empty when the value is valid.
 */
export function fieldProblems(
  schema: {
    safeParse(value: unknown): {
      success: boolean;
      error?: { issues: readonly { path: readonly PropertyKey[]; message: string }[] };
    };
  },
  value: unknown,
): FieldProblem[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return (result.error?.issues ?? []).map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/**
 * What the checker finds when a project's summary was written over behind the
 * pipeline's back: the drift, and the feed that recorded the level the
 * pipeline set, not the one written over it.
 */
export function overwrittenSummaryFindings(projectId: string) {
  return [
    expect.objectContaining({
      invariant: 1,
      kind: 'summary-drift',
      subject: { type: 'project', projectId },
    }),
    expect.objectContaining({
      invariant: 5,
      kind: 'unrecorded-move',
      subject: { type: 'project', projectId },
    }),
  ];
}

import { describe, expect, it } from 'vitest';
import {
  AccessCheckRequestSchema,
  AccessCheckResponseSchema,
  AccessLevelChangeBodySchema,
  AccessLevelPreviewBodySchema,
  AgreementSchema,
  AuditEntrySchema,
  ChangeRecordSchema,
  DatasetImportBodySchema,
  DatasetImportRowSchema,
  DatasetPutBodySchema,
  DatasetSchema,
  DomainEventSchema,
  ImpactSchema,
  NotificationSchema,
  OrganisationPutBodySchema,
  OrganisationViewSchema,
  ProblemSchema,
  ProjectAccessSchema,
  ProjectPutBodySchema,
  ResearcherAccessSchema,
  ResearcherPutBodySchema,
} from '../../schemas/index.js';
import { aocLossImpact, fieldProblems } from '../support/factories.js';

const STAMP = '2026-03-15T12:00:00.000Z';

/** A valid example of every request body the API accepts as a strict object. */
const VALID_BODIES = {
  'dataset put': {
    schema: DatasetPutBodySchema,
    value: { title: 'Census 2021', accessLevel: 3, owner: 'ONS', reason: 'initial level' },
  },
  'access-level change': {
    schema: AccessLevelChangeBodySchema,
    value: { accessLevel: 1, reason: 'owner restricted access' },
  },
  'access-level preview': { schema: AccessLevelPreviewBodySchema, value: { accessLevel: 2 } },
  'dataset import row': {
    schema: DatasetImportRowSchema,
    value: { datasetId: 'census-2021', title: 'Census 2021', accessLevel: null },
  },
  'dataset import': { schema: DatasetImportBodySchema, value: { datasets: [{}], reason: 'bulk' } },
  'project put': { schema: ProjectPutBodySchema, value: { title: 'Labour market flows' } },
  'organisation put': {
    schema: OrganisationPutBodySchema,
    value: {
      name: 'University of X',
      agreements: {
        AOCOA: { status: 'approved', approvedAt: '2025-01-06' },
        AOCCC: { status: 'approved', approvedAt: '2025-01-06', expiresAt: '2027-01-05' },
        ARACCC: { status: 'pending' },
      },
    },
  },
  'researcher put': {
    schema: ResearcherPutBodySchema,
    value: {
      name: 'Ada Lovelace',
      email: 'ada@example.ac.uk',
      organisationId: 'uni-of-x',
      accreditation: {
        status: 'provisional',
        ararSignedAt: '2025-06-02T10:15:00Z',
        homeAddressOnFile: false,
      },
    },
  },
  'access check': {
    schema: AccessCheckRequestSchema,
    value: { projectId: 'labour-flows', researcherId: 'ada', route: 'aoc-remote' },
  },
} as const;

describe('request bodies', () => {
  for (const [name, { schema, value }] of Object.entries(VALID_BODIES)) {
    it(`accepts a valid ${name} body`, () => {
      expect(fieldProblems(schema, value)).toEqual([]);
    });

    it(`rejects an unknown extra key on a ${name} body, naming the key`, () => {
      // Act
      const problems = fieldProblems(schema, { ...value, isAdmin: true });

      // Assert
      expect(problems).toEqual([{ path: '', message: expect.stringContaining('isAdmin') }]);
    });
  }

  it('rejects unknown keys inside the agreements and an agreement, naming where they are', () => {
    // Act
    const problems = fieldProblems(OrganisationPutBodySchema, {
      name: 'University of X',
      agreements: { AOCOA: { status: 'approved', signedBy: 'VC' }, AOCXX: { status: 'approved' } },
    });

    // Assert
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'agreements.AOCOA', message: expect.stringContaining('signedBy') },
        { path: 'agreements', message: expect.stringContaining('AOCXX') },
      ]),
    );
    expect(problems).toHaveLength(2);
  });

  it('rejects an unknown key inside the accreditation, naming where it is', () => {
    const body = VALID_BODIES['researcher put'].value;

    const problems = fieldProblems(ResearcherPutBodySchema, {
      ...body,
      accreditation: { ...body.accreditation, trainingDone: true },
    });

    expect(problems).toEqual([
      { path: 'accreditation', message: expect.stringContaining('trainingDone') },
    ]);
  });

  it('rejects a level change without a reason, and a blank reason', () => {
    expect(fieldProblems(AccessLevelChangeBodySchema, { accessLevel: 1 })).toEqual([
      { path: 'reason', message: expect.any(String) },
    ]);
    expect(fieldProblems(AccessLevelChangeBodySchema, { accessLevel: 1, reason: '   ' })).toEqual([
      { path: 'reason', message: expect.stringMatching(/empty/) },
    ]);
  });

  it('rejects a blank title', () => {
    expect(fieldProblems(ProjectPutBodySchema, { title: ' ' })).toEqual([
      { path: 'title', message: expect.stringMatching(/empty/) },
    ]);
  });

  it('rejects unknown agreement and accreditation statuses, naming the field and the allowed values', () => {
    // Act
    const agreement = fieldProblems(AgreementSchema, { status: 'signed' });
    const body = VALID_BODIES['researcher put'].value;
    const researcher = fieldProblems(ResearcherPutBodySchema, {
      ...body,
      email: 'not an email',
      accreditation: { ...body.accreditation, status: 'pending', homeAddressOnFile: 'yes' },
    });

    // Assert
    expect(agreement).toEqual([{ path: 'status', message: expect.stringContaining('approved') }]);
    expect(researcher.map((p) => p.path)).toEqual([
      'email',
      'accreditation.status',
      'accreditation.homeAddressOnFile',
    ]);
    expect(researcher[1]?.message).toContain('provisional');
  });
});

describe('responses', () => {
  it('accepts a valid dataset', () => {
    expect(
      fieldProblems(DatasetSchema, {
        datasetId: 'census-2021',
        title: 'Census 2021',
        accessLevel: null,
        version: 1,
        updatedAt: STAMP,
        updatedBy: 'editor-1',
      }),
    ).toEqual([]);
  });

  it('accepts a valid project access and rejects a level outside 0 to 3 in it', () => {
    // Arrange
    const access = {
      projectId: 'labour-flows',
      accessLevel: 1,
      status: 'ok',
      routes: ['safe-room', 'safepod'],
      limitingDatasets: [{ datasetId: 'ashe-2024', accessLevel: 1 }],
      datasetCount: 6,
      version: 3,
      updatedAt: STAMP,
    };

    // Act / Assert
    expect(fieldProblems(ProjectAccessSchema, access)).toEqual([]);
    expect(fieldProblems(ProjectAccessSchema, { ...access, accessLevel: 4 })).toEqual([
      { path: 'accessLevel', message: expect.stringMatching(/0 to 3/) },
    ]);
    expect(
      fieldProblems(ProjectAccessSchema, { ...access, routes: ['safe-room', 'home'] }).map(
        (p) => p.path,
      ),
    ).toEqual(['routes.1']);
  });

  it('accepts a valid researcher access and rejects a denied route without a reason', () => {
    // Arrange
    const access = {
      projectId: 'labour-flows',
      researcherId: 'ada',
      projectAccessLevel: 3,
      routes: ['safe-room', 'safepod'],
      denied: [
        { route: 'aoc-office', reasons: ['no-aoc-agreement'] },
        { route: 'aoc-remote', reasons: ['no-aoc-agreement', 'no-remote-agreement'] },
      ],
    };

    // Act / Assert
    expect(fieldProblems(ResearcherAccessSchema, access)).toEqual([]);
    expect(
      fieldProblems(ResearcherAccessSchema, {
        ...access,
        denied: [{ route: 'aoc-office', reasons: [] }],
      }).map((p) => p.path),
    ).toEqual(['denied.0.reasons']);
    expect(
      fieldProblems(AccessCheckResponseSchema, {
        allowed: false,
        route: 'aoc-office',
        reasons: ['no-such-reason'],
      }).map((p) => p.path),
    ).toEqual(['reasons.0']);
  });

  it('accepts a valid organisation view with derived routes', () => {
    expect(
      fieldProblems(OrganisationViewSchema, {
        organisationId: 'uni-of-x',
        name: 'University of X',
        agreements: { AOCOA: { status: 'approved' }, AOCCC: { status: 'approved' } },
        version: 2,
        updatedAt: STAMP,
        updatedBy: 'admin-1',
        routes: ['safe-room', 'safepod', 'aoc-office'],
      }),
    ).toEqual([]);
  });

  it('accepts a valid impact preview', () => {
    expect(fieldProblems(ImpactSchema, aocLossImpact('ashe-2024', 'labour-flows', 'ada'))).toEqual(
      [],
    );
  });

  it('rejects a preview that lists more than 1,000 projects', () => {
    const project = { projectId: 'p', fromLevel: 3, toLevel: 1, fromStatus: 'ok', toStatus: 'ok' };
    expect(
      fieldProblems(ImpactSchema, {
        datasetId: 'ashe-2024',
        fromLevel: 3,
        toLevel: 1,
        projects: Array.from({ length: 1001 }, () => project),
        narrowed: [],
        truncated: true,
        projectCount: 1001,
        narrowedCount: 0,
      }).map((p) => p.path),
    ).toEqual(['projects']);
  });

  it('accepts a valid notification and its event, and rejects an unknown cause', () => {
    // Arrange
    const notification = {
      notificationId: 'n-1',
      changeId: 'c-1',
      researcherId: 'ada',
      projectId: 'labour-flows',
      createdAt: STAMP,
      cause: { kind: 'dataset-level-changed', datasetId: 'ashe-2024', fromLevel: 3, toLevel: 1 },
      projectLevel: { from: 3, to: 1 },
      removedRoutes: ['aoc-office', 'aoc-remote'],
      remainingRoutes: ['safe-room', 'safepod'],
      contact: 'srs.customer.support@ons.gov.uk',
      subject: 'SRS access to project labour-flows has narrowed',
      message: 'Your permitted access routes have narrowed.',
    };
    const { message: _m, subject: _s, ...detail } = notification;

    // Act / Assert
    expect(fieldProblems(NotificationSchema, notification)).toEqual([]);
    expect(
      fieldProblems(DomainEventSchema, { detailType: 'ResearcherRoutesNarrowed', detail }),
    ).toEqual([]);
    expect(
      fieldProblems(NotificationSchema, {
        ...notification,
        cause: { kind: 'dataset-renamed', datasetId: 'ashe-2024' },
      }).map((p) => p.path),
    ).toEqual(['cause.kind']);
  });

  it('accepts a valid project-access event', () => {
    expect(
      fieldProblems(DomainEventSchema, {
        detailType: 'ProjectAccessChanged',
        detail: {
          projectId: 'labour-flows',
          changeId: 'c-1',
          from: {
            accessLevel: 3,
            status: 'ok',
            routes: ['safe-room', 'safepod', 'aoc-office', 'aoc-remote'],
          },
          to: { accessLevel: null, status: 'pending-classification', routes: [] },
          widened: false,
          version: 1_796_000_000_000,
          at: STAMP,
        },
      }),
    ).toEqual([]);
  });

  it('accepts a valid change record, audit entry and problem', () => {
    expect(
      fieldProblems(ChangeRecordSchema, {
        changeId: 'c-1',
        kind: 'dataset-level-changed',
        status: 'applied',
        affectedProjects: 2,
        notifications: 3,
        createdAt: STAMP,
        appliedAt: STAMP,
      }),
    ).toEqual([]);
    expect(
      fieldProblems(AuditEntrySchema, {
        auditId: 'a-1',
        entity: 'dataset',
        entityId: 'ashe-2024',
        action: 'update',
        actor: 'editor-1',
        at: STAMP,
        from: { accessLevel: 3 },
        to: { accessLevel: 1 },
        reason: 'owner restricted access',
        changeId: 'c-1',
      }),
    ).toEqual([]);
    expect(
      fieldProblems(ProblemSchema, {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'The request body is invalid.',
        errors: [{ path: 'accessLevel', message: 'must be an integer access level from 0 to 3' }],
      }),
    ).toEqual([]);
  });
});

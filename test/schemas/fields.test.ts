import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  AccessCheckRequestSchema,
  AccessLevelChangeBodySchema,
  AccessLevelPreviewBodySchema,
  AccessLevelSchema,
  DatasetImportRowSchema,
  DatasetPutBodySchema,
  IdSchema,
  InstantSchema,
  OrganisationPutBodySchema,
  ResearcherPutBodySchema,
  ROUTES,
  RouteSchema,
} from '../../schemas/index.js';
import { arbId, fieldProblems, PROPERTY_RUNS } from '../support/factories.js';

const BAD_LEVELS: unknown[] = [4, -1, 1.5, '2'];
const BAD_IDS = ['', '-leading-dash', 'a'.repeat(129), 'with/slash', 'with space'];
const NOT_DATES = ['2026-02-30', 'yesterday', '2026-13-01T00:00:00Z'];

const aResearcherBody = () => ({
  name: 'Ada Lovelace',
  email: 'ada@example.ac.uk',
  organisationId: 'uni-of-x',
  accreditation: {
    status: 'accredited',
    ararSignedAt: '2025-06-02',
    expiresAt: '2028-06-30',
    homeAddressOnFile: true,
  },
});

describe('access level', () => {
  const bodies = [
    {
      name: 'access-level change',
      schema: AccessLevelChangeBodySchema,
      base: { reason: 'owner asked' },
    },
    { name: 'access-level preview', schema: AccessLevelPreviewBodySchema, base: {} },
    { name: 'dataset put', schema: DatasetPutBodySchema, base: { title: 'Census 2021' } },
    {
      name: 'dataset import row',
      schema: DatasetImportRowSchema,
      base: { datasetId: 'census-2021', title: 'Census 2021' },
    },
  ];

  for (const { name, schema, base } of bodies) {
    for (const level of BAD_LEVELS) {
      it(`rejects accessLevel ${JSON.stringify(level)} in a ${name} body, naming the field`, () => {
        // Act
        const problems = fieldProblems(schema, { ...base, accessLevel: level });

        // Assert
        expect(problems).toHaveLength(1);
        expect(problems[0]?.path).toBe('accessLevel');
        expect(problems[0]?.message).toMatch(/integer access level from 0 to 3/);
      });
    }

    it(`accepts accessLevel 0 to 3 in a ${name} body`, () => {
      for (const level of [0, 1, 2, 3]) {
        expect(fieldProblems(schema, { ...base, accessLevel: level })).toEqual([]);
      }
    });
  }

  it('names the field in the readable form of the error', () => {
    // Act
    const result = AccessLevelChangeBodySchema.safeParse({ accessLevel: 4, reason: 'x' });

    // Assert
    expect(result.success).toBe(false);
    expect(z.prettifyError(result.error as z.ZodError)).toMatch(/at accessLevel/);
  });

  it('accepts unclassified (null) on a dataset but not as the target of a level change', () => {
    expect(fieldProblems(DatasetPutBodySchema, { title: 'T', accessLevel: null })).toEqual([]);
    expect(fieldProblems(AccessLevelChangeBodySchema, { accessLevel: null, reason: 'x' })).toEqual([
      { path: 'accessLevel', message: expect.stringMatching(/0 to 3/) },
    ]);
  });

  it('accepts exactly the integers 0 to 3 (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double(), fc.string(), fc.boolean()), (value) => {
        const valid =
          typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 3;
        expect(AccessLevelSchema.safeParse(value).success).toBe(valid);
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('route', () => {
  it('rejects an unknown route, naming the field and listing the routes', () => {
    for (const route of ['home', 'SAFE-ROOM', '', 'aoc']) {
      // Act
      const problems = fieldProblems(AccessCheckRequestSchema, {
        projectId: 'p-1',
        researcherId: 'r-1',
        route,
      });

      // Assert
      expect(problems).toHaveLength(1);
      expect(problems[0]?.path).toBe('route');
      for (const known of ROUTES) expect(problems[0]?.message).toContain(known);
    }
  });

  it('accepts each of the four routes', () => {
    for (const route of ROUTES) expect(RouteSchema.safeParse(route).success).toBe(true);
  });
});

describe('identifier', () => {
  for (const id of BAD_IDS) {
    it(`rejects the malformed id ${JSON.stringify(id.length > 20 ? `${id.slice(0, 8)}... (${id.length} chars)` : id)}, naming the field`, () => {
      // Act
      const check = fieldProblems(AccessCheckRequestSchema, {
        projectId: id,
        researcherId: id,
        route: 'safepod',
      });
      const researcher = fieldProblems(ResearcherPutBodySchema, {
        ...aResearcherBody(),
        organisationId: id,
      });
      const row = fieldProblems(DatasetImportRowSchema, { datasetId: id, title: 'T' });

      // Assert
      expect(check.map((p) => p.path)).toEqual(['projectId', 'researcherId']);
      expect(researcher.map((p) => p.path)).toEqual(['organisationId']);
      expect(row.map((p) => p.path)).toEqual(['datasetId']);
      for (const p of [...check, ...researcher, ...row]) {
        expect(p.message).toMatch(/1 to 128 characters/);
      }
    });
  }

  it('accepts ids of 1 to 128 letters, digits, dots, underscores and dashes starting with a letter or digit', () => {
    for (const id of ['a', '9', 'census-2021', 'ONS.LFS_2024-q1', 'x'.repeat(128)]) {
      expect(IdSchema.safeParse(id).success).toBe(true);
    }
  });

  it('rejects ids starting with a dot or underscore, and non-strings', () => {
    for (const id of ['.hidden', '_x', 42, null]) {
      expect(IdSchema.safeParse(id).success).toBe(false);
    }
  });

  it('accepts every well-formed id (property)', () => {
    fc.assert(
      fc.property(arbId, (id) => {
        expect(IdSchema.safeParse(id).success).toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });

  it('rejects any id containing a character outside letters, digits, ".", "_" and "-" (property)', () => {
    fc.assert(
      fc.property(
        arbId,
        fc.constantFrom('/', ' ', '#', '?', '%', ':', '\n', 'é', '\u0000'),
        fc.nat(),
        (id, bad, at) => {
          const i = 1 + (at % id.length);
          const withBad = `${id.slice(0, i)}${bad}${id.slice(i)}`.slice(0, 128);
          fc.pre(withBad.includes(bad));
          expect(IdSchema.safeParse(withBad).success).toBe(false);
        },
      ),
      PROPERTY_RUNS,
    );
  });
});

describe('dates', () => {
  for (const value of NOT_DATES) {
    it(`rejects ${JSON.stringify(value)} as an agreement expiry, naming the field`, () => {
      // Act
      const problems = fieldProblems(OrganisationPutBodySchema, {
        name: 'University of X',
        agreements: { AOCOA: { status: 'approved', expiresAt: value } },
      });

      // Assert
      expect(problems).toEqual([
        { path: 'agreements.AOCOA.expiresAt', message: expect.stringMatching(/ISO 8601/) },
      ]);
    });

    it(`rejects ${JSON.stringify(value)} as a researcher's ARAR date and accreditation expiry, naming the fields`, () => {
      // Arrange
      const body = aResearcherBody();

      // Act
      const problems = fieldProblems(ResearcherPutBodySchema, {
        ...body,
        accreditation: { ...body.accreditation, ararSignedAt: value, expiresAt: value },
      });

      // Assert
      expect(problems.map((p) => p.path)).toEqual([
        'accreditation.ararSignedAt',
        'accreditation.expiresAt',
      ]);
      for (const p of problems) expect(p.message).toMatch(/ISO 8601/);
    });
  }

  it('rejects impossible calendar dates and date-times without an offset', () => {
    for (const value of [
      '2025-02-29',
      '2026-04-31',
      '2026-03-01T25:00:00Z',
      '2026-03-01T09:00:00',
      '01/03/2026',
    ]) {
      expect(InstantSchema.safeParse(value).success).toBe(false);
    }
  });

  it('accepts calendar dates and date-times with an offset', () => {
    for (const value of [
      '2026-03-01',
      '2024-02-29',
      '2026-03-01T09:00:00Z',
      '2026-03-01T09:00:00.250Z',
      '2026-03-01T09:00:00+01:00',
    ]) {
      expect(InstantSchema.safeParse(value).success).toBe(true);
    }
  });

  it('accepts every real instant, as a date-time or as its calendar date (property)', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('2999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const iso = date.toISOString();
          expect(InstantSchema.safeParse(iso).success).toBe(true);
          expect(InstantSchema.safeParse(iso.slice(0, 10)).success).toBe(true);
        },
      ),
      PROPERTY_RUNS,
    );
  });
});

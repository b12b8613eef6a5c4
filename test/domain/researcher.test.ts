import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEligible, isExpired, researcherRoutes } from '../../functions/domain/index.js';
import { ROUTES } from '../../schemas/index.js';
import {
  anAccreditation,
  arbAccreditation,
  arbNow,
  NOW,
  PROPERTY_RUNS,
} from '../support/factories.js';

describe('isEligible', () => {
  it('is eligible when accredited, with the ARAR signed and not expired', () => {
    expect(isEligible(anAccreditation(), NOW)).toBe(true);
  });

  it('is eligible with a provisional accreditation', () => {
    expect(isEligible(anAccreditation({ status: 'provisional' }), NOW)).toBe(true);
  });

  it('is not eligible without a signed ARAR', () => {
    expect(isEligible(anAccreditation({ ararSignedAt: undefined }), NOW)).toBe(false);
  });

  it('is not eligible with status none or expired', () => {
    expect(isEligible(anAccreditation({ status: 'none' }), NOW)).toBe(false);
    expect(isEligible(anAccreditation({ status: 'expired' }), NOW)).toBe(false);
  });

  it('is not eligible once the accreditation is past its expiry', () => {
    // Arrange: NOW is 2026-03-15T12:00Z.
    const lastDay = anAccreditation({ expiresAt: '2026-03-15' });
    const dayBefore = anAccreditation({ expiresAt: '2026-03-14' });
    const anHourAgo = anAccreditation({ expiresAt: '2026-03-15T11:00:00Z' });

    // Act / Assert
    expect(isEligible(lastDay, NOW)).toBe(true);
    expect(isEligible(dayBefore, NOW)).toBe(false);
    expect(isEligible(anHourAgo, NOW)).toBe(false);
  });

  it('is eligible exactly when the ARAR is signed, the status accredited or provisional and not expired (property)', () => {
    fc.assert(
      fc.property(arbAccreditation, arbNow, (accreditation, now) => {
        const expected =
          accreditation.ararSignedAt !== undefined &&
          ['accredited', 'provisional'].includes(accreditation.status) &&
          !isExpired(accreditation.expiresAt, now);
        expect(isEligible(accreditation, now)).toBe(expected);
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('researcherRoutes', () => {
  it('permits every route to an eligible researcher with a home address on file', () => {
    expect(researcherRoutes(anAccreditation(), NOW)).toEqual([...ROUTES]);
  });

  it('withholds only AOC remote without a home address on file', () => {
    expect(researcherRoutes(anAccreditation({ homeAddressOnFile: false }), NOW)).toEqual([
      'safe-room',
      'safepod',
      'aoc-office',
    ]);
  });

  it('permits nothing to an ineligible researcher, home address or not', () => {
    expect(researcherRoutes(anAccreditation({ status: 'none' }), NOW)).toEqual([]);
    expect(researcherRoutes(anAccreditation({ ararSignedAt: undefined }), NOW)).toEqual([]);
  });

  it('permits all routes or none, except AOC remote which also needs a home address (property)', () => {
    fc.assert(
      fc.property(arbAccreditation, arbNow, (accreditation, now) => {
        const eligible = isEligible(accreditation, now);
        const routes = researcherRoutes(accreditation, now);
        for (const route of ROUTES) {
          const expected = eligible && (route !== 'aoc-remote' || accreditation.homeAddressOnFile);
          expect(routes.includes(route)).toBe(expected);
        }
      }),
      PROPERTY_RUNS,
    );
  });
});

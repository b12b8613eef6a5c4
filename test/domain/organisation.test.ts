import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  expiryMoment,
  hasAocFoundation,
  isAgreementInForce,
  isExpired,
  organisationRoutes,
} from '../../functions/domain/index.js';
import { AGREEMENT_STATUSES, type Agreements } from '../../schemas/index.js';
import {
  anAgreement,
  arbAgreement,
  arbAgreements,
  arbNow,
  fullAoc,
  isCanonical,
  NOW,
  noAoc,
  officeAoc,
  PROPERTY_RUNS,
} from '../support/factories.js';

describe('expiry', () => {
  it('never expires without an expiry date', () => {
    expect(isExpired(undefined, new Date('9999-12-31T23:59:59Z'))).toBe(false);
  });

  it('fails closed on an expiry that cannot be read', () => {
    expect(isExpired('not-a-date', new Date('1970-01-01T00:00:00Z'))).toBe(true);
    expect(isAgreementInForce({ status: 'approved', expiresAt: 'garbage' }, new Date())).toBe(
      false,
    );
  });

  it('is not expired one millisecond before a date-time expiry and expired from that moment on', () => {
    // Arrange
    const expiresAt = '2026-03-31T17:00:00Z';

    // Act / Assert
    expect(isExpired(expiresAt, new Date('2026-03-31T16:59:59.999Z'))).toBe(false);
    expect(isExpired(expiresAt, new Date('2026-03-31T17:00:00.000Z'))).toBe(true);
    expect(isExpired(expiresAt, new Date('2026-03-31T17:00:00.001Z'))).toBe(true);
  });

  it('honours the offset of a date-time expiry', () => {
    // Arrange: 17:00 at +02:00 is 15:00 UTC.
    const expiresAt = '2026-03-31T17:00:00+02:00';

    // Act / Assert
    expect(isExpired(expiresAt, new Date('2026-03-31T14:59:59.999Z'))).toBe(false);
    expect(isExpired(expiresAt, new Date('2026-03-31T15:00:00.000Z'))).toBe(true);
  });

  it('covers the whole UTC day of a date-only expiry', () => {
    // Arrange
    const expiresAt = '2026-03-31';

    // Act / Assert
    expect(isExpired(expiresAt, new Date('2026-03-31T00:00:00.000Z'))).toBe(false);
    expect(isExpired(expiresAt, new Date('2026-03-31T23:59:59.999Z'))).toBe(false);
    expect(isExpired(expiresAt, new Date('2026-04-01T00:00:00.000Z'))).toBe(true);
  });

  it('places a date-only expiry at the start of the next UTC day', () => {
    expect(expiryMoment('2024-02-28')).toBe(Date.parse('2024-02-29T00:00:00Z'));
    expect(expiryMoment('2026-12-31')).toBe(Date.parse('2027-01-01T00:00:00Z'));
  });

  it('is expired exactly when the clock has reached the expiry moment (property)', () => {
    fc.assert(
      fc.property(arbAgreement, arbNow, (agreement, now) => {
        const { expiresAt } = agreement;
        const expected = expiresAt !== undefined && now.getTime() >= expiryMoment(expiresAt);
        expect(isExpired(expiresAt, now)).toBe(expected);
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('isAgreementInForce', () => {
  it('is in force when approved and without expiry', () => {
    expect(isAgreementInForce(anAgreement(), NOW)).toBe(true);
  });

  it('is not in force when missing', () => {
    expect(isAgreementInForce(undefined, NOW)).toBe(false);
  });

  it('is not in force unless approved', () => {
    for (const status of AGREEMENT_STATUSES.filter((s) => s !== 'approved')) {
      expect(isAgreementInForce(anAgreement({ status }), NOW), status).toBe(false);
    }
  });

  it('stays in force until the end of its date-only expiry day, in UTC', () => {
    // Arrange
    const agreement = anAgreement({ expiresAt: '2026-03-15' });

    // Act / Assert
    expect(isAgreementInForce(agreement, new Date('2026-03-15T23:59:59.999Z'))).toBe(true);
    expect(isAgreementInForce(agreement, new Date('2026-03-16T00:00:00.000Z'))).toBe(false);
  });

  it('is no longer in force once its date-time expiry has passed', () => {
    // Arrange
    const agreement = anAgreement({ expiresAt: '2026-03-15T11:59:59Z' });

    // Act / Assert
    expect(isAgreementInForce(agreement, NOW)).toBe(false);
  });

  it('is in force exactly when approved and not expired (property)', () => {
    fc.assert(
      fc.property(arbAgreement, arbNow, (agreement, now) => {
        expect(isAgreementInForce(agreement, now)).toBe(
          agreement.status === 'approved' && !isExpired(agreement.expiresAt, now),
        );
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('organisationRoutes', () => {
  it('permits only safe room and SafePod without any agreement', () => {
    expect(organisationRoutes(noAoc(), NOW)).toEqual(['safe-room', 'safepod']);
  });

  it('adds AOC office with AOCOA and AOCCC in force', () => {
    expect(organisationRoutes(officeAoc(), NOW)).toEqual(['safe-room', 'safepod', 'aoc-office']);
  });

  it('adds AOC remote as well with ARACCC in force on top of the foundation', () => {
    expect(organisationRoutes(fullAoc(), NOW)).toEqual([
      'safe-room',
      'safepod',
      'aoc-office',
      'aoc-remote',
    ]);
  });

  it('permits nothing extra for ARACCC without the two foundation agreements', () => {
    // Arrange
    const cases: Agreements[] = [
      { ARACCC: anAgreement() },
      { AOCOA: anAgreement(), ARACCC: anAgreement() },
      { AOCCC: anAgreement(), ARACCC: anAgreement() },
      fullAoc({ AOCCC: anAgreement({ status: 'suspended' }) }),
    ];

    // Act / Assert
    for (const agreements of cases) {
      expect(organisationRoutes(agreements, NOW)).toEqual(['safe-room', 'safepod']);
    }
  });

  it('permits no AOC route with only one foundation agreement', () => {
    expect(organisationRoutes({ AOCOA: anAgreement() }, NOW)).toEqual(['safe-room', 'safepod']);
    expect(organisationRoutes({ AOCCC: anAgreement() }, NOW)).toEqual(['safe-room', 'safepod']);
  });

  it('loses AOC office and remote when a foundation agreement has expired', () => {
    // Arrange
    const agreements = fullAoc({ AOCOA: anAgreement({ expiresAt: '2026-03-14' }) });

    // Act / Assert
    expect(organisationRoutes(agreements, NOW)).toEqual(['safe-room', 'safepod']);
  });

  it('loses only AOC remote when ARACCC has been revoked', () => {
    const agreements = fullAoc({ ARACCC: anAgreement({ status: 'revoked' }) });

    expect(organisationRoutes(agreements, NOW)).toEqual(['safe-room', 'safepod', 'aoc-office']);
  });

  it('permits exactly the routes its agreements in force allow (property)', () => {
    fc.assert(
      fc.property(arbAgreements, arbNow, (agreements, now) => {
        // Arrange
        const inForce = (kind: 'AOCOA' | 'AOCCC' | 'ARACCC') =>
          agreements[kind]?.status === 'approved' && !isExpired(agreements[kind]?.expiresAt, now);
        const foundation = inForce('AOCOA') && inForce('AOCCC');

        // Act
        const routes = organisationRoutes(agreements, now);

        // Assert
        expect(hasAocFoundation(agreements, now)).toBe(foundation);
        expect(routes.slice(0, 2)).toEqual(['safe-room', 'safepod']);
        expect(routes.includes('aoc-office')).toBe(foundation);
        expect(routes.includes('aoc-remote')).toBe(foundation && inForce('ARACCC'));
        expect(isCanonical(routes)).toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });
});

import type { Accreditation, Route } from '../../schemas/index.js';
import { ROUTES } from '../../schemas/index.js';
import { isExpired } from './time.js';

/**
 * A researcher is eligible when the ARAR is signed and the accreditation is
 * `accredited` or `provisional` and not past its `expiresAt`.
 */
export function isEligible(accreditation: Accreditation, now: Date): boolean {
  return (
    accreditation.ararSignedAt !== undefined &&
    (accreditation.status === 'accredited' || accreditation.status === 'provisional') &&
    !isExpired(accreditation.expiresAt, now)
  );
}

/**
 * The routes a researcher's own standing permits: none when ineligible, and
 * AOC remote only with a home address on file.
 */
export function researcherRoutes(accreditation: Accreditation, now: Date): Route[] {
  if (!isEligible(accreditation, now)) return [];
  return ROUTES.filter((r) => r !== 'aoc-remote' || accreditation.homeAddressOnFile);
}

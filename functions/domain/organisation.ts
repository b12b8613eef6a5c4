import {
  AGREEMENT_KINDS,
  type Agreement,
  type AgreementKind,
  type Agreements,
  type Route,
} from '../../schemas/index.js';
import { isExpired } from './time.js';

/** An agreement is in force when it is `approved` and not past its `expiresAt`. */
export function isAgreementInForce(agreement: Agreement | undefined, now: Date): boolean {
  return (
    agreement !== undefined &&
    agreement.status === 'approved' &&
    !isExpired(agreement.expiresAt, now)
  );
}

/** Whether the two foundation agreements (AOCOA and AOCCC) are both in force. */
export function hasAocFoundation(agreements: Agreements, now: Date): boolean {
  return isAgreementInForce(agreements.AOCOA, now) && isAgreementInForce(agreements.AOCCC, now);
}

/**
 * The routes an organisation permits: safe room and SafePod always; AOC office
 * with AOCOA and AOCCC in force; AOC remote additionally with ARACCC in force.
 */
export function organisationRoutes(agreements: Agreements, now: Date): Route[] {
  const routes: Route[] = ['safe-room', 'safepod'];
  if (hasAocFoundation(agreements, now)) {
    routes.push('aoc-office');
    if (isAgreementInForce(agreements.ARACCC, now)) routes.push('aoc-remote');
  }
  return routes;
}

/**
 * The agreement whose change explains a change of an organisation's routes:
 * the first (AOCOA, AOCCC, ARACCC) that went out of force, else the first that
 * differs at all. `undefined` when nothing differs.
 */
export function changedAgreement(
  from: Agreements,
  to: Agreements,
  now: Date,
): AgreementKind | undefined {
  const lost = AGREEMENT_KINDS.find(
    (k) => isAgreementInForce(from[k], now) && !isAgreementInForce(to[k], now),
  );
  return (
    lost ??
    AGREEMENT_KINDS.find((k) => JSON.stringify(from[k] ?? null) !== JSON.stringify(to[k] ?? null))
  );
}

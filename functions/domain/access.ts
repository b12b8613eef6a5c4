import {
  type Accreditation,
  type Agreements,
  type DeniedRoute,
  type DenyReason,
  type ProjectSummary,
  ROUTES,
  type Route,
} from '../../schemas/index.js';
import { hasAocFoundation, isAgreementInForce } from './organisation.js';
import { isEligible } from './researcher.js';
import { routesForLevel } from './routes.js';

/** What the rules need to decide a researcher's routes on a project. */
export interface AccessContext {
  /** Whether the researcher is a member of the project. */
  readonly isMember: boolean;
  /** The project's derived access; `undefined` when the project is unknown. */
  readonly project: Pick<ProjectSummary, 'accessLevel' | 'status'> | undefined;
  /** The agreements of the researcher's organisation; `undefined` when it has none on record. */
  readonly agreements: Agreements | undefined;
  /** The researcher's accreditation; `undefined` when the researcher is unknown. */
  readonly accreditation: Accreditation | undefined;
}

/** Permitted routes and, for every other route, each reason that applies. */
export interface RouteDecision {
  readonly routes: Route[];
  readonly denied: DeniedRoute[];
}

/** Every deny reason that applies to one route, in the order of docs/rules.md. */
export function denyReasons(route: Route, ctx: AccessContext, now: Date): DenyReason[] {
  const reasons: DenyReason[] = [];
  const remote = route === 'aoc-remote';
  const aoc = route === 'aoc-office' || remote;
  const agreements = ctx.agreements ?? {};
  if (!ctx.isMember) reasons.push('not-a-member');
  if (ctx.project === undefined || ctx.project.status === 'no-datasets') {
    reasons.push('no-datasets');
  } else if (ctx.project.status === 'pending-classification') {
    reasons.push('pending-classification');
  } else if (!routesForLevel(ctx.project.accessLevel).includes(route)) {
    reasons.push('project-level');
  }
  if (aoc && !hasAocFoundation(agreements, now)) reasons.push('no-aoc-agreement');
  if (remote && !isAgreementInForce(agreements.ARACCC, now)) reasons.push('no-remote-agreement');
  if (ctx.accreditation === undefined || !isEligible(ctx.accreditation, now)) {
    reasons.push('not-accredited');
  }
  if (remote && ctx.accreditation?.homeAddressOnFile !== true) reasons.push('no-home-address');
  return reasons;
}

/**
 * The routes a researcher may use on a project right now:
 * routes(project level) ∩ routes(organisation) ∩ routes(researcher), for a member.
 * Every other route is listed with all the reasons that apply.
 */
export function decideRoutes(ctx: AccessContext, now: Date): RouteDecision {
  const routes: Route[] = [];
  const denied: DeniedRoute[] = [];
  for (const route of ROUTES) {
    const reasons = denyReasons(route, ctx, now);
    if (reasons.length === 0) routes.push(route);
    else denied.push({ route, reasons });
  }
  return { routes, denied };
}

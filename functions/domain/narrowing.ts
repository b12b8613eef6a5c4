import {
  DENY_REASONS,
  type DeniedRoute,
  type DenyReason,
  type Route,
} from '../../schemas/index.js';
import type { RouteDecision } from './access.js';
import { orderRoutes } from './routes.js';

/** Routes lost between a before and an after, and the routes still permitted. */
export interface Narrowing {
  readonly removedRoutes: Route[];
  readonly remainingRoutes: Route[];
}

/** The narrowing from `before` to `after`: routes in before but not after, and the after set. */
export function narrowing(before: readonly Route[], after: readonly Route[]): Narrowing {
  return {
    removedRoutes: orderRoutes(before.filter((r) => !after.includes(r))),
    remainingRoutes: orderRoutes(after),
  };
}

/** Whether any route permitted before is not permitted after. */
export function hasNarrowed(before: readonly Route[], after: readonly Route[]): boolean {
  return before.some((r) => !after.includes(r));
}

/**
 * The reasons that, after a change, deny the routes it removed, in the order
 * of the reasons: what a notice's contact follows (docs/rules.md).
 */
export function reasonsDenying(
  removed: readonly Route[],
  denied: readonly DeniedRoute[],
): DenyReason[] {
  const found = new Set(denied.filter((d) => removed.includes(d.route)).flatMap((d) => d.reasons));
  return DENY_REASONS.filter((r) => found.has(r));
}

/** A narrowing, with the reasons that deny the routes it removed. */
export interface ReasonedNarrowing extends Narrowing {
  readonly deniedBy: DenyReason[];
}

/**
 * The narrowing from the routes permitted `before` to the decision `after`,
 * with the reasons that now deny the routes lost; `undefined` when nothing
 * was lost.
 */
export function narrowingTo(
  before: readonly Route[],
  after: RouteDecision,
): ReasonedNarrowing | undefined {
  if (!hasNarrowed(before, after.routes)) return undefined;
  const lost = narrowing(before, after.routes);
  return { ...lost, deniedBy: reasonsDenying(lost.removedRoutes, after.denied) };
}

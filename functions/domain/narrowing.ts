import type { Route } from '../../schemas/index.js';
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

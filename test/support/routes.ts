/**
 * The rules the API's routes declare beside their definitions, read from a
 * freshly built app (building it touches no table), for tests that go
 * through every route.
 */
import { createApp, type RouteRule, routeRules } from '../../functions/api/index.js';
import type { StoreContext } from '../../functions/store/index.js';
import { localJwtAuthenticator } from '../../local/auth.js';

/** Every route's rule, in registration order. */
export const RULES: readonly RouteRule[] = routeRules(
  createApp({ ctx: {} as StoreContext, auth: localJwtAuthenticator('unused') }),
);

/** Every route's operation id. */
export const ROUTE_IDS: readonly string[] = RULES.map((r) => r.id);

/** The rule of the route with operation id `id`. */
export function ruleOf(id: string): RouteRule {
  const rule = RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`no route ${id}`);
  return rule;
}

/** Hono's form of an OpenAPI path (`{id}` → `:id`). */
export function honoPath(path: string): string {
  return path.replaceAll(/\{([^}]+)\}/g, ':$1');
}

/**
 * Who may call what (docs/api.md, the "who" column). Each route declares its
 * roles and open-ness beside its definition ({@link endpoint}), which puts a
 * guard in the route's own middleware, before its validators; the global
 * {@link authenticate} middleware finds that guard among the matched
 * handlers. A route without a guard refuses every request (fail closed), so
 * a route without an authorization decision cannot serve one.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { IdSchema } from '../../schemas/index.js';
import { isMember, type StoreContext } from '../store/index.js';
import {
  type Authenticator,
  type Principal,
  ROLES,
  type Role,
  UnauthenticatedError,
} from './auth.js';
import { ApiProblem } from './problem.js';
import type { ApiEnv } from './types.js';

/** HTTP methods of the API. */
export type Method = 'get' | 'put' | 'post' | 'delete';

/** Who may call a route. */
export interface Access {
  /** Open to anyone: no credentials are read. */
  readonly public?: boolean;
  /** Roles that may always call it. */
  readonly roles: readonly Role[];
  /**
   * A researcher not covered by `roles` may call it only about themselves
   * (`self`: the path's `researcherId` is theirs), about a project they are
   * a member of (`member`: the path's `projectId`), or both at once
   * (`self-member`: their own standing on a project they are on). Anything
   * else is the same `403`, whether or not the project exists.
   */
  readonly researcher?: 'self' | 'member' | 'self-member';
}

/** A route and who may call it. */
export interface RouteRule extends Access {
  /** The OpenAPI operation id. */
  readonly id: string;
  readonly method: Method;
  /** OpenAPI-style path (`/v1/datasets/{datasetId}`). */
  readonly path: string;
  readonly summary: string;
  /** Grouping on the reference page. */
  readonly tag: string;
}

/** Every role: for endpoints any authenticated role may call. */
export const ANY_ROLE = ROLES;

/** Who may call a route, in words (for the reference page). */
export function describeAudience(rule: Access): string {
  if (rule.public) return 'anyone (no credentials)';
  if (ROLES.every((r) => rule.roles.includes(r))) return 'any role';
  const roles = rule.roles.join(', ');
  if (rule.researcher === 'self') return `${roles}, or that researcher`;
  if (rule.researcher === 'member')
    return `${roles}, or a researcher who is a member of the project`;
  if (rule.researcher === 'self-member')
    return `${roles}, or that researcher on a project they are a member of`;
  return roles;
}

/** What the rule says about one caller on one route, before any lookup. */
export type Decision = 'allow' | 'deny' | 'if-member';

/** The decision of `rule` for `principal`, given the request's path parameters. */
export function decide(
  rule: Access,
  principal: Principal | undefined,
  params: Readonly<Record<string, string>>,
): Decision {
  if (rule.public) return 'allow';
  if (principal === undefined) return 'deny';
  if (rule.roles.some((r) => principal.roles.has(r))) return 'allow';
  if (
    rule.researcher !== undefined &&
    principal.roles.has('researcher') &&
    principal.researcherId !== undefined
  ) {
    const self = params.researcherId === principal.researcherId;
    if (rule.researcher === 'self') return self ? 'allow' : 'deny';
    if (rule.researcher === 'self-member') return self ? 'if-member' : 'deny';
    return 'if-member';
  }
  return 'deny';
}

/** The guards of every declared route, with their rules: how {@link authenticate} knows them. */
const GUARDS = new WeakMap<object, RouteRule>();

/** The rule a matched handler declares, if it is a route's guard. */
export function ruleOfHandler(handler: unknown): RouteRule | undefined {
  return typeof handler === 'function' ? GUARDS.get(handler) : undefined;
}

/**
 * The route's guard: `403` for a caller its rule does not allow (and for a
 * researcher asking about a project they are not on, without revealing
 * whether it exists). Runs after {@link authenticate}, before the validators.
 */
export function guard(rule: RouteRule): MiddlewareHandler<ApiEnv> {
  const handler: MiddlewareHandler<ApiEnv> = async (c, next) => {
    if (rule.public) return next();
    const principal = principalOf(c);
    const params = c.req.param() as Record<string, string>;
    const decision = decide(rule, principal, params);
    if (decision === 'deny') throw forbidden(rule);
    if (decision === 'if-member') {
      const projectId = params.projectId ?? '';
      // A malformed id reaches the validator and is a 400; nothing is looked up with it.
      if (
        IdSchema.safeParse(projectId).success &&
        !(await c.var.isMember(projectId, principal.researcherId ?? ''))
      ) {
        throw forbidden(rule);
      }
    }
    return next();
  };
  GUARDS.set(handler, rule);
  return handler;
}

/** What a route's rule puts in the document: method, path, id, docs and `security`. */
export function declaration<const R extends RouteRule>(rule: R) {
  return {
    operationId: rule.id as R['id'],
    method: rule.method as R['method'],
    path: rule.path as R['path'],
    summary: rule.summary,
    description: `Who: ${describeAudience(rule)}.`,
    tags: [rule.tag],
    // Open routes say so (`security: []`) rather than leaving it to the document's default.
    security: rule.public ? [] : [{ bearer: [] }],
  };
}

/** The part of a route's configuration its rule fixes: its {@link declaration} and its guard. */
export function endpoint<const R extends RouteRule>(rule: R) {
  return { ...declaration(rule), middleware: [guard(rule)] };
}

/** Every declared route of `app` and its rule, in registration order. */
export function routeRules(app: { routes: readonly { handler: unknown }[] }): RouteRule[] {
  return [...new Set(app.routes.flatMap((r) => ruleOfHandler(r.handler) ?? []))];
}

/** The 401 of section 7, with the `WWW-Authenticate` challenge of RFC 6750. */
function unauthenticated(err: UnauthenticatedError): ApiProblem {
  const challenge = err.code
    ? `Bearer realm="srs-access", error="${err.code}"`
    : 'Bearer realm="srs-access"';
  return new ApiProblem(401, err.message, { headers: { 'WWW-Authenticate': challenge } });
}

function forbidden(rule: RouteRule): ApiProblem {
  return new ApiProblem(
    403,
    `Your credentials do not allow ${rule.id}: it is for ${describeAudience(rule)}.`,
  );
}

/** Whether a matched route is one of the app's own global middlewares (`use('*')`). */
const isGlobalMiddleware = (r: { method: string; path: string }) =>
  r.method === 'ALL' && (r.path === '*' || r.path === '/*');

/**
 * Authenticates every request to a route before anything else reads it:
 * `401` without valid credentials. Deny by default: every route is
 * authenticated unless its guard declares it open, including routes added
 * with `all`, `mount` or `route` that declare nothing, and an authenticated
 * request to a route without a guard is refused. The route's own guard then
 * decides on the roles.
 */
export function authenticate(auth: Authenticator, ctx: StoreContext): MiddlewareHandler<ApiEnv> {
  return async (c: Context<ApiEnv>, next) => {
    const routes = matchedRoutes(c).filter((r) => !isGlobalMiddleware(r));
    if (routes.length === 0) return next(); // no such route: 404 or 405 follows
    const rule = routes.map((r) => ruleOfHandler(r.handler)).find((r) => r !== undefined);
    if (rule?.public) return next();
    let principal: Principal;
    try {
      principal = await auth.authenticate(c);
    } catch (err) {
      if (err instanceof UnauthenticatedError) throw unauthenticated(err);
      throw err;
    }
    if (rule === undefined) {
      const matched = routes[0];
      throw new ApiProblem(
        500,
        `route ${matched?.method} ${matched?.path} has no authorization rule`,
      );
    }
    c.set('principal', principal);
    c.set('isMember', (projectId, researcherId) => isMember(ctx, projectId, researcherId));
    return next();
  };
}

/** The authenticated caller of a non-public route (set by {@link authorize}). */
export function principalOf(c: Context<ApiEnv>): Principal {
  const principal = c.get('principal');
  if (principal === undefined) throw new ApiProblem(500, 'no principal on an authorized route');
  return principal;
}

/** The audit actor of a write: the caller's subject. */
export function actorOf(c: Context<ApiEnv>): string {
  return principalOf(c).subject;
}

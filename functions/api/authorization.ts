/**
 * Who may call what (docs/api.md, the "who" column): the one table of
 * routes and roles, the decision it implies, and the middleware that applies
 * it to every request before anything else reads the request.
 *
 * Every route of the app is defined from this table ({@link endpoint}), and
 * the middleware refuses any matched route that has no entry (fail closed),
 * so a route without an authorization decision cannot serve a request.
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

/** The authorization rule of one route. */
export interface RouteRule {
  readonly method: Method;
  /** OpenAPI-style path (`/v1/datasets/{datasetId}`). */
  readonly path: string;
  readonly summary: string;
  /** Grouping on the reference page. */
  readonly tag: string;
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

/** Every role: for endpoints any authenticated role may call. */
const ANY_ROLE = ROLES;

/** The routes of the API and who may call each, keyed by operation id. */
export const ROUTE_RULES = {
  health: {
    method: 'get',
    path: '/health',
    summary: 'Liveness check',
    tag: 'Service',
    public: true,
    roles: [],
  },
  getOpenApiDocument: {
    method: 'get',
    path: '/v1/openapi.json',
    summary: 'The OpenAPI 3.1 document of this API',
    tag: 'Service',
    public: true,
    roles: [],
  },
  getApiReference: {
    method: 'get',
    path: '/docs',
    summary: 'This API reference page',
    tag: 'Service',
    public: true,
    roles: [],
  },
  putDataset: {
    method: 'put',
    path: '/v1/datasets/{datasetId}',
    summary: 'Create or replace a dataset of the catalogue',
    tag: 'Datasets',
    roles: ['editor', 'admin'],
  },
  getDataset: {
    method: 'get',
    path: '/v1/datasets/{datasetId}',
    summary: 'Read a dataset',
    tag: 'Datasets',
    roles: ANY_ROLE,
  },
  setDatasetAccessLevel: {
    method: 'put',
    path: '/v1/datasets/{datasetId}/access-level',
    summary: "Change a dataset's access level",
    tag: 'Datasets',
    roles: ['editor', 'admin'],
  },
  previewDatasetAccessLevel: {
    method: 'post',
    path: '/v1/datasets/{datasetId}/access-level/preview',
    summary: 'Preview who a level change would affect (changes nothing)',
    tag: 'Datasets',
    roles: ['editor', 'admin'],
  },
  getDatasetHistory: {
    method: 'get',
    path: '/v1/datasets/{datasetId}/history',
    summary: "A dataset's audit trail, newest first",
    tag: 'Datasets',
    roles: ['editor', 'admin'],
  },
  listDatasetProjects: {
    method: 'get',
    path: '/v1/datasets/{datasetId}/projects',
    summary: 'The projects that use a dataset',
    tag: 'Datasets',
    roles: ['editor', 'admin', 'service'],
  },
  importDatasets: {
    method: 'post',
    path: '/v1/dataset-imports',
    summary: 'Import datasets in bulk (JSON or CSV)',
    tag: 'Datasets',
    roles: ['editor', 'admin'],
  },
  putProject: {
    method: 'put',
    path: '/v1/projects/{projectId}',
    summary: 'Create or rename a project',
    tag: 'Projects',
    roles: ['admin'],
  },
  linkProjectDataset: {
    method: 'put',
    path: '/v1/projects/{projectId}/datasets/{datasetId}',
    summary: 'Add a dataset to a project',
    tag: 'Projects',
    roles: ['admin'],
  },
  unlinkProjectDataset: {
    method: 'delete',
    path: '/v1/projects/{projectId}/datasets/{datasetId}',
    summary: 'Remove a dataset from a project',
    tag: 'Projects',
    roles: ['admin'],
  },
  addProjectResearcher: {
    method: 'put',
    path: '/v1/projects/{projectId}/researchers/{researcherId}',
    summary: 'Add a researcher to a project',
    tag: 'Projects',
    roles: ['admin'],
  },
  removeProjectResearcher: {
    method: 'delete',
    path: '/v1/projects/{projectId}/researchers/{researcherId}',
    summary: 'Remove a researcher from a project',
    tag: 'Projects',
    roles: ['admin'],
  },
  getProjectAccess: {
    method: 'get',
    path: '/v1/projects/{projectId}/access',
    summary: "A project's access level, status and routes",
    tag: 'Access',
    roles: ['service', 'admin', 'editor'],
    researcher: 'member',
  },
  getResearcherAccess: {
    method: 'get',
    path: '/v1/projects/{projectId}/researchers/{researcherId}/access',
    summary: 'The routes a researcher may use on a project, and why others are denied',
    tag: 'Access',
    roles: ['service', 'admin'],
    researcher: 'self-member',
  },
  checkAccess: {
    method: 'post',
    path: '/v1/access-checks',
    summary: 'May this researcher use this route on this project now?',
    tag: 'Access',
    roles: ['service', 'admin'],
  },
  putOrganisation: {
    method: 'put',
    path: '/v1/organisations/{organisationId}',
    summary: 'Create or replace an organisation and its AOC agreements',
    tag: 'Organisations and researchers',
    roles: ['admin'],
  },
  getOrganisation: {
    method: 'get',
    path: '/v1/organisations/{organisationId}',
    summary: 'Read an organisation with the routes its agreements permit',
    tag: 'Organisations and researchers',
    roles: ['admin', 'service'],
  },
  putResearcher: {
    method: 'put',
    path: '/v1/researchers/{researcherId}',
    summary: 'Create or replace a researcher and their accreditation',
    tag: 'Organisations and researchers',
    roles: ['admin'],
  },
  listResearcherNotifications: {
    method: 'get',
    path: '/v1/researchers/{researcherId}/notifications',
    summary: "A researcher's notifications, newest first",
    tag: 'Organisations and researchers',
    roles: ['admin'],
    researcher: 'self',
  },
  getChange: {
    method: 'get',
    path: '/v1/changes/{changeId}',
    summary: 'The progress of a change',
    tag: 'Changes',
    roles: ANY_ROLE,
  },
} as const satisfies Record<string, RouteRule>;

/** The id (OpenAPI operation id) of a route. */
export type RouteId = keyof typeof ROUTE_RULES;

/** Every route id, in table order. */
export const ROUTE_IDS = Object.keys(ROUTE_RULES) as RouteId[];

/** The rule of a route, widened to {@link RouteRule}. */
export function ruleOf(id: RouteId): RouteRule {
  return ROUTE_RULES[id];
}

/** Who may call a route, in words (for the reference page). */
export function describeAudience(rule: RouteRule): string {
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

/** The part of the OpenAPI route configuration the rule fixes: method, path, id and docs. */
export function endpoint<K extends RouteId>(id: K) {
  const rule: (typeof ROUTE_RULES)[K] = ROUTE_RULES[id];
  const widened: RouteRule = rule;
  return {
    operationId: id,
    method: rule.method,
    path: rule.path,
    summary: rule.summary,
    description: `Who: ${describeAudience(widened)}.`,
    tags: [rule.tag],
    // Open routes say so (`security: []`) rather than leaving it to the document's default.
    security: widened.public ? [] : [{ bearer: [] }],
  };
}

/** What the table says about one caller on one route, before any lookup. */
export type Decision = 'allow' | 'deny' | 'if-member';

/** The decision of `rule` for `principal`, given the request's path parameters. */
export function decide(
  rule: RouteRule,
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

interface CompiledRule {
  readonly id: RouteId;
  readonly rule: RouteRule;
  readonly pattern: RegExp;
}

/** Hono's form of an OpenAPI path (`{id}` → `:id`). */
export function honoPath(path: string): string {
  return path.replaceAll(/\{([^}]+)\}/g, ':$1');
}

function compile(): Map<string, CompiledRule> {
  const out = new Map<string, CompiledRule>();
  for (const id of ROUTE_IDS) {
    const rule = ruleOf(id);
    const source = rule.path
      .split(/(\{[^}]+\})/)
      .map((part) =>
        part.startsWith('{')
          ? `(?<${part.slice(1, -1)}>[^/]+)`
          : part.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('');
    out.set(`${rule.method.toUpperCase()} ${honoPath(rule.path)}`, {
      id,
      rule,
      pattern: new RegExp(`^${source}$`),
    });
  }
  return out;
}

/** The decoded path parameters of a request on a rule's path. */
function paramsOf(compiled: CompiledRule, path: string): Record<string, string> {
  const groups = compiled.pattern.exec(path)?.groups ?? {};
  const params: Record<string, string> = {};
  for (const [name, raw] of Object.entries(groups)) {
    try {
      params[name] = decodeURIComponent(raw);
    } catch {
      params[name] = raw;
    }
  }
  return params;
}

/** The 401 of section 7, with the `WWW-Authenticate` challenge of RFC 6750. */
function unauthenticated(err: UnauthenticatedError): ApiProblem {
  const challenge = err.code
    ? `Bearer realm="srs-access", error="${err.code}"`
    : 'Bearer realm="srs-access"';
  return new ApiProblem(401, err.message, { headers: { 'WWW-Authenticate': challenge } });
}

function forbidden(id: RouteId, rule: RouteRule): ApiProblem {
  return new ApiProblem(
    403,
    `Your credentials do not allow ${id}: it is for ${describeAudience(rule)}.`,
  );
}

/** Whether a matched route is one of the app's own global middlewares (`use('*')`). */
const isGlobalMiddleware = (r: { method: string; path: string }) =>
  r.method === 'ALL' && (r.path === '*' || r.path === '/*');

/**
 * Authenticates and authorizes every request against {@link ROUTE_RULES}
 * before any validator or handler runs: `401` without valid credentials,
 * `403` for a role the table does not allow. Deny by default: every route is
 * authenticated unless the table declares it open, including routes added
 * with `all`, `mount` or `route` that the table does not list, and an
 * authenticated request to a route missing from the table is refused.
 */
export function authorize(auth: Authenticator, ctx: StoreContext): MiddlewareHandler<ApiEnv> {
  const rules = compile();
  return async (c: Context<ApiEnv>, next) => {
    const routes = matchedRoutes(c).filter((r) => !isGlobalMiddleware(r));
    if (routes.length === 0) return next(); // no such route: 404 or 405 follows
    const matched = routes.find((r) => r.method !== 'ALL') ?? routes[0];
    const compiled = matched && rules.get(`${matched.method} ${matched.path}`);
    if (compiled?.rule.public) return next();
    let principal: Principal;
    try {
      principal = await auth.authenticate(c);
    } catch (err) {
      if (err instanceof UnauthenticatedError) throw unauthenticated(err);
      throw err;
    }
    if (compiled === undefined) {
      throw new ApiProblem(
        500,
        `route ${matched?.method} ${matched?.path} has no authorization rule`,
      );
    }
    const { id, rule } = compiled;
    c.set('principal', principal);
    const params = paramsOf(compiled, c.req.path);
    const decision = decide(rule, principal, params);
    if (decision === 'deny') throw forbidden(id, rule);
    if (decision === 'if-member') {
      const projectId = params.projectId ?? '';
      // A malformed id reaches the validator and is a 400; nothing is looked up with it.
      if (
        IdSchema.safeParse(projectId).success &&
        !(await isMember(ctx, projectId, principal.researcherId ?? ''))
      ) {
        throw forbidden(id, rule);
      }
    }
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

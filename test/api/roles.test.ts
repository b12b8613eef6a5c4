/**
 * Every route against every caller (docs/api.md): the rules the routes
 * declare agree with the design's "who" column, every registered route has a
 * rule, and each caller gets 2xx, 401 or 403 exactly as its rule says.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiApp, decide, type RouteRule, routeRules } from '../../functions/api/index.js';
import {
  addMember,
  createImportJob,
  getDataset,
  getImportJob,
  linkDataset,
  putProject,
  type StoreContext,
} from '../../functions/store/index.js';
import { RULES } from '../support/routes.js';
import { aDataset } from '../support/seed.js';
import {
  apiOnFreshTable,
  CALLERS,
  type Caller,
  expectProblem,
  OTHER_RESEARCHER,
  OWN_RESEARCHER,
  type RequestSpec,
  seedWorld,
  send,
} from './support.js';

/**
 * The "who" column of docs/api.md, written out per caller: the
 * callers that may use each route. `researcher-own` is a member of `p-1`
 * and the researcher the paths below name; `researcher-other` is neither.
 */
const DESIGN_WHO: Record<string, readonly Caller[]> = {
  health: CALLERS,
  getOpenApiDocument: CALLERS,
  getApiReference: CALLERS,
  putDataset: ['editor', 'admin'],
  getDataset: ['editor', 'admin', 'researcher-own', 'researcher-other', 'service'],
  setDatasetAccessLevel: ['editor', 'admin'],
  previewDatasetAccessLevel: ['editor', 'admin'],
  getDatasetHistory: ['editor', 'admin'],
  listDatasetProjects: ['editor', 'admin', 'service'],
  importDatasets: ['editor', 'admin'],
  getDatasetImport: ['editor', 'admin'],
  putProject: ['admin'],
  linkProjectDataset: ['admin'],
  unlinkProjectDataset: ['admin'],
  addProjectResearcher: ['admin'],
  removeProjectResearcher: ['admin'],
  getProjectAccess: ['service', 'admin', 'editor', 'researcher-own'],
  getResearcherAccess: ['service', 'admin', 'researcher-own'],
  checkAccess: ['service', 'admin'],
  listAccessChanges: ['service', 'admin'],
  putOrganisation: ['admin'],
  getOrganisation: ['admin', 'service'],
  putResearcher: ['admin'],
  previewOrganisationChange: ['admin'],
  previewResearcherChange: ['admin'],
  listResearcherNotifications: ['admin', 'researcher-own'],
  getChange: ['editor', 'admin', 'researcher-own', 'researcher-other', 'service'],
};

interface World {
  readonly ctx: StoreContext;
  readonly changeId: string;
}

/** Creates a dataset only if it is missing (a second level would need a reason). */
async function ensureDataset(ctx: StoreContext, id: string, level: 0 | 1 | 2 | 3) {
  if (!(await getDataset(ctx, id, true))) await aDataset(ctx, id, level);
}

/** A valid request for each route, and what must exist before it is sent. */
const CASES: Record<
  string,
  { arrange?: (w: World) => Promise<void>; request: (w: World) => RequestSpec }
> = {
  health: { request: () => ({ method: 'GET', path: '/health' }) },
  getOpenApiDocument: { request: () => ({ method: 'GET', path: '/v1/openapi.json' }) },
  getApiReference: { request: () => ({ method: 'GET', path: '/docs' }) },
  putDataset: {
    request: () => ({ method: 'PUT', path: '/v1/datasets/d-put', json: { title: 'Put by role' } }),
  },
  getDataset: { request: () => ({ method: 'GET', path: '/v1/datasets/d-1' }) },
  setDatasetAccessLevel: {
    arrange: ({ ctx }) => ensureDataset(ctx, 'd-roles', 2),
    request: () => ({
      method: 'PUT',
      path: '/v1/datasets/d-roles/access-level',
      json: { accessLevel: 2, reason: 'role test' },
    }),
  },
  previewDatasetAccessLevel: {
    request: () => ({
      method: 'POST',
      path: '/v1/datasets/d-1/access-level/preview',
      json: { accessLevel: 1 },
    }),
  },
  getDatasetHistory: { request: () => ({ method: 'GET', path: '/v1/datasets/d-1/history' }) },
  listDatasetProjects: { request: () => ({ method: 'GET', path: '/v1/datasets/d-1/projects' }) },
  importDatasets: {
    request: () => ({
      method: 'POST',
      path: '/v1/dataset-imports',
      json: { datasets: [{ datasetId: 'd-import', title: 'Imported' }] },
    }),
  },
  getDatasetImport: {
    arrange: async ({ ctx }) => {
      if (await getImportJob(ctx, 'i-roles')) return;
      await createImportJob(ctx, {
        importId: 'i-roles',
        reason: 'role test',
        actor: 'test',
        entries: [{ row: 1, datasetId: 'd-job', title: 'Imported by a job' }],
      });
    },
    request: () => ({ method: 'GET', path: '/v1/dataset-imports/i-roles' }),
  },
  putProject: {
    request: () => ({ method: 'PUT', path: '/v1/projects/p-put', json: { title: 'Put by role' } }),
  },
  linkProjectDataset: {
    arrange: async ({ ctx }) => {
      await putProject(ctx, 'p-roles', 'Roles', 'test');
    },
    request: () => ({ method: 'PUT', path: '/v1/projects/p-roles/datasets/d-2' }),
  },
  unlinkProjectDataset: {
    arrange: async ({ ctx }) => {
      await putProject(ctx, 'p-roles', 'Roles', 'test');
      await ensureDataset(ctx, 'd-unlink', 2);
      await linkDataset(ctx, 'p-roles', 'd-unlink', 'test');
    },
    request: () => ({ method: 'DELETE', path: '/v1/projects/p-roles/datasets/d-unlink' }),
  },
  addProjectResearcher: {
    arrange: async ({ ctx }) => {
      await putProject(ctx, 'p-roles', 'Roles', 'test');
    },
    request: () => ({ method: 'PUT', path: `/v1/projects/p-roles/researchers/${OWN_RESEARCHER}` }),
  },
  removeProjectResearcher: {
    arrange: async ({ ctx }) => {
      await putProject(ctx, 'p-roles', 'Roles', 'test');
      await addMember(ctx, 'p-roles', OTHER_RESEARCHER, 'test');
    },
    request: () => ({
      method: 'DELETE',
      path: `/v1/projects/p-roles/researchers/${OTHER_RESEARCHER}`,
    }),
  },
  getProjectAccess: { request: () => ({ method: 'GET', path: '/v1/projects/p-1/access' }) },
  getResearcherAccess: {
    request: () => ({
      method: 'GET',
      path: `/v1/projects/p-1/researchers/${OWN_RESEARCHER}/access`,
    }),
  },
  checkAccess: {
    request: () => ({
      method: 'POST',
      path: '/v1/access-checks',
      json: { projectId: 'p-1', researcherId: OWN_RESEARCHER, route: 'safe-room' },
    }),
  },
  listAccessChanges: { request: () => ({ method: 'GET', path: '/v1/access-changes?limit=5' }) },
  putOrganisation: {
    request: () => ({
      method: 'PUT',
      path: '/v1/organisations/org-roles',
      json: { name: 'Roles organisation', agreements: {} },
    }),
  },
  getOrganisation: { request: () => ({ method: 'GET', path: '/v1/organisations/org-full' }) },
  putResearcher: {
    request: () => ({
      method: 'PUT',
      path: '/v1/researchers/r-roles',
      json: {
        name: 'Role Researcher',
        email: 'role.researcher@example.org',
        organisationId: 'org-full',
        accreditation: {
          status: 'accredited',
          ararSignedAt: '2025-01-01',
          homeAddressOnFile: true,
        },
      },
    }),
  },
  listResearcherNotifications: {
    request: () => ({ method: 'GET', path: `/v1/researchers/${OWN_RESEARCHER}/notifications` }),
  },
  previewOrganisationChange: {
    request: () => ({
      method: 'POST',
      path: '/v1/organisations/org-full/preview',
      json: { name: 'Org', agreements: {} },
    }),
  },
  previewResearcherChange: {
    request: () => ({
      method: 'POST',
      path: `/v1/researchers/${OWN_RESEARCHER}/preview`,
      json: {
        name: 'N',
        email: 'n@example.org',
        organisationId: 'org-full',
        accreditation: { status: 'none', homeAddressOnFile: false },
      },
    }),
  },
  getChange: { request: ({ changeId }) => ({ method: 'GET', path: `/v1/changes/${changeId}` }) },
};

/** What a route's rule says a caller gets: allowed, 401 or 403. */
function expectedFromRule(rule: RouteRule, caller: Caller): 'allowed' | 401 | 403 {
  if (rule.public) return 'allowed';
  if (caller === 'none') return 401;
  const researcherId =
    caller === 'researcher-own'
      ? OWN_RESEARCHER
      : caller === 'researcher-other'
        ? OTHER_RESEARCHER
        : undefined;
  const principal = {
    subject: caller,
    roles: new Set([researcherId ? ('researcher' as const) : (caller as 'editor')]),
    ...(researcherId && { researcherId }),
  };
  // The cases' paths name r-own; r-own is a member of p-1, r-other of nothing.
  const decision = decide(rule, principal, { researcherId: OWN_RESEARCHER, projectId: 'p-1' });
  if (decision === 'if-member') return caller === 'researcher-own' ? 'allowed' : 403;
  return decision === 'allow' ? 'allowed' : 403;
}

describe('the route rules', () => {
  it('declare exactly the routes of the design', () => {
    expect(RULES.map((r) => r.id).sort()).toEqual(Object.keys(DESIGN_WHO).sort());
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(DESIGN_WHO).sort());
  });

  it.each(RULES)('$id allows exactly the callers of the design', (rule) => {
    const allowed = CALLERS.filter((caller) => expectedFromRule(rule, caller) === 'allowed');
    expect(allowed.sort()).toEqual([...(DESIGN_WHO[rule.id] ?? [])].sort());
  });

  it('guard every route the app serves, each with the rule of its own method and path', async () => {
    const { app } = await apiOnFreshTable('api-table');
    const byRoute = new Map<string, RouteRule[]>();
    for (const r of app.routes.filter((r) => r.method !== 'ALL')) {
      const key = `${r.method} ${r.path}`;
      const rules = byRoute.get(key) ?? [];
      const rule = routeRules({ routes: [r] })[0];
      if (rule) rules.push(rule);
      byRoute.set(key, rules);
    }
    for (const [route, rules] of byRoute) {
      expect(rules.length, route).toBe(1);
      const [rule] = rules as [RouteRule];
      expect(`${rule.method.toUpperCase()} ${rule.path.replaceAll(/\{(\w+)\}/g, ':$1')}`).toBe(
        route,
      );
    }
    expect(byRoute.size).toBe(RULES.length);
  });

  it('refuses a route that was added without a rule', async () => {
    const { app, tokens } = await apiOnFreshTable('api-rogue');
    (app as ApiApp).get('/v1/rogue', (c) => c.text('should never be served'));
    const res = await send(app, { method: 'GET', path: '/v1/rogue' }, tokens.admin);
    await expectProblem(res, 500);
  });
});

describe('every route with every caller', () => {
  let world: World;
  let app: ApiApp;
  let tokens: Record<Caller, string | undefined>;

  beforeAll(async () => {
    const api = await apiOnFreshTable('api-roles');
    const seeded = await seedWorld(api.ctx);
    world = { ctx: api.ctx, changeId: seeded.changeId };
    app = api.app;
    tokens = api.tokens;
  });

  const table = RULES.flatMap((rule) =>
    CALLERS.map((caller) => ({ id: rule.id, caller, expected: expectedFromRule(rule, caller) })),
  );

  it.each(table)('$id as $caller → $expected', async ({ id, caller, expected }) => {
    const routeCase = CASES[id];
    if (!routeCase) throw new Error(`no case for ${id}`);
    await routeCase.arrange?.(world);
    const res = await send(app, routeCase.request(world), tokens[caller]);
    if (expected === 'allowed') {
      expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(300);
    } else {
      const problem = await expectProblem(res, expected);
      if (expected === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(problem.errors).toBeUndefined();
    }
  });
});

import type { AccessCheckResponse, ResearcherAccess, Route } from '../../schemas/index.js';
import { OrganisationSchema, ResearcherSchema, SummaryItemSchema } from '../../schemas/index.js';
import { decideRoutes } from '../domain/index.js';
import { batchGet, keys, type StoreContext } from '../store/index.js';

/** A researcher's access to a project, with what it was decided from. */
export interface ResearcherAccessResult {
  readonly projectExists: boolean;
  readonly researcherExists: boolean;
  readonly access: ResearcherAccess;
}

/**
 * A researcher's permitted routes on a project with every deny reason, read
 * in two batched requests (summary, membership and researcher; then the
 * organisation). Unknown projects or researchers get no routes.
 */
export async function researcherAccess(
  ctx: StoreContext,
  projectId: string,
  researcherId: string,
): Promise<ResearcherAccessResult> {
  const items = await batchGet(ctx, [
    keys.summary(projectId),
    keys.member(projectId, researcherId),
    keys.researcher(researcherId),
  ]);
  const byType = new Map(items.map((i) => [String(i.type), i]));
  const summaryItem = byType.get('summary');
  const researcherItem = byType.get('researcher');
  const summary = summaryItem ? SummaryItemSchema.parse(summaryItem) : undefined;
  const researcher = researcherItem ? ResearcherSchema.parse(researcherItem) : undefined;
  const [orgItem] = researcher
    ? await batchGet(ctx, [keys.organisation(researcher.organisationId)])
    : [];
  const decision = decideRoutes(
    {
      isMember: byType.has('member'),
      project: summary,
      agreements: orgItem ? OrganisationSchema.parse(orgItem).agreements : undefined,
      accreditation: researcher?.accreditation,
    },
    ctx.now(),
  );
  return {
    projectExists: summary !== undefined,
    researcherExists: researcher !== undefined,
    access: {
      projectId,
      researcherId,
      projectAccessLevel: summary?.accessLevel ?? null,
      routes: decision.routes,
      denied: decision.denied,
    },
  };
}

/** The yes/no answer for one route (`POST /v1/access-checks`). */
export async function checkAccess(
  ctx: StoreContext,
  projectId: string,
  researcherId: string,
  route: Route,
): Promise<AccessCheckResponse> {
  const { access } = await researcherAccess(ctx, projectId, researcherId);
  const reasons = access.denied.find((d) => d.route === route)?.reasons ?? [];
  return { allowed: access.routes.includes(route), route, reasons };
}

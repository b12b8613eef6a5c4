/**
 * The read use cases behind the access endpoints: each gathers what the pure
 * rules need from the store and calls the domain. No writes.
 */
import type {
  AccessCheckRequest,
  AccessCheckResponse,
  Classification,
  Impact,
  ResearcherAccess,
} from '../../schemas/index.js';
import { mapLimit } from '../commons/index.js';
import { type AccessContext, decideRoutes, denyReasons, previewImpact } from '../domain/index.js';
import {
  getDataset,
  getOrganisation,
  getResearcher,
  getSummary,
  isMember,
  listProjectsOfDataset,
  loadStandings,
  NotFoundError,
  readProjectPartition,
  type StoreContext,
} from '../store/index.js';

/** Project partitions read at once by a preview. */
const PREVIEW_CONCURRENCY = 16;

/** Every project that uses a dataset, reading all pages of the index. */
export async function allProjectsOfDataset(
  ctx: StoreContext,
  datasetId: string,
): Promise<string[]> {
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await listProjectsOfDataset(ctx, datasetId, { limit: 100, startKey });
    ids.push(...page.ids);
    startKey = page.nextKey;
  } while (startKey);
  return ids;
}

/**
 * What setting `datasetId` to `toLevel` would do to every project using it and
 * to each member's routes, computed with the same rules as the real change
 * (`previewImpact`). The dataset's current level stands in for the level its
 * links carry, which is what they carry once its last change has propagated.
 */
export async function previewLevelChange(
  ctx: StoreContext,
  datasetId: string,
  toLevel: Classification,
): Promise<Impact> {
  const dataset = await getDataset(ctx, datasetId);
  if (!dataset) throw new NotFoundError('dataset', datasetId);
  const projectIds = await allProjectsOfDataset(ctx, datasetId);
  const partitions = await mapLimit(projectIds, PREVIEW_CONCURRENCY, (p) =>
    readProjectPartition(ctx, p),
  );
  const memberIds = [...new Set(partitions.flatMap((p) => p.members.map((m) => m.researcherId)))];
  const standings = new Map((await loadStandings(ctx, memberIds)).map((s) => [s.researcherId, s]));
  return previewImpact(
    {
      datasetId,
      fromLevel: dataset.accessLevel,
      toLevel,
      projects: partitions.map((p, i) => ({
        projectId: projectIds[i] as string,
        datasets: p.links.map((l) => ({
          datasetId: l.datasetId,
          accessLevel: l.datasetId === datasetId ? dataset.accessLevel : l.accessLevel,
        })),
        members: p.members.flatMap((m) => standings.get(m.researcherId) ?? []),
      })),
    },
    ctx.now(),
  );
}

/** What the rules need about one researcher on one project; unknown ones stay `undefined`. */
async function accessContext(
  ctx: StoreContext,
  projectId: string,
  researcherId: string,
): Promise<{ access: AccessContext; projectKnown: boolean; researcherKnown: boolean }> {
  const [summary, researcher, member] = await Promise.all([
    getSummary(ctx, projectId),
    getResearcher(ctx, researcherId),
    isMember(ctx, projectId, researcherId),
  ]);
  const organisation = researcher
    ? await getOrganisation(ctx, researcher.organisationId)
    : undefined;
  return {
    access: {
      isMember: member,
      project: summary,
      agreements: organisation?.agreements,
      accreditation: researcher?.accreditation,
    },
    projectKnown: summary !== undefined,
    researcherKnown: researcher !== undefined,
  };
}

/**
 * The routes a researcher may use on a project now, and every reason for
 * each other route. Unknown project or researcher: `NotFoundError`. A
 * non-member gets no routes, each denied with `not-a-member` first.
 */
export async function researcherAccess(
  ctx: StoreContext,
  projectId: string,
  researcherId: string,
): Promise<ResearcherAccess> {
  const { access, projectKnown, researcherKnown } = await accessContext(
    ctx,
    projectId,
    researcherId,
  );
  if (!projectKnown) throw new NotFoundError('project', projectId);
  if (!researcherKnown) throw new NotFoundError('researcher', researcherId);
  const decision = decideRoutes(access, ctx.now());
  return {
    projectId,
    researcherId,
    projectAccessLevel: access.project?.accessLevel ?? null,
    routes: decision.routes,
    denied: decision.denied,
  };
}

/**
 * Whether a researcher may use one route on a project now. An unknown project
 * or researcher is not an error: the answer is `allowed: false` with the
 * reasons the rules give (not a member, no datasets, not accredited).
 */
export async function checkAccess(
  ctx: StoreContext,
  request: AccessCheckRequest,
): Promise<AccessCheckResponse> {
  const { access } = await accessContext(ctx, request.projectId, request.researcherId);
  const reasons = denyReasons(request.route, access, ctx.now());
  return { allowed: reasons.length === 0, route: request.route, reasons };
}

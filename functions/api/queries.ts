/**
 * The read use cases behind the access endpoints: each gathers what the pure
 * rules need from the store and calls the domain. No writes.
 */
import type {
  AccessCheckRequest,
  AccessCheckResponse,
  Classification,
  Impact,
  OrganisationPutBody,
  ResearcherAccess,
  ResearcherPutBody,
  StandingImpact,
} from '../../schemas/index.js';
import { mapLimit } from '../commons/index.js';
import {
  type AccessContext,
  decideRoutes,
  denyReasons,
  previewImpact,
  previewStandings,
  type StandingUnderChange,
} from '../domain/index.js';
import {
  getDataset,
  getOrganisation,
  getResearcher,
  getSummaries,
  getSummary,
  type IdPage,
  InvalidReferenceError,
  isMember,
  listProjectsOfDataset,
  listProjectsOfResearcher,
  listResearchersOfOrganisation,
  loadResearchers,
  loadStandings,
  NotFoundError,
  type PageOptions,
  readProjectPartition,
  type StoreContext,
} from '../store/index.js';

/** Project partitions read at once by a preview. */
const PREVIEW_CONCURRENCY = 16;

/** Every id of a list read by reference, all pages of it. */
async function allIds(list: (options: PageOptions) => Promise<IdPage>): Promise<string[]> {
  const ids: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await list({ limit: 100, startKey });
    ids.push(...page.ids);
    startKey = page.nextKey;
  } while (startKey);
  return ids;
}

/** Every project that uses a dataset, reading all pages of the index. */
export function allProjectsOfDataset(ctx: StoreContext, datasetId: string): Promise<string[]> {
  return allIds((o) => listProjectsOfDataset(ctx, datasetId, o));
}

/** The summaries of every project a researcher is a member of. */
async function projectsOfResearcher(ctx: StoreContext, researcherId: string) {
  const ids = await allIds((o) => listProjectsOfResearcher(ctx, researcherId, o));
  return [...(await getSummaries(ctx, ids)).values()];
}

/**
 * What PUTting `body` to organisation `organisationId` would do to the routes
 * of each of its researchers on each of their projects: who would be narrowed
 * and who widened. A new organisation has no researchers yet. Changes nothing.
 */
export async function previewOrganisationChange(
  ctx: StoreContext,
  organisationId: string,
  body: OrganisationPutBody,
): Promise<StandingImpact> {
  const organisation = await getOrganisation(ctx, organisationId);
  const ids = organisation
    ? await allIds((o) => listResearchersOfOrganisation(ctx, organisationId, o))
    : [];
  const { researchers } = await loadResearchers(ctx, ids);
  const members = [...researchers.values()].filter((r) => r.organisationId === organisationId);
  const under = await mapLimit(
    members,
    PREVIEW_CONCURRENCY,
    async (r): Promise<StandingUnderChange> => ({
      researcherId: r.researcherId,
      before: { agreements: organisation?.agreements, accreditation: r.accreditation },
      after: { agreements: body.agreements, accreditation: r.accreditation },
      projects: await projectsOfResearcher(ctx, r.researcherId),
    }),
  );
  return previewStandings(under, ctx.now());
}

/**
 * What PUTting `body` to researcher `researcherId` would do to their routes on
 * each of their projects (a new accreditation, or a move to another
 * organisation and its agreements). An unknown organisation is refused as the
 * PUT refuses it; a new researcher is on no project yet. Changes nothing.
 */
export async function previewResearcherChange(
  ctx: StoreContext,
  researcherId: string,
  body: ResearcherPutBody,
): Promise<StandingImpact> {
  const [current, target] = await Promise.all([
    getResearcher(ctx, researcherId),
    getOrganisation(ctx, body.organisationId),
  ]);
  if (!target) {
    throw new InvalidReferenceError(
      'organisationId',
      `organisation '${body.organisationId}' does not exist`,
    );
  }
  if (!current) return previewStandings([], ctx.now());
  const from =
    current.organisationId === body.organisationId
      ? target
      : await getOrganisation(ctx, current.organisationId);
  return previewStandings(
    [
      {
        researcherId,
        before: { agreements: from?.agreements, accreditation: current.accreditation },
        after: { agreements: target.agreements, accreditation: body.accreditation },
        projects: await projectsOfResearcher(ctx, researcherId),
      },
    ],
    ctx.now(),
  );
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

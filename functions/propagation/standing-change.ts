import type {
  Accreditation,
  Agreements,
  Cause,
  ChangeItem,
  OrganisationChange,
  Researcher,
  ResearcherChange,
} from '../../schemas/index.js';
import { mapLimit } from '../commons/index.js';
import {
  accessChangeItem,
  agreementsChangedCause,
  buildNotification,
  decideRoutes,
  narrowingTo,
  standingChangedCause,
} from '../domain/index.js';
import {
  batchGet,
  getSummaries,
  type IdPage,
  keys,
  listProjectsOfResearcher,
  listResearchersOfOrganisation,
  loadResearchers,
  notificationIdOf,
  recordResearcherChange,
} from '../store/index.js';
import type { PropagationContext } from './context.js';

/** One side (before or after) of a change to a researcher's own standing. */
interface Side {
  readonly agreements: Agreements | undefined;
  readonly accreditation: Accreditation | undefined;
  readonly at: Date;
}

/** Counts of one unit of propagation work. */
export interface Progress {
  readonly affectedProjects: number;
  readonly notifications: number;
}

const NONE: Progress = { affectedProjects: 0, notifications: 0 };
const add = (a: Progress, b: Progress): Progress => ({
  affectedProjects: a.affectedProjects + b.affectedProjects,
  notifications: a.notifications + b.notifications,
});

/**
 * Records each project on which one researcher's routes move between
 * `before` and `after` (project summaries as they are now), and claims a
 * notification, with its record, for each on which they narrow.
 */
async function narrowResearcher(
  ctx: PropagationContext,
  change: Pick<ChangeItem, 'changeId' | 'createdAt'>,
  researcherId: string,
  before: Side,
  after: Side,
  cause: Cause,
): Promise<Progress> {
  let progress = NONE;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page: IdPage = await listProjectsOfResearcher(ctx, researcherId, { startKey });
    startKey = page.nextKey;
    // What an earlier delivery of this change already claimed on the page counts as it was
    // decided then: the projects may have changed since, and a claim is never taken back.
    const [summaries, projects, claimed] = await Promise.all([
      getSummaries(ctx, page.ids),
      batchGet(
        ctx,
        page.ids.map((p) => keys.project(p)),
      ),
      batchGet(
        ctx,
        page.ids.map((p) => keys.notification(researcherId, change.changeId, p)),
      ),
    ]);
    const titles = new Map(projects.map((p) => [String(p.projectId), String(p.title)]));
    const already = new Set(claimed.map((n) => String(n.projectId)));
    const at = ctx.now().toISOString();
    const moves = [...summaries.values()].flatMap((summary) => {
      const decide = (side: Side) =>
        decideRoutes(
          {
            isMember: true,
            project: summary,
            agreements: side.agreements,
            accreditation: side.accreditation,
          },
          side.at,
        );
      const from = decide(before).routes;
      const to = decide(after);
      const record = accessChangeItem({
        changeId: change.changeId,
        changeCreatedAt: change.createdAt,
        projectId: summary.projectId,
        at,
        researchers: [{ researcherId, from, to: to.routes }],
      });
      if (!record) return [];
      const lost = already.has(summary.projectId) ? undefined : narrowingTo(from, to);
      if (!lost) return [{ record, notices: [] }];
      const projectTitle = titles.get(summary.projectId);
      const notice = buildNotification({
        notificationId: notificationIdOf(change.changeId, researcherId, summary.projectId),
        changeId: change.changeId,
        researcherId,
        projectId: summary.projectId,
        ...(projectTitle !== undefined && { projectTitle }),
        cause,
        projectLevel: { from: summary.accessLevel, to: summary.accessLevel },
        ...lost,
        createdAt: at,
        ...(ctx.contacts && { contacts: ctx.contacts }),
      });
      return [{ record, notices: [notice] }];
    });
    // Each (project, researcher) move is recorded with its notice in one transaction.
    await mapLimit(moves, 8, (m) => recordResearcherChange(ctx, m.record, m.notices));
    progress = add(progress, {
      affectedProjects: summaries.size,
      notifications: already.size + moves.filter((m) => m.notices.length > 0).length,
    });
  } while (startKey);
  return progress;
}

/**
 * The instants an expiry compares: `beforeAt` (1 ms before it took effect) and the
 * instant itself, not when the run found it, so that of two expiries one run finds,
 * each tells only of the routes it took.
 */
function expiryInstants(change: { readonly beforeAt: string }): { before: Date; after: Date } {
  const before = new Date(change.beforeAt);
  return { before, after: new Date(before.getTime() + 1) };
}

/**
 * A change to one researcher's accreditation (or organisation), or the expiry
 * of their accreditation: narrowing on each of their projects.
 */
export async function propagateResearcherChange(
  ctx: PropagationContext,
  change: ResearcherChange,
): Promise<Progress> {
  const researcherId = change.researcherId;
  const at = new Date(change.createdAt);
  if (change.kind === 'expiry') {
    const { researchers, agreements } = await loadResearchers(ctx, [researcherId]);
    const r = researchers.get(researcherId);
    if (!r) return NONE;
    const side = { agreements: agreements.get(r.organisationId), accreditation: r.accreditation };
    const { before, after } = expiryInstants(change);
    return narrowResearcher(
      ctx,
      change,
      researcherId,
      { ...side, at: before },
      { ...side, at: after },
      change.cause,
    );
  }
  const from = change.fromStanding;
  const to = change.toStanding;
  if (!from || !to) return NONE; // a new researcher has no projects to lose
  const { agreements } = await loadResearchers(ctx, [], [from.organisationId, to.organisationId]);
  return narrowResearcher(
    ctx,
    change,
    researcherId,
    { agreements: agreements.get(from.organisationId), accreditation: from.accreditation, at },
    { agreements: agreements.get(to.organisationId), accreditation: to.accreditation, at },
    standingChangedCause(researcherId, from, to),
  );
}

/** Researchers handled per page of an organisation-wide change. */
export const RESEARCHER_PAGE_SIZE = 25;

/**
 * One page of an organisation-wide change (agreements changed or expired):
 * narrowing for each researcher of the organisation on each of their projects.
 */
export async function propagateOrganisationPage(
  ctx: PropagationContext,
  change: OrganisationChange,
  startKey: Record<string, unknown> | undefined,
): Promise<Progress & { nextKey?: Record<string, unknown> }> {
  const organisationId = change.organisationId;
  const page = await listResearchersOfOrganisation(ctx, organisationId, {
    limit: RESEARCHER_PAGE_SIZE,
    startKey,
  });
  const { researchers, agreements } = await loadResearchers(ctx, page.ids, [organisationId]);
  const at = new Date(change.createdAt);
  const current = agreements.get(organisationId) ?? {};
  // An expiry compares the same agreements at two instants; a write compares two sets now.
  const fromAgreements = change.kind === 'expiry' ? current : (change.fromAgreements ?? {});
  const toAgreements = change.kind === 'expiry' ? current : change.toAgreements;
  const { before, after } =
    change.kind === 'expiry' ? expiryInstants(change) : { before: at, after: at };
  const cause =
    change.kind === 'expiry'
      ? change.cause
      : agreementsChangedCause(organisationId, fromAgreements, toAgreements, at);
  const members = [...researchers.values()].filter(
    (r: Researcher) => r.organisationId === organisationId,
  );
  const results = await mapLimit(members, 4, (r) =>
    narrowResearcher(
      ctx,
      change,
      r.researcherId,
      { agreements: fromAgreements, accreditation: r.accreditation, at: before },
      { agreements: toAgreements, accreditation: r.accreditation, at: after },
      cause,
    ),
  );
  return { ...results.reduce(add, NONE), ...(page.nextKey && { nextKey: page.nextKey }) };
}

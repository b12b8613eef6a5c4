import type {
  Accreditation,
  Agreements,
  Classification,
  Impact,
  NarrowedResearcher,
  ProjectSummary,
  StandingImpact,
  WidenedResearcher,
} from '../../schemas/index.js';
import { decideRoutes } from './access.js';
import type { RouteChange } from './access-change.js';
import { narrowing, narrowingTo, type ReasonedNarrowing } from './narrowing.js';
import { type DatasetLevel, summariseProject } from './project.js';

/** A project member with what their own routes depend on. */
export interface MemberStanding {
  readonly researcherId: string;
  readonly agreements: Agreements | undefined;
  readonly accreditation: Accreditation | undefined;
}

/** A member who loses routes, with the reasons that then deny the routes lost. */
export type NarrowedMember = NarrowedResearcher & ReasonedNarrowing;

/** A member's routes on a project before and after its summary moves, and what they lose. */
export interface MemberMove extends RouteChange {
  /** Present when a route was lost: what was lost, what remains, and why. */
  readonly narrowed?: ReasonedNarrowing;
}

/** Every member's routes on a project as its summary moves from `before` to `after`. */
export function memberMoves(
  before: Pick<ProjectSummary, 'accessLevel' | 'status'>,
  after: Pick<ProjectSummary, 'accessLevel' | 'status'>,
  members: readonly MemberStanding[],
  now: Date,
): MemberMove[] {
  return members.map((m) => {
    const ctx = { isMember: true, agreements: m.agreements, accreditation: m.accreditation };
    const from = decideRoutes({ ...ctx, project: before }, now).routes;
    const to = decideRoutes({ ...ctx, project: after }, now);
    const narrowed = narrowingTo(from, to);
    return { researcherId: m.researcherId, from, to: to.routes, ...(narrowed && { narrowed }) };
  });
}

/** The members whose routes on a project narrow when its summary moves from `before` to `after`. */
export function narrowedMembers(
  projectId: string,
  before: Pick<ProjectSummary, 'accessLevel' | 'status'>,
  after: Pick<ProjectSummary, 'accessLevel' | 'status'>,
  members: readonly MemberStanding[],
  now: Date,
): NarrowedMember[] {
  return memberMoves(before, after, members, now).flatMap((m) =>
    m.narrowed ? [{ researcherId: m.researcherId, projectId, ...m.narrowed }] : [],
  );
}

/** A project that uses the dataset, with all its current dataset levels and its members. */
export interface ProjectUnderChange {
  readonly projectId: string;
  readonly datasets: readonly DatasetLevel[];
  readonly members: readonly MemberStanding[];
}

/** The most entries a preview lists in each of `projects` and `narrowed`; the counts are always full. */
export const PREVIEW_LIMIT = 1000;

/**
 * The impact of setting `datasetId` to `toLevel` on every project that uses it:
 * how each project's level and status would move, and who would lose which routes.
 * Computed with the same rules as a real change; changes nothing. Each list
 * holds at most `limit` entries; `truncated` says whether either was cut, and
 * `projectCount`/`narrowedCount` give the full figures.
 */
export function previewImpact(
  input: {
    readonly datasetId: string;
    readonly fromLevel: Classification;
    readonly toLevel: Classification;
    readonly projects: readonly ProjectUnderChange[];
  },
  now: Date,
  limit = PREVIEW_LIMIT,
): Impact {
  const { datasetId, fromLevel, toLevel } = input;
  const projects: Impact['projects'] = [];
  const narrowed: NarrowedResearcher[] = [];
  for (const p of input.projects) {
    const before = summariseProject(p.datasets);
    const after = summariseProject(
      p.datasets.map((d) => (d.datasetId === datasetId ? { datasetId, accessLevel: toLevel } : d)),
    );
    projects.push({
      projectId: p.projectId,
      fromLevel: before.accessLevel,
      toLevel: after.accessLevel,
      fromStatus: before.status,
      toStatus: after.status,
    });
    for (const { deniedBy: _, ...n } of narrowedMembers(p.projectId, before, after, p.members, now))
      narrowed.push(n);
  }
  return {
    datasetId,
    fromLevel,
    toLevel,
    projects: projects.slice(0, limit),
    narrowed: narrowed.slice(0, limit),
    truncated: projects.length > limit || narrowed.length > limit,
    projectCount: projects.length,
    narrowedCount: narrowed.length,
  };
}

/** What one researcher's routes depend on besides the project: agreements and accreditation. */
export type ResearcherStanding = Omit<MemberStanding, 'researcherId'>;

/** One researcher whose standing would change, on the projects they are a member of. */
export interface StandingUnderChange {
  readonly researcherId: string;
  readonly before: ResearcherStanding;
  readonly after: ResearcherStanding;
  readonly projects: readonly (Pick<ProjectSummary, 'accessLevel' | 'status'> & {
    readonly projectId: string;
  })[];
}

/**
 * The impact of changing researchers' standings (an organisation's agreements,
 * a researcher's accreditation or organisation) on each of their projects, as
 * the projects are now: who would lose and who would gain which routes.
 * Computed with the same rules as a real change; each list holds at most
 * `limit` entries, and the counts are full.
 */
export function previewStandings(
  researchers: readonly StandingUnderChange[],
  now: Date,
  limit = PREVIEW_LIMIT,
): StandingImpact {
  const narrowed: NarrowedResearcher[] = [];
  const widened: WidenedResearcher[] = [];
  for (const r of researchers) {
    for (const project of r.projects) {
      const decide = (s: ResearcherStanding) =>
        decideRoutes({ isMember: true, project, ...s }, now);
      const was = decide(r.before).routes;
      const will = decide(r.after);
      const key = { researcherId: r.researcherId, projectId: project.projectId };
      const lost = narrowingTo(was, will);
      if (lost) {
        narrowed.push({
          ...key,
          removedRoutes: lost.removedRoutes,
          remainingRoutes: lost.remainingRoutes,
        });
      }
      const gained = narrowing(will.routes, was);
      if (gained.removedRoutes.length > 0) {
        widened.push({ ...key, addedRoutes: gained.removedRoutes, remainingRoutes: will.routes });
      }
    }
  }
  return {
    narrowed: narrowed.slice(0, limit),
    widened: widened.slice(0, limit),
    truncated: narrowed.length > limit || widened.length > limit,
    narrowedCount: narrowed.length,
    widenedCount: widened.length,
  };
}

import type { ChangeOf, Notification, ProjectSummary, SummaryItem } from '../../schemas/index.js';
import {
  buildNotification,
  narrowedMembers,
  summariesEqual,
  summariseProject,
} from '../domain/index.js';
import {
  type AgreementsCache,
  advanceLinkVersion,
  claimNotifications,
  type LinkLevel,
  LOST,
  loadStandings,
  notificationIdOf,
  optimisticWrite,
  readProjectPartition,
  writeSummary,
} from '../store/index.js';
import type { PropagationContext } from './context.js';

/** What recomputing one project did. */
export interface RecomputeResult {
  /** `skipped`: the project is not (or no longer) affected by this change, or a newer change owns it. */
  readonly outcome: 'skipped' | 'unchanged' | 'written';
}

/** The changes that recompute a single project's summary. */
export type ProjectChange = ChangeOf<'dataset-level-changed' | 'dataset-added' | 'dataset-removed'>;

/**
 * Recomputes one project's summary for a change, from the project's own
 * partition, and writes it with a condition on its version together with the
 * link level the change moves and the notifications of every member whose
 * routes narrowed. A link's level never moves without the summary's version
 * (even when the summary reads the same), so that a concurrent recompute that
 * read the link before it moved cannot write over it. Safe to repeat: a
 * redelivered change finds the summary already written (and finishes any
 * claims), a lost race re-reads and tries again, and a project whose link
 * already carries a newer dataset version is left to that newer change.
 */
export function recomputeProject(
  ctx: PropagationContext,
  projectId: string,
  change: ProjectChange,
  agreements: AgreementsCache = new Map(),
): Promise<RecomputeResult> {
  const alreadyClaimed = new Set<string>();
  return optimisticWrite<RecomputeResult>(ctx, {
    subject: `project '${projectId}' (recomputed for change ${change.changeId})`,
    attempt: async () => {
      const partition = await readProjectPartition(ctx, projectId);
      const stored = partition.summary;
      if (!stored) return { result: SKIPPED };
      let links = partition.links;
      let linkLevel: LinkLevel | undefined;
      if (change.kind === 'dataset-level-changed') {
        const link = links.find((l) => l.datasetId === change.datasetId);
        const version = change.datasetVersion;
        if (!link || link.datasetVersion > version) return { result: SKIPPED };
        const level = change.toLevel;
        if (link.datasetVersion < version && link.accessLevel === level) {
          // Only the version moves (if the level is still the one read): no summary computed from
          // the link, before or after, can be wrong for it.
          if (
            !(await advanceLinkVersion(ctx, projectId, {
              datasetId: link.datasetId,
              accessLevel: level,
              datasetVersion: version,
            }))
          ) {
            return LOST;
          }
          links = links.map((l) => (l === link ? { ...l, datasetVersion: version } : l));
        } else if (link.datasetVersion < version) {
          // The level moves in the summary's own transaction (see writeSummary), never before it.
          const moved: LinkLevel = {
            datasetId: link.datasetId,
            accessLevel: level,
            datasetVersion: version,
          };
          linkLevel = moved;
          links = links.map((l) => (l === link ? { ...l, ...moved } : l));
        }
      }
      const computed = summariseProject(links);
      const members = partition.members.map((m) => m.researcherId);
      if (summariesEqual(stored, computed) && linkLevel) {
        // The link moves but the summary reads the same: still move its version with the link.
        const touched: SummaryItem = {
          ...stored,
          version: stored.version + 1,
          updatedAt: ctx.now().toISOString(),
        };
        const moved = linkLevel;
        return {
          result: UNCHANGED,
          commit: async () => (await writeSummary(ctx, touched, stored.version, [], moved)).ok,
        };
      }
      if (summariesEqual(stored, computed)) {
        // A redelivery after the summary was written: make sure every claim of this change exists.
        if (stored.changeId !== change.changeId || !stored.previous) {
          return { result: UNCHANGED };
        }
        // Exactly whom the first delivery notified (nobody, if it recorded no one): members may
        // have come, gone or changed standing since.
        const notified = stored.notified ?? [];
        const notices = await noticesFor(
          ctx,
          change,
          partition.project?.title,
          stored.previous,
          stored,
          notified,
          agreements,
        );
        await claimNotifications(ctx, notices);
        return { result: UNCHANGED };
      }
      const notices = await noticesFor(
        ctx,
        change,
        partition.project?.title,
        stored,
        { ...computed, projectId },
        members,
        agreements,
      );
      const next: SummaryItem = {
        projectId,
        ...computed,
        version: stored.version + 1,
        updatedAt: ctx.now().toISOString(),
        changeId: change.changeId,
        cause: change.cause,
        previous: { accessLevel: stored.accessLevel, status: stored.status },
        // Recorded even when empty: a redelivery claims exactly these, never today's members.
        notified: notices.map((n) => n.researcherId),
      };
      const fresh = notices.filter((n) => !alreadyClaimed.has(n.notificationId));
      return {
        result: { outcome: 'written' },
        commit: async () => {
          const write = await writeSummary(ctx, next, stored.version, fresh, linkLevel);
          if (!write.ok) {
            for (const id of write.claimedIds) alreadyClaimed.add(id);
            return false;
          }
          await claimNotifications(ctx, fresh.slice(write.claimed.length));
          return true;
        },
      };
    },
  });
}

/** The project is not (or no longer) affected by the change, or a newer change owns it. */
const SKIPPED: RecomputeResult = { outcome: 'skipped' };
const UNCHANGED: RecomputeResult = { outcome: 'unchanged' };

/** The notifications of the members whose routes narrow from `before` to `after`. */
async function noticesFor(
  ctx: PropagationContext,
  change: ProjectChange,
  projectTitle: string | undefined,
  before: Pick<ProjectSummary, 'accessLevel' | 'status'>,
  after: Pick<SummaryItem, 'accessLevel' | 'status' | 'projectId'>,
  members: readonly string[],
  agreements: AgreementsCache,
): Promise<Notification[]> {
  const projectId = after.projectId;
  if (members.length === 0) return [];
  // Routes are judged at the moment of the change, so a redelivery decides the same way.
  const at = new Date(change.createdAt);
  const createdAt = ctx.now().toISOString();
  const standings = await loadStandings(ctx, members, agreements);
  return narrowedMembers(projectId, before, after, standings, at).map((n) =>
    buildNotification({
      notificationId: notificationIdOf(change.changeId, n.researcherId, projectId),
      changeId: change.changeId,
      researcherId: n.researcherId,
      projectId,
      ...(projectTitle !== undefined && { projectTitle }),
      cause: change.cause,
      projectLevel: { from: before.accessLevel, to: after.accessLevel },
      removedRoutes: n.removedRoutes,
      remainingRoutes: n.remainingRoutes,
      deniedBy: n.deniedBy,
      createdAt,
      ...(ctx.contacts && { contacts: ctx.contacts }),
    }),
  );
}

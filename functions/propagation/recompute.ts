import type {
  AccessChangeItem,
  ChangeOf,
  Notification,
  ProjectSummary,
  SummaryItem,
} from '../../schemas/index.js';
import {
  accessChangeItem,
  buildNotification,
  memberMoves,
  routesForLevel,
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
  // Set once a write finds this change's record of the project already there: an earlier
  // delivery applied (and recorded) this change's move, and a later change has moved the
  // links since. What differs now is that change's to write, under its own cause.
  let superseded = false;
  return optimisticWrite<RecomputeResult>(ctx, {
    subject: `project '${projectId}' (recomputed for change ${change.changeId})`,
    attempt: async () => {
      if (superseded) return { result: SKIPPED };
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
        const { notices } = await effectsOf(
          ctx,
          change,
          partition.project?.title,
          { ...stored.previous, routes: routesForLevel(stored.previous.accessLevel) },
          stored,
          notified,
          agreements,
        );
        await claimNotifications(ctx, notices);
        return { result: UNCHANGED };
      }
      const { notices, record } = await effectsOf(
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
          const write = await writeSummary(ctx, next, stored.version, fresh, linkLevel, record);
          if (!write.ok) {
            for (const id of write.claimedIds) alreadyClaimed.add(id);
            if (write.reason === 'already-recorded') superseded = true;
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

/**
 * What moving the summary from `before` to `after` does: the notifications of
 * the members whose routes narrow, and the access-change item that records
 * the project's move and every member's (narrowing or widening), if anything moved.
 */
async function effectsOf(
  ctx: PropagationContext,
  change: ProjectChange,
  projectTitle: string | undefined,
  before: Pick<ProjectSummary, 'accessLevel' | 'status' | 'routes'>,
  after: Pick<SummaryItem, 'accessLevel' | 'status' | 'routes' | 'projectId'>,
  members: readonly string[],
  agreements: AgreementsCache,
): Promise<{ notices: Notification[]; record: AccessChangeItem | undefined }> {
  const projectId = after.projectId;
  // Routes are judged at the moment of the change, so a redelivery decides the same way.
  const at = new Date(change.createdAt);
  const createdAt = ctx.now().toISOString();
  const standings = members.length === 0 ? [] : await loadStandings(ctx, members, agreements);
  const moves = memberMoves(before, after, standings, at);
  const state = (s: typeof before) => ({
    accessLevel: s.accessLevel,
    status: s.status,
    routes: s.routes,
  });
  const record = accessChangeItem({
    changeId: change.changeId,
    changeCreatedAt: change.createdAt,
    projectId,
    at: createdAt,
    project: { from: state(before), to: state(after) },
    researchers: moves,
  });
  const notices = moves.flatMap((m) =>
    m.narrowed
      ? [
          buildNotification({
            notificationId: notificationIdOf(change.changeId, m.researcherId, projectId),
            changeId: change.changeId,
            researcherId: m.researcherId,
            projectId,
            ...(projectTitle !== undefined && { projectTitle }),
            cause: change.cause,
            projectLevel: { from: before.accessLevel, to: after.accessLevel },
            removedRoutes: m.narrowed.removedRoutes,
            remainingRoutes: m.narrowed.remainingRoutes,
            deniedBy: m.narrowed.deniedBy,
            createdAt,
            ...(ctx.contacts && { contacts: ctx.contacts }),
          }),
        ]
      : [],
  );
  return { notices, record };
}

import type { ChangeOf } from '../../schemas/index.js';
import { buildNotification, narrowing } from '../domain/index.js';
import { claimNotifications, countClaims, getProject, notificationIdOf } from '../store/index.js';
import type { PropagationContext } from './context.js';
import type { Progress } from './standing-change.js';

/**
 * A researcher was removed from a project: one notice, when they had any
 * route on it, losing every one. The routes are those the change recorded
 * when the membership ended, so every delivery claims the same notice (or
 * none); the claim itself is idempotent.
 */
export async function propagateMembershipEnded(
  ctx: PropagationContext,
  change: ChangeOf<'membership-ended'>,
): Promise<Progress> {
  const { projectId, researcherId } = change;
  if (change.fromRoutes.length > 0) {
    const project = await getProject(ctx, projectId);
    await claimNotifications(ctx, [
      buildNotification({
        notificationId: notificationIdOf(change.changeId, researcherId, projectId),
        changeId: change.changeId,
        researcherId,
        projectId,
        ...(project && { projectTitle: project.title }),
        cause: change.cause,
        projectLevel: { from: change.projectLevel, to: change.projectLevel },
        ...narrowing(change.fromRoutes, []),
        deniedBy: ['not-a-member'],
        createdAt: ctx.now().toISOString(),
        ...(ctx.contacts && { contacts: ctx.contacts }),
      }),
    ]);
  }
  return {
    affectedProjects: 1,
    notifications: await countClaims(ctx, change.changeId, [projectId]),
  };
}

import {
  type DomainEvent,
  type Notification,
  ResearcherRoutesNarrowedSchema,
  type SummaryItem,
} from '../../schemas/index.js';
import { hasNarrowed } from '../domain/index.js';

/**
 * `ProjectAccessChanged` for a summary write that changed the project's level
 * or status (none for a first summary or a write that changed neither).
 */
export function projectAccessChanged(
  before: SummaryItem | undefined,
  after: SummaryItem,
): DomainEvent[] {
  if (!before) return [];
  if (before.accessLevel === after.accessLevel && before.status === after.status) return [];
  const state = (s: SummaryItem) => ({
    accessLevel: s.accessLevel,
    status: s.status,
    routes: s.routes,
  });
  return [
    {
      detailType: 'ProjectAccessChanged',
      detail: {
        projectId: after.projectId,
        ...(after.changeId !== undefined && { changeId: after.changeId }),
        from: state(before),
        to: state(after),
        // A widening adds a route (the reverse move would narrow); a move between two
        // states without routes is neither.
        widened: hasNarrowed(after.routes, before.routes),
        at: after.updatedAt,
      },
    },
  ];
}

/** `ResearcherRoutesNarrowed` for a newly claimed notification (no message text, no email). */
export function researcherRoutesNarrowed(notification: Notification): DomainEvent[] {
  return [
    {
      detailType: 'ResearcherRoutesNarrowed',
      detail: ResearcherRoutesNarrowedSchema.parse(notification),
    },
  ];
}

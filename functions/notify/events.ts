import {
  type AccessChangeItem,
  type DomainEvent,
  ExpiryWarningSchema,
  type Notification,
  ResearcherRoutesNarrowedSchema,
} from '../../schemas/index.js';
import { feedEntries, hasNarrowed } from '../domain/index.js';

/**
 * The events of a new access-change item, the same facts as its feed
 * entries: `ProjectAccessChanged` when the project's level, status or routes
 * moved, and one `ResearcherRoutesChanged` per researcher whose routes moved
 * (narrowing or widening).
 */
export function accessChangeEvents(item: AccessChangeItem): DomainEvent[] {
  return feedEntries(item).map((entry): DomainEvent => {
    if (entry.type === 'ProjectAccessChanged') {
      const { type: _, ...detail } = entry;
      // A widening adds a route (the reverse move would narrow); a move between two
      // states without routes is neither.
      const widened = hasNarrowed(entry.to.routes, entry.from.routes);
      return { detailType: 'ProjectAccessChanged', detail: { ...detail, widened } };
    }
    const { type: _, ...detail } = entry;
    return {
      detailType: 'ResearcherRoutesChanged',
      detail: { ...detail, narrowed: hasNarrowed(entry.from, entry.to) },
    };
  });
}

/**
 * `ResearcherRoutesNarrowed` for a newly claimed notice, `ExpiryWarning` for a
 * newly claimed warning (no message text, no email).
 */
export function noticeEvents(notification: Notification): DomainEvent[] {
  return [
    notification.kind === 'warning'
      ? { detailType: 'ExpiryWarning', detail: ExpiryWarningSchema.parse(notification) }
      : {
          detailType: 'ResearcherRoutesNarrowed',
          detail: ResearcherRoutesNarrowedSchema.parse(notification),
        },
  ];
}

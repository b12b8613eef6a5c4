import {
  type AccessLevel,
  type Cause,
  CONTACTS,
  type Contacts,
  type Notification,
  type Route,
} from '../../schemas/index.js';
import { ROUTE_LABELS } from './routes.js';

/** What a notification is built from; ids and the clock are supplied by the caller. */
export interface NarrowingNotice {
  readonly notificationId: string;
  readonly changeId: string;
  readonly researcherId: string;
  readonly projectId: string;
  readonly projectTitle?: string;
  readonly cause: Cause;
  readonly projectLevel: { readonly from: AccessLevel | null; readonly to: AccessLevel | null };
  readonly removedRoutes: readonly Route[];
  readonly remainingRoutes: readonly Route[];
  readonly createdAt: string;
  /** The addresses to name; default {@link CONTACTS}. */
  readonly contacts?: Contacts;
}

/** AOC questions go to the connectivity team; everything about project access to customer support. */
export function contactFor(cause: Cause, contacts: Contacts = CONTACTS): string {
  return cause.kind === 'organisation-agreement-changed' ||
    (cause.kind === 'expiry' && cause.agreement !== undefined)
    ? contacts.connectivity
    : contacts.projectAccess;
}

const levelText = (level: AccessLevel | null | undefined): string =>
  level === null || level === undefined ? 'unclassified' : `level ${level}`;

const projectLevelText = (level: AccessLevel | null): string =>
  level === null ? 'no level' : `level ${level}`;

const list = (routes: readonly Route[], conjunction: 'and' | 'or'): string => {
  const labels = routes.map((r) => ROUTE_LABELS[r]);
  return labels.length <= 1
    ? (labels[0] ?? '')
    : `${labels.slice(0, -1).join(', ')} ${conjunction} ${labels[labels.length - 1]}`;
};

/** A dataset named by title and id, or by id when the cause has no title. */
const datasetName = (cause: Cause): string =>
  cause.datasetTitle ? `"${cause.datasetTitle}" (${cause.datasetId})` : `${cause.datasetId}`;

/** One sentence naming the cause of a narrowing. */
export function describeCause(cause: Cause): string {
  switch (cause.kind) {
    case 'dataset-level-changed':
      return `the access level of dataset ${datasetName(cause)} changed from ${levelText(cause.fromLevel)} to ${levelText(cause.toLevel)}`;
    case 'dataset-added':
      return `dataset ${datasetName(cause)} (${levelText(cause.toLevel)}) was added to the project`;
    case 'organisation-agreement-changed':
      return `the ${cause.agreement ?? 'connectivity'} agreement of your organisation ${cause.organisationId} changed${cause.fromStatus !== undefined ? ` from ${cause.fromStatus ?? 'none'} to ${cause.toStatus ?? 'none'}` : ''}`;
    case 'accreditation-changed':
      return `your researcher accreditation changed${cause.fromStatus !== undefined ? ` from ${cause.fromStatus ?? 'none'} to ${cause.toStatus ?? 'none'}` : ''}`;
    case 'expiry':
      return cause.agreement !== undefined
        ? `the ${cause.agreement} agreement of your organisation ${cause.organisationId} expired${cause.expiredAt ? ` on ${cause.expiredAt}` : ''}`
        : `your researcher accreditation expired${cause.expiredAt ? ` on ${cause.expiredAt}` : ''}`;
  }
}

/**
 * The notification for one researcher whose routes to one project narrowed:
 * the fields of docs/rules.md ("Narrowing and notifications") and a plain-English message naming the
 * project, the cause, the routes lost, the routes left (or that none are) and
 * whom to contact.
 */
export function buildNotification(notice: NarrowingNotice): Notification {
  const { projectId, projectTitle, cause, projectLevel, removedRoutes, remainingRoutes } = notice;
  const contact = contactFor(cause, notice.contacts);
  const project = projectTitle ? `"${projectTitle}" (${projectId})` : projectId;
  const levelLine =
    projectLevel.from === projectLevel.to
      ? `The project's access level is ${projectLevelText(projectLevel.to)}.`
      : `The project's access level moved from ${projectLevelText(projectLevel.from)} to ${projectLevelText(projectLevel.to)}.`;
  const remainingLine =
    remainingRoutes.length === 0
      ? 'You have no permitted route to this project at the moment: do not access it until this is resolved.'
      : `You can still use ${list(remainingRoutes, 'or')}.`;
  const message = [
    `Your permitted access routes to project ${project} have narrowed because ${describeCause(cause)}.`,
    levelLine,
    `You can no longer use ${list(removedRoutes, 'and')}.`,
    remainingLine,
    `For questions, contact ${contact}.`,
  ].join(' ');
  return {
    notificationId: notice.notificationId,
    changeId: notice.changeId,
    researcherId: notice.researcherId,
    projectId,
    createdAt: notice.createdAt,
    cause,
    projectLevel: { from: projectLevel.from, to: projectLevel.to },
    removedRoutes: [...removedRoutes],
    remainingRoutes: [...remainingRoutes],
    contact,
    subject: `SRS access to project ${project} has narrowed`,
    message,
  };
}

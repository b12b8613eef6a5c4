import {
  type AccessLevel,
  type Cause,
  CONTACTS,
  type Contacts,
  type DenyReason,
  type FactValue,
  type Notification,
  type Route,
} from '../../schemas/index.js';
import { describeFacts } from './cause.js';
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
  /** The reasons that now deny the removed routes ({@link reasonsDenying}); the contact follows them. */
  readonly deniedBy: readonly DenyReason[];
  readonly createdAt: string;
  /** The addresses to name; default {@link CONTACTS}. */
  readonly contacts?: Contacts;
}

/** The deny reasons that send a researcher to the connectivity team. */
const CONNECTIVITY_REASONS: readonly DenyReason[] = ['no-aoc-agreement', 'no-remote-agreement'];

/**
 * Whom to contact: the connectivity team when a removed route is now denied
 * by a missing AOC or remote agreement, otherwise customer support.
 */
export function contactFor(deniedBy: readonly DenyReason[], contacts: Contacts = CONTACTS): string {
  return deniedBy.some((r) => CONNECTIVITY_REASONS.includes(r))
    ? contacts.connectivity
    : contacts.projectAccess;
}

const levelText = (level: FactValue | undefined): string =>
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

/** The cause's facts that `keep` selects, in words and in brackets; or nothing when there are none. */
const factsAfter = (cause: Cause, keep: (field: string) => boolean): string => {
  const facts = cause.changes.filter((c) => keep(c.field));
  return facts.length === 0 ? '' : ` (${describeFacts(facts)})`;
};

/**
 * One phrase naming the cause of a narrowing, built from its changed facts
 * (`cause.changes`), so it never describes a change from a value to itself.
 */
export function describeCause(cause: Cause): string {
  switch (cause.kind) {
    case 'dataset-level-changed': {
      const level = cause.changes.find((c) => c.field === 'accessLevel');
      return level
        ? `the access level of dataset ${datasetName(cause)} changed from ${levelText(level.from)} to ${levelText(level.to)}`
        : `the access level of dataset ${datasetName(cause)} was set`;
    }
    case 'dataset-added':
      return `dataset ${datasetName(cause)} (${levelText(cause.toLevel)}) was added to the project`;
    case 'dataset-removed':
      return `dataset ${datasetName(cause)} was removed from the project`;
    case 'membership-ended':
      return 'your membership of the project ended';
    case 'organisation-agreement-changed':
      return `the agreements of your organisation ${cause.organisationId} changed${factsAfter(cause, () => true)}`;
    case 'organisation-changed': {
      const move = cause.changes.find((c) => c.field === 'organisationId');
      const accreditation = factsAfter(cause, (f) => f.startsWith('accreditation.'));
      const moved = move
        ? `you moved from organisation ${String(move.from)} to organisation ${String(move.to)}`
        : `you moved to organisation ${cause.organisationId}`;
      return accreditation === ''
        ? moved
        : `${moved}, and your accreditation changed${accreditation}`;
    }
    case 'accreditation-changed':
      return `your researcher accreditation changed${factsAfter(cause, () => true)}`;
    case 'expiry-upcoming':
      return cause.agreement !== undefined
        ? `the ${cause.agreement} agreement of your organisation ${cause.organisationId} expires on ${cause.expiresAt}`
        : `your researcher accreditation expires on ${cause.expiresAt}`;
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
  const contact = contactFor(notice.deniedBy, notice.contacts);
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
    kind: 'narrowed',
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

/**
 * The warning for one researcher whose routes to one project will narrow when
 * an agreement or accreditation expires (`cause.kind: expiry-upcoming`): the
 * routes that would go, those that would remain, and whom to contact to renew.
 */
export function buildWarning(
  notice: Omit<NarrowingNotice, 'projectLevel'> & { readonly projectLevel: AccessLevel | null },
): Notification {
  const level = notice.projectLevel;
  // The fields and the contact of a notice; only the kind and the words differ.
  const base = buildNotification({ ...notice, projectLevel: { from: level, to: level } });
  const { projectId, projectTitle, cause, removedRoutes, remainingRoutes } = notice;
  const project = projectTitle ? `"${projectTitle}" (${projectId})` : projectId;
  const remainingLine =
    remainingRoutes.length === 0
      ? 'You would then have no permitted route to this project.'
      : `You could still use ${list(remainingRoutes, 'or')}.`;
  const message = [
    `Your permitted access routes to project ${project} will narrow because ${describeCause(cause)}.`,
    `You would no longer be able to use ${list(removedRoutes, 'and')}.`,
    remainingLine,
    `To renew it in time, contact ${base.contact}.`,
  ].join(' ');
  return {
    ...base,
    kind: 'warning',
    subject: `SRS access to project ${project} will narrow on ${cause.expiresAt}`,
    message,
  };
}

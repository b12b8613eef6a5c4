/**
 * What the invariant checker reports (docs/data-model.md): each finding names
 * its invariant, its kind and the item it is about as a structured subject,
 * so that repair reads identifiers, never parses them out of a string.
 */

/** An item that could not be read as its type. */
export interface ItemSubject {
  readonly type: 'item';
  readonly key: string;
}
export interface ProjectSubject {
  readonly type: 'project';
  readonly projectId: string;
}
export interface LinkSubject {
  readonly type: 'link';
  readonly projectId: string;
  readonly datasetId: string;
}
export interface MemberSubject {
  readonly type: 'member';
  readonly projectId: string;
  readonly researcherId: string;
}
export interface NotificationSubject {
  readonly type: 'notification';
  readonly researcherId: string;
  readonly changeId: string;
  readonly projectId: string;
}
export interface ChangeSubject {
  readonly type: 'change';
  readonly changeId: string;
}
/** A versioned entity other than a project. */
export type EntitySubject =
  | { readonly type: 'dataset'; readonly datasetId: string }
  | { readonly type: 'organisation'; readonly organisationId: string }
  | { readonly type: 'researcher'; readonly researcherId: string };

export type Subject =
  | ItemSubject
  | ProjectSubject
  | LinkSubject
  | MemberSubject
  | NotificationSubject
  | ChangeSubject
  | EntitySubject;

interface FindingOf<I extends 0 | 1 | 2 | 3 | 4 | 5, K extends string, S extends Subject> {
  /** 1 summaries, 2 links, 3 notifications, 4 audit, 5 the feed; 0 for unreadable items. */
  readonly invariant: I;
  readonly kind: K;
  readonly subject: S;
  readonly detail: string;
}

/** One broken invariant, or a warning about work still in flight or stale. */
export type Finding =
  | FindingOf<0, 'malformed-item', ItemSubject>
  | FindingOf<1, 'missing-summary' | 'summary-drift' | 'orphan-summary', ProjectSubject>
  | FindingOf<2, 'dangling-link' | 'stale-link', LinkSubject>
  /** A drifted summary or a stale link that a pending change explains. */
  | FindingOf<1, 'in-flight', ProjectSubject>
  | FindingOf<2, 'in-flight', LinkSubject>
  | FindingOf<
      3,
      | 'duplicate-notification'
      | 'foreign-claim'
      | 'unknown-change'
      | 'not-a-narrowing'
      | 'undelivered',
      NotificationSubject
    >
  | FindingOf<3, 'notification-count' | 'stale-change', ChangeSubject>
  | FindingOf<4, 'audit-count', ProjectSubject | EntitySubject>
  | FindingOf<4, 'unaudited-link', LinkSubject>
  | FindingOf<4, 'unaudited-membership', MemberSubject>
  | FindingOf<4, 'unaudited-change', ChangeSubject>
  /** A notice whose narrowing the feed does not hold, or a narrowing in the feed nobody was told of. */
  | FindingOf<5, 'unrecorded-notice' | 'unnotified-narrowing', NotificationSubject>
  /** A summary's last move that the feed does not hold. */
  | FindingOf<5, 'unrecorded-move', ProjectSubject>;

export type FindingKind = Finding['kind'];

/** A subject as people read it in logs and reports, for example `link/p1/d1`. */
export function describeSubject(subject: Subject): string {
  switch (subject.type) {
    case 'item':
      return `item/${subject.key}`;
    case 'project':
      return `project/${subject.projectId}`;
    case 'link':
      return `link/${subject.projectId}/${subject.datasetId}`;
    case 'member':
      return `member/${subject.projectId}/${subject.researcherId}`;
    case 'notification':
      return `notification/${subject.researcherId}/${subject.changeId}/${subject.projectId}`;
    case 'change':
      return `change/${subject.changeId}`;
    case 'dataset':
      return `dataset/${subject.datasetId}`;
    case 'organisation':
      return `organisation/${subject.organisationId}`;
    case 'researcher':
      return `researcher/${subject.researcherId}`;
  }
}

import type {
  AccessChange,
  AccessChangeItem,
  ProjectAccessState,
  Route,
} from '../../schemas/index.js';
import { hasNarrowed } from './narrowing.js';

/** One researcher's permitted routes on a project before and after a change. */
export interface RouteChange {
  readonly researcherId: string;
  readonly from: Route[];
  readonly to: Route[];
}

/** Whether two route sets differ (a route gained or lost). */
export function routesMoved(from: readonly Route[], to: readonly Route[]): boolean {
  return hasNarrowed(from, to) || hasNarrowed(to, from);
}

/** Whether a project's level, status or routes moved. */
export function projectMoved(from: ProjectAccessState, to: ProjectAccessState): boolean {
  return (
    from.accessLevel !== to.accessLevel ||
    from.status !== to.status ||
    routesMoved(from.routes, to.routes)
  );
}

/**
 * The access-change item of one change on one project: the project's move
 * (when its level, status or routes moved) and every researcher whose routes
 * moved, ordered by id; `undefined` when nothing moved, so a change that
 * changes nothing records nothing. Its `version` is the change's time, which
 * orders the changes of one (project, researcher) (docs/propagation.md).
 */
export function accessChangeItem(args: {
  readonly changeId: string;
  readonly changeCreatedAt: string;
  readonly projectId: string;
  readonly at: string;
  readonly project?: { readonly from: ProjectAccessState; readonly to: ProjectAccessState };
  readonly researchers: readonly RouteChange[];
}): AccessChangeItem | undefined {
  const project = args.project && projectMoved(args.project.from, args.project.to);
  const researchers = args.researchers
    .filter((r) => routesMoved(r.from, r.to))
    .map((r) => ({ researcherId: r.researcherId, from: [...r.from], to: [...r.to] }))
    .sort((a, b) => (a.researcherId < b.researcherId ? -1 : 1));
  if (!project && researchers.length === 0) return undefined;
  return {
    changeId: args.changeId,
    projectId: args.projectId,
    at: args.at,
    version: Date.parse(args.changeCreatedAt),
    ...(project && args.project && { project: { from: args.project.from, to: args.project.to } }),
    researchers,
  };
}

/** A feed entry without its cursor. */
export type AccessChangeEntry = AccessChange extends infer E
  ? E extends AccessChange
    ? Omit<E, 'cursor'>
    : never
  : never;

/** The entries of an access-change item, in feed order: the project's move first, then each researcher's. */
export function feedEntries(item: AccessChangeItem): AccessChangeEntry[] {
  const common = { changeId: item.changeId, projectId: item.projectId, version: item.version };
  return [
    ...(item.project
      ? [
          {
            type: 'ProjectAccessChanged' as const,
            ...common,
            from: item.project.from,
            to: item.project.to,
            at: item.at,
          },
        ]
      : []),
    ...item.researchers.map((r) => ({
      type: 'ResearcherRoutesChanged' as const,
      ...common,
      researcherId: r.researcherId,
      from: r.from,
      to: r.to,
      at: item.at,
    })),
  ];
}

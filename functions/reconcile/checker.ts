import type { ChangeItem, ProjectAccessState, Route } from '../../schemas/index.js';
import { hasNarrowed, summariesEqual, summariseProject } from '../domain/index.js';
import { type Key, keys, notificationIdOf, type StoreContext } from '../store/index.js';
import type { EntitySubject, Finding, ProjectSubject } from './findings.js';
import { type TableSnapshot, takeSnapshot } from './snapshot.js';

/** What the checker found. Violations are errors; warnings are in-flight or stale work. */
export interface CheckReport {
  readonly violations: Finding[];
  readonly warnings: Finding[];
  readonly counts: Record<string, number>;
}

/** Checker options. */
export interface CheckOptions {
  /** When checking. */
  readonly now: Date;
  /** Pending changes and undelivered notifications older than this are reported. Default 15 minutes. */
  readonly staleAfterMs?: number;
}

const isPending = (c: ChangeItem) => c.status === 'pending';

/**
 * Checks every invariant of docs/data-model.md against a snapshot of the
 * table alone. Differences explained by a pending change are warnings
 * (`in-flight`), not violations.
 */
export function checkSnapshot(snap: TableSnapshot, options: CheckOptions): CheckReport {
  const violations: Finding[] = [];
  const warnings: Finding[] = [];
  const staleBefore = options.now.getTime() - (options.staleAfterMs ?? 15 * 60_000);
  const pending = [...snap.changes.values()].filter(isPending);
  const pendingDatasets = new Set(pending.flatMap((c) => ('datasetId' in c ? [c.datasetId] : [])));
  // Only a dataset added or removed moves a project's summary; a membership change does not.
  const pendingProjects = new Set(
    pending.flatMap((c) =>
      c.kind === 'dataset-added' || c.kind === 'dataset-removed' ? [c.projectId] : [],
    ),
  );

  for (const m of snap.malformed) {
    violations.push({
      invariant: 0,
      kind: 'malformed-item',
      subject: { type: 'item', key: m.key },
      detail: m.message,
    });
  }

  // 1. Every project summary equals what the rules compute from its current links.
  const linksByProject = new Map<string, typeof snap.links>();
  for (const l of snap.links) {
    linksByProject.set(l.projectId, [...(linksByProject.get(l.projectId) ?? []), l]);
  }
  for (const projectId of snap.projects.keys()) {
    const subject: ProjectSubject = { type: 'project', projectId };
    const stored = snap.summaries.get(projectId);
    const links = linksByProject.get(projectId) ?? [];
    const computed = summariseProject(links);
    if (!stored) {
      violations.push({
        invariant: 1,
        kind: 'missing-summary',
        subject,
        detail: 'project has no summary',
      });
    } else if (!summariesEqual(stored, computed)) {
      const detail = `stored level ${stored.accessLevel} (${stored.status}, ${stored.datasetCount} datasets), computed level ${computed.accessLevel} (${computed.status}, ${computed.datasetCount} datasets)`;
      const inFlight =
        pendingProjects.has(projectId) || links.some((l) => pendingDatasets.has(l.datasetId));
      if (inFlight) warnings.push({ invariant: 1, kind: 'in-flight', subject, detail });
      else violations.push({ invariant: 1, kind: 'summary-drift', subject, detail });
    }
  }
  for (const projectId of snap.summaries.keys()) {
    if (!snap.projects.has(projectId)) {
      violations.push({
        invariant: 1,
        kind: 'orphan-summary',
        subject: { type: 'project', projectId },
        detail: 'summary without a project',
      });
    }
  }

  // 2. Every link carries the current level of its dataset once propagation has finished.
  for (const l of snap.links) {
    const subject = { type: 'link', projectId: l.projectId, datasetId: l.datasetId } as const;
    const dataset = snap.datasets.get(l.datasetId);
    if (!dataset) {
      violations.push({
        invariant: 2,
        kind: 'dangling-link',
        subject,
        detail: 'dataset does not exist',
      });
    } else if (dataset.accessLevel !== l.accessLevel || l.datasetVersion > dataset.version) {
      const detail = `link level ${l.accessLevel} (dataset v${l.datasetVersion}), dataset level ${dataset.accessLevel} (v${dataset.version})`;
      if (pendingDatasets.has(l.datasetId)) {
        warnings.push({ invariant: 2, kind: 'in-flight', subject, detail });
      } else {
        violations.push({ invariant: 2, kind: 'stale-link', subject, detail });
      }
    }
  }

  // 3. Exactly one notification per (change, researcher, project) that narrowed, none for others.
  const perChange = new Map<string, number>();
  const seen = new Set<string>();
  for (const n of snap.notifications) {
    const subject = {
      type: 'notification',
      researcherId: n.researcherId,
      changeId: n.changeId,
      projectId: n.projectId,
    } as const;
    const triple = `${n.changeId}\u0000${n.researcherId}\u0000${n.projectId}`;
    if (seen.has(triple)) {
      violations.push({
        invariant: 3,
        kind: 'duplicate-notification',
        subject,
        detail: 'claimed twice',
      });
    }
    seen.add(triple);
    perChange.set(n.changeId, (perChange.get(n.changeId) ?? 0) + 1);
    if (n.notificationId !== notificationIdOf(n.changeId, n.researcherId, n.projectId)) {
      violations.push({
        invariant: 3,
        kind: 'foreign-claim',
        subject,
        detail: `id ${n.notificationId} is not the id of its (change, researcher, project)`,
      });
    }
    // A warning has no change: its id derives from the expiring fact and the window.
    if (n.kind !== 'warning' && !snap.changes.has(n.changeId)) {
      violations.push({ invariant: 3, kind: 'unknown-change', subject, detail: 'no such change' });
    }
    if (
      n.removedRoutes.length === 0 ||
      n.removedRoutes.some((r) => n.remainingRoutes.includes(r))
    ) {
      violations.push({
        invariant: 3,
        kind: 'not-a-narrowing',
        subject,
        detail: `removed [${n.removedRoutes}] remaining [${n.remainingRoutes}]`,
      });
    }
    if (n.deliveredAt === undefined && Date.parse(n.createdAt) <= staleBefore) {
      warnings.push({
        invariant: 3,
        kind: 'undelivered',
        subject,
        detail: `claimed ${n.createdAt}`,
      });
    }
  }
  for (const c of snap.changes.values()) {
    const claimed = perChange.get(c.changeId) ?? 0;
    if (c.status === 'applied' && c.notifications !== claimed) {
      violations.push({
        invariant: 3,
        kind: 'notification-count',
        subject: { type: 'change', changeId: c.changeId },
        detail: `change counts ${c.notifications} notifications, ${claimed} exist`,
      });
    }
    if (isPending(c) && Date.parse(c.createdAt) <= staleBefore) {
      warnings.push({
        invariant: 3,
        kind: 'stale-change',
        subject: { type: 'change', changeId: c.changeId },
        detail: `pending since ${c.createdAt} (${c.pagesDone} pages done)`,
      });
    }
  }

  // 5. The feed holds every derived change: the moves of summaries and of researchers' routes.
  const entries = new Map<string, { from: Route[]; to: Route[] }>();
  const projectMoves = new Map<string, ProjectAccessState>();
  for (const item of snap.accessChanges) {
    if (item.project) projectMoves.set(`${item.changeId}/${item.projectId}`, item.project.to);
    for (const r of item.researchers) {
      entries.set(`${item.changeId}/${item.projectId}/${r.researcherId}`, r);
    }
  }
  const noticed = new Set<string>();
  for (const n of snap.notifications) {
    // A warning tells of a narrowing to come: nothing has moved yet.
    if (n.kind === 'warning') continue;
    const id = `${n.changeId}/${n.projectId}/${n.researcherId}`;
    noticed.add(id);
    const entry = entries.get(id);
    const removed = entry ? entry.from.filter((r) => !entry.to.includes(r)) : [];
    if (
      !entry ||
      entry.to.join() !== n.remainingRoutes.join() ||
      removed.join() !== n.removedRoutes.join()
    ) {
      violations.push({
        invariant: 5,
        kind: 'unrecorded-notice',
        subject: {
          type: 'notification',
          researcherId: n.researcherId,
          changeId: n.changeId,
          projectId: n.projectId,
        },
        detail: entry
          ? `the feed records ${entry.from.join(',')} -> ${entry.to.join(',')}`
          : 'no ResearcherRoutesChanged entry records this narrowing',
      });
    }
  }
  for (const item of snap.accessChanges) {
    if (snap.changes.get(item.changeId)?.status !== 'applied') continue;
    for (const r of item.researchers) {
      const id = `${item.changeId}/${item.projectId}/${r.researcherId}`;
      if (hasNarrowed(r.from, r.to) && !noticed.has(id)) {
        violations.push({
          invariant: 5,
          kind: 'unnotified-narrowing',
          subject: {
            type: 'notification',
            researcherId: r.researcherId,
            changeId: item.changeId,
            projectId: item.projectId,
          },
          detail: `routes narrowed ${r.from.join(',')} -> ${r.to.join(',')} with no notice`,
        });
      }
    }
  }
  for (const summary of snap.summaries.values()) {
    const { changeId, previous } = summary;
    if (changeId === undefined || !previous) continue;
    if (previous.accessLevel === summary.accessLevel && previous.status === summary.status)
      continue;
    const moved = projectMoves.get(`${changeId}/${summary.projectId}`);
    if (
      !moved ||
      moved.accessLevel !== summary.accessLevel ||
      moved.status !== summary.status ||
      moved.routes.join() !== summary.routes.join()
    ) {
      violations.push({
        invariant: 5,
        kind: 'unrecorded-move',
        subject: { type: 'project', projectId: summary.projectId },
        detail: `change ${changeId} moved the project; the feed ${moved ? 'records another state' : 'has no entry'}`,
      });
    }
  }

  // 4. Every accepted write has an audit entry.
  const auditedChanges = new Set<string>();
  for (const entries of snap.audits.values()) {
    for (const a of entries) if (a.changeId) auditedChanges.add(a.changeId);
  }
  const versioned: [
    string,
    (id: string) => Key,
    (id: string) => ProjectSubject | EntitySubject,
    Map<string, { version: number }>,
  ][] = [
    ['dataset', keys.dataset, (datasetId) => ({ type: 'dataset', datasetId }), snap.datasets],
    ['project', keys.project, (projectId) => ({ type: 'project', projectId }), snap.projects],
    [
      'organisation',
      keys.organisation,
      (organisationId) => ({ type: 'organisation', organisationId }),
      snap.organisations,
    ],
    [
      'researcher',
      keys.researcher,
      (researcherId) => ({ type: 'researcher', researcherId }),
      snap.researchers,
    ],
  ];
  for (const [entity, keyOf, subjectOf, items] of versioned) {
    for (const [id, item] of items) {
      const count = (snap.audits.get(keyOf(id).pk) ?? []).filter((a) => a.entity === entity).length;
      if (count !== item.version) {
        violations.push({
          invariant: 4,
          kind: 'audit-count',
          subject: subjectOf(id),
          detail: `version ${item.version} but ${count} audit entries`,
        });
      }
    }
  }
  const created = (pk: string, entity: string, entityId: string) =>
    (snap.audits.get(pk) ?? []).some(
      (a) => a.entity === entity && a.entityId === entityId && a.action === 'create',
    );
  for (const l of snap.links) {
    if (!created(keys.project(l.projectId).pk, 'link', `${l.projectId}/${l.datasetId}`)) {
      violations.push({
        invariant: 4,
        kind: 'unaudited-link',
        subject: { type: 'link', projectId: l.projectId, datasetId: l.datasetId },
        detail: 'no audit entry records this link',
      });
    }
  }
  for (const m of snap.members) {
    if (!created(keys.project(m.projectId).pk, 'membership', `${m.projectId}/${m.researcherId}`)) {
      violations.push({
        invariant: 4,
        kind: 'unaudited-membership',
        subject: { type: 'member', projectId: m.projectId, researcherId: m.researcherId },
        detail: 'no audit entry records this membership',
      });
    }
  }
  for (const c of snap.changes.values()) {
    if (c.kind !== 'expiry' && !auditedChanges.has(c.changeId)) {
      violations.push({
        invariant: 4,
        kind: 'unaudited-change',
        subject: { type: 'change', changeId: c.changeId },
        detail: 'no audit entry names this change',
      });
    }
  }

  return {
    violations,
    warnings,
    counts: {
      datasets: snap.datasets.size,
      projects: snap.projects.size,
      links: snap.links.length,
      members: snap.members.length,
      organisations: snap.organisations.size,
      researchers: snap.researchers.size,
      notifications: snap.notifications.length,
      changes: snap.changes.size,
      accessChanges: snap.accessChanges.length,
      pendingChanges: pending.length,
    },
  };
}

/** Reads the table and checks every invariant. */
export async function checkInvariants(
  ctx: StoreContext,
  options: Partial<CheckOptions> = {},
): Promise<CheckReport> {
  return checkSnapshot(await takeSnapshot(ctx), { now: ctx.now(), ...options });
}

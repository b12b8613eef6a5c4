import type { ChangeItem } from '../../schemas/index.js';
import { summariesEqual, summariseProject } from '../domain/index.js';
import { type Key, keys, notificationIdOf, type StoreContext } from '../store/index.js';
import { type TableSnapshot, takeSnapshot } from './snapshot.js';

/** One broken invariant (docs/data-model.md), or a warning about work still in flight. */
export interface Finding {
  /** 1 summaries, 2 links, 3 notifications, 4 audit; 0 for unreadable items. */
  readonly invariant: 0 | 1 | 2 | 3 | 4;
  readonly kind: string;
  /** The item the finding is about, for example `project/p1` or `link/p1/d1`. */
  readonly subject: string;
  readonly detail: string;
}

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
  const pendingDatasets = new Set(pending.flatMap((c) => (c.datasetId ? [c.datasetId] : [])));
  const pendingProjects = new Set(pending.flatMap((c) => (c.projectId ? [c.projectId] : [])));

  for (const m of snap.malformed) {
    violations.push({ invariant: 0, kind: 'malformed-item', subject: m.key, detail: m.message });
  }

  // 1. Every project summary equals what the rules compute from its current links.
  const linksByProject = new Map<string, typeof snap.links>();
  for (const l of snap.links) {
    linksByProject.set(l.projectId, [...(linksByProject.get(l.projectId) ?? []), l]);
  }
  for (const projectId of snap.projects.keys()) {
    const stored = snap.summaries.get(projectId);
    const links = linksByProject.get(projectId) ?? [];
    const computed = summariseProject(links);
    if (!stored) {
      violations.push({
        invariant: 1,
        kind: 'missing-summary',
        subject: `project/${projectId}`,
        detail: 'project has no summary',
      });
    } else if (!summariesEqual(stored, computed)) {
      const finding: Finding = {
        invariant: 1,
        kind: 'summary-drift',
        subject: `project/${projectId}`,
        detail: `stored level ${stored.accessLevel} (${stored.status}, ${stored.datasetCount} datasets), computed level ${computed.accessLevel} (${computed.status}, ${computed.datasetCount} datasets)`,
      };
      const inFlight =
        pendingProjects.has(projectId) || links.some((l) => pendingDatasets.has(l.datasetId));
      (inFlight ? warnings : violations).push(
        inFlight ? { ...finding, kind: 'in-flight' } : finding,
      );
    }
  }
  for (const projectId of snap.summaries.keys()) {
    if (!snap.projects.has(projectId)) {
      violations.push({
        invariant: 1,
        kind: 'orphan-summary',
        subject: `project/${projectId}`,
        detail: 'summary without a project',
      });
    }
  }

  // 2. Every link carries the current level of its dataset once propagation has finished.
  for (const l of snap.links) {
    const subject = `link/${l.projectId}/${l.datasetId}`;
    const dataset = snap.datasets.get(l.datasetId);
    if (!dataset) {
      violations.push({
        invariant: 2,
        kind: 'dangling-link',
        subject,
        detail: 'dataset does not exist',
      });
    } else if (dataset.accessLevel !== l.accessLevel || l.datasetVersion > dataset.version) {
      const finding: Finding = {
        invariant: 2,
        kind: 'stale-link',
        subject,
        detail: `link level ${l.accessLevel} (dataset v${l.datasetVersion}), dataset level ${dataset.accessLevel} (v${dataset.version})`,
      };
      if (pendingDatasets.has(l.datasetId)) warnings.push({ ...finding, kind: 'in-flight' });
      else violations.push(finding);
    }
  }

  // 3. Exactly one notification per (change, researcher, project) that narrowed, none for others.
  const perChange = new Map<string, number>();
  const seen = new Set<string>();
  for (const n of snap.notifications) {
    const subject = `notification/${n.researcherId}/${n.changeId}/${n.projectId}`;
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
    if (!snap.changes.has(n.changeId)) {
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
        subject: `change/${c.changeId}`,
        detail: `change counts ${c.notifications} notifications, ${claimed} exist`,
      });
    }
    if (isPending(c) && Date.parse(c.createdAt) <= staleBefore) {
      warnings.push({
        invariant: 3,
        kind: 'stale-change',
        subject: `change/${c.changeId}`,
        detail: `pending since ${c.createdAt} (${c.pagesDone} pages done)`,
      });
    }
  }

  // 4. Every accepted write has an audit entry.
  const auditedChanges = new Set<string>();
  for (const entries of snap.audits.values()) {
    for (const a of entries) if (a.changeId) auditedChanges.add(a.changeId);
  }
  const versioned: [string, (id: string) => Key, Map<string, { version: number }>][] = [
    ['dataset', keys.dataset, snap.datasets],
    ['project', keys.project, snap.projects],
    ['organisation', keys.organisation, snap.organisations],
    ['researcher', keys.researcher, snap.researchers],
  ];
  for (const [entity, keyOf, items] of versioned) {
    for (const [id, item] of items) {
      const count = (snap.audits.get(keyOf(id).pk) ?? []).filter((a) => a.entity === entity).length;
      if (count !== item.version) {
        violations.push({
          invariant: 4,
          kind: 'audit-count',
          subject: `${entity}/${id}`,
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
        subject: `link/${l.projectId}/${l.datasetId}`,
        detail: 'no audit entry records this link',
      });
    }
  }
  for (const m of snap.members) {
    if (!created(keys.project(m.projectId).pk, 'membership', `${m.projectId}/${m.researcherId}`)) {
      violations.push({
        invariant: 4,
        kind: 'unaudited-membership',
        subject: `member/${m.projectId}/${m.researcherId}`,
        detail: 'no audit entry records this membership',
      });
    }
  }
  for (const c of snap.changes.values()) {
    if (c.kind !== 'expiry' && !auditedChanges.has(c.changeId)) {
      violations.push({
        invariant: 4,
        kind: 'unaudited-change',
        subject: `change/${c.changeId}`,
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

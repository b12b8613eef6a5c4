/**
 * The model of the model-based test: what the catalogue should be after a
 * sequence of accepted writes, and an oracle for the notifications a single
 * write must produce, computed only from the model with the pure rules
 * (`summariseProject`, `decideRoutes`), never from the table.
 */
import {
  type DatasetLevel,
  decideRoutes,
  expiryMoment,
  summariseProject,
} from '../../../functions/domain/index.js';
import { derivedChangeId } from '../../../functions/store/index.js';
import {
  type Accreditation,
  AGREEMENT_KINDS,
  type Agreements,
  type Classification,
  type ProjectSummary,
  type Route,
} from '../../../schemas/index.js';

/** A researcher as the model knows them. */
export interface ModelResearcher {
  readonly organisationId: string;
  readonly accreditation: Accreditation;
}

/** One expected notification, as comparable text. */
export type Notice = string;

/** A notice as text: who, where, what was lost, what is left, and the project level move. */
export function notice(n: {
  readonly researcherId: string;
  readonly projectId: string;
  readonly removedRoutes: readonly Route[];
  readonly remainingRoutes: readonly Route[];
  readonly projectLevel: { readonly from: Classification; readonly to: Classification };
}): Notice {
  return `${n.researcherId} on ${n.projectId}: lost [${n.removedRoutes.join(' ')}], kept [${n.remainingRoutes.join(' ')}], level ${n.projectLevel.from} -> ${n.projectLevel.to}`;
}

const pair = (a: string, b: string) => `${a}\u0000${b}`;

/** An expiry a reconciler run must start: the change's id and the notices it must produce. */
export interface DueExpiry {
  readonly changeId: string;
  readonly expected: Notice[];
}

/** A fact that can expire: what it is, when it runs out, and whose routes it carries. */
interface ExpiringFact {
  readonly key: string;
  readonly idFacts: readonly string[];
  readonly expiresAt: string;
  readonly researcherIds: readonly string[];
}

/** The catalogue as it should be. Ids are the full (run-prefixed) ids. */
export class World {
  readonly levels = new Map<string, Classification>();
  /** Links as project → datasets. */
  readonly links = new Map<string, Set<string>>();
  /** Members as project → researchers. */
  readonly members = new Map<string, Set<string>>();
  readonly agreements = new Map<string, Agreements>();
  readonly researchers = new Map<string, ModelResearcher>();
  /** Since when (ms) each expiring fact has held unchanged. */
  private readonly heldSince = new Map<string, number>();
  /** When the reconciler last looked for expiries (ms). */
  private lastSweep: number;

  constructor(
    readonly projects: readonly string[],
    start: Date,
  ) {
    this.lastSweep = start.getTime();
    for (const p of projects) {
      this.links.set(p, new Set());
      this.members.set(p, new Set());
    }
  }

  /** Replaces an organisation's agreements at `at`. */
  setAgreements(organisationId: string, agreements: Agreements, at: Date): void {
    const before = this.facts();
    this.agreements.set(organisationId, agreements);
    this.restart(before, at);
  }

  /** Replaces a researcher's standing at `at`. */
  setResearcher(researcherId: string, standing: ModelResearcher, at: Date): void {
    const before = this.facts();
    this.researchers.set(researcherId, standing);
    this.restart(before, at);
  }

  /** Every approved agreement and eligible accreditation with an expiry, as they are now. */
  private facts(): ExpiringFact[] {
    const out: ExpiringFact[] = [];
    for (const [organisationId, agreements] of this.agreements) {
      for (const kind of AGREEMENT_KINDS) {
        const a = agreements[kind];
        if (a?.status !== 'approved' || a.expiresAt === undefined) continue;
        out.push({
          key: `organisation/${organisationId}/${kind}/${a.expiresAt}`,
          idFacts: ['organisation', organisationId, kind, a.expiresAt],
          expiresAt: a.expiresAt,
          researcherIds: [...this.researchers]
            .filter(([, r]) => r.organisationId === organisationId)
            .map(([id]) => id),
        });
      }
    }
    for (const [researcherId, r] of this.researchers) {
      const { status, expiresAt } = r.accreditation;
      if ((status !== 'accredited' && status !== 'provisional') || expiresAt === undefined)
        continue;
      out.push({
        key: `researcher/${researcherId}/${expiresAt}`,
        idFacts: ['researcher', researcherId, expiresAt],
        expiresAt,
        researcherIds: [researcherId],
      });
    }
    return out;
  }

  /** A fact that holds now and did not before a write starts holding at `at`. */
  private restart(before: readonly ExpiringFact[], at: Date): void {
    const held = new Set(before.map((f) => f.key));
    for (const f of this.facts()) {
      if (!held.has(f.key)) this.heldSince.set(f.key, at.getTime());
    }
  }

  /**
   * The expiries a reconciler run at `now` must start: every fact whose
   * instant passed since the last run and after it began to hold, with the
   * notices of the members whose routes it took at that instant. Records the run.
   */
  dueExpiries(now: Date): DueExpiry[] {
    const out: DueExpiry[] = [];
    for (const f of this.facts()) {
      const at = expiryMoment(f.expiresAt);
      const since = Math.max(this.lastSweep, this.heldSince.get(f.key) ?? 0);
      if (!(at <= now.getTime() && at > since)) continue;
      const expected: Notice[] = [];
      for (const researcherId of f.researcherIds) {
        const standing = this.standingOf(researcherId);
        for (const projectId of this.projects) {
          if (!this.isMember(projectId, researcherId)) continue;
          const summary = this.summary(projectId);
          expected.push(
            ...narrowed(researcherId, projectId, summary, summary, standing, standing, {
              before: new Date(at - 1),
              after: new Date(at),
            }),
          );
        }
      }
      out.push({ changeId: derivedChangeId(at, ...f.idFacts), expected: expected.sort() });
    }
    this.lastSweep = now.getTime();
    return out;
  }

  isLinked(projectId: string, datasetId: string): boolean {
    return this.links.get(projectId)?.has(datasetId) ?? false;
  }

  isMember(projectId: string, researcherId: string): boolean {
    return this.members.get(projectId)?.has(researcherId) ?? false;
  }

  /** The summary the rules give a project from its links, with `levels` overriding the model's. */
  summary(
    projectId: string,
    override?: { datasetId: string; level: Classification },
  ): ProjectSummary {
    const datasets: DatasetLevel[] = [...(this.links.get(projectId) ?? [])].map((datasetId) => ({
      datasetId,
      accessLevel:
        override?.datasetId === datasetId ? override.level : (this.levels.get(datasetId) ?? null),
    }));
    if (override && !datasets.some((d) => d.datasetId === override.datasetId)) {
      datasets.push({ datasetId: override.datasetId, accessLevel: override.level });
    }
    return summariseProject(datasets);
  }

  private standingOf(researcherId: string) {
    const r = this.researchers.get(researcherId);
    return {
      agreements: r ? this.agreements.get(r.organisationId) : undefined,
      accreditation: r?.accreditation,
    };
  }

  /** The notices of every member of the projects whose summaries move from `before` to `after`. */
  private projectNotices(
    projects: readonly string[],
    after: (projectId: string) => ProjectSummary,
    at: Date,
  ): Notice[] {
    const out: Notice[] = [];
    for (const projectId of projects) {
      const was = this.summary(projectId);
      const is = after(projectId);
      for (const researcherId of this.members.get(projectId) ?? []) {
        const standing = this.standingOf(researcherId);
        out.push(...narrowed(researcherId, projectId, was, is, standing, standing, at));
      }
    }
    return out.sort();
  }

  /** Notices a change of a dataset's level must produce (computed before applying it). */
  levelChangeNotices(datasetId: string, level: Classification, at: Date): Notice[] {
    const users = this.projects.filter((p) => this.isLinked(p, datasetId));
    return this.projectNotices(users, (p) => this.summary(p, { datasetId, level }), at);
  }

  /** Notices adding a dataset to a project must produce (computed before applying it). */
  linkNotices(projectId: string, datasetId: string, at: Date): Notice[] {
    const level = this.levels.get(datasetId) ?? null;
    return this.projectNotices([projectId], (p) => this.summary(p, { datasetId, level }), at);
  }

  /** Notices removing a dataset from a project must produce (computed before applying it). */
  unlinkNotices(projectId: string, datasetId: string, at: Date): Notice[] {
    const rest = [...(this.links.get(projectId) ?? [])].filter((d) => d !== datasetId);
    const after = summariseProject(
      rest.map((d) => ({ datasetId: d, accessLevel: this.levels.get(d) ?? null })),
    );
    return this.projectNotices([projectId], () => after, at);
  }

  /**
   * The notice removing a researcher from a project must produce (computed
   * before applying it): every route they had, lost, when they had any.
   */
  membershipEndedNotices(projectId: string, researcherId: string, at: Date): Notice[] {
    const summary = this.summary(projectId);
    const from = decideRoutes(
      { isMember: true, project: summary, ...this.standingOf(researcherId) },
      at,
    ).routes;
    if (from.length === 0) return [];
    return [
      notice({
        researcherId,
        projectId,
        removedRoutes: from,
        remainingRoutes: [],
        projectLevel: { from: summary.accessLevel, to: summary.accessLevel },
      }),
    ];
  }

  /** Notices replacing an organisation's agreements must produce (computed before applying it). */
  organisationNotices(organisationId: string, agreements: Agreements, at: Date): Notice[] {
    const out: Notice[] = [];
    for (const [researcherId, r] of this.researchers) {
      if (r.organisationId !== organisationId) continue;
      for (const projectId of this.projects) {
        if (!this.isMember(projectId, researcherId)) continue;
        const summary = this.summary(projectId);
        const before = {
          agreements: this.agreements.get(organisationId),
          accreditation: r.accreditation,
        };
        const after = { agreements, accreditation: r.accreditation };
        out.push(...narrowed(researcherId, projectId, summary, summary, before, after, at));
      }
    }
    return out.sort();
  }

  /** Notices replacing a researcher's standing must produce (computed before applying it). */
  researcherNotices(researcherId: string, next: ModelResearcher, at: Date): Notice[] {
    const current = this.researchers.get(researcherId);
    if (!current) return [];
    const before = this.standingOf(researcherId);
    const after = {
      agreements: this.agreements.get(next.organisationId),
      accreditation: next.accreditation,
    };
    const out: Notice[] = [];
    for (const projectId of this.projects) {
      if (!this.isMember(projectId, researcherId)) continue;
      const summary = this.summary(projectId);
      out.push(...narrowed(researcherId, projectId, summary, summary, before, after, at));
    }
    return out.sort();
  }

  link(projectId: string, datasetId: string): void {
    this.links.get(projectId)?.add(datasetId);
  }

  unlink(projectId: string, datasetId: string): void {
    this.links.get(projectId)?.delete(datasetId);
  }

  addMember(projectId: string, researcherId: string): void {
    this.members.get(projectId)?.add(researcherId);
  }

  removeMember(projectId: string, researcherId: string): void {
    this.members.get(projectId)?.delete(researcherId);
  }

  /** Every link as comparable text. */
  linkPairs(): string[] {
    return [...this.links].flatMap(([p, ds]) => [...ds].map((d) => pair(p, d))).sort();
  }

  /** Every membership as comparable text. */
  memberPairs(): string[] {
    return [...this.members].flatMap(([p, rs]) => [...rs].map((r) => pair(p, r))).sort();
  }
}

/**
 * The notice of one member whose routes narrow, if they do, judged at one
 * instant (a write) or before and after one (an expiry); computed
 * independently of the system.
 */
function narrowed(
  researcherId: string,
  projectId: string,
  was: ProjectSummary,
  is: ProjectSummary,
  before: { agreements: Agreements | undefined; accreditation: Accreditation | undefined },
  after: { agreements: Agreements | undefined; accreditation: Accreditation | undefined },
  at: Date | { readonly before: Date; readonly after: Date },
): Notice[] {
  const [atBefore, atAfter] = at instanceof Date ? [at, at] : [at.before, at.after];
  const from = decideRoutes({ isMember: true, project: was, ...before }, atBefore).routes;
  const to = decideRoutes({ isMember: true, project: is, ...after }, atAfter).routes;
  const removedRoutes = from.filter((r) => !to.includes(r));
  if (removedRoutes.length === 0) return [];
  return [
    notice({
      researcherId,
      projectId,
      removedRoutes,
      remainingRoutes: to,
      projectLevel: { from: was.accessLevel, to: is.accessLevel },
    }),
  ];
}

/** Links or memberships of the table as the same comparable text as the model's. */
export function pairs(
  items: readonly { projectId: string }[],
  other: 'datasetId' | 'researcherId',
) {
  return items.map((i) => pair(i.projectId, String((i as Record<string, unknown>)[other]))).sort();
}

/** What of a summary the rules decide (not its version, times or cause), to compare two. */
export const summaryView = (s: ProjectSummary | undefined) =>
  s && {
    accessLevel: s.accessLevel,
    status: s.status,
    routes: s.routes,
    limitingDatasets: s.limitingDatasets,
    datasetCount: s.datasetCount,
  };

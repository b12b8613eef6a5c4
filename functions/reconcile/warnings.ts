import { PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Accreditation,
  AGREEMENT_KINDS,
  type Agreements,
  type Contacts,
  type Notification,
} from '../../schemas/index.js';
import {
  buildWarning,
  decideRoutes,
  expiryMoment,
  expiryUpcomingCause,
  narrowingTo,
} from '../domain/index.js';
import {
  derivedChangeId,
  isConditionFailure,
  notificationIdOf,
  notificationPut,
  type StoreContext,
} from '../store/index.js';
import type { TableSnapshot } from './snapshot.js';

/** The warning windows, in days before an expiry, by default (docs/rules.md). */
export const DEFAULT_WARNING_DAYS: readonly number[] = [30, 7];

const DAY_MS = 24 * 60 * 60 * 1000;

/** The warning windows from `EXPIRY_WARNING_DAYS` (comma-separated whole days), or the default. */
export function warningDaysFromEnv(env: NodeJS.ProcessEnv = process.env): readonly number[] {
  const raw = env.EXPIRY_WARNING_DAYS;
  if (raw === undefined || raw.trim() === '') return DEFAULT_WARNING_DAYS;
  const days = raw.split(',').map((d) => Number(d.trim()));
  if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 365)) {
    throw new Error(
      `EXPIRY_WARNING_DAYS must list whole days from 1 to 365, comma-separated (got "${raw}")`,
    );
  }
  return days;
}

/** One fact that will expire, and whose routes it serves. */
interface Expiring {
  readonly expiresAt: string;
  /** Identifies the fact in a warning's id. */
  readonly fact: readonly string[];
  readonly cause: ReturnType<typeof expiryUpcomingCause>;
  readonly researcherIds: readonly string[];
}

/**
 * Sends the expiry warnings due now: for each approved agreement and eligible
 * accreditation whose expiry falls inside a warning window, one warning per
 * researcher and project whose routes that expiry would narrow (judged on the
 * projects and standings as they are now, at the moment of the expiry). Only
 * the nearest open window warns, so a fact first seen 5 days before its
 * expiry gets the 7-day warning, never the 30-day one as well. A warning's id
 * derives from (researcher, project, fact, `expiresAt`, window), so a run
 * repeated, or two at once, sends each once, and a renewal (a new `expiresAt`)
 * opens new windows. Returns the ids of the warnings it claimed.
 */
export async function sendExpiryWarnings(
  ctx: StoreContext & { readonly contacts?: Contacts },
  snap: Pick<
    TableSnapshot,
    'organisations' | 'researchers' | 'members' | 'summaries' | 'projects' | 'notifications'
  >,
  windowDays: readonly number[] = DEFAULT_WARNING_DAYS,
): Promise<string[]> {
  const now = ctx.now();
  const researchers = [...snap.researchers.values()];
  const expiring: Expiring[] = [];
  for (const org of snap.organisations.values()) {
    for (const agreement of AGREEMENT_KINDS) {
      const held = org.agreements[agreement];
      if (held?.status !== 'approved' || held.expiresAt === undefined) continue;
      const subject = { organisationId: org.organisationId, agreement };
      expiring.push({
        expiresAt: held.expiresAt,
        fact: ['organisation', org.organisationId, agreement],
        cause: expiryUpcomingCause(subject, held.expiresAt),
        researcherIds: researchers
          .filter((r) => r.organisationId === org.organisationId)
          .map((r) => r.researcherId),
      });
    }
  }
  for (const r of researchers) {
    const { status, expiresAt } = r.accreditation;
    if ((status !== 'accredited' && status !== 'provisional') || expiresAt === undefined) continue;
    expiring.push({
      expiresAt,
      fact: ['researcher', r.researcherId],
      cause: expiryUpcomingCause({ researcherId: r.researcherId }, expiresAt),
      researcherIds: [r.researcherId],
    });
  }
  const already = new Set(snap.notifications.map((n) => n.notificationId));
  const projectsOf = new Map<string, string[]>();
  for (const m of snap.members) {
    projectsOf.set(m.researcherId, [...(projectsOf.get(m.researcherId) ?? []), m.projectId]);
  }
  const sent: string[] = [];
  for (const e of expiring) {
    const at = expiryMoment(e.expiresAt);
    const left = at - now.getTime();
    if (!(left > 0)) continue;
    const open = windowDays.filter((d) => left <= d * DAY_MS);
    if (open.length === 0) continue;
    const window = Math.min(...open);
    for (const researcherId of e.researcherIds) {
      const r = snap.researchers.get(researcherId);
      if (!r) continue;
      const standing = {
        agreements: snap.organisations.get(r.organisationId)?.agreements as Agreements | undefined,
        accreditation: r.accreditation as Accreditation,
      };
      for (const projectId of projectsOf.get(researcherId) ?? []) {
        const project = snap.summaries.get(projectId);
        if (!project) continue;
        const decide = (when: Date) => decideRoutes({ isMember: true, project, ...standing }, when);
        const lost = narrowingTo(decide(now).routes, decide(new Date(at)));
        if (!lost) continue;
        const changeId = derivedChangeId(at, 'warning', ...e.fact, e.expiresAt, `${window}d`);
        const warning: Notification = buildWarning({
          notificationId: notificationIdOf(changeId, researcherId, projectId),
          changeId,
          researcherId,
          projectId,
          ...(snap.projects.get(projectId) && {
            projectTitle: snap.projects.get(projectId)?.title,
          }),
          cause: e.cause,
          projectLevel: project.accessLevel,
          ...lost,
          createdAt: now.toISOString(),
          ...(ctx.contacts && { contacts: ctx.contacts }),
        });
        if (already.has(warning.notificationId)) continue;
        try {
          await ctx.doc.send(new PutCommand(notificationPut(ctx, warning).Put));
          sent.push(warning.notificationId);
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
        }
      }
    }
  }
  return sent;
}

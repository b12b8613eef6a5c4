import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { AGREEMENT_KINDS, type AuditEntry } from '../../schemas/index.js';
import { isRecord } from '../commons/index.js';
import { expiryCause, expiryMoment } from '../domain/index.js';
import {
  type ChangeFacts,
  changePut,
  derivedChangeId,
  isConditionFailure,
  keys,
  newChange,
  type StoreContext,
} from '../store/index.js';
import type { TableSnapshot } from './snapshot.js';

/** Whether an audited view holds the fact `same` looks for (views are `unknown` in the trail). */
type FactTest = (view: Record<string, unknown>) => boolean;

/**
 * When the current value of a fact was first written: the earliest of the
 * latest run of audit entries whose `to` holds it, or `writtenAt` (the
 * entity's last write) when the trail says nothing.
 */
function factSince(
  entries: readonly AuditEntry[] | undefined,
  holds: FactTest,
  writtenAt: string,
): number {
  let since: number | undefined;
  const newestFirst = [...(entries ?? [])].sort((a, b) => b.at.localeCompare(a.at));
  for (const entry of newestFirst) {
    if (!isRecord(entry.to) || !holds(entry.to)) break;
    since = Date.parse(entry.at);
  }
  return since ?? Date.parse(writtenAt);
}

/**
 * Starts an `expiry` change for every approved agreement and every eligible
 * accreditation whose expiry has passed since that expiry was written, unless
 * the change exists already. There is no look-back window: what is due is
 * derived from the stored facts and their audit trail alone, so the first
 * sweep after a reconciler outage of any length starts every expiry it
 * missed, while an expiry that had already passed when it was written starts
 * nothing (that write was judged with it). Change ids derive from the facts,
 * so a sweep run twice (or by two schedulers) starts each expiry once.
 * Returns the ids of the changes it started.
 */
export async function sweepExpiries(
  ctx: StoreContext,
  snap: Pick<TableSnapshot, 'organisations' | 'researchers' | 'changes' | 'audits'>,
): Promise<string[]> {
  const now = ctx.now();
  const due = (expiresAt: string | undefined, since: () => number) => {
    if (expiresAt === undefined) return undefined;
    const at = expiryMoment(expiresAt);
    return at <= now.getTime() && at > since() ? at : undefined;
  };
  const started: string[] = [];
  // Routes before an expiry are judged just before its instant.
  const justBefore = (at: number) => new Date(at - 1).toISOString();
  const start = async (at: number, facts: ChangeFacts, ...idFacts: string[]) => {
    const change = newChange(now, facts, derivedChangeId(at, ...idFacts));
    if (snap.changes.has(change.changeId)) return;
    try {
      await ctx.doc.send(new PutCommand(changePut(ctx, change).Put));
      started.push(change.changeId);
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  };
  for (const org of snap.organisations.values()) {
    for (const kind of AGREEMENT_KINDS) {
      const agreement = org.agreements[kind];
      const holds: FactTest = (view) => {
        const held = isRecord(view.agreements) ? view.agreements[kind] : undefined;
        return (
          isRecord(held) && held.status === 'approved' && held.expiresAt === agreement?.expiresAt
        );
      };
      const at =
        agreement?.status === 'approved'
          ? due(agreement.expiresAt, () =>
              factSince(
                snap.audits.get(keys.organisation(org.organisationId).pk),
                holds,
                org.updatedAt,
              ),
            )
          : undefined;
      if (at === undefined || !agreement?.expiresAt) continue;
      await start(
        at,
        {
          kind: 'expiry',
          actor: 'system:reconciler',
          beforeAt: justBefore(at),
          organisationId: org.organisationId,
          cause: expiryCause(
            { organisationId: org.organisationId, agreement: kind },
            agreement.expiresAt,
          ),
        },
        'organisation',
        org.organisationId,
        kind,
        agreement.expiresAt,
      );
    }
  }
  for (const r of snap.researchers.values()) {
    const { status, expiresAt } = r.accreditation;
    const eligible = (st: unknown) => st === 'accredited' || st === 'provisional';
    const holds: FactTest = (view) =>
      isRecord(view.accreditation) &&
      eligible(view.accreditation.status) &&
      view.accreditation.expiresAt === expiresAt;
    const at = eligible(status)
      ? due(expiresAt, () =>
          factSince(snap.audits.get(keys.researcher(r.researcherId).pk), holds, r.updatedAt),
        )
      : undefined;
    if (at === undefined || !expiresAt) continue;
    await start(
      at,
      {
        kind: 'expiry',
        actor: 'system:reconciler',
        beforeAt: justBefore(at),
        researcherId: r.researcherId,
        cause: expiryCause({ researcherId: r.researcherId }, expiresAt),
      },
      'researcher',
      r.researcherId,
      expiresAt,
    );
  }
  return started;
}

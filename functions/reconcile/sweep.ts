import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { AGREEMENT_KINDS } from '../../schemas/index.js';
import { expiryCause, expiryMoment } from '../domain/index.js';
import {
  type ChangeFacts,
  changePut,
  derivedChangeId,
  isConditionFailure,
  newChange,
  type StoreContext,
} from '../store/index.js';
import type { TableSnapshot } from './snapshot.js';

/** How far back a sweep looks for expiries it has not yet turned into changes. */
export const DEFAULT_LOOKBACK_MS = 3 * 86_400_000;

/**
 * Starts an `expiry` change for every agreement and accreditation whose
 * expiry passed within the look-back window. Change ids derive from the facts,
 * so a sweep run twice (or by two schedulers) starts each expiry once.
 * Returns the ids of the changes it started.
 */
export async function sweepExpiries(
  ctx: StoreContext,
  snap: Pick<TableSnapshot, 'organisations' | 'researchers'>,
  options: { lookbackMs?: number } = {},
): Promise<string[]> {
  const now = ctx.now();
  const from = now.getTime() - (options.lookbackMs ?? DEFAULT_LOOKBACK_MS);
  const due = (expiresAt: string | undefined) => {
    if (expiresAt === undefined) return undefined;
    const at = expiryMoment(expiresAt);
    return at > from && at <= now.getTime() ? at : undefined;
  };
  const started: string[] = [];
  // Routes before an expiry are judged just before its instant.
  const justBefore = (at: number) => new Date(at - 1).toISOString();
  const start = async (at: number, facts: ChangeFacts, ...idFacts: string[]) => {
    const change = newChange(now, facts, derivedChangeId(at, ...idFacts));
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
      const at = agreement?.status === 'approved' ? due(agreement.expiresAt) : undefined;
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
    const at = status === 'accredited' || status === 'provisional' ? due(expiresAt) : undefined;
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

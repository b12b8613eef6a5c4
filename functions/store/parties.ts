import {
  type Organisation,
  type OrganisationPutBody,
  OrganisationSchema,
  type Researcher,
  type ResearcherPutBody,
  ResearcherSchema,
} from '../../schemas/index.js';
import { entityWrite, nextStamp } from './audit.js';
import { appliedChange, changePut, newChange } from './changes.js';
import type { StoreContext } from './context.js';
import { assertVersion, InvalidReferenceError } from './errors.js';
import { keys, refs } from './keys.js';
import { getParsed, getStored } from './read.js';
import { mustExist } from './tx.js';
import { optimisticWrite } from './write.js';

/** An organisation by id, or `undefined`. */
export async function getOrganisation(
  ctx: StoreContext,
  organisationId: string,
  consistent = false,
): Promise<Organisation | undefined> {
  return getParsed(ctx, keys.organisation(organisationId), OrganisationSchema, consistent);
}

/** A researcher by id, or `undefined`. */
export async function getResearcher(
  ctx: StoreContext,
  researcherId: string,
  consistent = false,
): Promise<Researcher | undefined> {
  return getParsed(ctx, keys.researcher(researcherId), ResearcherSchema, consistent);
}

/**
 * Result of a party write: the change it started, or, for a write that
 * changed nothing (`unchanged`, nothing written), the change that brought the
 * party to its current state.
 */
export interface PartyWrite<T> {
  readonly value: T;
  readonly outcome: 'created' | 'updated' | 'unchanged';
  readonly changeId: string;
}

/** Whether two JSON values are equal, whatever the order of their keys. */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .filter(([, x]) => x !== undefined)
              .sort(([x], [y]) => (x < y ? -1 : 1))
              .map(([k, x]) => [k, canonical(x)]),
          )
        : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/**
 * Creates or replaces an organisation and its agreements, with an audit entry
 * and an `organisation-agreement-changed` change record, in one transaction.
 * A body that matches what is stored writes nothing. With `expectedVersion`,
 * only if it is at that version.
 */
export function putOrganisation(
  ctx: StoreContext,
  organisationId: string,
  body: OrganisationPutBody,
  actor: string,
  expectedVersion?: number,
): Promise<PartyWrite<Organisation>> {
  return optimisticWrite<PartyWrite<Organisation>>(ctx, {
    subject: `organisation '${organisationId}'`,
    attempt: async () => {
      const stored = await getStored(ctx, keys.organisation(organisationId), OrganisationSchema);
      const current = stored?.value;
      assertVersion('organisation', organisationId, expectedVersion, current?.version);
      if (
        current &&
        stored.lastChangeId !== undefined &&
        sameJson({ name: current.name, agreements: current.agreements }, body)
      ) {
        return { result: { value: current, outcome: 'unchanged', changeId: stored.lastChangeId } };
      }
      const now = ctx.now();
      const organisation: Organisation = {
        organisationId,
        name: body.name,
        agreements: body.agreements,
        ...nextStamp(current, now.toISOString(), actor),
      };
      const facts = {
        kind: 'organisation-agreement-changed',
        actor,
        organisationId,
        fromAgreements: current?.agreements ?? null,
        toAgreements: body.agreements,
      } as const;
      // A new organisation has no researchers yet (a researcher's organisation must exist).
      const change = current ? newChange(now, facts) : appliedChange(now, facts, 0);
      return {
        result: {
          value: organisation,
          outcome: current ? 'updated' : 'created',
          changeId: change.changeId,
        },
        items: [
          ...entityWrite(ctx, {
            key: keys.organisation(organisationId),
            type: 'organisation',
            item: { ...organisation, lastChangeId: change.changeId },
            replaces: current?.version,
            audit: {
              entity: 'organisation',
              entityId: organisationId,
              actor,
              at: organisation.updatedAt,
              from: current ? { name: current.name, agreements: current.agreements } : null,
              to: { name: body.name, agreements: body.agreements },
              changeId: change.changeId,
            },
          }),
          changePut(ctx, change),
        ],
      };
    },
    versioned: 0,
  });
}

/**
 * Creates or replaces a researcher, with an audit entry and an
 * `accreditation-changed` change record, in one transaction. The organisation
 * must exist. A body that matches what is stored writes nothing. With
 * `expectedVersion`, only if it is at that version.
 */
export function putResearcher(
  ctx: StoreContext,
  researcherId: string,
  body: ResearcherPutBody,
  actor: string,
  expectedVersion?: number,
): Promise<PartyWrite<Researcher>> {
  return optimisticWrite<PartyWrite<Researcher>>(ctx, {
    subject: `researcher '${researcherId}'`,
    attempt: async () => {
      const stored = await getStored(ctx, keys.researcher(researcherId), ResearcherSchema);
      const current = stored?.value;
      assertVersion('researcher', researcherId, expectedVersion, current?.version);
      if (current && stored.lastChangeId !== undefined) {
        const {
          researcherId: _id,
          version: _v,
          updatedAt: _at,
          updatedBy: _by,
          ...asPut
        } = current;
        if (sameJson(asPut, body)) {
          return {
            result: { value: current, outcome: 'unchanged', changeId: stored.lastChangeId },
          };
        }
      }
      const now = ctx.now();
      const researcher: Researcher = {
        ...body,
        researcherId,
        ...nextStamp(current, now.toISOString(), actor),
      };
      const facts = {
        kind: 'accreditation-changed',
        actor,
        researcherId,
        fromStanding: current
          ? { organisationId: current.organisationId, accreditation: current.accreditation }
          : null,
        toStanding: { organisationId: body.organisationId, accreditation: body.accreditation },
      } as const;
      // A new researcher is in no project yet (a membership's researcher must exist).
      const change = current ? newChange(now, facts) : appliedChange(now, facts, 0);
      return {
        result: {
          value: researcher,
          outcome: current ? 'updated' : 'created',
          changeId: change.changeId,
        },
        items: [
          mustExist(ctx, keys.organisation(body.organisationId)),
          ...entityWrite(ctx, {
            key: keys.researcher(researcherId),
            type: 'researcher',
            item: {
              ...refs.researcher(body.organisationId, researcherId),
              ...researcher,
              lastChangeId: change.changeId,
            },
            replaces: current?.version,
            // The audit keeps who and what, not the email address (it is personal data).
            audit: {
              entity: 'researcher',
              entityId: researcherId,
              actor,
              at: researcher.updatedAt,
              from: current
                ? {
                    name: current.name,
                    organisationId: current.organisationId,
                    accreditation: current.accreditation,
                    emailChanged: current.email !== body.email,
                  }
                : null,
              to: {
                name: body.name,
                organisationId: body.organisationId,
                accreditation: body.accreditation,
              },
              changeId: change.changeId,
            },
          }),
          changePut(ctx, change),
        ],
      };
    },
    versioned: 1,
    onConditionFailed: (failure) => {
      if (failure.index !== 0) return;
      throw new InvalidReferenceError(
        'organisationId',
        `organisation '${body.organisationId}' does not exist`,
        failure,
      );
    },
  });
}

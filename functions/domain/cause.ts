import {
  type Accreditation,
  AGREEMENT_KINDS,
  type AgreementKind,
  type Agreements,
  type Cause,
  type Classification,
  type FactChange,
  type FactValue,
} from '../../schemas/index.js';
import { changedAgreement } from './organisation.js';

/** What a researcher's own routes depend on: their organisation and accreditation. */
export interface StandingFacts {
  readonly organisationId: string;
  readonly accreditation: Accreditation;
}

/** The fields of an agreement that decide whether it is in force. */
const AGREEMENT_FACTS = ['status', 'expiresAt'] as const;
/** The fields of an accreditation that decide a researcher's own routes. */
const ACCREDITATION_FACTS = ['status', 'ararSignedAt', 'expiresAt', 'homeAddressOnFile'] as const;

/** `{ field, from, to }` when the two values differ, else nothing. */
function fact(field: string, from: FactValue | undefined, to: FactValue | undefined): FactChange[] {
  const a = from ?? null;
  const b = to ?? null;
  return a === b ? [] : [{ field, from: a, to: b }];
}

/** Every agreement fact that differs between two sets: `AOCCC.status`, `ARACCC.expiresAt`, ... */
export function agreementChanges(from: Agreements, to: Agreements): FactChange[] {
  return AGREEMENT_KINDS.flatMap((kind) =>
    AGREEMENT_FACTS.flatMap((f) => fact(`${kind}.${f}`, from[kind]?.[f], to[kind]?.[f])),
  );
}

/** Every accreditation fact that differs: `accreditation.status`, `accreditation.homeAddressOnFile`, ... */
export function accreditationChanges(from: Accreditation, to: Accreditation): FactChange[] {
  return ACCREDITATION_FACTS.flatMap((f) => fact(`accreditation.${f}`, from[f], to[f]));
}

/** A dataset's level moved. */
export function levelChangedCause(
  dataset: { readonly datasetId: string; readonly title?: string },
  fromLevel: Classification,
  toLevel: Classification,
): Cause {
  return {
    kind: 'dataset-level-changed',
    datasetId: dataset.datasetId,
    ...(dataset.title !== undefined && { datasetTitle: dataset.title }),
    fromLevel,
    toLevel,
    changes: fact('accessLevel', fromLevel, toLevel),
  };
}

/** A dataset joined or left a project. */
export function datasetLinkCause(
  kind: 'dataset-added' | 'dataset-removed',
  dataset: { readonly datasetId: string; readonly title?: string },
  level: Classification,
): Cause {
  const added = kind === 'dataset-added';
  return {
    kind,
    datasetId: dataset.datasetId,
    ...(dataset.title !== undefined && { datasetTitle: dataset.title }),
    ...(added ? { toLevel: level } : { fromLevel: level }),
    changes: [
      added
        ? { field: 'dataset', from: null, to: dataset.datasetId }
        : { field: 'dataset', from: dataset.datasetId, to: null },
    ],
  };
}

/** A researcher stopped being a member of a project. */
export function membershipEndedCause(researcherId: string): Cause {
  return {
    kind: 'membership-ended',
    researcherId,
    changes: [{ field: 'membership', from: true, to: false }],
  };
}

/** An organisation's agreements were rewritten; `agreement` names the one that explains it. */
export function agreementsChangedCause(
  organisationId: string,
  from: Agreements,
  to: Agreements,
  now: Date,
): Cause {
  const agreement = changedAgreement(from, to, now);
  return {
    kind: 'organisation-agreement-changed',
    organisationId,
    ...(agreement && {
      agreement,
      fromStatus: from[agreement]?.status ?? null,
      toStatus: to[agreement]?.status ?? null,
    }),
    changes: agreementChanges(from, to),
  };
}

/**
 * A researcher's standing was rewritten: `organisation-changed` when they
 * moved organisation (with any accreditation facts that changed with it),
 * else `accreditation-changed`.
 */
export function standingChangedCause(
  researcherId: string,
  from: StandingFacts,
  to: StandingFacts,
): Cause {
  const accreditation = accreditationChanges(from.accreditation, to.accreditation);
  if (from.organisationId !== to.organisationId) {
    return {
      kind: 'organisation-changed',
      researcherId,
      organisationId: to.organisationId,
      changes: [
        ...fact('organisationId', from.organisationId, to.organisationId),
        ...accreditation,
      ],
    };
  }
  return {
    kind: 'accreditation-changed',
    researcherId,
    fromStatus: from.accreditation.status,
    toStatus: to.accreditation.status,
    changes: accreditation,
  };
}

/** An organisation's agreement (`agreement`) or a researcher's accreditation ran out. */
export function expiryCause(
  subject:
    | { readonly organisationId: string; readonly agreement: AgreementKind }
    | { readonly researcherId: string },
  expiredAt: string,
): Cause {
  const field = 'agreement' in subject ? `${subject.agreement}.expired` : 'accreditation.expired';
  return {
    kind: 'expiry',
    ...subject,
    expiredAt,
    changes: [{ field, from: false, to: true }],
  };
}

/** The cause of a warning that an agreement or an accreditation will expire. */
export function expiryUpcomingCause(
  subject:
    | { readonly organisationId: string; readonly agreement: AgreementKind }
    | { readonly researcherId: string },
  expiresAt: string,
): Cause {
  return { kind: 'expiry-upcoming', ...subject, expiresAt, changes: [] };
}

/** Words for a fact's field (after its `AOCCC.` or `accreditation.` prefix). */
const FIELD_WORDS: Record<string, string> = {
  status: 'status',
  expiresAt: 'expiry date',
  ararSignedAt: 'ARAR signing date',
  homeAddressOnFile: 'home address on file',
  accessLevel: 'access level',
  organisationId: 'organisation',
  expired: 'expired',
};

const valueWords = (v: FactValue): string =>
  v === null ? 'none' : v === true ? 'yes' : v === false ? 'no' : String(v);

/** One changed fact in words: "AOCCC status from approved to suspended". */
export function describeFact(c: FactChange): string {
  const dot = c.field.lastIndexOf('.');
  const owner = dot < 0 ? '' : c.field.slice(0, dot);
  const name = dot < 0 ? c.field : c.field.slice(dot + 1);
  const words = FIELD_WORDS[name] ?? name;
  const label = owner === '' || owner === 'accreditation' ? words : `${owner} ${words}`;
  return `${label} from ${valueWords(c.from)} to ${valueWords(c.to)}`;
}

/** The changed facts in words, joined: "X from a to b; Y from c to d". */
export function describeFacts(changes: readonly FactChange[]): string {
  return changes.map(describeFact).join('; ');
}

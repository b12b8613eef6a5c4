import {
  type Agreements,
  type Organisation,
  OrganisationSchema,
  type Researcher,
  ResearcherSchema,
} from '../../schemas/index.js';
import type { MemberStanding } from '../domain/index.js';
import { batchGet } from './batch.js';
import type { StoreContext } from './context.js';
import { keys } from './keys.js';

/**
 * Organisations' agreements already read (or being read) during one unit of
 * work, such as one page of a fan-out: many projects share few organisations.
 */
export type AgreementsCache = Map<string, Promise<Agreements | undefined>>;

/**
 * Reads researchers and their organisations by id (two batched reads; the
 * second only for organisations not in `cache`). Unknown researchers are
 * absent from the result.
 */
export async function loadResearchers(
  ctx: StoreContext,
  researcherIds: readonly string[],
  extraOrganisationIds: readonly string[] = [],
  cache: AgreementsCache = new Map(),
): Promise<{ researchers: Map<string, Researcher>; agreements: Map<string, Agreements> }> {
  const researchers = new Map<string, Researcher>();
  for (const item of await batchGet(
    ctx,
    researcherIds.map((r) => keys.researcher(r)),
  )) {
    const r = ResearcherSchema.parse(item);
    researchers.set(r.researcherId, r);
  }
  const orgIds = new Set([
    ...extraOrganisationIds,
    ...[...researchers.values()].map((r) => r.organisationId),
  ]);
  const missing = [...orgIds].filter((o) => !cache.has(o));
  if (missing.length > 0) {
    const fetched = batchGet(
      ctx,
      missing.map((o) => keys.organisation(o)),
    ).then(
      (items) =>
        new Map(
          items.map((item) => {
            const o: Organisation = OrganisationSchema.parse(item);
            return [o.organisationId, o.agreements] as const;
          }),
        ),
    );
    for (const o of missing)
      cache.set(
        o,
        fetched.then((m) => m.get(o)),
      );
  }
  const agreements = new Map<string, Agreements>();
  for (const o of orgIds) {
    const a = await cache.get(o);
    if (a) agreements.set(o, a);
  }
  return { researchers, agreements };
}

/** The standing of each member: their accreditation and their organisation's agreements. */
export async function loadStandings(
  ctx: StoreContext,
  researcherIds: readonly string[],
  cache?: AgreementsCache,
): Promise<MemberStanding[]> {
  if (researcherIds.length === 0) return [];
  const { researchers, agreements } = await loadResearchers(ctx, researcherIds, [], cache);
  return researcherIds.map((researcherId) => {
    const r = researchers.get(researcherId);
    return {
      researcherId,
      accreditation: r?.accreditation,
      agreements: r ? agreements.get(r.organisationId) : undefined,
    };
  });
}

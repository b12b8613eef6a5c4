import {
  type Agreements,
  type Organisation,
  OrganisationSchema,
  type Researcher,
  ResearcherSchema,
} from '../../schemas/index.js';
import type { MemberStanding } from '../domain/index.js';
import { batchGet, keys, type StoreContext } from '../store/index.js';

/**
 * Reads researchers and their organisations by id (two batched reads).
 * Unknown researchers are absent from the result.
 */
export async function loadResearchers(
  ctx: StoreContext,
  researcherIds: readonly string[],
  extraOrganisationIds: readonly string[] = [],
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
  const agreements = new Map<string, Agreements>();
  for (const item of await batchGet(
    ctx,
    [...orgIds].map((o) => keys.organisation(o)),
  )) {
    const o: Organisation = OrganisationSchema.parse(item);
    agreements.set(o.organisationId, o.agreements);
  }
  return { researchers, agreements };
}

/** The standing of each member: their accreditation and their organisation's agreements. */
export async function loadStandings(
  ctx: StoreContext,
  researcherIds: readonly string[],
): Promise<MemberStanding[]> {
  if (researcherIds.length === 0) return [];
  const { researchers, agreements } = await loadResearchers(ctx, researcherIds);
  return researcherIds.map((researcherId) => {
    const r = researchers.get(researcherId);
    return {
      researcherId,
      accreditation: r?.accreditation,
      agreements: r ? agreements.get(r.organisationId) : undefined,
    };
  });
}

/**
 * Builders that put a small catalogue into a real table through the store,
 * the way the API would: every write is audited and starts its change.
 */
import {
  addMember,
  linkDataset,
  putDataset,
  putOrganisation,
  putProject,
  putResearcher,
  type StoreContext,
} from '../../functions/store/index.js';
import type { Accreditation, Agreements, Classification } from '../../schemas/index.js';
import { anAccreditation } from './factories.js';

export const ACTOR = 'test:admin';

/** Creates an organisation with the given agreements. */
export async function anOrganisation(ctx: StoreContext, id: string, agreements: Agreements) {
  return putOrganisation(ctx, id, { name: `Organisation ${id}`, agreements }, ACTOR);
}

/** Creates a researcher of an organisation; eligible unless overridden. */
export async function aResearcher(
  ctx: StoreContext,
  id: string,
  organisationId: string,
  accreditation: Partial<Accreditation> = {},
) {
  return putResearcher(
    ctx,
    id,
    {
      name: `Researcher ${id}`,
      email: `${id}@example.org`,
      organisationId,
      accreditation: anAccreditation(accreditation),
    },
    ACTOR,
  );
}

/** Creates a dataset with a level (or unclassified). */
export async function aDataset(ctx: StoreContext, id: string, accessLevel: Classification) {
  return putDataset(ctx, id, { title: `Dataset ${id}`, accessLevel }, ACTOR);
}

/** Creates a project using the datasets, with the researchers as members; returns the link changes. */
export async function aProject(
  ctx: StoreContext,
  id: string,
  datasetIds: readonly string[],
  researcherIds: readonly string[],
): Promise<string[]> {
  await putProject(ctx, id, `Project ${id}`, ACTOR);
  for (const r of researcherIds) await addMember(ctx, id, r, ACTOR);
  const changes: string[] = [];
  for (const d of datasetIds) changes.push((await linkDataset(ctx, id, d, ACTOR)).changeId);
  return changes;
}

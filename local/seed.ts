import {
  addMember,
  getDataset,
  linkDataset,
  putDataset,
  putOrganisation,
  putProject,
  putResearcher,
  type StoreContext,
} from '../functions/store/index.js';
import type { Accreditation, Agreements, Classification } from '../schemas/index.js';

const ACTOR = 'seed';

const approved = { status: 'approved', approvedAt: '2025-01-06' } as const;

/** Organisations of the demo catalogue, from no AOC to full AOC with remote access. */
const ORGANISATIONS: { id: string; name: string; agreements: Agreements }[] = [
  { id: 'uni-north', name: 'University of the North', agreements: {} },
  {
    id: 'inst-east',
    name: 'Eastern Institute',
    agreements: { AOCOA: approved, AOCCC: approved },
  },
  {
    id: 'lab-west',
    name: 'Western Data Lab',
    agreements: { AOCOA: approved, AOCCC: approved, ARACCC: approved },
  },
];

const accredited = (overrides: Partial<Accreditation> = {}): Accreditation => ({
  status: 'accredited',
  ararSignedAt: '2025-03-03',
  expiresAt: '2029-03-31',
  homeAddressOnFile: true,
  ...overrides,
});

/** Researchers of the demo catalogue. */
const RESEARCHERS: {
  id: string;
  name: string;
  organisationId: string;
  accreditation: Accreditation;
}[] = [
  { id: 'r-ada', name: 'Ada Byron', organisationId: 'lab-west', accreditation: accredited() },
  {
    id: 'r-alan',
    name: 'Alan Turing',
    organisationId: 'lab-west',
    accreditation: accredited({ homeAddressOnFile: false }),
  },
  { id: 'r-grace', name: 'Grace Hopper', organisationId: 'inst-east', accreditation: accredited() },
  {
    id: 'r-karen',
    name: 'Karen Spärck Jones',
    organisationId: 'uni-north',
    accreditation: accredited({ status: 'provisional' }),
  },
];

/** Datasets of the demo catalogue: every level, and one unclassified. */
const DATASETS: { id: string; title: string; owner: string; accessLevel: Classification }[] = [
  { id: 'census-2021', title: 'Census 2021 microdata', owner: 'ONS', accessLevel: 3 },
  { id: 'lfs-2024', title: 'Labour Force Survey 2024', owner: 'ONS', accessLevel: 3 },
  { id: 'ashe-2023', title: 'Annual Survey of Hours and Earnings', owner: 'ONS', accessLevel: 2 },
  {
    id: 'hes-linked',
    title: 'Hospital Episode Statistics (linked)',
    owner: 'NHS England',
    accessLevel: 1,
  },
  { id: 'idbr-restricted', title: 'Business register, restricted', owner: 'ONS', accessLevel: 0 },
  { id: 'new-admin-data', title: 'New administrative data', owner: 'DWP', accessLevel: null },
];

/** Projects of the demo catalogue: their datasets and members. */
const PROJECTS: { id: string; title: string; datasets: string[]; members: string[] }[] = [
  {
    id: 'p-labour',
    title: 'Labour market after the pandemic',
    datasets: ['census-2021', 'lfs-2024'],
    members: ['r-ada', 'r-alan', 'r-karen'],
  },
  {
    id: 'p-pay',
    title: 'Pay gaps by region',
    datasets: ['lfs-2024', 'ashe-2023'],
    members: ['r-ada', 'r-grace'],
  },
  {
    id: 'p-health',
    title: 'Health and employment',
    datasets: ['census-2021', 'hes-linked'],
    members: ['r-ada', 'r-grace'],
  },
];

/**
 * Loads the small demo catalogue (three organisations, four researchers, six
 * datasets at every level, three projects). Writes go through the store, so
 * they are audited and propagate like any other. Skips the seed when the
 * catalogue already holds its first dataset.
 */
export async function seedDemo(ctx: StoreContext): Promise<'seeded' | 'already-seeded'> {
  if (await getDataset(ctx, DATASETS[0]?.id ?? '')) return 'already-seeded';
  for (const o of ORGANISATIONS) {
    await putOrganisation(ctx, o.id, { name: o.name, agreements: o.agreements }, ACTOR);
  }
  for (const r of RESEARCHERS) {
    await putResearcher(
      ctx,
      r.id,
      {
        name: r.name,
        email: `${r.id}@example.org`,
        organisationId: r.organisationId,
        accreditation: r.accreditation,
      },
      ACTOR,
    );
  }
  for (const d of DATASETS) {
    await putDataset(
      ctx,
      d.id,
      { title: d.title, owner: d.owner, accessLevel: d.accessLevel },
      ACTOR,
    );
  }
  for (const p of PROJECTS) {
    await putProject(ctx, p.id, p.title, ACTOR);
    for (const r of p.members) await addMember(ctx, p.id, r, ACTOR);
    for (const d of p.datasets) await linkDataset(ctx, p.id, d, ACTOR);
  }
  return 'seeded';
}

/** Ids in the demo catalogue, for the README tour and printed tokens. */
export const DEMO = {
  researcher: 'r-ada',
  project: 'p-labour',
  dataset: 'lfs-2024',
} as const;

/**
 * Bulk seeding of the fan-out benchmark's catalogue: one organisation with
 * every agreement, eligible researchers, projects that all use one level-3
 * dataset (and a few others), written with `BatchWriteItem`.
 *
 * Going through the store one write at a time would take many minutes for
 * 2,000 projects, so the items are built here exactly as the store writes
 * them (the store's own key, audit and change builders; every entity parsed
 * by its schema) and marked as the pipeline would have left them: every
 * seeding change `applied`, every summary recomputed from its links, every
 * write audited. The invariant checker therefore finds nothing to report on
 * a freshly seeded table. Datasets are created through the store itself.
 */
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { datasetLinkCause, summariesEqual, summariseProject } from '../functions/domain/index.js';
import {
  auditPut,
  changePut,
  keys,
  newChange,
  putDataset,
  refs,
  type StoreContext,
} from '../functions/store/index.js';
import {
  type Accreditation,
  type Agreements,
  type ChangeItem,
  ChangeItemSchema,
  type LinkItem,
  LinkItemSchema,
  type Membership,
  MembershipSchema,
  type Organisation,
  OrganisationSchema,
  type Project,
  ProjectSchema,
  type Researcher,
  ResearcherSchema,
  type SummaryItem,
  SummaryItemSchema,
} from '../schemas/index.js';
import { type Log, mapLimit, progress, sleep } from './metrics.js';

/** The size of the catalogue to seed. */
export interface CatalogueShape {
  /** Projects that use the benchmarked dataset. */
  readonly projects: number;
  /** Members of each project (distinct researchers, all eligible). */
  readonly researchersPerProject: number;
  /** Level-3 datasets each project uses besides the benchmarked one (from a small pool). */
  readonly otherDatasetsPerProject: number;
}

/** What {@link seedCatalogue} wrote. */
export interface SeededCatalogue {
  /** The dataset every project uses, at level 3. */
  readonly datasetId: string;
  readonly organisationId: string;
  readonly projectIds: string[];
  /** Items written with `BatchWriteItem` (datasets written by the store not included). */
  readonly items: number;
}

/** The dataset whose level the fan-out changes. */
export const BENCH_DATASET = 'bench-shared';
/** The organisation of every researcher: all three agreements approved. */
export const BENCH_ORGANISATION = 'bench-org';
/** Who the seeded writes are attributed to. */
export const BENCH_ACTOR = 'bench:seed';

const POOL_SIZE = 10;
const BATCH = 25;

const approved = { status: 'approved', approvedAt: '2025-01-06' } as const;
/** The agreements of the seeded organisation: all three approved. */
export const FULL_AOC: Agreements = { AOCOA: approved, AOCCC: approved, ARACCC: approved };
/** The accreditation of every seeded researcher: eligible for every route. */
export const ELIGIBLE: Accreditation = {
  status: 'accredited',
  ararSignedAt: '2025-03-03',
  expiresAt: '2099-12-31',
  homeAddressOnFile: true,
};

const pad = (n: number) => String(n).padStart(6, '0');

/** The id of the `i`-th seeded project (0-based). */
export function benchProjectId(i: number): string {
  return `bp-${pad(i)}`;
}

/** The id of the `k`-th researcher of the `i`-th project. */
export function benchResearcherId(i: number, k: number): string {
  return `br-${pad(i)}-${k}`;
}

type Item = Record<string, unknown>;

/** A seeding change record as the consumer leaves it: one page done, applied. */
function applied(change: ChangeItem, affectedProjects: number): ChangeItem {
  return ChangeItemSchema.parse({
    ...change,
    status: 'applied',
    pagesDone: 1,
    affectedProjects,
    notifications: 0,
    appliedAt: change.createdAt,
  });
}

function organisationItems(ctx: StoreContext, now: Date): Item[] {
  const at = now.toISOString();
  const organisation: Organisation = OrganisationSchema.parse({
    organisationId: BENCH_ORGANISATION,
    name: 'Benchmark organisation',
    agreements: FULL_AOC,
    version: 1,
    updatedAt: at,
    updatedBy: BENCH_ACTOR,
  });
  const change = applied(
    newChange(now, {
      kind: 'organisation-agreement-changed',
      actor: BENCH_ACTOR,
      organisationId: BENCH_ORGANISATION,
      fromAgreements: null,
      toAgreements: FULL_AOC,
    }),
    0,
  );
  const pk = keys.organisation(BENCH_ORGANISATION).pk;
  return [
    { ...keys.organisation(BENCH_ORGANISATION), type: 'organisation', ...organisation },
    auditPut(ctx, pk, {
      entity: 'organisation',
      entityId: BENCH_ORGANISATION,
      action: 'create',
      actor: BENCH_ACTOR,
      at,
      from: null,
      to: { name: organisation.name, agreements: FULL_AOC },
      changeId: change.changeId,
    }).Put.Item,
    changePut(ctx, change).Put.Item,
  ];
}

function researcherItems(ctx: StoreContext, researcherId: string, now: Date): Item[] {
  const at = now.toISOString();
  const researcher: Researcher = ResearcherSchema.parse({
    researcherId,
    name: `Researcher ${researcherId}`,
    email: `${researcherId}@example.org`,
    organisationId: BENCH_ORGANISATION,
    accreditation: ELIGIBLE,
    version: 1,
    updatedAt: at,
    updatedBy: BENCH_ACTOR,
  });
  const toStanding = { organisationId: BENCH_ORGANISATION, accreditation: ELIGIBLE };
  const change = applied(
    newChange(now, {
      kind: 'accreditation-changed',
      actor: BENCH_ACTOR,
      researcherId,
      fromStanding: null,
      toStanding,
    }),
    0,
  );
  return [
    {
      ...keys.researcher(researcherId),
      ...refs.researcher(BENCH_ORGANISATION, researcherId),
      type: 'researcher',
      ...researcher,
    },
    auditPut(ctx, keys.researcher(researcherId).pk, {
      entity: 'researcher',
      entityId: researcherId,
      action: 'create',
      actor: BENCH_ACTOR,
      at,
      from: null,
      to: { name: researcher.name, ...toStanding },
      changeId: change.changeId,
    }).Put.Item,
    changePut(ctx, change).Put.Item,
  ];
}

/**
 * A project as the store and the pipeline leave it after `putProject`, one
 * `addMember` per researcher and one `linkDataset` per dataset (each link's
 * `dataset-added` change applied and the summary recomputed after each).
 */
function projectItems(
  ctx: StoreContext,
  projectId: string,
  researcherIds: readonly string[],
  datasets: readonly { datasetId: string; accessLevel: 3; version: number }[],
  now: Date,
): Item[] {
  const at = now.toISOString();
  const pk = keys.project(projectId).pk;
  const project: Project = ProjectSchema.parse({
    projectId,
    title: `Project ${projectId}`,
    version: 1,
    updatedAt: at,
    updatedBy: BENCH_ACTOR,
  });
  const items: Item[] = [
    { ...keys.project(projectId), type: 'project', ...project },
    auditPut(ctx, pk, {
      entity: 'project',
      entityId: projectId,
      action: 'create',
      actor: BENCH_ACTOR,
      at,
      from: null,
      to: { title: project.title },
    }).Put.Item,
  ];
  for (const researcherId of researcherIds) {
    const membership: Membership = MembershipSchema.parse({ projectId, researcherId, addedAt: at });
    items.push(
      {
        ...keys.member(projectId, researcherId),
        ...refs.member(projectId, researcherId),
        type: 'member',
        ...membership,
      },
      auditPut(ctx, pk, {
        entity: 'membership',
        entityId: `${projectId}/${researcherId}`,
        action: 'create',
        actor: BENCH_ACTOR,
        at,
        from: null,
        to: { researcherId },
      }).Put.Item,
    );
  }
  let summary: SummaryItem = { projectId, ...summariseProject([]), version: 1, updatedAt: at };
  const links: LinkItem[] = [];
  for (const d of datasets) {
    const cause = datasetLinkCause('dataset-added', d, d.accessLevel);
    const change = applied(
      newChange(now, {
        kind: 'dataset-added',
        actor: BENCH_ACTOR,
        projectId,
        datasetId: d.datasetId,
        datasetVersion: d.version,
        toLevel: d.accessLevel,
        cause,
      }),
      1,
    );
    const link: LinkItem = LinkItemSchema.parse({
      projectId,
      datasetId: d.datasetId,
      accessLevel: d.accessLevel,
      datasetVersion: d.version,
      changeId: change.changeId,
      linkedAt: at,
    });
    links.push(link);
    const computed = summariseProject(links);
    if (!summariesEqual(summary, computed)) {
      summary = {
        projectId,
        ...computed,
        version: summary.version + 1,
        updatedAt: at,
        changeId: change.changeId,
        cause,
        previous: { accessLevel: summary.accessLevel, status: summary.status },
      };
    }
    items.push(
      {
        ...keys.link(projectId, d.datasetId),
        ...refs.link(projectId, d.datasetId),
        type: 'link',
        ...link,
      },
      auditPut(ctx, pk, {
        entity: 'link',
        entityId: `${projectId}/${d.datasetId}`,
        action: 'create',
        actor: BENCH_ACTOR,
        at,
        from: null,
        to: { datasetId: d.datasetId, accessLevel: d.accessLevel },
        changeId: change.changeId,
      }).Put.Item,
      changePut(ctx, change).Put.Item,
    );
  }
  items.push({
    ...keys.summary(projectId),
    type: 'summary',
    ...SummaryItemSchema.parse(summary),
  });
  return items;
}

/** Writes `items` with `BatchWriteItem`, 25 at a time, retrying unprocessed items. */
export async function batchWrite(ctx: StoreContext, items: readonly Item[]): Promise<void> {
  let pending = items.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt > 0) await sleep(Math.min(1_000, 20 * 2 ** attempt));
    if (attempt > 12) throw new Error('BatchWriteItem kept leaving items unprocessed');
    const out = await ctx.doc.send(
      new BatchWriteCommand({ RequestItems: { [ctx.tableName]: pending } }),
    );
    pending = (out.UnprocessedItems?.[ctx.tableName] ?? []) as typeof pending;
  }
}

/**
 * Seeds the catalogue of the fan-out benchmark into `ctx.tableName`:
 * datasets through the store, everything else with `BatchWriteItem`
 * (`concurrency` batches in flight), reporting progress per project.
 */
export async function seedCatalogue(
  ctx: StoreContext,
  shape: CatalogueShape,
  options: { log: Log; label: string; concurrency?: number },
): Promise<SeededCatalogue> {
  const poolSize = Math.max(POOL_SIZE, shape.otherDatasetsPerProject);
  const pool = Array.from({ length: poolSize }, (_, i) => `bench-other-${i + 1}`);
  const datasets = [BENCH_DATASET, ...pool];
  const versions = new Map<string, number>();
  for (const datasetId of datasets) {
    const write = await putDataset(
      ctx,
      datasetId,
      { title: `Dataset ${datasetId}`, accessLevel: 3 },
      BENCH_ACTOR,
    );
    versions.set(datasetId, write.dataset.version);
  }
  const datasetOf = (datasetId: string) => ({
    datasetId,
    accessLevel: 3 as const,
    version: versions.get(datasetId) ?? 1,
  });

  const now = ctx.now();
  let written = 0;
  await batchWrite(ctx, organisationItems(ctx, now));
  written += 3;

  const projectIds = Array.from({ length: shape.projects }, (_, i) => benchProjectId(i));
  const report = progress(options.log, `  seeding ${options.label}: projects`, shape.projects);
  // A few projects per unit of work: whole batches, and progress per finished project.
  const perUnit = 4;
  const units = Array.from({ length: Math.ceil(shape.projects / perUnit) }, (_, u) => u);
  let done = 0;
  await mapLimit(units, options.concurrency ?? 16, async (u) => {
    const items: Item[] = [];
    const last = Math.min(shape.projects, (u + 1) * perUnit);
    for (let i = u * perUnit; i < last; i++) {
      const researcherIds = Array.from({ length: shape.researchersPerProject }, (_, k) =>
        benchResearcherId(i, k),
      );
      for (const r of researcherIds) items.push(...researcherItems(ctx, r, now));
      const used = [
        datasetOf(BENCH_DATASET),
        ...Array.from({ length: shape.otherDatasetsPerProject }, (_, k) =>
          datasetOf(pool[(i + k) % poolSize] as string),
        ),
      ];
      items.push(...projectItems(ctx, benchProjectId(i), researcherIds, used, now));
    }
    for (let b = 0; b < items.length; b += BATCH) {
      await batchWrite(ctx, items.slice(b, b + BATCH));
    }
    written += items.length;
    done += last - u * perUnit;
    report(done);
  });
  return {
    datasetId: BENCH_DATASET,
    organisationId: BENCH_ORGANISATION,
    projectIds,
    items: written,
  };
}

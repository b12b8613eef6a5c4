/**
 * Fan-out benchmark: one level change on a dataset used by many projects,
 * every member of every project narrowed, through the real pipeline (the
 * store's write, DynamoDB Local's stream, the local stream poller and the
 * deployed stream handlers), timed from the write until the change record is
 * `applied` and every notification is marked delivered. Compared with
 *
 * - the floor: the least any implementation must write, done bare: one
 *   conditional `UpdateItem` per project summary and per notice, 16 in
 *   flight, into a scratch table with the same definition; and
 * - a naive implementation (`naive.ts`) on a copy of the same catalogue.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  buildNotification,
  levelChangedCause,
  narrowedMembers,
  summariseProject,
} from '../functions/domain/index.js';
import type { ConsumerName } from '../functions/handlers/consumers.js';
import { checkInvariants, describeSubject, type Finding } from '../functions/reconcile/index.js';
import {
  getChangeItem,
  keys,
  newChangeId,
  notificationIdOf,
  readProjectPartition,
  type StoreContext,
  setDatasetLevel,
} from '../functions/store/index.js';
import { LocalOutbox } from '../local/adapters.js';
import { type LocalSystem, type StreamHandler, startLocalSystem } from '../local/system.js';
import { type DynamoClients, dynamoClients, ensureTable } from '../local/table-setup.js';
import type { ChangeItem } from '../schemas/index.js';
import {
  createTableWithoutStream,
  type DynamoLease,
  type DynamoProvider,
  type Phase,
} from './dynamo.js';
import {
  type CountSnapshot,
  diffCounts,
  type Log,
  mapLimit,
  RequestCounter,
  round,
  sleep,
} from './metrics.js';
import { runNaiveChange } from './naive.js';
import { BENCH_DATASET, type CatalogueShape, ELIGIBLE, FULL_AOC, seedCatalogue } from './seed.js';

/** Sizes of the fan-out benchmark. */
export interface FanoutOptions extends CatalogueShape {
  /** Lends the pipeline phase and the naive phase their DynamoDB Local (see `dynamo.ts`). */
  readonly dynamo: DynamoProvider;
  /** Writes in flight for the floor and projects in flight for the naive run (the pipeline's own is 16). */
  readonly concurrency: number;
  /** Give up on the real pipeline after this long. */
  readonly timeoutMs: number;
  readonly log: Log;
}

/** Time and invocations of one stream consumer during the fan-out. */
export interface ConsumerProfile {
  readonly batches: number;
  readonly records: number;
  /** Time inside the handler, summed over its invocations. */
  readonly busyMs: number;
  /** Time between the end of one invocation and the start of the next (the poller's latency). */
  readonly idleBetweenMs: number;
}

/** Invariant checker outcome on one table. */
export interface CheckerSummary {
  readonly violations: number;
  readonly violationsByInvariant: Record<string, number>;
  readonly warnings: number;
  readonly warningsByKind: Record<string, number>;
  /** The first few violations, for the report. */
  readonly sample: string[];
}

/** Results of {@link benchFanout}; the first nine keys are the required ones. */
export interface FanoutResult {
  readonly projects: number;
  readonly researchersPerProject: number;
  readonly ms: number;
  readonly floorMs: number;
  readonly ratio: number;
  readonly writesPerProject: number;
  readonly narrowedPerProject: number;
  readonly naiveMs: number;
  readonly naiveRatio: number;
  readonly otherDatasetsPerProject: number;
  readonly concurrency: number;
  /** `ms / naiveMs`: below 1 when the pipeline beats the naive run. */
  readonly msOverNaiveMs: number;
  /** From the write until the change record says `applied`. */
  readonly appliedMs: number;
  /** Until the stream poller was idle again (`drain()`), after every delivery. */
  readonly drainedMs: number;
  readonly notifications: number;
  readonly delivered: number;
  /**
   * The floor's runs just before and just after the pipeline (a stream-enabled
   * scratch table, alone on its DynamoDB Local); `floorMs` is their mean.
   */
  readonly floorRunsMs: number[];
  /** The floor's runs just before and after the naive run, and their mean. */
  readonly naiveFloorMs: number;
  readonly naiveFloorRunsMs: number[];
  /** `naiveMs / naiveFloorMs`: the naive run against the floor measured around it. */
  readonly naiveRatioOwnFloor: number;
  /**
   * The floor in a scratch table without a stream, on the pipeline's and on the
   * naive run's DynamoDB Local (their mean, and each): what the same writes
   * cost where DynamoDB Local writes no stream records.
   */
  readonly floorNoStreamMs: number;
  readonly floorNoStreamRunsMs: number[];
  /** `ms / floorNoStreamMs`. */
  readonly ratioNoStream: number;
  readonly floorWrites: number;
  /** Items written by the triggering write (dataset, audit entry, change record). */
  readonly triggerWrites: number;
  /** Items written by the propagation after the triggering write. */
  readonly propagationWrites: number;
  /** `propagationWrites / projects` minus the fan-out's own bookkeeping (page records and cursors). */
  readonly writesPerProjectExcludingPages: number;
  readonly pages: number;
  /** DynamoDB requests and written items of the propagation, per command. */
  readonly byCommand: CountSnapshot['byCommand'];
  /** Requests per project, per command (the profile). */
  readonly requestsPerProject: Record<string, number>;
  readonly consumers: Record<string, ConsumerProfile>;
  /** The local stream poller's reads during the fan-out. */
  readonly streamReads: StreamReads;
  readonly onFailure: number;
  readonly naive: {
    readonly writes: number;
    readonly writesPerProject: number;
    readonly requests: number;
    readonly requestsPerProject: Record<string, number>;
    readonly notifications: number;
    readonly checker: CheckerSummary;
  };
  readonly checker: CheckerSummary;
  readonly seedMs: number;
}

const FROM_LEVEL = 3;
const TO_LEVEL = 1;
const REASON = 'Benchmark: reclassified after a disclosure review';
const EDITOR = 'bench:editor';

interface Table {
  readonly name: string;
  readonly streamArn: string;
  readonly ctx: StoreContext;
}

/** A table of the system's definition, or without a stream for bare-write scratch tables. */
async function createTable(
  clients: DynamoClients,
  prefix: string,
  stream: boolean,
): Promise<Table> {
  const name = `bench-${prefix}-${randomUUID().slice(0, 8)}`;
  let streamArn = '';
  if (stream) ({ streamArn } = await ensureTable(clients.ddb, name));
  else await createTableWithoutStream(clients.ddb, name);
  return { name, streamArn, ctx: { doc: clients.doc, tableName: name, now: () => new Date() } };
}

async function dropTables(clients: DynamoClients, tables: readonly Table[]): Promise<void> {
  for (const t of tables) {
    await clients.ddb.send(new DeleteTableCommand({ TableName: t.name })).catch(() => {});
  }
}

function summarise(findings: readonly Finding[], by: (f: Finding) => string) {
  const counts: Record<string, number> = {};
  for (const f of findings) counts[by(f)] = (counts[by(f)] ?? 0) + 1;
  return counts;
}

async function check(ctx: StoreContext): Promise<CheckerSummary> {
  const report = await checkInvariants(ctx, { staleAfterMs: 0 });
  return {
    violations: report.violations.length,
    violationsByInvariant: summarise(report.violations, (f) => `invariant${f.invariant}`),
    warnings: report.warnings.length,
    warningsByKind: summarise(report.warnings, (f) => f.kind),
    sample: report.violations
      .slice(0, 5)
      .map((f) => `${f.kind} ${describeSubject(f.subject)}: ${f.detail}`),
  };
}

function perProject(counts: CountSnapshot, projects: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts.byCommand).map(([name, c]) => [
      name.replace(/Command$/, ''),
      round(c.requests / projects, 3),
    ]),
  );
}

/** Wraps the consumers to time each invocation and the pauses between them. */
function profiler() {
  const profiles = new Map<
    string,
    { batches: number; records: number; busyMs: number; idleMs: number; lastEnd?: number }
  >();
  const wrap =
    (name: ConsumerName, handler: StreamHandler): StreamHandler =>
    async (event) => {
      const started = performance.now();
      const p = profiles.get(name) ?? { batches: 0, records: 0, busyMs: 0, idleMs: 0 };
      profiles.set(name, p);
      if (p.lastEnd !== undefined) p.idleMs += started - p.lastEnd;
      try {
        return await handler(event);
      } finally {
        p.batches++;
        p.records += event.Records.length;
        p.lastEnd = performance.now();
        p.busyMs += p.lastEnd - started;
      }
    };
  const result = (): Record<string, ConsumerProfile> =>
    Object.fromEntries(
      [...profiles].map(([name, p]) => [
        name,
        {
          batches: p.batches,
          records: p.records,
          busyMs: round(p.busyMs, 1),
          idleBetweenMs: round(p.idleMs, 1),
        },
      ]),
    );
  return { wrap, result };
}

/** Stream reads of the poller: `GetRecords` calls, records returned and time spent in them. */
export interface StreamReads {
  readonly getRecords: number;
  readonly records: number;
  readonly ms: number;
}

/** Counts the `GetRecords` calls sent through `client` (SDK middleware). */
function countStreamReads(client: DynamoDBStreamsClient): () => StreamReads {
  const reads = { getRecords: 0, records: 0, ms: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'GetRecordsCommand') return next(args);
      const started = performance.now();
      const out = await next(args);
      reads.getRecords++;
      reads.records += (out.output as { Records?: unknown[] }).Records?.length ?? 0;
      reads.ms += performance.now() - started;
      return out;
    },
    { step: 'initialize', name: 'benchStreamReads' },
  );
  return () => ({ ...reads, ms: round(reads.ms, 1) });
}

/**
 * The real pipeline: starts the local system on the seeded table (reading
 * only what is written from now on), changes the level and waits until the
 * change is applied and every notification marked delivered.
 */
async function runPipeline(
  clients: DynamoClients,
  monitor: StoreContext,
  table: Table,
  datasetId: string,
  options: FanoutOptions,
) {
  const counter = new RequestCounter().attach(clients.ddb);
  let delivered = 0;
  counter.onSuccess((name, input) => {
    // The delivery mark (`markDelivered`): the last write of a notification's life.
    if (name === 'UpdateItemCommand' && String(input.UpdateExpression).includes('deliveredAt')) {
      delivered++;
    }
  });
  const { wrap, result: consumers } = profiler();
  const streamReads = countStreamReads(clients.streams);
  const system: LocalSystem = await startLocalSystem({
    doc: clients.doc,
    streams: clients.streams,
    tableName: table.name,
    streamArn: table.streamArn,
    wrap,
    print: (line) => {
      if (!line.startsWith('[outbox]') && !line.startsWith('[event]')) options.log(`  ${line}`);
    },
    poller: { startingPosition: 'LATEST' },
  });
  try {
    counter.reset();
    const started = performance.now();
    const { changeId } = await setDatasetLevel(table.ctx, datasetId, TO_LEVEL, REASON, EDITOR);
    const trigger = counter.snapshot();
    let change: ChangeItem | undefined;
    let lastReport = started;
    let lastRead = 0;
    for (;;) {
      // The change record is read at most every 100 ms (the reads load the same DynamoDB
      // Local); once it is applied, only the in-memory count of delivery marks is watched.
      if (change?.status !== 'applied' && performance.now() - lastRead >= 100) {
        lastRead = performance.now();
        change = await getChangeItem(monitor, changeId);
      }
      if (change?.status === 'applied' && delivered >= change.notifications) break;
      const now = performance.now();
      if (now - started > options.timeoutMs) {
        throw new Error(
          `the change was not applied and delivered within ${options.timeoutMs} ms: ` +
            `${change?.status}, ${change?.affectedProjects} projects, ${change?.pagesDone} pages, ` +
            `${delivered}/${change?.notifications} delivered, ${system.failures.length} on-failure`,
        );
      }
      if (now - lastReport > 2_000) {
        lastReport = now;
        options.log(
          `  pipeline: ${change?.affectedProjects ?? 0}/${options.projects} projects, ` +
            `${delivered} delivered (${Math.round(now - started)} ms)`,
        );
      }
      await sleep(5);
    }
    const ms = performance.now() - started;
    const appliedMs = change.appliedAt
      ? Date.parse(change.appliedAt) - (Date.now() - (performance.now() - started))
      : ms;
    await system.poller.drain({ timeoutMs: 120_000 });
    const drainedMs = performance.now() - started;
    const total = counter.snapshot();
    return {
      change,
      ms,
      appliedMs,
      drainedMs,
      trigger,
      total,
      delivered,
      consumers: consumers(),
      streamReads: streamReads(),
      onFailure: system.failures.length,
    };
  } finally {
    await system.stop();
  }
}

/** A stored item as the attributes of a conditional `UpdateItem` that creates it. */
function creatingUpdate(tableName: string, key: { pk: string; sk: string }, item: object) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  let i = 0;
  for (const [name, value] of Object.entries(item)) {
    if (name === 'pk' || name === 'sk') continue;
    names[`#a${i}`] = name;
    values[`:v${i}`] = value;
    sets.push(`#a${i} = :v${i}`);
    i++;
  }
  return new UpdateCommand({
    TableName: tableName,
    Key: key,
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: 'attribute_not_exists(pk)',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}

/**
 * The floor: `projects` summaries and `notices` notifications written as bare
 * conditional `UpdateItem`s of the same items the pipeline wrote (same keys,
 * same attributes), `concurrency` in flight. Returns the time in ms.
 */
async function runFloor(
  table: Table,
  templates: Templates,
  projectIds: readonly string[],
  notices: number,
  concurrency: number,
  run = 0,
): Promise<number> {
  // Each run writes items of its own, so that several runs can share one table.
  const runIds = projectIds.map((p) => (run === 0 ? p : `${p}-run${run}`));
  const changeId = String(templates.notice.changeId);
  const ops: UpdateCommand[] = runIds.map((p) =>
    creatingUpdate(table.name, keys.summary(p), { ...templates.summary, projectId: p }),
  );
  for (let j = 0; j < notices; j++) {
    const p = runIds[j % runIds.length] as string;
    const r = `floor-r-${j}`;
    ops.push(
      creatingUpdate(table.name, keys.notification(r, changeId, p), {
        ...templates.notice,
        researcherId: r,
        projectId: p,
      }),
    );
  }
  const started = performance.now();
  await mapLimit(ops, concurrency, (op) => table.ctx.doc.send(op));
  return performance.now() - started;
}

/** Items the floor writes: a summary and a notification as the pipeline writes them. */
interface Templates {
  readonly summary: Record<string, unknown>;
  readonly notice: Record<string, unknown>;
}

/**
 * The summary and the notice the pipeline will write for the first seeded
 * project (computed with the same domain functions from its partition), so
 * that the floor can run before the pipeline as well as after it.
 */
async function expectedTemplates(ctx: StoreContext, projectId: string): Promise<Templates> {
  const partition = await readProjectPartition(ctx, projectId);
  const stored = partition.summary;
  const member = partition.members[0];
  if (!stored || !member) throw new Error(`seeded project ${projectId} has no summary or member`);
  const links = partition.links.map((l) =>
    l.datasetId === BENCH_DATASET ? { ...l, accessLevel: TO_LEVEL } : l,
  );
  const computed = summariseProject(links);
  const now = ctx.now();
  const changeId = newChangeId(now);
  const cause = levelChangedCause({ datasetId: BENCH_DATASET }, FROM_LEVEL, TO_LEVEL);
  const [narrowed] = narrowedMembers(
    projectId,
    stored,
    computed,
    [{ researcherId: member.researcherId, agreements: FULL_AOC, accreditation: ELIGIBLE }],
    now,
  );
  if (!narrowed) throw new Error('the benchmark change narrows nobody');
  const notice = buildNotification({
    notificationId: notificationIdOf(changeId, member.researcherId, projectId),
    changeId,
    researcherId: member.researcherId,
    projectId,
    ...(partition.project && { projectTitle: partition.project.title }),
    cause,
    projectLevel: { from: stored.accessLevel, to: computed.accessLevel },
    removedRoutes: narrowed.removedRoutes,
    remainingRoutes: narrowed.remainingRoutes,
    deniedBy: narrowed.deniedBy,
    createdAt: now.toISOString(),
  });
  return {
    summary: {
      type: 'summary',
      projectId,
      ...computed,
      version: stored.version + 1,
      updatedAt: now.toISOString(),
      changeId,
      cause,
      previous: { accessLevel: stored.accessLevel, status: stored.status },
    },
    notice: { type: 'notification', ...notice },
  };
}

/** Runs the floor once more (on the floor's own DynamoDB Local) and returns its time. */
type Floor = (label: string) => Promise<number>;

/** What a phase's own work is handed: its clients, its table and what was seeded there. */
interface PhaseSetup {
  readonly clients: DynamoClients;
  readonly table: Table;
  readonly seeded: Awaited<ReturnType<typeof seedCatalogue>>;
}

/**
 * One phase on its own DynamoDB Local: seed the catalogue, run the floor in a
 * stream-less table there (which also warms that JVM up, as the floor's own
 * warm-up run does for the floor), the floor, the phase's `work`, the floor
 * again (so that the floor brackets the work in time), and the invariant
 * checker. `expect` gives the floor's templates and notice count.
 */
async function phase<T>(
  lease: DynamoLease,
  options: FanoutOptions,
  name: 'pipeline' | 'naive',
  makeFloor: (templates: Templates, projectIds: readonly string[], notices: number) => Floor,
  expect: (setup: PhaseSetup) => Promise<{ templates: Templates; notices: number }>,
  work: (setup: PhaseSetup) => Promise<T>,
) {
  const { log } = options;
  const clients = dynamoClients(lease.endpoint);
  const tables: Table[] = [];
  try {
    const table = await createTable(clients, name === 'pipeline' ? 'fanout' : name, true);
    const scratch = await createTable(clients, 'floor-nostream', false);
    tables.push(table, scratch);
    const seedStarted = performance.now();
    const seeded = await seedCatalogue(table.ctx, options, { log, label: `${name} table` });
    const seedMs = performance.now() - seedStarted;
    const setup: PhaseSetup = { clients, table, seeded };
    const { templates, notices } = await expect(setup);
    const floorNoStreamMs = await runFloor(
      scratch,
      templates,
      seeded.projectIds,
      notices,
      options.concurrency,
    );
    log(`  floor without a stream (${name}'s DynamoDB Local): ${Math.round(floorNoStreamMs)} ms`);
    const floor = makeFloor(templates, seeded.projectIds, notices);
    const floorBefore = await floor(`before the ${name} run`);
    const result = await work(setup);
    const floorAfter = await floor(`after the ${name} run`);
    log(`  invariant checker: ${name} table`);
    const checker = await check(table.ctx);
    return {
      ...result,
      checker,
      templates,
      notices,
      floorRuns: [floorBefore, floorAfter],
      floorNoStreamMs,
      seedMs,
    };
  } finally {
    await dropTables(clients, tables);
    clients.destroy();
  }
}

/** The pipeline phase: the level change through the real pipeline. */
function pipelinePhase(
  lease: DynamoLease,
  options: FanoutOptions,
  makeFloor: (templates: Templates, projectIds: readonly string[], notices: number) => Floor,
) {
  const expectTemplates = async ({ table, seeded }: PhaseSetup) => ({
    templates: await expectedTemplates(table.ctx, seeded.projectIds[0] ?? ''),
    notices: options.projects * options.researchersPerProject,
  });
  return phase(lease, options, 'pipeline', makeFloor, expectTemplates, async (setup) => {
    const { log } = options;
    const monitorClients = dynamoClients(lease.endpoint);
    try {
      log(`  pipeline: level ${FROM_LEVEL} -> ${TO_LEVEL} on ${setup.seeded.datasetId}`);
      const monitor: StoreContext = { ...setup.table.ctx, doc: monitorClients.doc };
      const real = await runPipeline(
        setup.clients,
        monitor,
        setup.table,
        setup.seeded.datasetId,
        options,
      );
      log(
        `  pipeline: applied and delivered in ${Math.round(real.ms)} ms (poller idle after ${Math.round(real.drainedMs)} ms)`,
      );
      return { real };
    } finally {
      monitorClients.destroy();
    }
  });
}

/** The naive phase: the same catalogue and the same change, carried out by `naive.ts`. */
function naivePhase(
  lease: DynamoLease,
  options: FanoutOptions,
  makeFloor: (templates: Templates, projectIds: readonly string[], notices: number) => Floor,
  templates: Templates,
  notices: number,
) {
  const same = async () => ({ templates, notices });
  return phase(lease, options, 'naive', makeFloor, same, async ({ clients, table, seeded }) => {
    const counter = new RequestCounter().attach(clients.ddb);
    options.log('  naive: the same change, recomputed the naive way');
    const started = performance.now();
    const { changeId } = await setDatasetLevel(
      table.ctx,
      seeded.datasetId,
      TO_LEVEL,
      REASON,
      EDITOR,
    );
    const change = await getChangeItem(table.ctx, changeId);
    if (change?.kind !== 'dataset-level-changed') {
      throw new Error('the naive level change record is missing');
    }
    const outcome = await runNaiveChange(table.ctx, change, new LocalOutbox(), options.concurrency);
    const ms = performance.now() - started;
    const counts = counter.snapshot();
    options.log(`  naive: done in ${Math.round(ms)} ms`);
    return { ms, counts, outcome };
  });
}

async function withLease<T>(
  dynamo: DynamoProvider,
  phase: Phase,
  fn: (lease: DynamoLease) => Promise<T>,
): Promise<T> {
  const lease = await dynamo(phase);
  try {
    return await fn(lease);
  } finally {
    await lease.release();
  }
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Runs the fan-out benchmark: the pipeline and the naive run, each on its
 * own DynamoDB Local, each bracketed by runs of the floor on a third one
 * (a stream-enabled scratch table, the only table written there).
 */
export async function benchFanout(options: FanoutOptions): Promise<FanoutResult> {
  const { pipeline, naive } = await withLease(options.dynamo, 'floor', async (floorLease) => {
    const floorClients = dynamoClients(floorLease.endpoint);
    try {
      const floorTable = await createTable(floorClients, 'floor', true);
      let run = 0;
      const makeFloor =
        (templates: Templates, projectIds: readonly string[], notices: number): Floor =>
        async (label) => {
          const once = () =>
            runFloor(floorTable, templates, projectIds, notices, options.concurrency, run++);
          if (run === 0) {
            // A fresh JVM is about twice as slow until its JIT has compiled the write path;
            // the pipeline's and the naive run's DynamoDB Local are warmed by seeding and by
            // their own floor without a stream.
            options.log(`  floor warm-up run (not counted): ${Math.round(await once())} ms`);
          }
          const ms = await once();
          options.log(`  floor ${label}: ${Math.round(ms)} ms`);
          return ms;
        };
      const pipeline = await withLease(options.dynamo, 'pipeline', (lease) =>
        pipelinePhase(lease, options, makeFloor),
      );
      const naive = await withLease(options.dynamo, 'naive', (lease) =>
        naivePhase(lease, options, makeFloor, pipeline.templates, pipeline.notices),
      );
      await floorClients.ddb.send(new DeleteTableCommand({ TableName: floorTable.name }));
      return { pipeline, naive };
    } finally {
      floorClients.destroy();
    }
  });

  const { real } = pipeline;
  const projects = options.projects;
  const notifications = real.change.notifications;
  const floorMs = mean(pipeline.floorRuns);
  const naiveFloorMs = mean(naive.floorRuns);
  const floorNoStreamRuns = [pipeline.floorNoStreamMs, naive.floorNoStreamMs];
  const floorNoStreamMs = mean(floorNoStreamRuns);
  const propagationCounts = diffCounts(real.total, real.trigger);
  const pages = real.change.pagesDone;
  // completePage writes the change record on every page and a cursor on every page but the last.
  const pageWrites = pages + Math.max(0, pages - 1);
  return {
    projects,
    researchersPerProject: options.researchersPerProject,
    ms: round(real.ms, 1),
    floorMs: round(floorMs, 1),
    ratio: round(real.ms / floorMs, 3),
    writesPerProject: round(propagationCounts.writeItems / projects, 3),
    narrowedPerProject: round(notifications / projects, 3),
    naiveMs: round(naive.ms, 1),
    naiveRatio: round(naive.ms / floorMs, 3),
    otherDatasetsPerProject: options.otherDatasetsPerProject,
    concurrency: options.concurrency,
    msOverNaiveMs: round(real.ms / naive.ms, 3),
    appliedMs: round(real.appliedMs, 1),
    drainedMs: round(real.drainedMs, 1),
    notifications,
    delivered: real.delivered,
    floorRunsMs: pipeline.floorRuns.map((f) => round(f, 1)),
    naiveFloorMs: round(naiveFloorMs, 1),
    naiveFloorRunsMs: naive.floorRuns.map((f) => round(f, 1)),
    naiveRatioOwnFloor: round(naive.ms / naiveFloorMs, 3),
    floorNoStreamMs: round(floorNoStreamMs, 1),
    floorNoStreamRunsMs: floorNoStreamRuns.map((f) => round(f, 1)),
    ratioNoStream: round(real.ms / floorNoStreamMs, 3),
    floorWrites: projects + pipeline.notices,
    triggerWrites: real.trigger.writeItems,
    propagationWrites: propagationCounts.writeItems,
    writesPerProjectExcludingPages: round(
      (propagationCounts.writeItems - pageWrites) / projects,
      3,
    ),
    pages,
    byCommand: propagationCounts.byCommand,
    requestsPerProject: perProject(propagationCounts, projects),
    consumers: real.consumers,
    streamReads: real.streamReads,
    onFailure: real.onFailure,
    naive: {
      writes: naive.counts.writeItems,
      writesPerProject: round(naive.counts.writeItems / projects, 3),
      requests: naive.counts.requests,
      requestsPerProject: perProject(naive.counts, projects),
      notifications: naive.outcome.notifications,
      checker: naive.checker,
    },
    checker: pipeline.checker,
    seedMs: round(pipeline.seedMs + naive.seedMs, 0),
  };
}

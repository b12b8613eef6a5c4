/**
 * The shape of `bench/results.json`, the check that every required key is
 * there, the targets each figure is held to and the table printed on stdout.
 */
import type { AccessQueryResult } from './access-query.js';
import type { ColdStartResult } from './cold-start.js';
import type { FanoutResult } from './fanout.js';

/** Everything one run of the benchmarks measured. */
export interface BenchResults {
  readonly accessQuery: AccessQueryResult;
  readonly fanout: FanoutResult;
  readonly coldStart: ColdStartResult;
  readonly meta: {
    readonly mode: 'full' | 'quick';
    readonly startedAt: string;
    readonly durationMs: number;
    readonly node: string;
    readonly cpus: number;
    readonly platform: string;
  };
}

/** The keys `bench/results.json` must hold (issue 6), each a finite number. */
export const REQUIRED_KEYS = {
  accessQuery: ['requestsPerQuery', 'p50Ms', 'p99Ms', 'floorP99Ms', 'p99Ratio'],
  fanout: [
    'projects',
    'researchersPerProject',
    'ms',
    'floorMs',
    'ratio',
    'writesPerProject',
    'narrowedPerProject',
    'naiveMs',
    'naiveRatio',
  ],
  coldStart: ['floorImportMs', 'worstRatio'],
} as const;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The required keys that are missing or not finite numbers, as `section.key` paths. */
export function missingKeys(results: unknown): string[] {
  const missing: string[] = [];
  const root = isRecord(results) ? results : {};
  for (const [section, names] of Object.entries(REQUIRED_KEYS)) {
    const value = root[section];
    const record = isRecord(value) ? value : {};
    for (const name of names) {
      const v = record[name];
      if (typeof v !== 'number' || !Number.isFinite(v)) missing.push(`${section}.${name}`);
    }
  }
  const cold = isRecord(root.coldStart) ? root.coldStart : {};
  const functions = isRecord(cold.functions) ? cold.functions : {};
  if (Object.keys(functions).length === 0) missing.push('coldStart.functions');
  for (const [name, f] of Object.entries(functions)) {
    for (const key of ['bytes', 'importMs']) {
      const v = isRecord(f) ? f[key] : undefined;
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        missing.push(`coldStart.functions.${name}.${key}`);
      }
    }
  }
  return missing;
}

/** One target a figure is held to, and whether this run met it. */
export interface Target {
  readonly name: string;
  readonly value: number;
  readonly target: string;
  readonly met: boolean;
}

/** The targets, evaluated against `results`. */
export function evaluateTargets(results: BenchResults): Target[] {
  const { accessQuery: a, fanout: f, coldStart: c } = results;
  const writeBudget = 2 + 2 * f.narrowedPerProject;
  return [
    {
      name: 'accessQuery.requestsPerQuery',
      value: a.requestsPerQuery,
      target: '= 1',
      met: a.requestsPerQuery === 1,
    },
    { name: 'accessQuery.p99Ratio', value: a.p99Ratio, target: '<= 1.5', met: a.p99Ratio <= 1.5 },
    { name: 'fanout.ratio', value: f.ratio, target: '<= 3', met: f.ratio <= 3 },
    {
      name: 'fanout.writesPerProject',
      value: f.writesPerProject,
      target: `<= ${writeBudget} (2 + 2 x ${f.narrowedPerProject})`,
      met: f.writesPerProject <= writeBudget,
    },
    {
      name: 'fanout.checker.violations',
      value: f.checker.violations,
      target: '= 0',
      met: f.checker.violations === 0,
    },
    {
      name: 'coldStart.worstRatio',
      value: c.worstRatio,
      target: '<= 1.3',
      met: c.worstRatio <= 1.3,
    },
  ];
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  '),
    )
    .join('\n');
}

const n = (v: number, digits = 2) => (Number.isInteger(v) ? String(v) : v.toFixed(digits));

/** The results as the tables printed on stdout. */
export function formatResults(results: BenchResults): string {
  const { accessQuery: a, fanout: f, coldStart: c } = results;
  const out: string[] = [];
  out.push(
    `srs-access benchmarks (${results.meta.mode}, ${results.meta.node}, ${results.meta.cpus} CPUs, ${Math.round(results.meta.durationMs / 1000)} s)`,
  );
  out.push('');
  out.push(
    `Access query: GET /v1/projects/{id}/access, ${a.queries} queries per variant in blocks of ${a.blockSize}`,
  );
  out.push(
    table([
      ['variant', 'p50 ms', 'p90 ms', 'p99 ms', 'mean ms', 'CPU ms/query', 'requests/query'],
      ...Object.entries(a.variants).map(([name, v]) => {
        const variant = name as keyof typeof a.requestsPerQueryByVariant;
        return [
          name,
          n(v.p50Ms, 3),
          n(v.p90Ms, 3),
          n(v.p99Ms, 3),
          n(v.meanMs, 3),
          n(a.cpuMsPerQuery[variant] ?? 0, 3),
          n(a.requestsPerQueryByVariant[variant] ?? 0),
        ];
      }),
    ]),
  );
  out.push(
    '  (floor: bare GetItem; store: getSummary; gateway: app with claims verified by API Gateway; api: app with a local JWT)',
  );
  out.push('');
  out.push(
    `Fan-out: ${f.projects} projects x ${f.researchersPerProject} researchers (+${f.otherDatasetsPerProject} other datasets each), level 3 -> 1`,
  );
  out.push(
    table([
      ['figure', 'value'],
      ['pipeline ms (applied + delivered)', n(f.ms, 1)],
      ['  applied ms', n(f.appliedMs, 1)],
      ['  poller idle ms', n(f.drainedMs, 1)],
      [`floor ms, before and after (mean of ${f.floorRunsMs.join(', ')})`, n(f.floorMs, 1)],
      [
        `floor ms, table without stream (mean of ${f.floorNoStreamRunsMs.join(', ')})`,
        n(f.floorNoStreamMs, 1),
      ],
      ['naive ms', n(f.naiveMs, 1)],
      [
        `  floor around the naive run (mean of ${f.naiveFloorRunsMs.join(', ')})`,
        n(f.naiveFloorMs, 1),
      ],
      ['ratio (ms / floorMs)', n(f.ratio, 3)],
      ['  against the floor without stream', n(f.ratioNoStream, 3)],
      ['naiveRatio (naiveMs / floorMs)', n(f.naiveRatio, 3)],
      ['  against the floor around the naive run', n(f.naiveRatioOwnFloor, 3)],
      ['ms / naiveMs', n(f.msOverNaiveMs, 3)],
      ['notifications (delivered)', `${f.notifications} (${f.delivered})`],
      ['narrowedPerProject', n(f.narrowedPerProject, 3)],
      ['writesPerProject', n(f.writesPerProject, 3)],
      ['  excluding page bookkeeping', n(f.writesPerProjectExcludingPages, 3)],
      ['naive writesPerProject', n(f.naive.writesPerProject, 3)],
      ['pages', String(f.pages)],
      [
        'checker violations (pipeline / naive)',
        `${f.checker.violations} / ${f.naive.checker.violations}`,
      ],
      ['on-failure records', String(f.onFailure)],
      [
        'stream reads (GetRecords calls, records, ms)',
        `${f.streamReads.getRecords}, ${f.streamReads.records}, ${n(f.streamReads.ms, 0)}`,
      ],
      ...Object.entries(f.consumers).map(([name, c]) => [
        `consumer ${name} (batches, busy ms, idle between ms)`,
        `${c.batches}, ${n(c.busyMs, 0)}, ${n(c.idleBetweenMs, 0)}`,
      ]),
    ]),
  );
  out.push(
    `  requests per project: ${Object.entries(f.requestsPerProject)
      .map(([k, v]) => `${k} ${n(v, 3)}`)
      .join(', ')}`,
  );
  out.push('');
  out.push(`Cold start: median of ${c.runs} imports in a fresh Node process`);
  out.push(
    table([
      ['function', 'bytes', 'import ms', 'ratio'],
      ...Object.entries(c.functions).map(([name, fn]) => [
        name,
        String(fn.bytes),
        n(fn.importMs),
        n(fn.ratio, 3),
      ]),
      ['(floor: DynamoDB client only)', String(c.floorBytes), n(c.floorImportMs), '1'],
    ]),
  );
  out.push('');
  out.push('Targets');
  out.push(
    table([
      ['target', 'value', 'wanted', ''],
      ...evaluateTargets(results).map((t) => [
        t.name,
        n(t.value, 3),
        t.target,
        t.met ? 'met' : 'MISSED',
      ]),
    ]),
  );
  return out.join('\n');
}

/** What is wrong with a run's results beyond missed targets (quick mode's checks). */
export function brokenChecks(results: BenchResults): string[] {
  const problems = missingKeys(results).map((k) => `missing key ${k}`);
  if (results.accessQuery.requestsPerQuery !== 1) {
    problems.push(`requestsPerQuery is ${results.accessQuery.requestsPerQuery}, not 1`);
  }
  const f = results.fanout;
  if (f.checker.violations > 0) problems.push(`${f.checker.violations} invariant violation(s)`);
  if (f.delivered < f.notifications) {
    problems.push(`${f.delivered} of ${f.notifications} notifications delivered`);
  }
  if (f.notifications !== f.projects * f.researchersPerProject) {
    problems.push(
      `${f.notifications} notifications, expected ${f.projects * f.researchersPerProject}`,
    );
  }
  if (f.onFailure > 0) problems.push(`${f.onFailure} stream record batch(es) sent to on-failure`);
  return problems;
}

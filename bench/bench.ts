/**
 * The three benchmarks (access query, fan-out, cold start) in one call, full size or
 * `quick` (small, only to check that everything works), against a DynamoDB
 * Local the caller provides.
 */
import { cpus, platform } from 'node:os';
import { type AccessQueryResult, benchAccessQuery } from './access-query.js';
import { benchColdStart } from './cold-start.js';
import type { DynamoProvider } from './dynamo.js';
import { benchFanout } from './fanout.js';
import type { Log } from './metrics.js';
import type { BenchResults } from './results.js';

/** Options of {@link runBenchmarks}. */
export interface BenchOptions {
  /**
   * Lends each phase its DynamoDB Local (`npm run bench`: a fresh one per
   * phase; the quick test: the test run's). The benchmarks create and delete
   * their own tables.
   */
  readonly dynamo: DynamoProvider;
  /** Small sizes, to check that everything works rather than to measure. */
  readonly quick: boolean;
  /** Progress lines; default none. */
  readonly log?: Log;
  /** The functions already bundled (the test run's); default: the cold-start phase bundles them. */
  readonly bundlesDir?: string;
}

/** The sizes of a full and of a quick run. */
export const SIZES = {
  full: {
    accessQuery: { queries: 4_000, warmup: 300, blockSize: 20, projects: 200 },
    fanout: { projects: 2_000, researchersPerProject: 5, otherDatasetsPerProject: 2 },
    coldStart: { runs: 15 },
  },
  quick: {
    accessQuery: { queries: 100, warmup: 10, blockSize: 25, projects: 10 },
    fanout: { projects: 20, researchersPerProject: 2, otherDatasetsPerProject: 2 },
    coldStart: { runs: 3 },
  },
} as const;

/** Runs the access query, fan-out and cold-start benchmarks, in that order. */
export async function runBenchmarks(options: BenchOptions): Promise<BenchResults> {
  const log = options.log ?? (() => {});
  const mode = options.quick ? 'quick' : 'full';
  const sizes = SIZES[mode];
  const startedAt = new Date();
  const started = performance.now();

  log('Access query');
  const lease = await options.dynamo('access');
  let accessQuery: AccessQueryResult;
  try {
    accessQuery = await benchAccessQuery({ ...sizes.accessQuery, endpoint: lease.endpoint, log });
  } finally {
    await lease.release();
  }
  log('Fan-out');
  const fanout = await benchFanout({
    ...sizes.fanout,
    dynamo: options.dynamo,
    concurrency: 16,
    timeoutMs: options.quick ? 60_000 : 480_000,
    log,
  });
  log('Cold start');
  const coldStart = await benchColdStart({
    ...sizes.coldStart,
    log,
    ...(options.bundlesDir !== undefined && { bundlesDir: options.bundlesDir }),
  });

  return {
    accessQuery,
    fanout,
    coldStart,
    meta: {
      mode,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(performance.now() - started),
      node: process.version,
      cpus: cpus().length,
      platform: platform(),
    },
  };
}

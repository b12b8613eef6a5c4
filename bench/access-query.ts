/**
 * Access query benchmark: `GET /v1/projects/{id}/access` through the API app
 * in process, against a bare `GetItem` of the same summary item on the same
 * DynamoDB Local, measured in interleaved blocks so that machine noise hits
 * every variant alike. Two intermediate layers are measured the same way to
 * tell where the overhead goes: the store's `getSummary` (document client and
 * schema parsing) and the app with the claims API Gateway has verified (as
 * deployed: no JWT verification in the function).
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  type ApiLogger,
  apiGatewayAuthenticator,
  createApp,
  SERVICE_SCOPE,
} from '../functions/api/index.js';
import { getSummary, keys, type StoreContext } from '../functions/store/index.js';
import { localJwtAuthenticator, signLocalToken } from '../local/auth.js';
import { dynamoClients, ensureTable } from '../local/table-setup.js';
import { type Log, percentile, RequestCounter, round } from './metrics.js';
import { seedCatalogue } from './seed.js';

/** Sizes of the access query benchmark. */
export interface AccessQueryOptions {
  /** DynamoDB Local to run against. */
  readonly endpoint: string;
  /** Measured queries per variant (at least 2,000 for the real figures). */
  readonly queries: number;
  /** Unmeasured queries per variant first. */
  readonly warmup: number;
  /** Queries per block; the variants take turns block by block. */
  readonly blockSize: number;
  /** Distinct projects (summary items) the queries cycle through. */
  readonly projects: number;
  readonly log: Log;
}

/** Latency of one variant, in milliseconds. */
export interface LatencyFigures {
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly maxMs: number;
}

/** Results of {@link benchAccessQuery}; the first five keys are the required ones. */
export interface AccessQueryResult {
  readonly requestsPerQuery: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly floorP99Ms: number;
  readonly p99Ratio: number;
  readonly floorP50Ms: number;
  readonly p50Ratio: number;
  readonly queries: number;
  readonly warmup: number;
  readonly blockSize: number;
  /** Every variant: `floor` bare GetItem, `store` getSummary, `gateway` app with verified claims, `api` app with a local JWT. */
  readonly variants: Record<Variant, LatencyFigures>;
  /** DynamoDB requests per query of each variant. */
  readonly requestsPerQueryByVariant: Record<Variant, number>;
  /**
   * CPU time of this process per query of each variant (user + system), which
   * machine noise affects far less than latency: the difference between two
   * variants is the work the extra layer does.
   */
  readonly cpuMsPerQuery: Record<Variant, number>;
}

const VARIANTS = ['floor', 'store', 'gateway', 'api'] as const;
type Variant = (typeof VARIANTS)[number];

const BENCH_SECRET = 'bench-secret';

/**
 * A structured logger that does the work of one (builds and serialises the
 * line) but writes nothing, so that 10,000 request lines do not flood the
 * benchmark's output.
 */
export function discardingLogger(): ApiLogger & { lines: number } {
  const sink = {
    lines: 0,
    info(message: string, attributes: Record<string, unknown>) {
      if (JSON.stringify({ level: 'INFO', message, ...attributes }).length > 0) sink.lines++;
    },
    error(message: string, attributes: Record<string, unknown>) {
      if (JSON.stringify({ level: 'ERROR', message, ...attributes }).length > 0) sink.lines++;
    },
  };
  return sink;
}

function figures(samples: readonly number[]): LatencyFigures {
  return {
    p50Ms: round(percentile(samples, 50), 3),
    p90Ms: round(percentile(samples, 90), 3),
    p99Ms: round(percentile(samples, 99), 3),
    meanMs: round(samples.reduce((a, b) => a + b, 0) / Math.max(1, samples.length), 3),
    maxMs: round(Math.max(...samples), 3),
  };
}

/** Runs the access query benchmark on its own table (created, seeded and deleted here). */
export async function benchAccessQuery(options: AccessQueryOptions): Promise<AccessQueryResult> {
  const { log } = options;
  const clients = dynamoClients(options.endpoint);
  const counter = new RequestCounter().attach(clients.ddb);
  const tableName = `bench-access-${randomUUID().slice(0, 8)}`;
  try {
    await ensureTable(clients.ddb, tableName);
    const ctx: StoreContext = { doc: clients.doc, tableName, now: () => new Date() };
    const seeded = await seedCatalogue(
      ctx,
      { projects: options.projects, researchersPerProject: 1, otherDatasetsPerProject: 2 },
      { log, label: 'access table' },
    );
    const projectIds = seeded.projectIds;

    const jwtApp = createApp({
      ctx,
      auth: localJwtAuthenticator(BENCH_SECRET),
      logger: discardingLogger(),
    });
    const gatewayApp = createApp({
      ctx,
      auth: apiGatewayAuthenticator(),
      logger: discardingLogger(),
    });
    const token = await signLocalToken('service', { secret: BENCH_SECRET, subject: 'bench' });
    const gatewayEnv = {
      event: {
        requestContext: {
          requestId: 'bench-request',
          authorizer: {
            jwt: {
              claims: {
                sub: 'bench',
                client_id: 'bench',
                token_use: 'access',
                scope: SERVICE_SCOPE,
              },
              scopes: [SERVICE_SCOPE],
            },
          },
        },
      },
    };

    const expectOk = async (res: Response, variant: Variant) => {
      const body = await res.text();
      if (res.status !== 200) {
        throw new Error(`${variant}: GET .../access answered ${res.status}: ${body.slice(0, 300)}`);
      }
    };
    const run: Record<Variant, (projectId: string) => Promise<void>> = {
      floor: async (projectId) => {
        const key = keys.summary(projectId);
        const out = await clients.ddb.send(
          new GetItemCommand({
            TableName: tableName,
            Key: { pk: { S: key.pk }, sk: { S: key.sk } },
          }),
        );
        if (!out.Item) throw new Error(`floor: no summary for ${projectId}`);
      },
      store: async (projectId) => {
        if (!(await getSummary(ctx, projectId)))
          throw new Error(`store: no summary for ${projectId}`);
      },
      gateway: async (projectId) =>
        expectOk(
          await gatewayApp.request(`/v1/projects/${projectId}/access`, {}, gatewayEnv),
          'gateway',
        ),
      api: async (projectId) =>
        expectOk(
          await jwtApp.request(`/v1/projects/${projectId}/access`, {
            headers: { authorization: `Bearer ${token}` },
          }),
          'api',
        ),
    };

    log(`  warm-up: ${options.warmup} queries per variant`);
    for (const variant of VARIANTS) {
      for (let q = 0; q < options.warmup; q++) {
        await run[variant](projectIds[q % projectIds.length] as string);
      }
    }

    const samples: Record<Variant, number[]> = { floor: [], store: [], gateway: [], api: [] };
    const attempts: Record<Variant, number> = { floor: 0, store: 0, gateway: 0, api: 0 };
    const cpuMicros: Record<Variant, number> = { floor: 0, store: 0, gateway: 0, api: 0 };
    const blocks = Math.ceil(options.queries / options.blockSize);
    let lastReport = performance.now();
    for (let b = 0; b < blocks; b++) {
      // Rotate the order every block, so that no variant always follows the same one.
      const order = VARIANTS.map((_, i) => VARIANTS[(i + b) % VARIANTS.length] as Variant);
      const first = b * options.blockSize;
      const last = Math.min(options.queries, first + options.blockSize);
      for (const variant of order) {
        counter.reset();
        const cpu = process.cpuUsage();
        for (let q = first; q < last; q++) {
          const projectId = projectIds[q % projectIds.length] as string;
          const started = performance.now();
          await run[variant](projectId);
          samples[variant].push(performance.now() - started);
        }
        const used = process.cpuUsage(cpu);
        cpuMicros[variant] += used.user + used.system;
        attempts[variant] += counter.snapshot().attempts;
      }
      if (performance.now() - lastReport > 2_000 || b === blocks - 1) {
        lastReport = performance.now();
        log(`  access queries: ${last}/${options.queries} per variant`);
      }
    }

    const variants = Object.fromEntries(VARIANTS.map((v) => [v, figures(samples[v])])) as Record<
      Variant,
      LatencyFigures
    >;
    const perQuery = Object.fromEntries(
      VARIANTS.map((v) => [v, round(attempts[v] / samples[v].length, 3)]),
    ) as Record<Variant, number>;
    const cpuPerQuery = Object.fromEntries(
      VARIANTS.map((v) => [v, round(cpuMicros[v] / samples[v].length / 1000, 3)]),
    ) as Record<Variant, number>;
    return {
      requestsPerQuery: perQuery.api,
      p50Ms: variants.api.p50Ms,
      p99Ms: variants.api.p99Ms,
      floorP99Ms: variants.floor.p99Ms,
      p99Ratio: round(variants.api.p99Ms / variants.floor.p99Ms, 3),
      floorP50Ms: variants.floor.p50Ms,
      p50Ratio: round(variants.api.p50Ms / variants.floor.p50Ms, 3),
      queries: samples.api.length,
      warmup: options.warmup,
      blockSize: options.blockSize,
      variants,
      requestsPerQueryByVariant: perQuery,
      cpuMsPerQuery: cpuPerQuery,
    };
  } finally {
    await clients.ddb.send(new DeleteTableCommand({ TableName: tableName })).catch(() => {});
    clients.destroy();
  }
}

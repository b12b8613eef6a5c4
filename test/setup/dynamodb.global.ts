/**
 * Vitest global setup: DynamoDB Local (in memory, on free ports) for the
 * whole run. The unit tier shares one Java process per test worker, so that
 * parallel files never share a database, handed to the tests as
 * `inject('dynamoEndpoints')`; each file of the pipeline tier leases a fresh
 * one of its own (`dynamodb-broker.ts`, `lease.ts`), because DynamoDB Local
 * slows down with all it has served. Tests create their own uniquely named
 * tables (`test/support/dynamo.ts`), which `test/setup/tables.ts` drops when
 * their file ends.
 *
 * It also picks the run's property-test seed (`SEED`, or a fresh one).
 *
 * Set `DYNAMODB_ENDPOINT` to use a DynamoDB Local that is already running
 * instead (nothing is started or stopped then).
 */

import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { buildBundles } from '../../cdk/bundling.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { AWS_CALLS_DIR, BUNDLES_DIR } from '../support/recording.js';
import { DynamoDbLocalBroker } from './dynamodb-broker.js';
import { TEST_WORKERS } from './workers.js';

let recordingCleared = false;

// Vitest runs the setup once per project, each in its own module instance:
// what the projects share lives on `globalThis`.
const SEED_KEY = Symbol.for('srs-access.test.property-seed');
const seeds = globalThis as typeof globalThis & { [SEED_KEY]?: number };

/** The run's property seed: `SEED`, or a fresh one, chosen once and printed. */
function runSeed(): number {
  const chosen = seeds[SEED_KEY];
  if (chosen !== undefined) return chosen;
  const given = process.env.SEED;
  const seed =
    given !== undefined && given !== '' ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  if (!Number.isSafeInteger(seed)) throw new Error(`SEED must be an integer, got "${given}"`);
  console.log(`Property tests run with SEED=${seed}`);
  seeds[SEED_KEY] = seed;
  return seed;
}

// The bundles too: built once per run, for the projects whose tests deploy or load them.
const BUNDLES_KEY = Symbol.for('srs-access.test.bundles');
const bundles = globalThis as typeof globalThis & { [BUNDLES_KEY]?: Promise<string> };

/** Every handler bundled once per run, as the stack bundles it, into `.test-output/bundles`. */
function runBundles(): Promise<string> {
  bundles[BUNDLES_KEY] ??= (async () => {
    rmSync(BUNDLES_DIR, { recursive: true, force: true });
    const started = performance.now();
    await buildBundles(BUNDLES_DIR);
    console.log(`Bundled every function once in ${Math.round(performance.now() - started)} ms`);
    return BUNDLES_DIR;
  })();
  return bundles[BUNDLES_KEY];
}

/** Empties the recording of the deployed functions' AWS calls, once per run. */
function freshRecording(): string {
  if (!recordingCleared) rmSync(AWS_CALLS_DIR, { recursive: true, force: true });
  recordingCleared = true;
  return AWS_CALLS_DIR;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoints of this run's DynamoDB Locals: worker `n` (`VITEST_POOL_ID`) uses entry `n - 1`. */
    dynamoEndpoints: string[];
    /** Where the run records the deployed functions' AWS calls, for the permissions test. */
    awsCallsDir: string;
    /** The seed of every property test of the run (`test/setup/property.ts`). */
    propertySeed: number;
    /** The run's bundles of every function (`<dir>/<handler>/index.mjs`); '' in the unit tier, which needs none. */
    bundlesDir: string;
    /** Where a file leases a DynamoDB Local of its own (`dynamodb-broker.ts`); '' where files share `dynamoEndpoints`. */
    dynamoBroker: string;
  }
}

interface Shared {
  instances: Promise<DynamoDbLocal[]>;
  users: number;
}

// The projects share the Java processes too.
const KEY = Symbol.for('srs-access.test.dynamodb-local');
const BROKER_KEY = Symbol.for('srs-access.test.dynamodb-broker');
const registry = globalThis as typeof globalThis & {
  [KEY]?: Shared;
  [BROKER_KEY]?: { broker: DynamoDbLocalBroker; url: Promise<string>; users: number };
};

/** The tier whose files each lease a fresh DynamoDB Local (`dynamodb-broker.ts`). */
const LEASING_PROJECT = 'pipeline';

/** Starts the DynamoDB Locals (once) and provides their endpoints; the returned teardown stops them. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('awsCallsDir', freshRecording());
  project.provide('propertySeed', runSeed());
  project.provide('bundlesDir', project.name === 'unit' ? '' : await runBundles());
  const external = process.env.DYNAMODB_ENDPOINT;
  if (external !== undefined && external !== '') {
    project.provide('dynamoEndpoints', [external]);
    project.provide('dynamoBroker', '');
    return async () => {};
  }
  if (project.name === LEASING_PROJECT) return leasing(project);

  let shared = registry[KEY];
  if (shared === undefined) {
    const starting = Array.from({ length: TEST_WORKERS }, () =>
      startDynamoDbLocal({ inMemory: true }),
    );
    shared = { instances: Promise.all(starting), users: 0 };
    registry[KEY] = shared;
  }
  shared.users++;
  const current = shared;
  const dbs = await current.instances;
  project.provide(
    'dynamoEndpoints',
    dbs.map((db) => db.endpoint),
  );
  project.provide('dynamoBroker', '');

  return async () => {
    current.users--;
    if (current.users > 0) return;
    delete registry[KEY];
    await Promise.all(dbs.map((db) => db.stop()));
  };
}

/** A project whose files lease fresh instances: one spare per worker is kept started. */
async function leasing(project: TestProject): Promise<() => Promise<void>> {
  let entry = registry[BROKER_KEY];
  if (entry === undefined) {
    const broker = new DynamoDbLocalBroker(TEST_WORKERS);
    entry = { broker, url: broker.listen(), users: 0 };
    registry[BROKER_KEY] = entry;
  }
  entry.users++;
  const current = entry;
  project.provide('dynamoEndpoints', []);
  project.provide('dynamoBroker', await current.url);
  return async () => {
    current.users--;
    if (current.users > 0) return;
    delete registry[BROKER_KEY];
    await current.broker.close();
    console.log(`Started ${current.broker.started} DynamoDB Locals for the files that lease one`);
  };
}

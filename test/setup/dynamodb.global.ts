/**
 * Vitest global setup: one DynamoDB Local (in memory, on a free port) for the
 * whole run, handed to the tests as `inject('dynamoEndpoint')`. Tests create
 * their own uniquely named tables (`test/support/dynamo.ts`).
 *
 * Set `DYNAMODB_ENDPOINT` to use a DynamoDB Local that is already running
 * instead (nothing is started or stopped then).
 */

import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { AWS_CALLS_DIR } from '../support/recording.js';

let recordingCleared = false;

/** Empties the recording of the deployed functions' AWS calls, once per run. */
function freshRecording(): string {
  if (!recordingCleared) rmSync(AWS_CALLS_DIR, { recursive: true, force: true });
  recordingCleared = true;
  return AWS_CALLS_DIR;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the DynamoDB Local of this test run. */
    dynamoEndpoint: string;
    /** Where the run records the deployed functions' AWS calls, for the permissions test. */
    awsCallsDir: string;
  }
}

interface Shared {
  instance: Promise<DynamoDbLocal>;
  users: number;
}

// Vitest may run the setup once per project: they share one Java process.
const KEY = Symbol.for('srs-access.test.dynamodb-local');
const registry = globalThis as typeof globalThis & { [KEY]?: Shared };

/** Starts DynamoDB Local (once) and provides its endpoint; the returned teardown stops it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('awsCallsDir', freshRecording());
  const external = process.env.DYNAMODB_ENDPOINT;
  if (external !== undefined && external !== '') {
    project.provide('dynamoEndpoint', external);
    return async () => {};
  }

  let shared = registry[KEY];
  if (shared === undefined) {
    shared = { instance: startDynamoDbLocal({ inMemory: true }), users: 0 };
    registry[KEY] = shared;
  }
  shared.users++;
  const current = shared;
  const db = await current.instance;
  project.provide('dynamoEndpoint', db.endpoint);

  return async () => {
    current.users--;
    if (current.users > 0) return;
    delete registry[KEY];
    await db.stop();
  };
}

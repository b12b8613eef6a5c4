/**
 * Where each benchmark phase gets its DynamoDB Local, and scratch tables.
 *
 * DynamoDB Local slows down writes to a stream-enabled table once another
 * table's stream records were written before its own (measured: from about
 * 2,500 to 100-300 items/s behind 10,000-30,000 such records; deleting the
 * other table does not help), and any write to a stream-enabled table costs
 * it about 1.5 times a write to a table without one. So that no phase pays
 * for the records of another, `npm run bench` gives each phase that writes a
 * stream-enabled table a fresh DynamoDB Local ({@link freshDynamo}); the
 * in-process quick test shares the test run's ({@link sharedDynamo}), where
 * only correctness counts. Scratch tables without a stream
 * ({@link createTableWithoutStream}) are unaffected by other tables and can
 * share a phase's DynamoDB Local.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { createTableInput } from '../functions/store/index.js';
import { startDynamoDbLocal } from '../local/dynamodb-local.js';
import { sleep } from './metrics.js';

/** The phases of the benchmarks that write stream-enabled tables. */
export type Phase = 'access' | 'pipeline' | 'naive' | 'floor';

/** A DynamoDB Local lent to one phase. */
export interface DynamoLease {
  readonly endpoint: string;
  /** Gives it back (stops it, when it was started for the phase). */
  release(): Promise<void>;
}

/** Lends a DynamoDB Local to a phase. */
export type DynamoProvider = (phase: Phase) => Promise<DynamoLease>;

/** Every phase on one running DynamoDB Local (nothing started or stopped). */
export function sharedDynamo(endpoint: string): DynamoProvider {
  return async () => ({ endpoint, release: async () => {} });
}

/**
 * A fresh in-memory DynamoDB Local per phase, stopped when released. The
 * running ones are tracked so that `stopAll` can stop them on an interrupt.
 */
export function freshDynamo(log: (line: string) => void) {
  const running = new Set<() => Promise<void>>();
  const provider: DynamoProvider = async (phase) => {
    log(`  starting DynamoDB Local for the ${phase} phase`);
    const db = await startDynamoDbLocal({ inMemory: true });
    const stop = () => db.stop();
    running.add(stop);
    return {
      endpoint: db.endpoint,
      release: async () => {
        running.delete(stop);
        await stop();
      },
    };
  };
  const stopAll = async () => {
    await Promise.all([...running].map((stop) => stop()));
    running.clear();
  };
  return { provider, stopAll };
}

/**
 * Creates a table with the system's keys and indexes but no stream, and
 * waits until it is ACTIVE.
 */
export async function createTableWithoutStream(
  client: DynamoDBClient,
  tableName: string,
): Promise<void> {
  const { StreamSpecification: _stream, ...input } = createTableInput(tableName);
  await client.send(new CreateTableCommand(input));
  for (let attempt = 0; attempt < 300; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexes = Table?.GlobalSecondaryIndexes ?? [];
    if (Table?.TableStatus === 'ACTIVE' && indexes.every((i) => i.IndexStatus === 'ACTIVE')) return;
    await sleep(100);
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

/**
 * Tables for integration tests on the run's DynamoDB Local (started by
 * `test/setup/dynamodb.global.ts`): each test gets its own table, built from
 * the shared definition, so tests never see each other's items or streams.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { type DynamoClients, dynamoClients, ensureTable } from '../../local/table-setup.js';

/** A fresh table and clients for it. */
export interface FreshTable {
  readonly tableName: string;
  readonly clients: DynamoClients;
  /** The table's stream, for a `StreamPoller`. */
  readonly streamArn: string;
  /** Deletes the table and closes the clients (optional: the database lives in memory). */
  drop(): Promise<void>;
}

/** Where this run records the AWS calls of the deployed functions (`local/aws-calls.ts`). */
export function awsCallsDir(): string {
  return inject('awsCallsDir');
}

/** The endpoint of the run's DynamoDB Local. */
export function dynamoEndpoint(): string {
  return inject('dynamoEndpoint');
}

/**
 * Creates a table named `<prefix>-<random>` from the shared definition and
 * returns it with clients for DynamoDB Local.
 */
export async function freshTable(prefix = 'test'): Promise<FreshTable> {
  const clients = dynamoClients(dynamoEndpoint(), { recordDir: awsCallsDir() });
  // Table names allow letters, digits, '_', '-' and '.', 3 to 255 of them.
  const safePrefix = prefix.replace(/[^a-zA-Z0-9_.-]/g, '-').slice(0, 200);
  const tableName = `${safePrefix}-${randomUUID().slice(0, 8)}`;
  const { streamArn } = await ensureTable(clients.ddb, tableName);
  return {
    tableName,
    clients,
    streamArn,
    async drop() {
      await clients.ddb.send(new DeleteTableCommand({ TableName: tableName }));
      clients.destroy();
    },
  };
}

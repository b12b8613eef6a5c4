/**
 * Tables for integration tests on the file's DynamoDB Local (the worker's,
 * or in the pipeline tier one the file leased for itself; see
 * `test/setup/dynamodb.global.ts`): each test gets its own table, built from
 * the shared definition, so tests never see each other's items or streams.
 * Tables a file leaves behind are dropped when it ends (`test/setup/tables.ts`).
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { type DynamoClients, dynamoClients, ensureTable } from '../../local/table-setup.js';

/** A fresh table and clients for it. */
export interface FreshTable {
  readonly tableName: string;
  readonly clients: DynamoClients;
  /** The table's stream, for a `StreamPoller`. */
  readonly streamArn: string;
  /** Deletes the table and closes the clients; idempotent, and done for you when the file ends. */
  drop(): Promise<void>;
}

/** Where this run records the AWS calls of the deployed functions (`local/aws-calls.ts`). */
export function awsCallsDir(): string {
  return inject('awsCallsDir');
}

/** The DynamoDB Local this file leased (`test/setup/lease.ts`), and whether it used it. */
const lease: { endpoint: string | undefined; used: boolean } = { endpoint: undefined, used: false };

/** Makes `endpoint`, leased for this file, the one {@link dynamoEndpoint} answers. */
export function useLeased(endpoint: string): void {
  lease.endpoint = endpoint;
  lease.used = false;
}

/** The file's lease, to give back when it ends: whether the file used the instance decides its fate. */
export function leased(): { endpoint: string; used: boolean } | undefined {
  return lease.endpoint === undefined ? undefined : { endpoint: lease.endpoint, used: lease.used };
}

/** The endpoint of this file's DynamoDB Local: its own lease, or the worker's. */
export function dynamoEndpoint(): string {
  if (lease.endpoint !== undefined) {
    lease.used = true;
    return lease.endpoint;
  }
  const endpoints = inject('dynamoEndpoints');
  const worker = Number(process.env.VITEST_POOL_ID ?? '1');
  const endpoint = endpoints[(Math.max(1, worker) - 1) % endpoints.length];
  if (endpoint === undefined) throw new Error('the test run provides no DynamoDB Local endpoint');
  return endpoint;
}

/** Tables this file created and has not dropped yet. */
const open = new Set<FreshTable>();

/** Drops every table this file created and did not drop (`test/setup/tables.ts`). */
export async function dropOpenTables(): Promise<void> {
  await Promise.all([...open].map((table) => table.drop()));
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
  const table: FreshTable = {
    tableName,
    clients,
    streamArn,
    async drop() {
      if (!open.delete(table)) return;
      try {
        await clients.ddb.send(new DeleteTableCommand({ TableName: tableName }));
      } catch (error) {
        if (!(error instanceof ResourceNotFoundException)) throw error;
      } finally {
        clients.destroy();
      }
    },
  };
  open.add(table);
  return table;
}

/**
 * Clients for DynamoDB Local and creation of the table from the shared
 * definition (`functions/store/table.ts`).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../functions/store/client.js';
import { createTableInput, TABLE } from '../functions/store/table.js';
import { recordAwsCalls } from './aws-calls.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './dynamodb-local.js';
import { TableSetupError } from './errors.js';

/** The three SDK clients the local runtime and the tests use against one endpoint. */
export interface DynamoClients {
  readonly ddb: DynamoDBClient;
  /** Document client of the whole system (`removeUndefinedValues: true`), over `ddb`. */
  readonly doc: DynamoDBDocumentClient;
  readonly streams: DynamoDBStreamsClient;
  /** Closes the clients' sockets. */
  destroy(): void;
}

/** SDK client configuration for DynamoDB Local at `endpoint`: local region, dummy credentials. */
export function localClientConfig(endpoint: string) {
  return { endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
}

/**
 * Creates the clients for DynamoDB Local at `endpoint` (for example
 * `http://127.0.0.1:8000`). With `recordDir`, every call they make as a
 * deployed function is recorded there (`local/aws-calls.ts`).
 */
export function dynamoClients(
  endpoint: string,
  options: { recordDir?: string } = {},
): DynamoClients {
  const config = localClientConfig(endpoint);
  const ddb = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  if (options.recordDir !== undefined) {
    recordAwsCalls(ddb, 'dynamodb', options.recordDir);
    recordAwsCalls(streams, 'dynamodb', options.recordDir);
  }
  return {
    ddb,
    doc: documentClient(ddb),
    streams,
    destroy() {
      ddb.destroy();
      streams.destroy();
    },
  };
}

/** The table {@link ensureTable} made sure of. */
export interface EnsuredTable {
  readonly tableName: string;
  readonly tableArn: string;
  /** ARN of the table's current stream, for the stream poller. */
  readonly streamArn: string;
  /** Whether this call created the table (false: it existed already). */
  readonly created: boolean;
}

/** Options of {@link ensureTable}. */
export interface EnsureTableOptions {
  /** How long to wait for the table and its indexes to become ACTIVE; default 30 s. */
  readonly timeoutMs?: number;
}

const ACTIVE_POLL_MS = 100;

/**
 * Creates the table `tableName` from the shared definition unless it exists,
 * and resolves once it and its indexes are ACTIVE.
 *
 * An existing table must match the definition (keys, stream view type,
 * indexes); otherwise a {@link TableSetupError} says what differs, rather than
 * letting the system fail later on a missing index or stream.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureTableOptions = {},
): Promise<EnsuredTable> {
  let created = false;
  if ((await describe(client, tableName)) === undefined) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
      created = true;
    } catch (err) {
      // Someone else created it between our describe and create: fine, wait for it below.
      if (!(err instanceof ResourceInUseException)) {
        throw new TableSetupError(tableName, 'could not be created', { cause: err });
      }
    }
  }
  const table = await waitUntilActive(client, tableName, options.timeoutMs ?? 30_000);
  const problems = definitionProblems(table);
  if (problems.length > 0) {
    throw new TableSetupError(
      tableName,
      `exists but does not match the shared definition: ${problems.join('; ')}. ` +
        'Delete it (locally: remove the .data directory) to have it recreated.',
    );
  }
  if (table.TableArn === undefined || table.LatestStreamArn === undefined) {
    throw new TableSetupError(tableName, 'DescribeTable returned no table or stream ARN');
  }
  return { tableName, tableArn: table.TableArn, streamArn: table.LatestStreamArn, created };
}

async function describe(
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return Table;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined;
    throw new TableSetupError(tableName, 'could not be described', { cause: err });
  }
}

async function waitUntilActive(
  client: DynamoDBClient,
  tableName: string,
  timeoutMs: number,
): Promise<TableDescription> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const table = await describe(client, tableName);
    const indexesActive = (table?.GlobalSecondaryIndexes ?? []).every(
      (i) => i.IndexStatus === 'ACTIVE',
    );
    if (table?.TableStatus === 'ACTIVE' && indexesActive) return table;
    if (Date.now() > deadline) {
      throw new TableSetupError(
        tableName,
        `not ACTIVE after ${timeoutMs} ms (status ${table?.TableStatus ?? 'missing'})`,
      );
    }
    await new Promise((done) => setTimeout(done, ACTIVE_POLL_MS));
  }
}

/** What differs between an existing table and the shared definition, in words. */
function definitionProblems(table: TableDescription): string[] {
  const problems: string[] = [];
  const expected = createTableInput(table.TableName ?? '');
  const keys = (schema: readonly { AttributeName?: string; KeyType?: string }[] | undefined) =>
    (schema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).join(',');

  if (keys(table.KeySchema) !== keys(expected.KeySchema)) {
    problems.push(`key schema is ${keys(table.KeySchema)}, expected ${keys(expected.KeySchema)}`);
  }
  const stream = table.StreamSpecification;
  if (!stream?.StreamEnabled || stream.StreamViewType !== TABLE.streamViewType) {
    problems.push(
      `stream is ${stream?.StreamEnabled ? stream.StreamViewType : 'disabled'}, expected ${TABLE.streamViewType}`,
    );
  }
  for (const index of expected.GlobalSecondaryIndexes) {
    const actual = table.GlobalSecondaryIndexes?.find((i) => i.IndexName === index.IndexName);
    if (actual === undefined) {
      problems.push(`index ${index.IndexName} is missing`);
    } else if (keys(actual.KeySchema) !== keys(index.KeySchema)) {
      problems.push(`index ${index.IndexName} has keys ${keys(actual.KeySchema)}`);
    }
  }
  return problems;
}

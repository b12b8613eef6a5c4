/**
 * A local stand-in for Lambda's DynamoDB Streams event source mapping: reads
 * a table's stream (DynamoDB Local) and feeds the same handlers the deployed
 * functions run, with the mapping's semantics: records in order per shard,
 * parents before children, filter criteria, batches, partial batch failure
 * checkpoints, bounded retries with bisecting, and an on-failure destination.
 *
 * Every consumer has its own shard iterators and checkpoints, like separate
 * event source mappings: a slow or failing consumer never holds up another.
 */
import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  type Shard,
  type AttributeValue as StreamAttributeValue,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type {
  AttributeValue,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
} from 'aws-lambda';
import { StreamPollerError } from './errors.js';

/** Most records one GetRecords call returns (the DynamoDB Streams maximum). */
const GET_RECORDS_LIMIT = 1000;

/** One stream consumer: the local equivalent of an event source mapping onto a function. */
export interface StreamConsumer {
  /** Unique among the poller's consumers; used in statistics, checkpoints and logs. */
  readonly name: string;
  /** Filter criteria: records it rejects are skipped and checkpointed, never delivered. */
  readonly filter?: (record: DynamoDBRecord) => boolean;
  /** The function; report failed records in `batchItemFailures` (itemIdentifier = SequenceNumber). */
  // biome-ignore lint/suspicious/noConfusingVoidType: a handler returning nothing is `Promise<void>`, as in @types/aws-lambda.
  readonly handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | void>;
  /** Most records per invocation; default 100. */
  readonly batchSize?: number;
  /** Retries of a failing record before it goes to on-failure; default 5. */
  readonly maxRetries?: number;
  /** Split a batch in halves when the handler throws, to isolate the bad record; default true. */
  readonly bisectOnError?: boolean;
  /**
   * Runs the consumer's reading and invoking inside a context of the caller's
   * (the local runtime attributes the AWS calls to the consuming function, as
   * an event source mapping reads with that function's role); default none.
   */
  readonly around?: <T>(body: () => Promise<T>) => Promise<T>;
}

/** Where a consumer starts reading a shard it has no checkpoint for. */
export type StartingPosition = 'TRIM_HORIZON' | 'LATEST';

/**
 * Durable checkpoints, so that a new poller resumes where an old one stopped.
 * Without one, every poller starts at its {@link StartingPosition}.
 */
export interface CheckpointStore {
  /** The sequence number up to which `consumer` has finished `shardId`, if any. */
  get(consumer: string, shardId: string): Promise<string | undefined> | string | undefined;
  /** Records that `consumer` has finished `shardId` up to `sequenceNumber`. */
  put(consumer: string, shardId: string, sequenceNumber: string): Promise<void> | void;
}

/** A {@link CheckpointStore} in memory: survives a poller, not the process. */
export class MemoryCheckpointStore implements CheckpointStore {
  private readonly checkpoints = new Map<string, string>();

  get(consumer: string, shardId: string): string | undefined {
    return this.checkpoints.get(`${consumer}\u0000${shardId}`);
  }

  put(consumer: string, shardId: string, sequenceNumber: string): void {
    this.checkpoints.set(`${consumer}\u0000${shardId}`, sequenceNumber);
  }
}

/**
 * What the on-failure destination receives when records are given up on,
 * modelled on Lambda's on-failure record for streams, plus the records themselves.
 */
export interface StreamFailure {
  readonly consumer: string;
  readonly condition: 'RetryAttemptsExhausted';
  /** Invocations that failed on the first discarded record while it led the batch. */
  readonly approximateInvokeCount: number;
  /** The last error: the handler's message, or why its response counted as a failure. */
  readonly error: string;
  /** ISO time of the decision. */
  readonly timestamp: string;
  readonly streamArn: string;
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly batchSize: number;
  readonly records: readonly DynamoDBRecord[];
}

/** Counters of one consumer since the poller started. */
export interface ConsumerStats {
  /** Handler invocations. */
  readonly batches: number;
  /** Records the handler processed successfully. */
  readonly records: number;
  /** Records skipped by the filter. */
  readonly filtered: number;
  /** Invocations that threw, returned an invalid response or reported failed records. */
  readonly failures: number;
  /** Invocations that redelivered a record already delivered. */
  readonly retries: number;
  /** Records sent to on-failure. */
  readonly discarded: number;
  /** Message of the last failure, if any. */
  readonly lastError?: string;
}

/** Options of {@link StreamPoller}. */
export interface StreamPollerOptions {
  readonly client: DynamoDBStreamsClient;
  /** The table's stream (`LatestStreamArn`). */
  readonly streamArn: string;
  readonly consumers: readonly StreamConsumer[];
  /** For shards without a checkpoint; default TRIM_HORIZON (every record still in the stream). */
  readonly startingPosition?: StartingPosition;
  readonly checkpoints?: CheckpointStore;
  /** Pause after an empty poll; doubled on each further empty poll up to `maxIdleIntervalMs`. Default 100. */
  readonly pollIntervalMs?: number;
  /** Longest pause between polls of an idle consumer; default 1000. */
  readonly maxIdleIntervalMs?: number;
  /** How often shards are listed again (new shards, closed ones); default 5000. */
  readonly describeIntervalMs?: number;
  /** Delay before the first retry of a failed record, doubled on each retry; default 100. */
  readonly retryDelayMs?: number;
  /** Longest delay between retries; default 1000. */
  readonly maxRetryDelayMs?: number;
  /** Consecutive empty polls of every consumer that make the poller idle for {@link StreamPoller.drain}; default 2. */
  readonly idlePolls?: number;
  /** The on-failure destination; failures are also kept in {@link StreamPoller.failures} and logged. */
  readonly onFailure?: (failure: StreamFailure) => void | Promise<void>;
  /** Where one-line reports go (on-failure, stream errors); default `console.error`. */
  readonly log?: (line: string) => void;
}

/** Options of {@link StreamPoller.drain}. */
export interface DrainOptions {
  /** Reject if the poller is not idle by then; default 10 s. */
  readonly timeoutMs?: number;
}

/**
 * Polls one DynamoDB stream for a set of consumers until stopped.
 *
 * @example
 * const poller = new StreamPoller({ client: streams, streamArn, consumers: [{ name: 'deliver', handler }] });
 * await poller.start();
 * // ... writes ...
 * await poller.drain();
 * await poller.stop();
 */
export class StreamPoller {
  private readonly runners: ConsumerRunner[];
  private readonly failureList: StreamFailure[] = [];
  private readonly drains = new Set<PendingDrain>();
  private state: 'new' | 'starting' | 'running' | 'stopping' | 'stopped' = 'new';
  private loops: Promise<void>[] = [];
  private starting: Promise<void> | undefined;
  /** Bumped by every poll that found work and by every drain: quiet polls count only after it. */
  private epoch = 0;

  constructor(private readonly options: StreamPollerOptions) {
    const names = new Set<string>();
    for (const consumer of options.consumers) {
      if (names.has(consumer.name)) {
        throw new StreamPollerError(`two consumers are named '${consumer.name}'`);
      }
      names.add(consumer.name);
      const batchSize = consumer.batchSize ?? 100;
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
        throw new StreamPollerError(
          `${consumer.name}: batchSize must be an integer from 1 to 1000`,
        );
      }
      const maxRetries = consumer.maxRetries ?? 5;
      if (!Number.isInteger(maxRetries) || maxRetries < 0) {
        throw new StreamPollerError(`${consumer.name}: maxRetries must be a non-negative integer`);
      }
    }
    this.runners = options.consumers.map((c) => new ConsumerRunner(c, this.context()));
  }

  /**
   * Lists the shards and opens the iterators (so that with LATEST every record
   * written after this resolves is delivered), then polls in the background.
   * A poller starts once; to resume later, create another with the same checkpoints.
   */
  async start(): Promise<void> {
    if (this.state !== 'new') {
      throw new StreamPollerError('a stream poller can be started only once');
    }
    this.state = 'starting';
    this.starting = Promise.all(this.runners.map((r) => r.within(() => r.init()))).then(
      () => {
        this.state = 'running';
        this.loops = this.runners.map((r) => r.within(() => r.run()));
      },
      (err: unknown) => {
        this.state = 'stopped';
        throw new StreamPollerError(`cannot read stream ${this.options.streamArn}`, {
          cause: err,
        });
      },
    );
    await this.starting;
  }

  /**
   * Stops polling: waits for the batches in flight to finish and be
   * checkpointed, then resolves. Pending drains are rejected.
   */
  async stop(): Promise<void> {
    if (this.state === 'starting') await this.starting?.catch(() => {});
    if (this.state !== 'running') {
      if (this.state === 'new') this.state = 'stopped';
      return;
    }
    this.state = 'stopping';
    for (const r of this.runners) r.wake();
    await Promise.all(this.loops);
    this.state = 'stopped';
    for (const d of this.drains) d.settle(new StreamPollerError('the stream poller was stopped'));
  }

  /**
   * Resolves once every consumer has caught up with every record in the
   * stream, including those written by the handlers while draining: the shards
   * were listed again, every readable shard was polled to its end, no batch is
   * in flight or waiting for a retry, and every consumer has seen `idlePolls`
   * consecutive empty polls since the last activity of any consumer.
   */
  drain(options: DrainOptions = {}): Promise<void> {
    if (this.state !== 'running') {
      return Promise.reject(new StreamPollerError('drain() needs a running stream poller'));
    }
    if (this.runners.length === 0) return Promise.resolve();
    const timeoutMs = options.timeoutMs ?? 10_000;
    this.epoch++;
    for (const r of this.runners) r.requestDescribe();
    return new Promise<void>((resolve, reject) => {
      const drain: PendingDrain = {
        settle: (err) => {
          clearTimeout(timer);
          this.drains.delete(drain);
          if (err) reject(err);
          else resolve();
        },
      };
      const timer = setTimeout(
        () =>
          drain.settle(
            new StreamPollerError(
              `not idle after ${timeoutMs} ms: ${this.runners.map((r) => r.describeState()).join('; ')}`,
            ),
          ),
        timeoutMs,
      );
      this.drains.add(drain);
      for (const r of this.runners) r.wake();
    });
  }

  /** Counters per consumer name (a snapshot). */
  stats(): Record<string, ConsumerStats> {
    return Object.fromEntries(this.runners.map((r) => [r.name, { ...r.stats }]));
  }

  /** Everything sent to on-failure so far, oldest first. */
  get failures(): readonly StreamFailure[] {
    return this.failureList;
  }

  private context(): RunnerContext {
    const log = this.options.log ?? ((line: string) => console.error(line));
    return {
      client: this.options.client,
      streamArn: this.options.streamArn,
      startingPosition: this.options.startingPosition ?? 'TRIM_HORIZON',
      checkpoints: this.options.checkpoints,
      pollIntervalMs: this.options.pollIntervalMs ?? 100,
      maxIdleIntervalMs: this.options.maxIdleIntervalMs ?? 1_000,
      describeIntervalMs: this.options.describeIntervalMs ?? 5_000,
      retryDelayMs: this.options.retryDelayMs ?? 100,
      maxRetryDelayMs: this.options.maxRetryDelayMs ?? 1_000,
      idlePolls: this.options.idlePolls ?? 2,
      log,
      stopping: () => this.state !== 'running' && this.state !== 'starting',
      draining: () => this.drains.size > 0,
      epoch: () => this.epoch,
      activity: () => {
        this.epoch++;
      },
      quiet: () => {
        if (this.drains.size > 0 && this.runners.every((r) => r.idleAt(this.epoch))) {
          for (const d of this.drains) d.settle();
        }
      },
      sendToOnFailure: async (failure) => {
        this.failureList.push(failure);
        log(
          `[stream-poller] ${failure.consumer}: ${failure.batchSize} record(s) ` +
            `${failure.startSequenceNumber}..${failure.endSequenceNumber} of ${failure.shardId} ` +
            `sent to on-failure after ${failure.approximateInvokeCount} attempts: ${failure.error}`,
        );
        try {
          await this.options.onFailure?.(failure);
        } catch (err) {
          log(
            `[stream-poller] ${failure.consumer}: the onFailure callback failed: ${message(err)}`,
          );
        }
      },
    };
  }
}

interface PendingDrain {
  settle(err?: Error): void;
}

/** What a consumer runner needs from its poller. */
interface RunnerContext {
  readonly client: DynamoDBStreamsClient;
  readonly streamArn: string;
  readonly startingPosition: StartingPosition;
  readonly checkpoints: CheckpointStore | undefined;
  readonly pollIntervalMs: number;
  readonly maxIdleIntervalMs: number;
  readonly describeIntervalMs: number;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly idlePolls: number;
  readonly log: (line: string) => void;
  stopping(): boolean;
  draining(): boolean;
  epoch(): number;
  activity(): void;
  quiet(): void;
  sendToOnFailure(failure: StreamFailure): Promise<void>;
}

type Position =
  | { readonly type: 'TRIM_HORIZON' | 'LATEST' }
  | { readonly type: 'AFTER_SEQUENCE_NUMBER'; readonly sequenceNumber: string };

/** A record that passed the filter and is not yet checkpointed. */
interface PendingRecord {
  readonly record: DynamoDBRecord;
  readonly sequenceNumber: string;
  /** The checkpoint once this record is done: its own number, or that of filtered records after it. */
  doneThrough: string;
}

/** One consumer's position in one shard. */
interface ShardCursor {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
  /** Where to open an iterator when there is none (or it expired). */
  position: Position;
  iterator: string | undefined;
  /** The shard is closed and was read to its end. */
  exhausted: boolean;
  pending: PendingRecord[];
  /** Sizes of the bisected batches still to deliver, first one first. */
  chunks: number[];
  /** The record leading the batches that keep failing, and how often they failed. */
  failing: { readonly sequenceNumber: string; failures: number } | undefined;
  retryAt: number;
  /** Highest sequence number handed to the handler, to count redeliveries. */
  deliveredThrough: bigint | undefined;
}

type RoundResult =
  | { readonly kind: 'active' }
  | { readonly kind: 'quiet' }
  | { readonly kind: 'waiting'; readonly until: number };

type Outcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly index: number; readonly error: string }
  | { readonly kind: 'error'; readonly error: string };

/** Runs one consumer: its shards, its batches, its retries. */
class ConsumerRunner {
  readonly name: string;
  readonly stats: {
    batches: number;
    records: number;
    filtered: number;
    failures: number;
    retries: number;
    discarded: number;
    lastError?: string;
  } = { batches: 0, records: 0, filtered: 0, failures: 0, retries: 0, discarded: 0 };
  private readonly cursors = new Map<string, ShardCursor>();
  private readonly batchSize: number;
  private readonly maxRetries: number;
  private readonly bisect: boolean;
  private describeNeeded = true;
  private lastDescribe = 0;
  private quietEpoch = -1;
  private quietStreak = 0;
  private wakeUp: (() => void) | undefined;
  private lastLoggedError: string | undefined;
  private inFlight = false;
  /** Runs the runner's work inside the consumer's context ({@link StreamConsumer.around}). */
  readonly within: <T>(body: () => Promise<T>) => Promise<T>;

  constructor(
    private readonly consumer: StreamConsumer,
    private readonly ctx: RunnerContext,
  ) {
    this.name = consumer.name;
    this.batchSize = consumer.batchSize ?? 100;
    this.within = consumer.around ?? ((body) => body());
    this.maxRetries = consumer.maxRetries ?? 5;
    this.bisect = consumer.bisectOnError ?? true;
  }

  /** Lists the shards and, for LATEST, opens their iterators now rather than at the first poll. */
  async init(): Promise<void> {
    await this.refreshShards(true);
    for (const cursor of this.cursors.values()) {
      if (cursor.position.type === 'LATEST' && !cursor.exhausted) await this.openIterator(cursor);
    }
  }

  async run(): Promise<void> {
    let quietRounds = 0;
    let errors = 0;
    while (!this.ctx.stopping()) {
      const startEpoch = this.ctx.epoch();
      let result: RoundResult | 'error';
      try {
        result = await this.round();
        errors = 0;
        this.lastLoggedError = undefined;
      } catch (err) {
        errors++;
        result = 'error';
        const text = message(err);
        // A stopped DynamoDB Local fails every poll: say so once, not ten times a second.
        if (text !== this.lastLoggedError) {
          this.ctx.log(`[stream-poller] ${this.name}: polling failed, will retry: ${text}`);
          this.lastLoggedError = text;
        }
      }
      if (this.ctx.stopping()) break;

      let delay: number;
      if (result !== 'error' && result.kind === 'quiet') {
        quietRounds++;
        this.noteQuiet(startEpoch);
        this.ctx.quiet();
        delay = this.ctx.draining()
          ? this.ctx.pollIntervalMs
          : Math.min(this.ctx.maxIdleIntervalMs, this.ctx.pollIntervalMs * 2 ** (quietRounds - 1));
      } else {
        quietRounds = 0;
        this.quietStreak = 0;
        this.ctx.activity();
        if (result === 'error') {
          delay = Math.min(this.ctx.maxIdleIntervalMs, this.ctx.pollIntervalMs * 2 ** errors);
        } else if (result.kind === 'waiting') {
          delay = Math.max(0, result.until - Date.now());
        } else {
          delay = 0;
        }
      }
      await this.sleep(delay);
    }
  }

  /** Whether this consumer has been quiet for long enough since `epoch` began. */
  idleAt(epoch: number): boolean {
    return this.quietEpoch === epoch && this.quietStreak >= this.ctx.idlePolls && !this.inFlight;
  }

  requestDescribe(): void {
    this.describeNeeded = true;
  }

  wake(): void {
    this.wakeUp?.();
  }

  /** A one-line account of what keeps this consumer busy, for drain timeouts. */
  describeState(): string {
    const open = [...this.cursors.values()].filter((c) => !finished(c));
    const pending = open.reduce((n, c) => n + c.pending.length, 0);
    const failing = open.filter((c) => c.failing !== undefined).length;
    return (
      `${this.name}: ${pending} record(s) pending, ${failing} shard(s) retrying, ` +
      `${this.inFlight ? 'a batch in flight' : 'no batch in flight'}, ${this.quietStreak} quiet poll(s)` +
      (this.stats.lastError ? `, last error: ${this.stats.lastError}` : '')
    );
  }

  private noteQuiet(startEpoch: number): void {
    // A poll that began before another consumer's activity may have missed what it wrote.
    if (startEpoch !== this.ctx.epoch()) {
      this.quietStreak = 0;
      return;
    }
    if (this.quietEpoch === startEpoch) {
      this.quietStreak++;
    } else {
      this.quietEpoch = startEpoch;
      this.quietStreak = 1;
    }
  }

  private async round(): Promise<RoundResult> {
    if (this.describeNeeded || Date.now() - this.lastDescribe >= this.ctx.describeIntervalMs) {
      await this.refreshShards(false);
    }
    let active = false;
    let waitUntil: number | undefined;
    for (const cursor of readableShards([...this.cursors.values()], finished)) {
      if (this.ctx.stopping()) break;
      if (cursor.pending.length < this.batchSize && !cursor.exhausted) {
        if (await this.read(cursor)) active = true;
      }
      if (cursor.pending.length === 0) continue;
      if (Date.now() < cursor.retryAt) {
        waitUntil = Math.min(waitUntil ?? cursor.retryAt, cursor.retryAt);
        continue;
      }
      await this.deliver(cursor);
      active = true;
    }
    if (active) return { kind: 'active' };
    if (waitUntil !== undefined) return { kind: 'waiting', until: waitUntil };
    return { kind: 'quiet' };
  }

  private async refreshShards(initial: boolean): Promise<void> {
    this.describeNeeded = false;
    const shards = await listShards(this.ctx.client, this.ctx.streamArn);
    const listed = new Set<string>();
    for (const shard of shards) {
      if (shard.ShardId === undefined) continue;
      listed.add(shard.ShardId);
      if (!this.cursors.has(shard.ShardId)) {
        this.cursors.set(shard.ShardId, await this.newCursor(shard, shard.ShardId, initial));
      }
    }
    for (const [id, cursor] of this.cursors) {
      // Trimmed after 24 hours; its children now count as having no parent.
      if (!listed.has(id) && finished(cursor)) this.cursors.delete(id);
    }
    this.lastDescribe = Date.now();
  }

  private async newCursor(shard: Shard, shardId: string, initial: boolean): Promise<ShardCursor> {
    const checkpoint = await this.ctx.checkpoints?.get(this.name, shardId);
    const closed = shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
    let position: Position;
    let exhausted = false;
    if (checkpoint !== undefined) {
      position = { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: checkpoint };
    } else if (initial && this.ctx.startingPosition === 'LATEST') {
      // Shards that appear later are read from their start, or their first records would be lost.
      position = { type: 'LATEST' };
      exhausted = closed;
    } else {
      position = { type: 'TRIM_HORIZON' };
    }
    return {
      shardId,
      parentShardId: shard.ParentShardId,
      position,
      iterator: undefined,
      exhausted,
      pending: [],
      chunks: [],
      failing: undefined,
      retryAt: 0,
      deliveredThrough: undefined,
    };
  }

  private async openIterator(cursor: ShardCursor): Promise<void> {
    const { position } = cursor;
    try {
      const out = await this.ctx.client.send(
        new GetShardIteratorCommand({
          StreamArn: this.ctx.streamArn,
          ShardId: cursor.shardId,
          ShardIteratorType: position.type,
          ...(position.type === 'AFTER_SEQUENCE_NUMBER' && {
            SequenceNumber: position.sequenceNumber,
          }),
        }),
      );
      cursor.iterator = out.ShardIterator;
      if (cursor.iterator === undefined) this.shardEnded(cursor);
    } catch (err) {
      if (err instanceof TrimmedDataAccessException) {
        this.ctx.log(
          `[stream-poller] ${this.name}: records of ${cursor.shardId} after the checkpoint were trimmed; ` +
            'reading from the oldest record left',
        );
        cursor.position = { type: 'TRIM_HORIZON' };
        return this.openIterator(cursor);
      }
      if (err instanceof ResourceNotFoundException) return this.shardEnded(cursor);
      throw err;
    }
  }

  /** Reads the next page of `cursor`; returns whether anything changed. */
  private async read(cursor: ShardCursor): Promise<boolean> {
    if (cursor.iterator === undefined) {
      await this.openIterator(cursor);
      if (cursor.iterator === undefined) return true;
    }
    let out: Awaited<ReturnType<typeof this.getRecords>>;
    try {
      out = await this.getRecords(cursor.iterator);
    } catch (err) {
      if (err instanceof ExpiredIteratorException) {
        // Iterators live 15 minutes; reopen from the last record read.
        cursor.iterator = undefined;
        return true;
      }
      if (err instanceof TrimmedDataAccessException) {
        this.ctx.log(
          `[stream-poller] ${this.name}: records of ${cursor.shardId} were trimmed before being read`,
        );
        cursor.position = { type: 'TRIM_HORIZON' };
        cursor.iterator = undefined;
        return true;
      }
      if (err instanceof ResourceNotFoundException) {
        this.shardEnded(cursor);
        return true;
      }
      throw err;
    }

    // Build the page aside and commit it at once: a throwing filter must not leave half a page behind.
    const records = out.Records ?? [];
    const accepted: PendingRecord[] = [];
    let filtered = 0;
    let filteredThrough: string | undefined;
    for (const raw of records) {
      const sequenceNumber = raw.dynamodb?.SequenceNumber;
      if (sequenceNumber === undefined) {
        throw new StreamPollerError('a stream record has no SequenceNumber');
      }
      const record = toLambdaRecord(raw, this.ctx.streamArn);
      if (this.consumer.filter === undefined || this.consumer.filter(record)) {
        accepted.push({ record, sequenceNumber, doneThrough: sequenceNumber });
        continue;
      }
      filtered++;
      const previous = accepted.at(-1) ?? cursor.pending.at(-1);
      if (previous) previous.doneThrough = sequenceNumber;
      else filteredThrough = sequenceNumber;
    }
    const lastRead = records.at(-1)?.dynamodb?.SequenceNumber;
    if (lastRead !== undefined) {
      cursor.position = { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastRead };
      // Other consumers' quiet polls from before this point no longer prove anything.
      this.ctx.activity();
    }
    cursor.pending.push(...accepted);
    this.stats.filtered += filtered;
    if (filteredThrough !== undefined) await this.checkpoint(cursor, filteredThrough);
    cursor.iterator = out.NextShardIterator;
    if (cursor.iterator === undefined) {
      this.shardEnded(cursor);
      return true;
    }
    return records.length > 0;
  }

  /**
   * Reads as much as one GetRecords gives (1,000 records), whatever the batch
   * size, as Lambda's event source mapping does: a consumer whose filter keeps
   * few records would otherwise walk the stream a batch at a time.
   */
  private getRecords(iterator: string) {
    return this.ctx.client.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: GET_RECORDS_LIMIT }),
    );
  }

  private shardEnded(cursor: ShardCursor): void {
    cursor.exhausted = true;
    cursor.iterator = undefined;
    // A closed shard has children: list the shards to find them.
    this.describeNeeded = true;
  }

  /** Invokes the handler with the next batch of `cursor` and applies the outcome. */
  private async deliver(cursor: ShardCursor): Promise<void> {
    const size = Math.min(cursor.chunks[0] ?? this.batchSize, cursor.pending.length);
    const batch = cursor.pending.slice(0, size);
    const first = batch[0];
    const last = batch.at(-1);
    if (first === undefined || last === undefined) return;

    this.stats.batches++;
    if (
      cursor.deliveredThrough !== undefined &&
      BigInt(first.sequenceNumber) <= cursor.deliveredThrough
    ) {
      this.stats.retries++;
    }
    const lastNumber = BigInt(last.sequenceNumber);
    if (cursor.deliveredThrough === undefined || lastNumber > cursor.deliveredThrough) {
      cursor.deliveredThrough = lastNumber;
    }

    let outcome: Outcome;
    this.inFlight = true;
    this.ctx.activity();
    try {
      outcome = interpret(
        await this.consumer.handler({ Records: batch.map((p) => p.record) }),
        batch,
      );
    } catch (err) {
      outcome = { kind: 'error', error: message(err) };
    } finally {
      this.inFlight = false;
    }

    if (outcome.kind === 'success') {
      cursor.failing = undefined;
      cursor.retryAt = 0;
      await this.consume(cursor, size, true);
      return;
    }
    this.stats.failures++;
    this.stats.lastError = outcome.error;
    if (outcome.kind === 'partial') {
      // Checkpoint before the lowest failed record; retry from it, with everything after it.
      if (outcome.index > 0) await this.consume(cursor, outcome.index, true);
      await this.failed(cursor, 1, outcome.error);
      return;
    }
    if (this.bisect && size > 1) {
      const half = Math.ceil(size / 2);
      cursor.chunks.splice(0, cursor.chunks.length > 0 ? 1 : 0, half, size - half);
      cursor.retryAt = 0;
      return;
    }
    await this.failed(cursor, size, outcome.error);
  }

  /**
   * Counts a failure of the batch led by the first pending record; after
   * `maxRetries` retries, sends the first `unit` records to on-failure and moves on.
   */
  private async failed(cursor: ShardCursor, unit: number, error: string): Promise<void> {
    const head = cursor.pending[0];
    if (head === undefined) return;
    if (cursor.failing?.sequenceNumber !== head.sequenceNumber) {
      cursor.failing = { sequenceNumber: head.sequenceNumber, failures: 0 };
    }
    cursor.failing.failures++;
    const failures = cursor.failing.failures;
    if (failures <= this.maxRetries) {
      cursor.retryAt =
        Date.now() +
        Math.min(this.ctx.maxRetryDelayMs, this.ctx.retryDelayMs * 2 ** (failures - 1));
      return;
    }
    const given = cursor.pending.slice(0, unit);
    cursor.failing = undefined;
    cursor.retryAt = 0;
    await this.consume(cursor, unit, false);
    this.stats.discarded += given.length;
    await this.ctx.sendToOnFailure({
      consumer: this.name,
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: failures,
      error,
      timestamp: new Date().toISOString(),
      streamArn: this.ctx.streamArn,
      shardId: cursor.shardId,
      startSequenceNumber: head.sequenceNumber,
      endSequenceNumber: given.at(-1)?.sequenceNumber ?? head.sequenceNumber,
      batchSize: given.length,
      records: given.map((p) => p.record),
    });
  }

  /** Removes the first `count` pending records as done and checkpoints after them. */
  private async consume(cursor: ShardCursor, count: number, succeeded: boolean): Promise<void> {
    const done = cursor.pending.splice(0, count);
    let left = done.length;
    while (left > 0 && cursor.chunks.length > 0) {
      const chunk = cursor.chunks[0] ?? 0;
      if (chunk <= left) {
        cursor.chunks.shift();
        left -= chunk;
      } else {
        cursor.chunks[0] = chunk - left;
        left = 0;
      }
    }
    if (succeeded) this.stats.records += done.length;
    const lastDone = done.at(-1);
    if (lastDone) await this.checkpoint(cursor, lastDone.doneThrough);
  }

  private async checkpoint(cursor: ShardCursor, sequenceNumber: string): Promise<void> {
    try {
      await this.ctx.checkpoints?.put(this.name, cursor.shardId, sequenceNumber);
    } catch (err) {
      this.ctx.log(`[stream-poller] ${this.name}: could not save checkpoint: ${message(err)}`);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((done) => {
      const finish = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        done();
      };
      const timer = setTimeout(finish, ms);
      this.wakeUp = finish;
    });
  }
}

function finished(cursor: ShardCursor): boolean {
  return cursor.exhausted && cursor.pending.length === 0;
}

/** What the handler's result means, by Lambda's rules for `ReportBatchItemFailures`. */
function interpret(response: unknown, batch: readonly PendingRecord[]): Outcome {
  if (response === undefined || response === null) return { kind: 'success' };
  if (typeof response !== 'object') {
    return { kind: 'error', error: `invalid handler response: ${String(response)}` };
  }
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) {
    return { kind: 'error', error: 'invalid handler response: batchItemFailures is not an array' };
  }
  if (failures.length === 0) return { kind: 'success' };
  let lowest = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index = batch.findIndex((p) => p.sequenceNumber === id);
    // Lambda fails the whole batch on an empty or unknown itemIdentifier.
    if (typeof id !== 'string' || index < 0) {
      return {
        kind: 'error',
        error: `invalid handler response: itemIdentifier ${JSON.stringify(id)} is not in the batch`,
      };
    }
    lowest = Math.min(lowest, index);
  }
  const failed = batch[lowest];
  return {
    kind: 'partial',
    index: lowest,
    error: `record ${failed?.sequenceNumber} reported in batchItemFailures`,
  };
}

/** Every shard of the stream, oldest first (DescribeStream pages through them). */
async function listShards(client: DynamoDBStreamsClient, streamArn: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let start: string | undefined;
  do {
    const out = await client.send(
      new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }),
    );
    shards.push(...(out.StreamDescription?.Shards ?? []));
    start = out.StreamDescription?.LastEvaluatedShardId;
  } while (start !== undefined);
  return shards;
}

/** A shard's place in the lineage, for {@link readableShards}. */
export interface ShardLineage {
  readonly shardId: string;
  readonly parentShardId: string | undefined;
}

/**
 * The shards that may be read now, in the given order: those not finished
 * whose parent is finished or no longer known (trimmed, or closed before the
 * poller started). A child is never read before its parent is done, so the
 * records of one item stay in order across a shard rollover.
 */
export function readableShards<T extends ShardLineage>(
  shards: readonly T[],
  isFinished: (shard: T) => boolean,
): T[] {
  const byId = new Map(shards.map((s) => [s.shardId, s]));
  return shards.filter((shard) => {
    if (isFinished(shard)) return false;
    const parent = shard.parentShardId === undefined ? undefined : byId.get(shard.parentShardId);
    return parent === undefined || isFinished(parent);
  });
}

/**
 * A stream record as Lambda delivers it: images as raw AttributeValues
 * (binary as base64), `ApproximateCreationDateTime` in epoch seconds, and the
 * stream's ARN as `eventSourceARN`.
 */
export function toLambdaRecord(record: _Record, eventSourceARN: string): DynamoDBRecord {
  const d = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion,
    dynamodb: {
      ...(d.ApproximateCreationDateTime && {
        ApproximateCreationDateTime: Math.floor(d.ApproximateCreationDateTime.getTime() / 1000),
      }),
      ...(d.Keys && { Keys: toLambdaImage(d.Keys) }),
      ...(d.NewImage && { NewImage: toLambdaImage(d.NewImage) }),
      ...(d.OldImage && { OldImage: toLambdaImage(d.OldImage) }),
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType,
    },
    eventSourceARN,
    ...(record.userIdentity && { userIdentity: { ...record.userIdentity } }),
  };
}

function toLambdaImage(
  image: Record<string, StreamAttributeValue>,
): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, toLambdaValue(v)]));
}

function toLambdaValue(value: StreamAttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  // The streams client deserialises an empty map ({"M":{}}) to {}: an empty
  // list keeps its {"L":[]} and every other type carries a value, so {} can
  // only have been an empty map.
  if (Object.keys(value).length === 0) return { M: {} };
  throw new StreamPollerError(`unsupported attribute value: ${JSON.stringify(value)}`);
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

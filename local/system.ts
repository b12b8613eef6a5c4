import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { createChangesHandler } from '../functions/handlers/changes.js';
import { type ConsumerName, matchesConsumer } from '../functions/handlers/consumers.js';
import { createDeliverHandler } from '../functions/handlers/deliver.js';
import { createPublishHandler } from '../functions/handlers/publish.js';
import { type ReconcileResult, reconcile } from '../functions/handlers/reconcile.js';
import type { Publisher, Sender } from '../functions/notify/index.js';
import { warningDaysFromEnv } from '../functions/reconcile/index.js';
import type { StoreContext } from '../functions/store/index.js';
import type { Contacts } from '../schemas/index.js';
import { LocalEventLog, LocalOutbox } from './adapters.js';
import { asFunction, invocation } from './aws-calls.js';
import { type StreamFailure, StreamPoller, type StreamPollerOptions } from './stream-poller.js';

/** A stream handler as the poller calls it. */
export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse>;

/** Options of {@link startLocalSystem}. */
export interface LocalSystemOptions {
  readonly doc: DynamoDBDocumentClient;
  readonly streams: DynamoDBStreamsClient;
  readonly tableName: string;
  readonly streamArn: string;
  /** Contact addresses notifications name; default the service's own. */
  readonly contacts?: Contacts;
  /** The clock of the store; default the real one. */
  readonly now?: () => Date;
  /** Where the outbox, the event log and on-failure reports print; default nowhere. */
  readonly print?: (line: string) => void;
  /** Wraps a consumer's handler (tests inject crashes and duplicates here). */
  readonly wrap?: (name: ConsumerName, handler: StreamHandler) => StreamHandler;
  /** Sends notifications instead of the local outbox (tests run the SES adapter here). */
  readonly sender?: Sender;
  /** Publishes events instead of the local event log (tests run the EventBridge adapter here). */
  readonly publisher?: Publisher;
  /** Expiry warning windows, days before an expiry; default `EXPIRY_WARNING_DAYS` or 30 and 7. */
  readonly warningDays?: readonly number[];
  /** Where to record each consumer's AWS calls and invocation times (`local/aws-calls.ts`); default off. */
  readonly recordDir?: string;
  /**
   * Runs the reconciler (check, repair, expiry) on start and then every this
   * many milliseconds, as the deployed schedule does; default off.
   */
  readonly reconcileEveryMs?: number;
  /** Poller tuning (intervals, checkpoints); consumers are set here. */
  readonly poller?: Partial<Omit<StreamPollerOptions, 'client' | 'streamArn' | 'consumers'>>;
}

/** The stream side of the system running on one machine. */
export interface LocalSystem {
  readonly ctx: StoreContext;
  readonly poller: StreamPoller;
  readonly outbox: LocalOutbox;
  readonly events: LocalEventLog;
  readonly failures: StreamFailure[];
  /** The reconciler runs finished so far (with `reconcileEveryMs`). */
  readonly reconciles: ReconcileResult[];
  stop(): Promise<void>;
}

/** Records per invocation of each consumer, as in the deployed event source mappings. */
export const BATCH_SIZES: Record<ConsumerName, number> = {
  changes: 10,
  deliver: 100,
  publish: 100,
};

/**
 * Runs the same stream handlers as the deployed functions, fed by the local
 * stream poller the way Lambda's event source mappings feed them (filters,
 * batches, partial batch failures, bounded retries with bisecting, an
 * on-failure log), with the local outbox and event log as adapters.
 */
export async function startLocalSystem(options: LocalSystemOptions): Promise<LocalSystem> {
  const print = options.print ?? (() => {});
  const ctx: StoreContext = {
    doc: options.doc,
    tableName: options.tableName,
    now: options.now ?? (() => new Date()),
  };
  const outbox = new LocalOutbox(print);
  const events = new LocalEventLog(print);
  const failures: StreamFailure[] = [];
  const handlers: Record<ConsumerName, StreamHandler> = {
    changes: createChangesHandler({
      ...ctx,
      ...(options.contacts && { contacts: options.contacts }),
    }),
    deliver: createDeliverHandler(ctx, options.sender ?? outbox),
    publish: createPublishHandler(options.publisher ?? events),
  };
  const timed = (name: ConsumerName, handler: StreamHandler): StreamHandler => {
    const wrapped = options.wrap ? options.wrap(name, handler) : handler;
    return (event) => invocation(options.recordDir, name, () => wrapped(event));
  };
  const poller = new StreamPoller({
    ...options.poller,
    client: options.streams,
    streamArn: options.streamArn,
    log: options.poller?.log ?? print,
    onFailure: (failure) => {
      failures.push(failure);
      print(
        `[on-failure] ${failure.consumer}: ${failure.records.length} record(s) given up after ${failure.approximateInvokeCount} attempts: ${failure.error}`,
      );
    },
    consumers: (Object.keys(handlers) as ConsumerName[]).map((name) => ({
      name,
      filter: (record) => matchesConsumer(name, record),
      handler: timed(name, handlers[name]),
      around: (body) => asFunction(name, body),
      batchSize: BATCH_SIZES[name],
      maxRetries: 5,
      bisectOnError: true,
    })),
  });
  await poller.start();
  const reconciles: ReconcileResult[] = [];
  // Read once, so a bad EXPIRY_WARNING_DAYS stops the start with its message.
  const warningDays = options.warningDays ?? warningDaysFromEnv();
  const loop =
    options.reconcileEveryMs === undefined
      ? undefined
      : startReconcileLoop(
          options.reconcileEveryMs,
          async () => {
            const result = await invocation(options.recordDir, 'reconcile', () =>
              reconcile(ctx, { warningDays }),
            );
            reconciles.push(result);
            print(
              `[reconcile] ${result.report.violations.length} violation(s), ${result.repaired.links + result.repaired.summaries} repaired, ${result.expiryChanges.length} expiry change(s) started, ${result.warnings.length} expiry warning(s) sent`,
            );
          },
          print,
        );
  return {
    ctx,
    poller,
    outbox,
    events,
    failures,
    reconciles,
    stop: async () => {
      await loop?.stop();
      await poller.stop();
    },
  };
}

/**
 * Runs `run` now and then `everyMs` after each run ends, never two at once;
 * a failed run is printed and the loop goes on. `stop` waits for a run in flight.
 */
function startReconcileLoop(
  everyMs: number,
  run: () => Promise<void>,
  print: (line: string) => void,
): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  const tick = () => {
    current = run()
      .catch((err) => print(`[reconcile] failed: ${err instanceof Error ? err.message : err}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, everyMs);
      });
  };
  tick();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}

/**
 * The whole stream pipeline on a fresh table of the run's DynamoDB Local:
 * the same handlers as the deployed functions, fed by the local poller.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { type ReconcileResult, reconcile } from '../../functions/handlers/reconcile.js';
import { type CheckReport, checkInvariants } from '../../functions/reconcile/index.js';
import { getChange, type StoreContext } from '../../functions/store/index.js';
import { invocation } from '../../local/aws-calls.js';
import { type LocalSystem, type LocalSystemOptions, startLocalSystem } from '../../local/system.js';
import { awsCallsDir, freshTable } from './dynamo.js';

/** A running pipeline and helpers to wait for it and check it. */
export interface Pipeline extends LocalSystem {
  readonly tableName: string;
  /** Waits until every stream record has been handled (the pipeline is idle). */
  settle(timeoutMs?: number): Promise<void>;
  /** Waits for idle, then asserts that each change is `applied`. */
  applied(...changeIds: string[]): Promise<void>;
  /** Runs the invariant checker (stale after 0 ms: everything must be finished). */
  check(): Promise<CheckReport>;
  /** Asserts the checker finds no violation and no warning. */
  expectClean(): Promise<void>;
  /** Stops the poller and drops the table. */
  stop(): Promise<void>;
}

/**
 * Starts a pipeline on a fresh table. `ctx` is a clean client for arranging
 * and asserting; the handlers may use their own client (`doc`), for example
 * one with injected faults.
 */
export async function startPipeline(
  prefix: string,
  options: Pick<
    LocalSystemOptions,
    'wrap' | 'now' | 'poller' | 'sender' | 'publisher' | 'reconcileEveryMs'
  > & {
    doc?: DynamoDBDocumentClient;
  } = {},
): Promise<Pipeline> {
  const table = await freshTable(prefix);
  const system = await startLocalSystem({
    doc: options.doc ?? table.clients.doc,
    streams: table.clients.streams,
    tableName: table.tableName,
    streamArn: table.streamArn,
    poller: {
      pollIntervalMs: 20,
      maxIdleIntervalMs: 100,
      retryDelayMs: 10,
      maxRetryDelayMs: 50,
      ...options.poller,
    },
    ...(options.now && { now: options.now }),
    ...(options.wrap && { wrap: options.wrap }),
    ...(options.sender && { sender: options.sender }),
    ...(options.publisher && { publisher: options.publisher }),
    ...(options.reconcileEveryMs !== undefined && { reconcileEveryMs: options.reconcileEveryMs }),
    recordDir: awsCallsDir(),
  });
  const ctx: StoreContext = { ...system.ctx, doc: table.clients.doc };
  const settle = (timeoutMs = 180_000) => system.poller.drain({ timeoutMs });
  return {
    ...system,
    ctx,
    tableName: table.tableName,
    settle,
    async applied(...changeIds) {
      await settle();
      for (const id of changeIds) expect((await getChange(ctx, id))?.status, id).toBe('applied');
    },
    check: () => checkInvariants(ctx, { staleAfterMs: 0 }),
    async expectClean() {
      const report = await checkInvariants(ctx, { staleAfterMs: 0 });
      expect(report.violations).toEqual([]);
      expect(report.warnings).toEqual([]);
      expect(system.failures).toEqual([]);
    },
    async stop() {
      await system.stop();
      await table.drop();
    },
  };
}

/** One run of the deployed reconciler on `ctx`, its AWS calls recorded as the `reconcile` function's. */
export function runReconciler(ctx: StoreContext): Promise<ReconcileResult> {
  return invocation(awsCallsDir(), 'reconcile', () => reconcile(ctx));
}

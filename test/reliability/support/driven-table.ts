/**
 * A table shared by many short scenarios, with the real stream handlers
 * driven by a {@link StreamDriver} and a {@link WirePlan} on the handlers'
 * client. Scenarios use their own id prefixes and check their own part of the
 * table (`scope.ts`), so one table serves them all: DynamoDB Local serves
 * tables created after a lot of data was written noticeably slower, so the
 * reliability tests create as few tables as they can.
 *
 * After a failed scenario the pipeline is calmed and emptied (so that
 * fast-check's shrinking never inherits its unfinished work); its items stay,
 * out of every other scenario's scope.
 */
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { createChangesHandler } from '../../../functions/handlers/changes.js';
import type { ConsumerName } from '../../../functions/handlers/consumers.js';
import { createDeliverHandler } from '../../../functions/handlers/deliver.js';
import { createPublishHandler } from '../../../functions/handlers/publish.js';
import type { StoreContext } from '../../../functions/store/index.js';
import { LocalEventLog, LocalOutbox } from '../../../local/adapters.js';
import { type DynamoClients, dynamoClients, ensureTable } from '../../../local/table-setup.js';
import { dynamoEndpoint } from '../../support/dynamo.js';
import { type Handler, StreamDriver } from './stream-driver.js';
import { WirePlan } from './wire-faults.js';

/**
 * The clock every client of a driven table reads: real time moved on by
 * whatever a scenario let elapse (expiries come due without waiting for them).
 */
export class SimClock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Lets `ms` pass at once. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Back to real time (a new scenario, with ids and expiries of its own). */
  reset(): void {
    this.offsetMs = 0;
  }
}

/** One table with its driven pipeline. */
export interface DrivenTable {
  readonly tableName: string;
  /** The clock of both contexts. */
  readonly clock: SimClock;
  /** A clean client, for arranging and asserting. */
  readonly ctx: StoreContext;
  /** The handlers' store context: its client carries {@link DrivenTable.plan}. */
  readonly handlerCtx: StoreContext;
  readonly plan: WirePlan;
  readonly driver: StreamDriver;
  readonly outbox: LocalOutbox;
  /** The DynamoDB Local it is on. */
  readonly endpoint: string;
  /** Deletes the table and closes its clients. */
  drop(): Promise<void>;
}

let tables = 0;

/** Creates a table from the shared definition on `endpoint` (default: the run's DynamoDB Local). */
export async function drivenTable(
  prefix: string,
  endpoint: string = dynamoEndpoint(),
): Promise<DrivenTable> {
  const clients: DynamoClients = dynamoClients(endpoint);
  const tableName = `${prefix}${process.pid}-${++tables}`;
  const { streamArn } = await ensureTable(clients.ddb, tableName);
  const clock = new SimClock();
  const now = () => clock.now();
  const ctx: StoreContext = { doc: clients.doc, tableName, now };
  const plan = new WirePlan();
  const handlerCtx: StoreContext = { doc: plan.client(endpoint), tableName, now };
  const outbox = new LocalOutbox();
  const handlers: Record<ConsumerName, Handler> = {
    changes: createChangesHandler(handlerCtx),
    deliver: createDeliverHandler(handlerCtx, outbox),
    publish: createPublishHandler(new LocalEventLog()),
  };
  const driver = new StreamDriver(clients.streams, streamArn, handlers);
  return {
    tableName,
    clock,
    ctx,
    handlerCtx,
    plan,
    driver,
    outbox,
    endpoint,
    async drop() {
      plan.disarm();
      handlerCtx.doc.destroy();
      await clients.ddb.send(new DeleteTableCommand({ TableName: tableName }));
      clients.destroy();
    },
  };
}

/** Hands one table to scenario after scenario. */
export class TablePool {
  private current: DrivenTable | undefined;
  private runs = 0;

  constructor(
    private readonly prefix: string,
    private readonly endpoint?: string,
  ) {}

  /** The table for the next scenario and that scenario's id prefix (`<prefix><n>-`). */
  async next(): Promise<{ env: DrivenTable; ids: string }> {
    this.current ??= await drivenTable(this.prefix, this.endpoint);
    this.runs++;
    return { env: this.current, ids: `${this.prefix}${this.runs}-` };
  }

  /** A scenario failed: its faults stop and its unfinished work is finished or dropped. */
  async recover(): Promise<void> {
    this.current?.plan.disarm();
    await this.current?.driver.recover();
  }

  /** Scenarios run so far. */
  get count(): number {
    return this.runs;
  }

  /** Drops the current table. */
  async retire(): Promise<void> {
    const old = this.current;
    this.current = undefined;
    await old?.drop();
  }
}

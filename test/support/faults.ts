/**
 * Fault injection through the SDK's middleware stack: the system under test
 * gets its own DynamoDB client, and this middleware makes its n-th write fail
 * before it reaches DynamoDB (a crash before the write) or after DynamoDB
 * applied it (a crash after the write, the caller never hears).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/store/index.js';
import { localClientConfig } from '../../local/table-setup.js';
import { dynamoEndpoint } from './dynamo.js';

const WRITES = /^(PutItem|UpdateItem|DeleteItem|TransactWriteItems|BatchWriteItem)Command$/;

/** Raised by an injected fault. */
export class InjectedFault extends Error {
  constructor(
    readonly write: number,
    readonly when: 'before' | 'after',
  ) {
    super(`injected crash ${when} write ${write}`);
    this.name = 'InjectedFault';
  }
}

/** A plan of faults and the count of writes seen, shared by one client. */
export class FaultPlan {
  /** Writes seen since the plan was armed. */
  writes = 0;
  /** Faults fired, in order. */
  readonly fired: InjectedFault[] = [];
  private armed = false;

  constructor(
    /** Which write (1-based, after arming) fails; 0 never. */
    readonly failAt = 0,
    readonly when: 'before' | 'after' = 'before',
    /** Any other failure to make instead of a crash (e.g. a throttling error). */
    readonly error?: (write: number) => Error,
  ) {}

  /** Starts counting (writes before arming, such as set-up, never fail). */
  arm(): void {
    this.armed = true;
    this.writes = 0;
  }

  /** A document client over its own DynamoDB client carrying this plan's middleware. */
  client(): DynamoDBDocumentClient {
    const ddb = new DynamoDBClient({ ...localClientConfig(dynamoEndpoint()), maxAttempts: 1 });
    ddb.middlewareStack.add(
      (next, context) => async (args) => {
        if (!this.armed || !WRITES.test(String(context.commandName))) return next(args);
        const n = ++this.writes;
        if (n !== this.failAt) return next(args);
        const fault = new InjectedFault(n, this.when);
        this.fired.push(fault);
        if (this.when === 'before') throw this.error?.(n) ?? fault;
        await next(args);
        throw this.error?.(n) ?? fault;
      },
      { step: 'initialize', name: 'injectFaults' },
    );
    return documentClient(ddb);
  }
}

/**
 * DynamoDB faults injected on the wire: an SDK middleware placed inside the
 * SDK's own retry loop (step `finalizeRequest`, after `retryMiddleware`), so
 * that each attempt of a request meets it exactly as it would meet the
 * network and DynamoDB. A fault is raised either before the attempt leaves
 * (nothing reaches DynamoDB) or after DynamoDB answered (the request was
 * applied and its response is lost). Everything above it runs as in
 * production: the SDK's standard retries (throttling, timeouts; 3 attempts),
 * the store's retry of transaction conflicts, and the store itself. The
 * client is a real one against the run's DynamoDB Local: nothing is mocked.
 */
import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../../functions/store/index.js';
import { localClientConfig } from '../../../local/table-setup.js';
import { dynamoEndpoint } from '../../support/dynamo.js';

/** Every kind of fault the middleware can raise. */
export const WIRE_FAULTS = [
  /** `TransactionConflictException` (a single-item write met a transaction) or, for a transaction, `TransactionCanceledException` with `TransactionConflict` reasons; never applied. */
  'conflict',
  /** `ThrottlingException`; never applied. */
  'throttling',
  /** `ProvisionedThroughputExceededException`; never applied. */
  'provisioned',
  /** A socket timeout before the request was sent; never applied. */
  'timeout-before',
  /** A socket timeout after DynamoDB applied the request: the response is lost. */
  'timeout-after',
  /** The process dies before the request is sent (an error no one retries). */
  'crash-before',
  /** The process dies after DynamoDB applied the request (an error no one retries). */
  'crash-after',
] as const;
export type WireFault = (typeof WIRE_FAULTS)[number];

/** The faults that, by their nature, come back after DynamoDB applied the request. */
const AFTER: ReadonlySet<WireFault> = new Set(['timeout-after', 'crash-after']);

/** The commands that write. */
const WRITES = /^(PutItem|UpdateItem|DeleteItem|TransactWriteItems|BatchWriteItem)Command$/;

/** One attempt of one request, as the middleware sees it. */
export interface Attempt {
  /** The SDK command, for example `TransactWriteItemsCommand`. */
  readonly command: string;
  readonly isWrite: boolean;
  /** 1-based count of the attempts of writes this plan has seen since it was armed. */
  readonly write: number;
  /** 1-based count of every attempt since it was armed. */
  readonly attempt: number;
  /** Items of a `TransactWriteItems`, else 1. */
  readonly items: number;
}

/** A fault that fired, for assertions and failure messages. */
export interface FiredFault {
  readonly fault: WireFault;
  readonly command: string;
  readonly write: number;
}

/** Raised by `crash-before` and `crash-after`: not an error the SDK or the store retries. */
export class InjectedCrash extends Error {
  constructor(
    readonly fault: WireFault,
    readonly write: number,
  ) {
    super(`injected ${fault} at write attempt ${write}`);
    this.name = 'InjectedCrash';
  }
}

/** The error DynamoDB (or the socket) would raise for `fault` on `attempt`. */
export function wireError(fault: WireFault, attempt: Attempt): Error {
  const $metadata = { httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 };
  switch (fault) {
    case 'conflict':
      if (attempt.command === 'TransactWriteItemsCommand') {
        return new TransactionCanceledException({
          message:
            'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
          $metadata,
          CancellationReasons: Array.from({ length: attempt.items }, (_, i) =>
            i === 0
              ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
              : { Code: 'None' },
          ),
        });
      }
      return new TransactionConflictException({
        message: 'Transaction is ongoing for the item',
        $metadata,
      });
    case 'throttling':
      return new ThrottlingException({
        message: 'Rate of requests exceeds the allowed throughput',
        $metadata,
      });
    case 'provisioned':
      return new ProvisionedThroughputExceededException({
        message: 'The level of configured provisioned throughput for the table was exceeded',
        $metadata,
      });
    case 'timeout-before':
    case 'timeout-after':
      // What @smithy/node-http-handler raises when the socket times out.
      return Object.assign(new Error('Connection timed out after 1000 ms'), {
        name: 'TimeoutError',
        code: 'ETIMEDOUT',
      });
    case 'crash-before':
    case 'crash-after':
      return new InjectedCrash(fault, attempt.write);
  }
}

/**
 * Decides the fault of each attempt. `decide` sees every attempt (reads
 * included) once the plan is armed; returning `undefined` lets it through.
 */
export class WirePlan {
  readonly fired: FiredFault[] = [];
  writes = 0;
  attempts = 0;
  private armed = false;

  constructor(private decide: (attempt: Attempt) => WireFault | undefined = () => undefined) {}

  /** Starts counting and faulting (set-up writes before this never fail). */
  arm(decide?: (attempt: Attempt) => WireFault | undefined): void {
    if (decide) this.decide = decide;
    this.armed = true;
    this.writes = 0;
    this.attempts = 0;
  }

  /** Stops faulting. */
  disarm(): void {
    this.armed = false;
  }

  /** Faults the n-th write attempts named in `at` (1-based) with `fault`. */
  static atWrites(at: ReadonlyMap<number, WireFault>): WirePlan {
    return new WirePlan((a) => (a.isWrite ? at.get(a.write) : undefined));
  }

  /**
   * A production-like document client (the store's `documentClient`, default
   * SDK retry settings) on DynamoDB Local at `endpoint` (default: the run's),
   * carrying this plan.
   */
  client(endpoint: string = dynamoEndpoint()): DynamoDBDocumentClient {
    const ddb = new DynamoDBClient(localClientConfig(endpoint));
    ddb.middlewareStack.add(
      (next, context) => async (args) => {
        if (!this.armed) return next(args);
        const command = String(context.commandName);
        const isWrite = WRITES.test(command);
        const input = args.input as { TransactItems?: unknown[] };
        const attempt: Attempt = {
          command,
          isWrite,
          write: isWrite ? ++this.writes : this.writes,
          attempt: ++this.attempts,
          items: input.TransactItems?.length ?? 1,
        };
        const fault = this.decide(attempt);
        if (fault === undefined) return next(args);
        this.fired.push({ fault, command, write: attempt.write });
        if (!AFTER.has(fault)) throw wireError(fault, attempt);
        await next(args);
        throw wireError(fault, attempt);
      },
      // Inside the SDK's retry loop: every attempt passes here, as on the wire.
      { step: 'finalizeRequest', priority: 'low', name: 'injectWireFaults' },
    );
    return documentClient(ddb);
  }
}

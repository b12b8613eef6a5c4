import {
  DynamoDBClient,
  type DynamoDBClientConfig,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { backoff } from '../commons/index.js';
import { ContentionError } from './errors.js';

/** Attempts of a write that lost to a concurrent transaction before it is surfaced. */
export const CONFLICT_ATTEMPTS = 6;

/**
 * Whether a write was refused only because a concurrent transaction held one
 * of its items: nothing was written, so trying again is safe. A cancelled
 * transaction in which a condition also failed is not transient: the
 * condition is the answer.
 */
export function isTransientConflict(err: unknown): boolean {
  if ((err as { name?: string } | undefined)?.name === 'TransactionConflictException') return true;
  if (!(err instanceof TransactionCanceledException)) return false;
  const codes = (err.CancellationReasons ?? []).map((r) => r.Code);
  return codes.includes('TransactionConflict') && !codes.includes('ConditionalCheckFailed');
}

/** Error names of throttling and of timeouts, as the SDK surfaces them once its own retries are spent. */
const UNAVAILABLE_NAMES = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionInProgressException',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Socket error codes of a connection that failed or timed out. */
const UNAVAILABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/** Cancellation reasons of a transaction refused only for now (no condition failed). */
const TRANSIENT_REASONS = new Set([
  'None',
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

/**
 * Whether DynamoDB refused or did not answer a request for now (throttling, a
 * timeout, a dropped connection, a conflict that did not clear) after the
 * SDK's and the store's own retries: the caller may try again later. A
 * timeout can hide a write that DynamoDB applied, so "try again" must be safe
 * for the write, as the API's PUTs and DELETEs are.
 */
export function isUnavailable(err: unknown): boolean {
  if (err instanceof ContentionError || isTransientConflict(err)) return true;
  if (err instanceof TransactionCanceledException) {
    const codes = (err.CancellationReasons ?? []).map((r) => r.Code ?? 'None');
    return codes.some((c) => c !== 'None') && codes.every((c) => TRANSIENT_REASONS.has(c));
  }
  const { name, code } = (err ?? {}) as { name?: unknown; code?: unknown };
  return (
    (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) ||
    (typeof code === 'string' && UNAVAILABLE_CODES.has(code))
  );
}

/** Back-off between retries of a conflicting transaction: 40 ms doubling, at most 1 s. */
const CONFLICT_BACKOFF = { baseMs: 20, capMs: 1000 } as const;

/**
 * Retries writes refused by transaction conflicts, which the SDK's own retry
 * strategy does not retry, with jittered exponential back-off; after
 * {@link CONFLICT_ATTEMPTS} it gives up with a {@link ContentionError}.
 * Throttling and timeouts are retried by the SDK itself.
 */
function addConflictRetry(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await next(args);
        } catch (err) {
          if (!isTransientConflict(err)) throw err;
          if (attempt >= CONFLICT_ATTEMPTS) {
            throw new ContentionError(
              'a concurrent transaction kept conflicting; nothing was written',
              {
                cause: err,
              },
            );
          }
          await backoff(attempt, CONFLICT_BACKOFF);
        }
      }
    },
    { step: 'initialize', name: 'retryTransactionConflicts', priority: 'high', override: true },
  );
}

/**
 * The document client every part of the system uses: undefined attributes are
 * dropped rather than rejected, so optional fields can be spread into items,
 * and writes that lose to a concurrent transaction are retried.
 */
export function documentClient(config: DynamoDBClientConfig | DynamoDBClient = {}) {
  const client = config instanceof DynamoDBClient ? config : new DynamoDBClient(config);
  addConflictRetry(client);
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

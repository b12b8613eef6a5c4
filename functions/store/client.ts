import {
  DynamoDBClient,
  type DynamoDBClientConfig,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
          await sleep(Math.random() * 20 * 2 ** attempt);
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

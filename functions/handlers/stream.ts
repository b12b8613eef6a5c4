import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
} from 'aws-lambda';

/** The new or old image of a stream record as a plain object, or `undefined`. */
export function imageOf(
  record: DynamoDBRecord,
  which: 'NewImage' | 'OldImage',
): Record<string, unknown> | undefined {
  const image = record.dynamodb?.[which];
  return image ? unmarshall(image as Record<string, AttributeValue>) : undefined;
}

/** Raised for the records after a failed one, so that they are redelivered in order. */
export class SkippedAfterFailureError extends Error {
  constructor() {
    super('not attempted: an earlier record of this batch failed');
    this.name = 'SkippedAfterFailureError';
  }
}

/**
 * A stream consumer with partial batch responses (Powertools batch utility).
 * By default records are handled in order; after the first failure the rest
 * of the batch is reported failed without being attempted, so the event
 * source resumes at the failed record and records of one item never overtake
 * each other. `parallel` is for consumers whose records are each the only
 * record of their item (inserts of write-once items). Record handlers are
 * idempotent, so redelivery is harmless.
 */
export function streamConsumer(
  recordHandler: (record: DynamoDBRecord) => Promise<void>,
  options: { parallel?: boolean } = {},
): (event: DynamoDBStreamEvent, context?: Context) => Promise<DynamoDBBatchResponse> {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return (event, context) => {
    if (options.parallel) {
      return processPartialResponse(event, recordHandler, processor, {
        ...(context && { context }),
        processInParallel: true,
      });
    }
    let failed = false;
    const inOrder = async (record: DynamoDBRecord) => {
      if (failed) throw new SkippedAfterFailureError();
      try {
        await recordHandler(record);
      } catch (err) {
        failed = true;
        throw err;
      }
    };
    return processPartialResponse(event, inOrder, processor, {
      ...(context && { context }),
      processInParallel: false,
    });
  };
}

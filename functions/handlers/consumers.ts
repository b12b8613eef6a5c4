import type { DynamoDBRecord } from 'aws-lambda';
import type { ItemType } from '../store/index.js';

/** One pattern of a stream consumer's filter: these event names on items of these types. */
export interface StreamPattern {
  readonly eventNames: readonly ('INSERT' | 'MODIFY' | 'REMOVE')[];
  readonly types: readonly ItemType[];
}

/**
 * Which stream records each consumer sees. The CDK stack turns these into
 * Lambda filter criteria and the local poller into predicates, so both run
 * the consumers on exactly the same records.
 */
export const STREAM_CONSUMERS = {
  /**
   * Change records and fan-out cursors: carry out propagation a page at a
   * time; import chunks: apply an import job a chunk at a time.
   */
  changes: [{ eventNames: ['INSERT'], types: ['change', 'cursor', 'import-chunk'] }],
  /** Newly claimed notifications: send them. */
  deliver: [{ eventNames: ['INSERT'], types: ['notification'] }],
  /** New access-change items and notifications: publish domain events. */
  publish: [{ eventNames: ['INSERT'], types: ['access-change', 'notification'] }],
} as const satisfies Record<string, readonly StreamPattern[]>;

export type ConsumerName = keyof typeof STREAM_CONSUMERS;

/** Whether a stream record passes a consumer's filter (the local stand-in for filter criteria). */
export function matchesConsumer(name: ConsumerName, record: DynamoDBRecord): boolean {
  const type = (record.dynamodb?.NewImage ?? record.dynamodb?.OldImage)?.type?.S;
  return STREAM_CONSUMERS[name].some(
    (p: StreamPattern) =>
      p.eventNames.includes(record.eventName as 'INSERT') && p.types.includes(type as ItemType),
  );
}

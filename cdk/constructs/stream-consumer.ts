import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StreamPattern } from '../../functions/handlers/consumers.js';

/** Records older than this are given up on (sent to the failure queue); the stream keeps 24 hours. */
export const MAX_RECORD_AGE = Duration.hours(6);
/** The most retries any consumer gets before a record goes to its failure queue. */
export const MAX_RETRY_ATTEMPTS = 5;

/**
 * The Lambda filter patterns of a consumer, one per pattern of
 * `STREAM_CONSUMERS`: the record's `eventName` is one of the pattern's names
 * and its new image's `type` (a string attribute) one of its types.
 */
export function filterPatterns(
  patterns: readonly StreamPattern[],
): { eventName: string[]; dynamodb: { NewImage: { type: { S: string[] } } } }[] {
  return patterns.map((p) => ({
    eventName: [...p.eventNames],
    dynamodb: { NewImage: { type: { S: [...p.types] } } },
  }));
}

/** Properties of {@link StreamConsumer}. */
export interface StreamConsumerProps {
  /** The table whose stream is consumed. */
  readonly table: ITableV2;
  /** The consuming function. */
  readonly fn: IFunction;
  /** Which records it sees (from `STREAM_CONSUMERS`). */
  readonly patterns: readonly StreamPattern[];
  /** Records per invocation. */
  readonly batchSize: number;
  /** Retries of a failing record before it goes to the failure queue (at most {@link MAX_RETRY_ATTEMPTS}). */
  readonly retryAttempts: number;
}

/**
 * Feeds a function from the table's stream the way the design asks: only
 * the records its patterns select, partial batch responses, bisecting a
 * failing batch, bounded retries and record age, then the failure's
 * metadata (shard and sequence numbers) to an encrypted, TLS-only SQS queue,
 * so a poison record never blocks its shard for long.
 */
export class StreamConsumer extends Construct {
  /** Where records that kept failing are reported. */
  readonly failureQueue: Queue;
  /** The event source mapping's source. */
  readonly source: DynamoEventSource;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    if (props.retryAttempts < 0 || props.retryAttempts > MAX_RETRY_ATTEMPTS) {
      throw new Error(`retryAttempts must be between 0 and ${MAX_RETRY_ATTEMPTS}`);
    }
    this.failureQueue = new Queue(this, 'FailureQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.source = new DynamoEventSource(props.table, {
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: props.batchSize,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: props.retryAttempts,
      maxRecordAge: MAX_RECORD_AGE,
      onFailure: new SqsDlq(this.failureQueue),
      filters: filterPatterns(props.patterns).map((p) => FilterCriteria.filter(p)),
    });
    props.fn.addEventSource(this.source);
  }
}

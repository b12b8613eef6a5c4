import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SrsAccessStack } from '../../cdk/stack.js';
import { type ConsumerName, STREAM_CONSUMERS } from '../../functions/handlers/consumers.js';
import { logicalIdOf, resourcesOf, synthStack } from './support.js';

const CONSUMERS = Object.keys(STREAM_CONSUMERS) as ConsumerName[];

describe('the stream event sources', () => {
  let template: Template;
  let stack: SrsAccessStack;
  beforeAll(() => {
    ({ template, stack } = synthStack());
  });

  /** The event source mapping of one consumer's function. */
  function mappingOf(name: ConsumerName): Record<string, unknown> {
    const fnId = logicalIdOf(stack, stack.functions[name].fn);
    const found = Object.values(resourcesOf(template, 'AWS::Lambda::EventSourceMapping')).filter(
      (m) => JSON.stringify(m.Properties?.FunctionName) === JSON.stringify({ Ref: fnId }),
    );
    expect(found).toHaveLength(1);
    return found[0]?.Properties ?? {};
  }

  it('exist once per consumer of STREAM_CONSUMERS, all on the table stream', () => {
    const mappings = resourcesOf(template, 'AWS::Lambda::EventSourceMapping');
    expect(Object.keys(mappings)).toHaveLength(CONSUMERS.length);
    const tableId = logicalIdOf(stack, stack.table.table);
    for (const m of Object.values(mappings)) {
      expect(m.Properties?.EventSourceArn).toEqual({ 'Fn::GetAtt': [tableId, 'StreamArn'] });
    }
  });

  /** The retries each consumer gets (docs/propagation.md): the fan-out, the longest, the most. */
  const RETRIES: Record<ConsumerName, number> = { changes: 5, deliver: 3, publish: 3 };

  it.each(CONSUMERS)(
    '%s: bisects, retries as many times as it should, reports partial batch failures',
    (name) => {
      const mapping = mappingOf(name);
      expect(mapping.BisectBatchOnFunctionError).toBe(true);
      expect(mapping.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
      expect(mapping.MaximumRetryAttempts).toBe(RETRIES[name]);
    },
  );

  it.each(CONSUMERS)('%s: gives up on records older than 6 hours (the stream keeps 24)', (name) => {
    expect(mappingOf(name).MaximumRecordAgeInSeconds).toBe(6 * 3600);
  });

  it.each(CONSUMERS)('%s: sends records that keep failing to its own queue', (name) => {
    // Arrange
    const queueId = logicalIdOf(stack, stack.consumers[name].failureQueue);

    // Act
    const mapping = mappingOf(name);

    // Assert
    expect(mapping.DestinationConfig).toEqual({
      OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } },
    });
  });

  it.each(CONSUMERS)('%s: its failure queue is encrypted and refuses plain HTTP', (name) => {
    // Arrange
    const queueId = logicalIdOf(stack, stack.consumers[name].failureQueue);

    // Assert
    expect(template.toJSON().Resources[queueId].Properties).toMatchObject({
      SqsManagedSseEnabled: true,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it.each(CONSUMERS)('%s: filters exactly the patterns of STREAM_CONSUMERS', (name) => {
    // Arrange: one filter per pattern, on eventName and the new image's `type`.
    const expected = STREAM_CONSUMERS[name].map((p) => ({
      eventName: [...p.eventNames],
      dynamodb: { NewImage: { type: { S: [...p.types] } } },
    }));

    // Act
    const filters = (mappingOf(name).FilterCriteria as { Filters: { Pattern: string }[] }).Filters;

    // Assert
    expect(filters.map((f) => JSON.parse(f.Pattern))).toEqual(expected);
  });

  it('starts from the oldest retained record so no change is skipped on deploy', () => {
    for (const name of CONSUMERS) expect(mappingOf(name).StartingPosition).toBe('TRIM_HORIZON');
  });
});

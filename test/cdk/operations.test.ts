import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_ENTRIES } from '../../cdk/bundling.js';
import type { SrsAccessStack } from '../../cdk/stack.js';
import { STREAM_CONSUMERS } from '../../functions/handlers/consumers.js';
import { logicalIdOf, resourcesOf, synthStack } from './support.js';

const FUNCTION_COUNT = Object.keys(HANDLER_ENTRIES).length;
const CONSUMER_COUNT = Object.keys(STREAM_CONSUMERS).length;
/** The stream consumers' failure queues and the schedule's. */
const QUEUE_COUNT = CONSUMER_COUNT + 1;

describe('operations', () => {
  let template: Template;
  let stack: SrsAccessStack;
  beforeAll(() => {
    ({ template, stack } = synthStack({ alarmEmail: 'oncall@srs.ons.gov.uk' }));
  });

  const alarms = () => Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
  const ofMetric = (name: string) => alarms().filter((a) => a.Properties?.MetricName === name);
  /** The value of an alarm's first (only) metric dimension. */
  const dimensionOf = (alarm: { Properties?: Record<string, unknown> }): unknown =>
    ((alarm.Properties?.Dimensions ?? []) as { Value: unknown }[])[0]?.Value;

  it('alarms on every failure queue that holds a message', () => {
    const depth = ofMetric('ApproximateNumberOfMessagesVisible');
    expect(depth).toHaveLength(QUEUE_COUNT);
    const queues = Object.keys(resourcesOf(template, 'AWS::SQS::Queue'));
    expect(queues).toHaveLength(QUEUE_COUNT);
    expect(depth.map(dimensionOf)).toEqual(
      expect.arrayContaining(queues.map((q) => ({ 'Fn::GetAtt': [q, 'QueueName'] }))),
    );
    for (const a of depth) {
      expect(a.Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('alarms on the iterator age of every stream consumer', () => {
    const age = ofMetric('IteratorAge');
    expect(age).toHaveLength(CONSUMER_COUNT);
    for (const a of age) {
      expect(a.Properties).toMatchObject({ Statistic: 'Maximum', Threshold: 5 * 60 * 1000 });
    }
  });

  it('alarms on the errors of every function', () => {
    const errors = ofMetric('Errors');
    expect(errors).toHaveLength(FUNCTION_COUNT);
    const fnRefs = Object.values(stack.functions).map((f) => ({ Ref: logicalIdOf(stack, f.fn) }));
    expect(errors.map(dimensionOf)).toEqual(expect.arrayContaining(fnRefs));
  });

  it("alarms on the API's server errors", () => {
    const api5xx = ofMetric('5xx');
    expect(api5xx).toHaveLength(1);
    expect(api5xx[0]?.Properties).toMatchObject({ Namespace: 'AWS/ApiGateway', Threshold: 1 });
  });

  it('sends every alarm to the one topic, which emails the configured address', () => {
    const topicRef = { Ref: logicalIdOf(stack, stack.operations.topic) };
    expect(alarms()).toHaveLength(QUEUE_COUNT + CONSUMER_COUNT + FUNCTION_COUNT + 1);
    for (const a of alarms()) expect(a.Properties?.AlarmActions).toEqual([topicRef]);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@srs.ons.gov.uk',
      TopicArn: topicRef,
    });
  });

  it('has a dashboard', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: 'srs-access',
      DashboardBody: Match.anyValue(),
    });
  });
});

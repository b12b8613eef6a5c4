import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Stats,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Something named, for alarm names and dashboard labels. */
export interface Named<T> {
  readonly name: string;
  readonly resource: T;
}

/** Stream iterator age above which a consumer counts as lagging (five minutes). */
export const ITERATOR_AGE_THRESHOLD = Duration.minutes(5);

/** Properties of {@link Operations}. */
export interface OperationsProps {
  /** Every failure queue (stream on-failure destinations, the schedule's). */
  readonly failureQueues: readonly Named<IQueue>[];
  /** Every stream consumer function. */
  readonly streamConsumers: readonly Named<IFunction>[];
  /** Every function. */
  readonly functions: readonly Named<IFunction>[];
  /** The API's stage. */
  readonly apiStage: HttpStage;
  /** Who gets alarm email, if anyone. */
  readonly alarmEmail?: string;
}

/**
 * What an operator watches: CloudWatch alarms, all to one SNS topic, on
 * every failure queue's depth, every stream consumer's iterator age, every
 * function's errors and the API's 5xx responses; and a small dashboard.
 */
export class Operations extends Construct {
  /** Where every alarm goes. */
  readonly topic: Topic;
  /** The key the topic is encrypted with. */
  readonly topicKey: Key;
  /** The dashboard (named after the stack). */
  readonly dashboard: Dashboard;
  /** Every alarm, by kind. */
  readonly alarms: {
    readonly queueDepth: Alarm[];
    readonly iteratorAge: Alarm[];
    readonly errors: Alarm[];
    readonly api5xx: Alarm[];
  };

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const prefix = Stack.of(this).stackName;
    // Encrypted at rest. CloudWatch cannot publish to a topic under the
    // AWS-managed SNS key, so the key is the stack's own, and lets CloudWatch
    // alarms of this account use it.
    this.topicKey = new Key(this, 'AlarmTopicKey', {
      description: 'srs-access: encrypts the alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.topicKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'srs-access alarms',
      enforceSSL: true,
      masterKey: this.topicKey,
    });
    if (props.alarmEmail !== undefined) {
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    }
    const action = new SnsAction(this.topic);
    const alarm = (
      alarmId: string,
      metric: IMetric,
      threshold: number,
      description: string,
      periods = 1,
    ): Alarm => {
      const a = new Alarm(this, alarmId, {
        alarmName: `${prefix}-${alarmId}`,
        alarmDescription: description,
        metric,
        threshold,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(action);
      a.addOkAction(action);
      return a;
    };

    const fiveMinutes = Duration.minutes(5);
    this.alarms = {
      queueDepth: props.failureQueues.map(({ name, resource }) =>
        alarm(
          `${name}-failure-queue-depth`,
          resource.metricApproximateNumberOfMessagesVisible({
            period: fiveMinutes,
            statistic: Stats.MAXIMUM,
          }),
          1,
          `Records or invocations of ${name} failed for good and wait in its failure queue.`,
        ),
      ),
      iteratorAge: props.streamConsumers.map(({ name, resource }) =>
        alarm(
          `${name}-iterator-age`,
          resource.metric('IteratorAge', {
            period: Duration.minutes(1),
            statistic: Stats.MAXIMUM,
          }),
          ITERATOR_AGE_THRESHOLD.toMilliseconds(),
          `The ${name} stream consumer has lagged behind the stream for 5 minutes.`,
          5,
        ),
      ),
      errors: props.functions.map(({ name, resource }) =>
        alarm(
          `${name}-errors`,
          resource.metricErrors({ period: fiveMinutes, statistic: Stats.SUM }),
          1,
          `The ${name} function failed.`,
        ),
      ),
      api5xx: [
        alarm(
          'api-5xx',
          props.apiStage.metricServerError({ period: fiveMinutes, statistic: Stats.SUM }),
          1,
          'The HTTP API answered with a server error.',
        ),
      ],
    };

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: prefix,
      defaultInterval: Duration.hours(6),
    });
    const stage = props.apiStage;
    this.dashboard.addWidgets(
      new AlarmStatusWidget({
        title: 'Alarms',
        width: 24,
        alarms: [
          ...this.alarms.api5xx,
          ...this.alarms.errors,
          ...this.alarms.iteratorAge,
          ...this.alarms.queueDepth,
        ],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        width: 12,
        left: [
          stage.metricCount({ statistic: Stats.SUM }),
          stage.metricClientError({ statistic: Stats.SUM }),
          stage.metricServerError({ statistic: Stats.SUM }),
        ],
      }),
      new GraphWidget({
        title: 'API latency (p50, p99)',
        width: 12,
        left: [
          stage.metricLatency({ statistic: Stats.p(50) }),
          stage.metricLatency({ statistic: Stats.p(99) }),
        ],
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors',
        width: 12,
        left: props.functions.map(({ name, resource }) =>
          resource.metricErrors({ statistic: Stats.SUM, label: name }),
        ),
      }),
      new GraphWidget({
        title: 'Function duration (p99)',
        width: 12,
        left: props.functions.map(({ name, resource }) =>
          resource.metricDuration({ statistic: Stats.p(99), label: name }),
        ),
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Stream iterator age (max, ms)',
        width: 12,
        left: props.streamConsumers.map(({ name, resource }) =>
          resource.metric('IteratorAge', { statistic: Stats.MAXIMUM, label: name }),
        ),
      }),
      new GraphWidget({
        title: 'Failure queue depth',
        width: 12,
        left: props.failureQueues.map(({ name, resource }) =>
          resource.metricApproximateNumberOfMessagesVisible({
            statistic: Stats.MAXIMUM,
            label: name,
          }),
        ),
      }),
    );
  }
}

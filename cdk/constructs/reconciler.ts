import { Aws, Duration } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Properties of {@link Reconciler}. */
export interface ReconcilerProps {
  /** The reconcile function (checker in repair mode, then the expiry sweep). */
  readonly fn: IFunction;
  /** EventBridge Scheduler expression, e.g. `rate(1 day)`. */
  readonly schedule: string;
}

/**
 * Runs the reconciler on an EventBridge Scheduler schedule (hourly by
 * default). The schedule's role may invoke the reconcile function and nothing
 * else; invocations Scheduler could not make go to an encrypted queue.
 */
export class Reconciler extends Construct {
  /** The schedule. */
  readonly schedule: Schedule;
  /** The schedule's execution role. */
  readonly role: Role;
  /** Where invocations that could not be made are kept. */
  readonly failureQueue: Queue;

  constructor(scope: Construct, id: string, props: ReconcilerProps) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      // Only schedules of this account may assume it (confused-deputy guard).
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      }),
      description: 'Lets EventBridge Scheduler invoke the srs-access reconciler',
    });
    this.failureQueue = new Queue(this, 'FailureQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.schedule = new Schedule(this, 'Schedule', {
      description: 'srs-access reconciler: invariant check, repair, expiry sweep',
      schedule: ScheduleExpression.expression(props.schedule),
      timeWindow: TimeWindow.off(),
      target: new LambdaInvoke(props.fn, {
        role: this.role,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
        deadLetterQueue: this.failureQueue,
      }),
    });
  }
}

import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RECONCILE_SCHEDULE } from '../../cdk/config.js';
import type { SrsAccessStack } from '../../cdk/stack.js';
import { logicalIdOf, synthStack } from './support.js';

describe('the reconciler schedule', () => {
  let template: Template;
  let stack: SrsAccessStack;
  beforeAll(() => {
    ({ template, stack } = synthStack());
  });

  it('runs the reconcile function hourly by default, through its own role', () => {
    expect(DEFAULT_RECONCILE_SCHEDULE).toBe('rate(1 hour)');
    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [logicalIdOf(stack, stack.functions.reconcile.fn), 'Arn'] },
        RoleArn: { 'Fn::GetAtt': [logicalIdOf(stack, stack.reconciler.role), 'Arn'] },
        DeadLetterConfig: {
          Arn: { 'Fn::GetAtt': [logicalIdOf(stack, stack.reconciler.failureQueue), 'Arn'] },
        },
        RetryPolicy: { MaximumRetryAttempts: 2 },
      },
    });
  });

  it('follows the reconcileSchedule context parameter', () => {
    const custom = synthStack({ reconcileSchedule: 'cron(0 3 * * ? *)' }).template;
    custom.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
    });
  });

  it('gives the reconciler its expiry warning windows: 30 and 7 days, or the expiryWarningDays context parameter', () => {
    const envOf = (t: typeof template) =>
      Object.values(t.findResources('AWS::Lambda::Function'))
        .map((f) => f.Properties?.Environment?.Variables as Record<string, unknown> | undefined)
        .filter((v) => v?.EXPIRY_WARNING_DAYS !== undefined);
    expect(envOf(template).map((v) => v?.EXPIRY_WARNING_DAYS)).toEqual(['30,7']);
    const custom = synthStack({ expiryWarningDays: '14,1' }).template;
    expect(envOf(custom).map((v) => v?.EXPIRY_WARNING_DAYS)).toEqual(['14,1']);
  });

  it('lets only EventBridge Scheduler of this account assume its role', () => {
    const role = template.toJSON().Resources[logicalIdOf(stack, stack.reconciler.role)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });
});

import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SrsAccessStack } from '../../cdk/stack.js';
import {
  allStatements,
  logicalIdOf,
  resourcesOf,
  type Statement,
  statementsOf,
  synthStack,
  TEST_SENDER,
} from './support.js';

describe('least privilege', () => {
  let template: Template;
  let stack: SrsAccessStack;
  let tableId: string;
  beforeAll(() => {
    ({ template, stack } = synthStack());
    tableId = logicalIdOf(stack, stack.table.table);
  });

  /** Every statement of the policies attached to a role. */
  function statementsOfRole(roleId: string): Statement[] {
    return Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties?.Roles).includes(`"${roleId}"`))
      .flatMap(statementsOf);
  }

  function roleOf(name: keyof SrsAccessStack['functions']): string {
    return logicalIdOf(stack, stack.functions[name].role);
  }

  const streamArn = () => ({ 'Fn::GetAtt': [tableId, 'StreamArn'] });

  it('grants no wildcard DynamoDB action anywhere', () => {
    const all = allStatements(template);
    expect(all.length).toBeGreaterThan(0);
    for (const s of all) {
      for (const action of s.Action) expect(action).not.toMatch(/^dynamodb:.*\*|^\*$/);
    }
  });

  it('never pairs a DynamoDB action with Resource "*"', () => {
    const all = allStatements(template);
    for (const s of all) {
      if (s.Action.some((a) => a.startsWith('dynamodb:'))) {
        expect(s.Resource).not.toContain('*');
      }
    }
  });

  it.each(['changes', 'deliver', 'publish'] as const)(
    '%s: reads the stream through its ARN only',
    (name) => {
      const onStream = statementsOfRole(roleOf(name)).filter(
        (s) => JSON.stringify(s.Resource) === JSON.stringify([streamArn()]),
      );
      expect(onStream.flatMap((s) => s.Action).sort()).toEqual([
        'dynamodb:DescribeStream',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'dynamodb:ListStreams',
      ]);
    },
  );

  it('lets only the stream consumers read the stream', () => {
    for (const name of ['api', 'reconcile', 'preToken'] as const) {
      const streamStatements = statementsOfRole(roleOf(name)).filter((s) =>
        s.Action.some((a) => a === 'dynamodb:GetRecords'),
      );
      expect(streamStatements).toEqual([]);
    }
  });

  it('lets only deliver send email, from the configured identity', () => {
    // Arrange
    const domain = TEST_SENDER.split('@')[1];

    // Act
    const ses = Object.entries(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(([id, p]) =>
      statementsOf(p)
        .filter((s) => s.Action.some((a) => a.startsWith('ses:')))
        .map((s) => ({ id, s })),
    );

    // Assert
    expect(ses).toHaveLength(1);
    expect(statementsOfRole(roleOf('deliver'))).toContainEqual(ses[0]?.s);
    const s = ses[0]?.s;
    expect(s?.Action).toEqual(['ses:SendEmail']);
    expect(JSON.stringify(s?.Resource)).toContain(`:identity/${TEST_SENDER}`);
    expect(JSON.stringify(s?.Resource)).toContain(`:identity/${domain}"`);
    expect(s?.Resource).toHaveLength(2);
    expect(s?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': TEST_SENDER } });
  });

  it('lets only publish put events, on the configured bus', () => {
    const busId = logicalIdOf(stack, stack.events.bus);
    const puts = allStatements(template).filter((s) => s.Action.includes('events:PutEvents'));
    expect(puts).toEqual([
      {
        Effect: 'Allow',
        Action: ['events:PutEvents'],
        Resource: [{ 'Fn::GetAtt': [busId, 'Arn'] }],
      },
    ]);
    expect(statementsOfRole(roleOf('publish'))).toContainEqual(puts[0]);
  });

  it('lets the schedule role invoke the reconcile function only', () => {
    // Arrange
    const fnId = logicalIdOf(stack, stack.functions.reconcile.fn);
    const fnArn = { 'Fn::GetAtt': [fnId, 'Arn'] };

    // Act
    const invoke = statementsOfRole(logicalIdOf(stack, stack.reconciler.role)).filter((s) =>
      s.Action.includes('lambda:InvokeFunction'),
    );

    // Assert
    expect(invoke).toEqual([
      {
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: [fnArn, { 'Fn::Join': ['', [fnArn, ':*']] }],
      },
    ]);
  });
});

/**
 * Security settings of the stack that a template shows: the machine client's
 * sign-in flows and attributes, the groups' descriptions, the alarm topic's
 * encryption, and the wildcard acknowledgement scoped to X-Ray.
 */

import { Match } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { allStatements, logicalIdOf, resourcesOf, synthStack } from './support.js';

describe('the Cognito clients and groups', () => {
  const { template, stack } = synthStack();

  it('gives the machine client no user sign-in flow and no writable attribute', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['client_credentials'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      WriteAttributes: [],
    });
    const machine = resourcesOf(template, 'AWS::Cognito::UserPoolClient')[
      logicalIdOf(stack, stack.auth.machineClient)
    ];
    expect(machine?.Properties?.ExplicitAuthFlows).toEqual(['ALLOW_REFRESH_TOKEN_AUTH']);
    expect(machine?.Properties?.WriteAttributes).toEqual([]);
  });

  it('describes each group by what the API lets it do', () => {
    const groups = Object.values(resourcesOf(template, 'AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties as { GroupName: string; Description: string },
    );
    const editors = groups.find((g) => g.GroupName === 'catalogue-editor');
    expect(editors?.Description).toMatch(/access level/);
    expect(editors?.Description).not.toMatch(/project|organisation|researcher/i);
    const admins = groups.find((g) => g.GroupName === 'srs-admin');
    expect(admins?.Description).toMatch(/projects/);
    expect(admins?.Description).toMatch(/organisations/);
  });
});

describe('the alarm topic', () => {
  const { template, stack } = synthStack();

  it('is encrypted with a rotating customer-managed key that CloudWatch may use', () => {
    const keyId = logicalIdOf(stack, stack.operations.topicKey);
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: Match.arrayWith(['kms:Decrypt', 'kms:GenerateDataKey*']),
          }),
        ]),
      },
    });
  });
});

describe('wildcard resources', () => {
  it('are granted only for the X-Ray actions, which have no resource-level permissions', () => {
    const { template } = synthStack();
    const wild = allStatements(template).filter((s) => s.Resource.includes('*'));
    expect(wild.length).toBeGreaterThan(0);
    for (const s of wild) {
      expect(s.Action.sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
  });

  it('are acknowledged to cdk-nag only there: another wildcard on a function role is reported', () => {
    // Arrange: a stack whose api function is granted one more wildcard
    const { stack } = synthStack({}, {});
    stack.functions.api.role.addToPolicy(
      new PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] }),
    );

    // Act
    const report = new AwsSolutionsChecks().validateScope(stack);

    // Assert
    const iam5 = report.violations.filter((v) => v.ruleName.startsWith('AwsSolutions-IAM5'));
    expect(iam5.flatMap((v) => v.violatingResources.map((r) => r.constructPath))).toEqual([
      expect.stringContaining('ApiFunction/Role'),
    ]);
  });
});

describe('stream consumers against a busy API', () => {
  const concurrency = (context: Record<string, unknown>) => {
    const { template, stack } = synthStack(context);
    const fns = resourcesOf(template, 'AWS::Lambda::Function');
    return Object.fromEntries(
      (['api', 'changes', 'deliver', 'publish', 'reconcile'] as const).map((name) => [
        name,
        fns[logicalIdOf(stack, stack.functions[name].fn)]?.Properties?.ReservedConcurrentExecutions,
      ]),
    );
  };

  it('reserve concurrency for each stream consumer that the API can never take, 10 by default', () => {
    expect(concurrency({})).toEqual({
      api: undefined,
      changes: 10,
      deliver: 10,
      publish: 10,
      reconcile: undefined,
    });
  });

  it('reserve what consumerReservedConcurrency says, and nothing when it is 0', () => {
    expect(concurrency({ consumerReservedConcurrency: '25' })).toMatchObject({
      changes: 25,
      deliver: 25,
      publish: 25,
    });
    expect(concurrency({ consumerReservedConcurrency: '0' })).toEqual({
      api: undefined,
      changes: undefined,
      deliver: undefined,
      publish: undefined,
      reconcile: undefined,
    });
  });

  it.each(['-1', '1.5', 'many', '1001'])('refuse consumerReservedConcurrency=%s', (value) => {
    expect(() => synthStack({ consumerReservedConcurrency: value })).toThrow(
      /consumerReservedConcurrency must be an integer from 0 to 1000/,
    );
  });
});

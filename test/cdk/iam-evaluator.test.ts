import { describe, expect, it } from 'vitest';
import {
  conditionHolds,
  isAllowed,
  type ResolvedStatement,
  Resolver,
  resourcesOfCall,
  wildcardMatch,
} from '../support/iam.js';

const TABLE = 'arn:aws:dynamodb:eu-west-2:123456789012:table/T';
const allow = (
  actions: string[],
  resources: string[],
  condition?: ResolvedStatement['condition'],
) =>
  ({ effect: 'Allow', actions, resources, ...(condition && { condition }) }) as ResolvedStatement;

describe('the IAM evaluator of the permissions test', () => {
  it('matches wildcards as IAM does, actions case-insensitively', () => {
    expect(wildcardMatch('dynamodb:Get*', 'dynamodb:GetItem')).toBe(true);
    expect(wildcardMatch('dynamodb:get*', 'dynamodb:GetItem', true)).toBe(true);
    expect(wildcardMatch('dynamodb:Get?tem', 'dynamodb:GetItem')).toBe(true);
    expect(wildcardMatch(`${TABLE}`, `${TABLE}/index/byRef`)).toBe(false);
    expect(wildcardMatch(`${TABLE}/index/*`, `${TABLE}/index/byRef`)).toBe(true);
    expect(wildcardMatch('arn:aws:ses:*:*:identity/a.b', 'arn:aws:ses:x:y:identity/aXb')).toBe(
      false,
    );
  });

  it('allows only a matching action on a matching resource, and never past a Deny', () => {
    const request = { action: 'dynamodb:BatchGetItem', resource: TABLE, context: {} };
    expect(isAllowed([allow(['dynamodb:GetItem'], [TABLE])], request)).toBe(false);
    expect(isAllowed([allow(['dynamodb:BatchGetItem'], [`${TABLE}/index/*`])], request)).toBe(
      false,
    );
    expect(isAllowed([allow(['dynamodb:BatchGetItem'], [TABLE])], request)).toBe(true);
    const deny = { ...allow(['dynamodb:*'], ['*']), effect: 'Deny' } as ResolvedStatement;
    expect(isAllowed([allow(['dynamodb:BatchGetItem'], [TABLE]), deny], request)).toBe(false);
  });

  it('holds a condition only when the request presents a matching value', () => {
    const cond = { StringEquals: { 'ses:FromAddress': 'a@x.org' } };
    expect(conditionHolds(cond, { 'ses:FromAddress': 'a@x.org' })).toBe(true);
    expect(conditionHolds(cond, { 'ses:FromAddress': 'b@x.org' })).toBe(false);
    expect(conditionHolds(cond, {})).toBe(false);
    expect(conditionHolds({ StringLike: { k: '*@x.org' } }, { k: 'b@x.org' })).toBe(true);
    expect(conditionHolds({ NumericLessThan: { k: '3' } }, { k: '1' })).toBe(false);
  });

  it('resolves table, stream, join and pseudo-parameter intrinsics', () => {
    const resolver = new Resolver({
      T: { Type: 'AWS::DynamoDB::GlobalTable' },
      B: { Type: 'AWS::Events::EventBus', Properties: { Name: 'bus' } },
    });
    expect(resolver.resolve({ 'Fn::GetAtt': ['T', 'Arn'] })).toBe(TABLE);
    expect(resolver.resolve({ 'Fn::GetAtt': ['T', 'StreamArn'] })).toMatch(`${TABLE}/stream/`);
    expect(
      resolver.resolve({
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ses:', { Ref: 'AWS::Region' }]],
      }),
    ).toBe('arn:aws:ses:eu-west-2');
    expect(resolver.resolve({ 'Fn::GetAtt': ['B', 'Arn'] })).toBe(
      'arn:aws:events:eu-west-2:123456789012:event-bus/bus',
    );
    expect(() => resolver.resolve({ 'Fn::If': [] })).toThrow(/Fn::If/);
  });

  it('asks SES for the address or its domain, and the configuration set as well', () => {
    const { all } = resourcesOfCall(
      { kind: 'email-identity', from: 'no-reply@x.org', configurationSet: 'cs' },
      TABLE,
    );
    expect(all).toEqual([
      [
        'arn:aws:ses:eu-west-2:123456789012:identity/no-reply@x.org',
        'arn:aws:ses:eu-west-2:123456789012:identity/x.org',
      ],
      ['arn:aws:ses:eu-west-2:123456789012:configuration-set/cs'],
    ]);
  });
});

import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { HANDLER_ENTRIES, type HandlerName } from '../../cdk/bundling.js';
import type { SrsAccessStack } from '../../cdk/stack.js';
import { logicalIdOf, resourcesOf, synthStack } from './support.js';

const HANDLERS = Object.keys(HANDLER_ENTRIES) as HandlerName[];

describe('the functions', () => {
  let template: Template;
  let stack: SrsAccessStack;
  beforeAll(() => {
    ({ template, stack } = synthStack({
      customerSupportAddress: 'help@srs.ons.gov.uk',
      connectivityAddress: 'aoc@srs.ons.gov.uk',
    }));
  });

  function propsOf(name: HandlerName): Record<string, unknown> {
    const id = logicalIdOf(stack, stack.functions[name].fn);
    return template.toJSON().Resources[id].Properties;
  }

  it('are one per handler and nothing else', () => {
    expect(Object.keys(resourcesOf(template, 'AWS::Lambda::Function'))).toHaveLength(
      HANDLERS.length,
    );
  });

  it('all run nodejs22.x on arm64', () => {
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
    });
  });

  it.each(HANDLERS)('%s: runs the bundled ES module handler', (name) => {
    expect(propsOf(name)).toMatchObject({ Handler: 'index.handler' });
  });

  it.each(HANDLERS)('%s: has active tracing', (name) => {
    expect(propsOf(name)).toMatchObject({ TracingConfig: { Mode: 'Active' } });
  });

  it.each(HANDLERS)('%s: logs to its own log group with a retention period', (name) => {
    // Arrange
    const logsId = logicalIdOf(stack, stack.functions[name].logGroup);

    // Assert
    expect(propsOf(name)).toMatchObject({ LoggingConfig: { LogGroup: { Ref: logsId } } });
    expect(template.toJSON().Resources[logsId].Properties).toMatchObject({
      RetentionInDays: 90,
    });
  });

  it('reads the table name from TABLE_NAME wherever the table is used', () => {
    const tableRef = { Ref: logicalIdOf(stack, stack.table.table) };
    for (const name of ['api', 'changes', 'deliver', 'reconcile'] as const) {
      expect(propsOf(name)).toMatchObject({
        Environment: { Variables: { TABLE_NAME: tableRef } },
      });
    }
  });

  it('configures the sender, the bus and the contact addresses as environment, not code', () => {
    expect(propsOf('deliver')).toMatchObject({
      Environment: {
        Variables: {
          SENDER_ADDRESS: 'no-reply@srs.ons.gov.uk',
          CUSTOMER_SUPPORT_ADDRESS: 'help@srs.ons.gov.uk',
          CONNECTIVITY_ADDRESS: 'aoc@srs.ons.gov.uk',
        },
      },
    });
    expect(propsOf('publish')).toMatchObject({
      Environment: {
        Variables: { EVENT_BUS_NAME: { Ref: logicalIdOf(stack, stack.events.bus) } },
      },
    });
  });

  it('uses no AWS-managed policy: every role starts empty and is granted explicitly', () => {
    for (const role of Object.values(resourcesOf(template, 'AWS::IAM::Role'))) {
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    }
  });
});

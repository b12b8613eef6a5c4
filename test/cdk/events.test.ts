import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { allStatements, synthStack } from './support.js';

/** The resources of the only PutEvents statement of the template. */
function putEventsResources(template: Template): unknown[] {
  const puts = allStatements(template).filter((s) => s.Action.includes('events:PutEvents'));
  expect(puts).toHaveLength(1);
  return puts[0]?.Resource ?? [];
}

describe('the domain-event bus', () => {
  it('is a bus of its own, srs-access, unless configured otherwise', () => {
    const { template } = synthStack();
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'srs-access' });
  });

  it("is the account's default bus for eventBusName=default, created by nobody", () => {
    // Act
    const { template } = synthStack({ eventBusName: 'default' });

    // Assert
    template.resourceCountIs('AWS::Events::EventBus', 0);
    expect(JSON.stringify(putEventsResources(template))).toContain(':event-bus/default"');
  });

  it('is an existing bus when another name is configured', () => {
    const { template } = synthStack({ eventBusName: 'org-events' });
    template.resourceCountIs('AWS::Events::EventBus', 0);
    expect(JSON.stringify(putEventsResources(template))).toContain(':event-bus/org-events"');
  });
});

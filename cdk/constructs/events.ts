import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { EventBusChoice } from '../config.js';

/** Properties of {@link DomainEvents}. */
export interface DomainEventsProps {
  /** Create a bus, use the account's default bus, or use an existing bus by name. */
  readonly bus: EventBusChoice;
}

/**
 * Where `ProjectAccessChanged` and `ResearcherRoutesNarrowed` are published:
 * a bus of its own by default (`srs-access`), the account's default bus, or
 * an existing bus. Publishers get `events:PutEvents` on that bus only.
 */
export class DomainEvents extends Construct {
  /** The bus. */
  readonly bus: IEventBus;

  constructor(scope: Construct, id: string, props: DomainEventsProps) {
    super(scope, id);
    const choice = props.bus;
    this.bus =
      choice.kind === 'create'
        ? new EventBus(this, 'Bus', {
            eventBusName: choice.name,
            description: 'srs-access domain events',
          })
        : EventBus.fromEventBusName(
            this,
            'Bus',
            choice.kind === 'default' ? 'default' : choice.name,
          );
  }

  /** Lets `grantee` put events on this bus and nowhere else. */
  grantPublish(grantee: IGrantable): void {
    this.bus.grantPutEventsTo(grantee);
  }
}

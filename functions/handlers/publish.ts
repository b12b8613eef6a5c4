import { NotificationSchema, SummaryItemSchema } from '../../schemas/index.js';
import { EventBridgePublisher } from '../adapters/eventbridge.js';
import { type Publisher, projectAccessChanged, researcherRoutesNarrowed } from '../notify/index.js';
import { lazyHandler, requireEnv } from './runtime.js';
import { imageOf, streamConsumer } from './stream.js';

/**
 * Stream consumer that publishes domain events: `ProjectAccessChanged` for
 * summary writes that change a level or status, `ResearcherRoutesNarrowed`
 * for each new notification. Publishing is at-least-once; events carry the
 * ids consumers need to drop duplicates.
 */
export function createPublishHandler(publisher: Publisher) {
  return streamConsumer(async (record) => {
    const after = imageOf(record, 'NewImage');
    if (after?.type === 'summary') {
      const before = imageOf(record, 'OldImage');
      const events = projectAccessChanged(
        before ? SummaryItemSchema.parse(before) : undefined,
        SummaryItemSchema.parse(after),
      );
      if (events.length > 0) await publisher.publish(events);
    } else if (after?.type === 'notification') {
      await publisher.publish(researcherRoutesNarrowed(NotificationSchema.parse(after)));
    }
  });
}

/** Lambda entry point: publishes to the bus named by `EVENT_BUS_NAME`. */
export const handler = lazyHandler(() =>
  createPublishHandler(new EventBridgePublisher({ busName: requireEnv('EVENT_BUS_NAME') })),
);

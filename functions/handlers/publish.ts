import { AccessChangeItemSchema, NotificationSchema } from '../../schemas/index.js';
import { EventBridgePublisher } from '../adapters/eventbridge.js';
import { accessChangeEvents, noticeEvents, type Publisher } from '../notify/index.js';
import { lazyHandler, requireEnv } from './runtime.js';
import { imageOf, streamConsumer } from './stream.js';

/**
 * Stream consumer that publishes domain events: `ProjectAccessChanged` and
 * `ResearcherRoutesChanged` for each new access-change item (the facts the
 * feed serves), `ResearcherRoutesNarrowed` for each new notification.
 * Publishing is at-least-once; events carry the change id and version that
 * consumers need to drop duplicates and order them.
 */
export function createPublishHandler(publisher: Publisher) {
  return streamConsumer(async (record) => {
    const after = imageOf(record, 'NewImage');
    if (after?.type === 'access-change') {
      const events = accessChangeEvents(AccessChangeItemSchema.parse(after));
      if (events.length > 0) await publisher.publish(events);
    } else if (after?.type === 'notification') {
      await publisher.publish(noticeEvents(NotificationSchema.parse(after)));
    }
  });
}

/** Lambda entry point: publishes to the bus named by `EVENT_BUS_NAME`. */
export const handler = lazyHandler(() =>
  createPublishHandler(new EventBridgePublisher({ busName: requireEnv('EVENT_BUS_NAME') })),
);

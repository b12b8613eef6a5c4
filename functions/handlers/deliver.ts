import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { NotificationSchema } from '../../schemas/index.js';
import { SesSender } from '../adapters/ses.js';
import { logger } from '../commons/index.js';
import { deliverNotification, prefetchDeliveries, type Sender } from '../notify/index.js';
import type { StoreContext } from '../store/index.js';
import { lazyHandler, requireEnv, storeContextFromEnv } from './runtime.js';
import { imageOf, streamConsumer } from './stream.js';

/**
 * Stream consumer of new notifications: reads the batch's notifications and
 * recipients at once, then sends each and marks it delivered.
 */
export function createDeliverHandler(ctx: StoreContext, sender: Sender) {
  return async (event: DynamoDBStreamEvent, context?: Context) => {
    const claims = event.Records.flatMap((record) => {
      const item = imageOf(record, 'NewImage');
      return item?.type === 'notification' ? [NotificationSchema.parse(item)] : [];
    });
    const prefetched = await prefetchDeliveries(ctx, claims);
    // A record repeated within one batch is sent once; if that send fails, it is redelivered.
    const seen = new Set<string>();
    const consume = streamConsumer(
      async (record) => {
        const item = imageOf(record, 'NewImage');
        if (item?.type !== 'notification') return;
        const notification = NotificationSchema.parse(item);
        if (seen.has(notification.notificationId)) return;
        seen.add(notification.notificationId);
        const outcome = await deliverNotification(ctx, sender, notification, prefetched);
        logger.info('notification delivery', {
          notificationId: notification.notificationId,
          researcherId: notification.researcherId,
          outcome,
        });
      },
      { parallel: true },
    );
    return consume(event, context);
  };
}

/** Lambda entry point: sends through SES v2 from `SENDER_ADDRESS`. */
export const handler = lazyHandler(() =>
  createDeliverHandler(
    storeContextFromEnv(),
    new SesSender({
      from: requireEnv('SENDER_ADDRESS'),
      ...(process.env.SES_CONFIGURATION_SET && {
        configurationSet: process.env.SES_CONFIGURATION_SET,
      }),
    }),
  ),
);

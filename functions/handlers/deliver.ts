import { NotificationSchema } from '../../schemas/index.js';
import { SesSender } from '../adapters/ses.js';
import { deliverNotification, type Sender } from '../notify/index.js';
import type { StoreContext } from '../store/index.js';
import { lazyHandler, logger, requireEnv, storeContextFromEnv } from './runtime.js';
import { imageOf, streamConsumer } from './stream.js';

/** Stream consumer of new notifications: sends each and marks it delivered. */
export function createDeliverHandler(ctx: StoreContext, sender: Sender) {
  return streamConsumer(
    async (record) => {
      const item = imageOf(record, 'NewImage');
      if (item?.type !== 'notification') return;
      const notification = NotificationSchema.parse(item);
      const outcome = await deliverNotification(ctx, sender, notification);
      logger.info('notification delivery', {
        notificationId: notification.notificationId,
        researcherId: notification.researcherId,
        outcome,
      });
    },
    { parallel: true },
  );
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

import type { Notification } from '../../schemas/index.js';
import { getResearcher, markDelivered, type StoreContext } from '../store/index.js';
import type { Sender } from './ports.js';

/** What delivering one notification did. */
export type DeliveryOutcome = 'delivered' | 'already-delivered' | 'no-recipient';

/**
 * Sends one claimed notification and marks it delivered. Sending cannot be
 * exactly-once: if the process dies after the send and before the mark, the
 * redelivered record sends it again (at-least-once, a window of one send);
 * the invariant checker reports notifications left undelivered.
 */
export async function deliverNotification(
  ctx: StoreContext,
  sender: Sender,
  notification: Notification,
): Promise<DeliveryOutcome> {
  if (notification.deliveredAt !== undefined) return 'already-delivered';
  const researcher = await getResearcher(ctx, notification.researcherId);
  if (!researcher) return 'no-recipient';
  await sender.send({
    notificationId: notification.notificationId,
    researcherId: notification.researcherId,
    to: researcher.email,
    subject: notification.subject,
    text: notification.message,
  });
  return (await markDelivered(ctx, notification, ctx.now().toISOString()))
    ? 'delivered'
    : 'already-delivered';
}

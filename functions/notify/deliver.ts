import { type Notification, NotificationSchema, ResearcherSchema } from '../../schemas/index.js';
import { batchGet, keys, markDelivered, type StoreContext } from '../store/index.js';
import type { Sender } from './ports.js';

/** What delivering one notification did. */
export type DeliveryOutcome = 'delivered' | 'already-delivered' | 'no-recipient' | 'unknown';

/**
 * Sends one claimed notification and marks it delivered. The notification is
 * re-read with its recipient (one batched read) so that a redelivered stream
 * record does not send it again. Sending cannot be exactly-once: if the
 * process dies after the send and before the mark, the redelivered record
 * sends it again (at-least-once, a window of one send); the invariant checker
 * reports notifications left undelivered.
 */
export async function deliverNotification(
  ctx: StoreContext,
  sender: Sender,
  claimed: Pick<Notification, 'researcherId' | 'changeId' | 'projectId'>,
): Promise<DeliveryOutcome> {
  const items = await batchGet(ctx, [
    keys.notification(claimed.researcherId, claimed.changeId, claimed.projectId),
    keys.researcher(claimed.researcherId),
  ]);
  const notificationItem = items.find((i) => i.type === 'notification');
  const researcherItem = items.find((i) => i.type === 'researcher');
  if (!notificationItem) return 'unknown';
  const notification = NotificationSchema.parse(notificationItem);
  if (notification.deliveredAt !== undefined) return 'already-delivered';
  if (!researcherItem) return 'no-recipient';
  await sender.send({
    notificationId: notification.notificationId,
    researcherId: notification.researcherId,
    to: ResearcherSchema.parse(researcherItem).email,
    subject: notification.subject,
    text: notification.message,
  });
  return (await markDelivered(ctx, notification, ctx.now().toISOString()))
    ? 'delivered'
    : 'already-delivered';
}

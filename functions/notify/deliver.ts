import { type Notification, NotificationSchema, ResearcherSchema } from '../../schemas/index.js';
import { batchGet, keyId, keys, markDelivered, type StoreContext } from '../store/index.js';
import type { Sender } from './ports.js';

type Claim = Pick<Notification, 'researcherId' | 'changeId' | 'projectId'>;

/**
 * Reads the notifications and their recipients for a whole batch of
 * deliveries at once (batched, strongly consistent reads), keyed for
 * {@link deliverNotification}.
 */
export async function prefetchDeliveries(
  ctx: StoreContext,
  claims: readonly Claim[],
): Promise<Map<string, Record<string, unknown>>> {
  const items = await batchGet(
    ctx,
    claims.flatMap((c) => [
      keys.notification(c.researcherId, c.changeId, c.projectId),
      keys.researcher(c.researcherId),
    ]),
  );
  return new Map(items.map((i) => [keyId(i), i]));
}

/** What delivering one notification did. */
export type DeliveryOutcome = 'delivered' | 'already-delivered' | 'no-recipient' | 'unknown';

/**
 * Sends one claimed notification and marks it delivered. The notification is
 * re-read with its recipient (`prefetched` for a whole batch, or one batched
 * read) so that a redelivered stream record does not send it again. Sending cannot be exactly-once: if the
 * process dies after the send and before the mark, the redelivered record
 * sends it again (at-least-once, a window of one send); the invariant checker
 * reports notifications left undelivered.
 */
export async function deliverNotification(
  ctx: StoreContext,
  sender: Sender,
  claimed: Claim,
  prefetched?: Map<string, Record<string, unknown>>,
): Promise<DeliveryOutcome> {
  const read = prefetched ?? (await prefetchDeliveries(ctx, [claimed]));
  const notificationItem = read.get(
    keyId(keys.notification(claimed.researcherId, claimed.changeId, claimed.projectId)),
  );
  const researcherItem = read.get(keyId(keys.researcher(claimed.researcherId)));
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

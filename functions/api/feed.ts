/**
 * `GET /v1/access-changes`: every derived change, oldest first, resumable
 * from a cursor (docs/api.md, docs/propagation.md).
 *
 * The feed is the `feed` index over access-change items, each written in the
 * same transaction as the derived state (or the notices) it records. An item
 * becomes visible once it is older than the horizon: a transaction that
 * commits late carries the time it was built at, which can be earlier than an
 * item already read, and the horizon keeps the cursor behind it (as OpenFGA's
 * ReadChanges does). One item can hold several entries (the project's move and
 * each researcher's); a cursor is the item's sort key and how many of its
 * entries were given, so a page can end inside an item.
 */
import type { AccessChange, AccessChangesPage } from '../../schemas/index.js';
import { feedEntries } from '../domain/index.js';
import { readFeed, type StoreContext } from '../store/index.js';
import { encodePageToken } from './params.js';

/** How long an item waits before the feed shows it, by default (ms). */
export const DEFAULT_FEED_HORIZON_MS = 1000;

/** A decoded cursor: an item's `feed` sort key (empty: before the first) and its entries given. */
export interface FeedCursor {
  readonly s: string;
  readonly i: number;
}

/** The cursor of the very beginning of the feed. */
export const FEED_START: FeedCursor = { s: '', i: 0 };

export function encodeCursor(cursor: FeedCursor): string {
  return encodePageToken({ s: cursor.s, i: cursor.i });
}

/**
 * Up to `limit` entries after `cursor` that are older than the horizon, and
 * the cursor to resume from (the same cursor when there is nothing new yet).
 */
export async function readAccessChanges(
  ctx: StoreContext,
  options: { cursor: FeedCursor; limit: number; horizonMs: number },
): Promise<AccessChangesPage> {
  const until = new Date(ctx.now().getTime() - options.horizonMs).toISOString();
  const items: AccessChange[] = [];
  let cursor = options.cursor;
  // A cursor at or beyond the horizon (a client ahead of this clock) has nothing to read yet.
  while (items.length < options.limit && (cursor.s === '' || cursor.s < until)) {
    const page = await readFeed(ctx, {
      after: cursor.s === '' ? undefined : cursor.s,
      until,
      limit: options.limit + 1,
    });
    let progressed = false;
    for (const { sortKey, item } of page.items) {
      const entries = feedEntries(item);
      const skip = sortKey === cursor.s ? cursor.i : 0;
      if (skip >= entries.length) continue;
      const take = entries.slice(skip, skip + options.limit - items.length);
      const next: FeedCursor = { s: sortKey, i: skip + take.length };
      take.forEach((entry, n) => {
        items.push({ ...entry, cursor: encodeCursor({ s: sortKey, i: skip + n + 1 }) });
      });
      cursor = next;
      progressed = true;
      if (items.length >= options.limit) break;
    }
    if (!page.more || !progressed) break;
  }
  return { items, nextCursor: encodeCursor(cursor) };
}

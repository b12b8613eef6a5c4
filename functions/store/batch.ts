import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { type SummaryItem, SummaryItemSchema } from '../../schemas/index.js';
import { backoff } from '../commons/index.js';
import type { StoreContext } from './context.js';
import { ContentionError } from './errors.js';
import { type Key, keyId, keys } from './keys.js';

/** Back-off between retries of what a batch read or write left unprocessed: 25 ms doubling to 1 s. */
const BATCH_READ_BACKOFF = { baseMs: 25, capMs: 1000 } as const;

/** Summaries of many projects by id (missing projects are absent from the map). */
export async function getSummaries(
  ctx: StoreContext,
  projectIds: readonly string[],
): Promise<Map<string, SummaryItem>> {
  const out = new Map<string, SummaryItem>();
  for (const item of await batchGet(
    ctx,
    projectIds.map((p) => keys.summary(p)),
  )) {
    const s = SummaryItemSchema.parse(item);
    out.set(s.projectId, s);
  }
  return out;
}

/** Reads many items by key, 100 at a time, retrying unprocessed keys. */
export async function batchGet(
  ctx: StoreContext,
  itemKeys: readonly Key[],
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const unique = [...new Map(itemKeys.map((k) => [keyId(k), k])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    let pending: Key[] = unique.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await backoff(attempt, BATCH_READ_BACKOFF);
      const res = await ctx.doc.send(
        new BatchGetCommand({
          RequestItems: { [ctx.tableName]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      items.push(...(res.Responses?.[ctx.tableName] ?? []));
      pending = (res.UnprocessedKeys?.[ctx.tableName]?.Keys ?? []) as Key[];
      if (attempt > 10 && pending.length > 0) {
        throw new ContentionError('batch read kept being throttled');
      }
    }
  }
  return items;
}

/** One item to read with {@link getParsedMany}: its key, and the schema it is parsed with. */
export interface NamedRead {
  readonly key: Key;
  readonly schema: z.ZodType;
}

/**
 * Several items by name in one consistent batch read (instead of one
 * `GetItem` each), each parsed with its schema, `undefined` when absent.
 */
export async function getParsedMany<R extends Record<string, NamedRead>>(
  ctx: StoreContext,
  reads: R,
): Promise<{ [K in keyof R]: z.infer<R[K]['schema']> | undefined }> {
  const found = new Map(
    (
      await batchGet(
        ctx,
        Object.values(reads).map((r) => r.key),
      )
    ).map((item) => [keyId(item), item]),
  );
  const out: Record<string, unknown> = {};
  for (const [name, { key, schema }] of Object.entries(reads)) {
    const item = found.get(keyId(key));
    out[name] = item === undefined ? undefined : schema.parse(item);
  }
  return out as { [K in keyof R]: z.infer<R[K]['schema']> | undefined };
}

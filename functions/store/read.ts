import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import type { StoreContext } from './context.js';
import type { Key } from './keys.js';

/** One item by key, parsed with its schema (which drops the key attributes), or `undefined`. */
export async function getParsed<S extends z.ZodType>(
  ctx: StoreContext,
  key: Key,
  schema: S,
  consistent = false,
): Promise<z.infer<S> | undefined> {
  const out = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: key, ConsistentRead: consistent }),
  );
  return out.Item ? schema.parse(out.Item) : undefined;
}

/** A stored item parsed with its schema, with the id of the change its last write started. */
export interface Stored<T> {
  readonly value: T;
  readonly lastChangeId?: string;
}

/** `item` (as read from the table) as a {@link Stored} value. */
export function storedOf<S extends z.ZodType>(
  schema: S,
  item: Record<string, unknown>,
): Stored<z.infer<S>> {
  const { lastChangeId } = item;
  return {
    value: schema.parse(item),
    ...(typeof lastChangeId === 'string' && { lastChangeId }),
  };
}

/** One item by key, read consistently, as a {@link Stored} value, or `undefined`. */
export async function getStored<S extends z.ZodType>(
  ctx: StoreContext,
  key: Key,
  schema: S,
): Promise<Stored<z.infer<S>> | undefined> {
  const out = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: key, ConsistentRead: true }),
  );
  return out.Item ? storedOf(schema, out.Item) : undefined;
}

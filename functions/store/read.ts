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

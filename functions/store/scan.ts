import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { StoreContext } from './context.js';

/**
 * Every item of the table, a page at a time, with strongly consistent reads.
 * For the reconciler and the invariant checker only: no request path scans.
 */
export async function* scanTable(ctx: StoreContext): AsyncGenerator<Record<string, unknown>> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await ctx.doc.send(
      new ScanCommand({
        TableName: ctx.tableName,
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    yield* out.Items ?? [];
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}

import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
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

/**
 * Every item of one partition (only those whose sort key starts with
 * `prefix`, when given), a page at a time, with strongly consistent reads;
 * with `attributes`, only those attributes of each item.
 */
export async function* queryPartition(
  ctx: StoreContext,
  pk: string,
  prefix?: string,
  attributes?: readonly string[],
): AsyncGenerator<Record<string, unknown>> {
  const names = attributes && Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a]));
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await ctx.doc.send(
      new QueryCommand({
        TableName: ctx.tableName,
        KeyConditionExpression:
          prefix === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': pk,
          ...(prefix !== undefined && { ':prefix': prefix }),
        },
        ...(names && {
          ExpressionAttributeNames: names,
          ProjectionExpression: Object.keys(names).join(', '),
        }),
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    yield* out.Items ?? [];
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}

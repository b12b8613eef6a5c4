/**
 * The floor of the cold-start benchmark: a function holding only the
 * DynamoDB client (`@aws-sdk/client-dynamodb` and `@aws-sdk/lib-dynamodb`),
 * bundled with the same esbuild settings as the system's functions. Like
 * them, it creates its client on the first invocation, not at import.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

let doc: DynamoDBDocumentClient | undefined;

/** Reads one item by key. */
export async function handler(event: {
  readonly tableName: string;
  readonly key: Record<string, string>;
}): Promise<Record<string, unknown> | undefined> {
  doc ??= DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const out = await doc.send(new GetCommand({ TableName: event.tableName, Key: event.key }));
  return out.Item;
}

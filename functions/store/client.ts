import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The document client every part of the system uses: undefined attributes are
 * dropped rather than rejected, so optional fields can be spread into items.
 */
export function documentClient(config: DynamoDBClientConfig | DynamoDBClient = {}) {
  const client = config instanceof DynamoDBClient ? config : new DynamoDBClient(config);
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What every store function needs: the document client, the table and a clock. */
export interface StoreContext {
  readonly doc: DynamoDBDocumentClient;
  readonly tableName: string;
  /** The current time; injectable so that tests and sweeps can move it. */
  readonly now: () => Date;
}

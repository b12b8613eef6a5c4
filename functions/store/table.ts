/**
 * The one table of srs-access: its keys, indexes and stream, as a plain object
 * shared by the CDK stack, the local runtime and the tests, so that all three
 * build exactly the same table.
 */
export const TABLE = {
  /** Default table name; the deployed stack and tests may choose another. */
  defaultName: 'srs-access',
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Stream view needed by the consumers: they compare old and new images. */
  streamViewType: 'NEW_AND_OLD_IMAGES',
  /**
   * Global secondary indexes. `byRef` inverts a relationship: links are found by
   * dataset (`DATASET#id`), memberships by researcher (`RESEARCHER#id`) and
   * researchers by organisation (`ORG#id`). Keys-only projection: consumers
   * read the items they need from the base table by key.
   */
  indexes: [
    {
      indexName: 'byRef',
      partitionKey: 'gsi1pk',
      sortKey: 'gsi1sk',
      projectionType: 'KEYS_ONLY',
    },
    /**
     * `feed` orders every access-change item by when it was written
     * (`gsi2pk` is one constant partition, `gsi2sk` starts with the time): what
     * `GET /v1/access-changes` pages through. All attributes are projected, so
     * a page is one Query.
     */
    {
      indexName: 'feed',
      partitionKey: 'gsi2pk',
      sortKey: 'gsi2sk',
      projectionType: 'ALL',
    },
  ],
} as const;

/** The name of an index of the table. */
export type IndexName = (typeof TABLE.indexes)[number]['indexName'];

/** Every key attribute of the table and its indexes (all strings). */
export const KEY_ATTRIBUTES = [
  TABLE.partitionKey,
  TABLE.sortKey,
  ...TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey]),
] as const;

/** The `CreateTable` input for this definition (on-demand billing), for DynamoDB Local and tests. */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: KEY_ATTRIBUTES.map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: TABLE.indexes.map((i) => ({
      IndexName: i.indexName,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: i.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: i.projectionType },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.streamViewType },
  };
}

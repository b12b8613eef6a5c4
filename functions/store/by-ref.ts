import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StoreContext } from './context.js';
import { idOf, prefixes, refPartitions } from './keys.js';

/** Paging options of list queries. */
export interface PageOptions {
  readonly limit?: number;
  readonly startKey?: Record<string, unknown> | undefined;
}

/** One page of ids and the key to continue from, if there is more. */
export interface IdPage {
  readonly ids: string[];
  readonly nextKey?: Record<string, unknown>;
}

/** A page of the projects that use a dataset (through the `byRef` index). */
export const listProjectsOfDataset = (
  ctx: StoreContext,
  datasetId: string,
  options?: PageOptions,
) => queryRefs(ctx, refPartitions.dataset(datasetId), prefixes.project, options);

/** A page of the projects a researcher is a member of. */
export const listProjectsOfResearcher = (
  ctx: StoreContext,
  researcherId: string,
  options?: PageOptions,
) => queryRefs(ctx, refPartitions.researcher(researcherId), prefixes.project, options);

/** A page of the researchers of an organisation. */
export const listResearchersOfOrganisation = (
  ctx: StoreContext,
  organisationId: string,
  options?: PageOptions,
) => queryRefs(ctx, refPartitions.organisation(organisationId), prefixes.researcher, options);

/**
 * A page of the ids related to `ref` through the `byRef` index, of the kind
 * `prefix` names. It asks for one item more than the page holds, so that a
 * page that ends the list says so (no `nextKey`) instead of leading to an
 * empty page: a fan-out of exactly n pages runs n pages, not n + 1.
 */
async function queryRefs(
  ctx: StoreContext,
  ref: string,
  prefix: string,
  options: PageOptions = {},
): Promise<IdPage> {
  const limit = options.limit ?? 100;
  const out = await ctx.doc.send(
    new QueryCommand({
      TableName: ctx.tableName,
      IndexName: 'byRef',
      KeyConditionExpression: 'gsi1pk = :ref AND begins_with(gsi1sk, :prefix)',
      ExpressionAttributeValues: { ':ref': ref, ':prefix': prefix },
      Limit: limit + 1,
      ExclusiveStartKey: options.startKey,
    }),
  );
  const items = (out.Items ?? []).slice(0, limit);
  const last = items.at(-1);
  // More than a page came back: go on after its last item (the index's key and the table's).
  const nextKey =
    (out.Items?.length ?? 0) > limit && last
      ? { pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk }
      : out.LastEvaluatedKey;
  return {
    ids: items.map((i) => idOf(String(i.gsi1sk))),
    ...(nextKey && { nextKey }),
  };
}

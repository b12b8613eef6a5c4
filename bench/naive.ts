/**
 * A naive propagation, the fan-out benchmark's point of comparison: on a
 * dataset level change, every project that uses the dataset is recomputed by
 * reading each of its dataset items with `GetItem` (not its own links), its
 * summary is overwritten, and each narrowed member is read, notified and
 * "delivered" one by one with plain writes. No streams, no transactions, no
 * conditions, no durable cursor: it does the same work as the real pipeline
 * in the most direct way, and none of its guarantees (a crash halfway leaves
 * whatever it had written; a retry sends every email again).
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { collect, mapLimit } from '../functions/commons/index.js';
import {
  buildNotification,
  type MemberStanding,
  narrowedMembers,
  summariseProject,
} from '../functions/domain/index.js';
import type { Sender } from '../functions/notify/index.js';
import {
  keys,
  listProjectsOfDataset,
  notificationIdOf,
  queryPartition,
  type StoreContext,
} from '../functions/store/index.js';
import {
  type Agreements,
  type ChangeOf,
  DatasetSchema,
  LinkItemSchema,
  MembershipSchema,
  OrganisationSchema,
  ResearcherSchema,
  SummaryItemSchema,
} from '../schemas/index.js';

/** The only change the naive yardstick carries out. */
type LevelChange = ChangeOf<'dataset-level-changed'>;

/** What the naive propagation did. */
export interface NaiveOutcome {
  readonly projects: number;
  readonly notifications: number;
}

/**
 * Propagates `change` (a `dataset-level-changed` record already written, as
 * the store's `setDatasetLevel` leaves it) the naive way, `concurrency`
 * projects at a time, then marks the change applied.
 */
export async function runNaiveChange(
  ctx: StoreContext,
  change: LevelChange,
  sender: Sender,
  concurrency = 16,
): Promise<NaiveOutcome> {
  const datasetId = change.datasetId;
  const projectIds: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await listProjectsOfDataset(ctx, datasetId, { startKey });
    projectIds.push(...page.ids);
    startKey = page.nextKey;
  } while (startKey);

  const counts = await mapLimit(projectIds, concurrency, (p) =>
    recomputeNaively(ctx, p, change, sender),
  );
  const notifications = counts.reduce((n, c) => n + c, 0);
  await ctx.doc.send(
    new UpdateCommand({
      TableName: ctx.tableName,
      Key: keys.change(change.changeId),
      UpdateExpression:
        'SET #status = :applied, appliedAt = :now, affectedProjects = :p, notifications = :n, pagesDone = :one',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':applied': 'applied',
        ':now': ctx.now().toISOString(),
        ':p': projectIds.length,
        ':n': notifications,
        ':one': 1,
      },
    }),
  );
  return { projects: projectIds.length, notifications };
}

async function getItem(ctx: StoreContext, key: { pk: string; sk: string }) {
  const out = await ctx.doc.send(
    new GetCommand({ TableName: ctx.tableName, Key: key, ConsistentRead: true }),
  );
  return out.Item;
}

/** Recomputes one project from its dataset items and notifies its narrowed members; returns the notices. */
async function recomputeNaively(
  ctx: StoreContext,
  projectId: string,
  change: LevelChange,
  sender: Sender,
): Promise<number> {
  const pk = keys.project(projectId).pk;
  const storedItem = await getItem(ctx, keys.summary(projectId));
  if (!storedItem) return 0;
  const stored = SummaryItemSchema.parse(storedItem);
  const project = await getItem(ctx, keys.project(projectId));

  // Every dataset of the project, read from the dataset items themselves.
  const links = (await collect(queryPartition(ctx, pk, 'DATASET#'))).map((l) =>
    LinkItemSchema.parse(l),
  );
  const datasets = [];
  for (const link of links) {
    const item = await getItem(ctx, keys.dataset(link.datasetId));
    if (!item) continue;
    const dataset = DatasetSchema.parse(item);
    datasets.push(dataset);
    if (link.accessLevel !== dataset.accessLevel || link.datasetVersion !== dataset.version) {
      await ctx.doc.send(
        new UpdateCommand({
          TableName: ctx.tableName,
          Key: keys.link(projectId, link.datasetId),
          UpdateExpression: 'SET accessLevel = :level, datasetVersion = :v',
          ExpressionAttributeValues: { ':level': dataset.accessLevel, ':v': dataset.version },
        }),
      );
    }
  }
  const computed = summariseProject(datasets);
  const now = ctx.now().toISOString();
  await ctx.doc.send(
    new PutCommand({
      TableName: ctx.tableName,
      Item: {
        ...keys.summary(projectId),
        type: 'summary',
        projectId,
        ...computed,
        version: stored.version + 1,
        updatedAt: now,
        changeId: change.changeId,
        cause: change.cause,
        previous: { accessLevel: stored.accessLevel, status: stored.status },
      },
    }),
  );

  // Each member, one at a time: their researcher and organisation, then the notice and its delivery.
  const members = (await collect(queryPartition(ctx, pk, 'MEMBER#'))).map((m) =>
    MembershipSchema.parse(m),
  );
  let notices = 0;
  for (const m of members) {
    const researcherItem = await getItem(ctx, keys.researcher(m.researcherId));
    if (!researcherItem) continue;
    const researcher = ResearcherSchema.parse(researcherItem);
    const organisationItem = await getItem(ctx, keys.organisation(researcher.organisationId));
    const agreements: Agreements | undefined = organisationItem
      ? OrganisationSchema.parse(organisationItem).agreements
      : undefined;
    const standing: MemberStanding = {
      researcherId: m.researcherId,
      accreditation: researcher.accreditation,
      agreements,
    };
    const [narrowed] = narrowedMembers(
      projectId,
      stored,
      computed,
      [standing],
      new Date(change.createdAt),
    );
    if (!narrowed) continue;
    const notification = buildNotification({
      notificationId: notificationIdOf(change.changeId, m.researcherId, projectId),
      changeId: change.changeId,
      researcherId: m.researcherId,
      projectId,
      ...(typeof project?.title === 'string' && { projectTitle: project.title }),
      cause: change.cause,
      projectLevel: { from: stored.accessLevel, to: computed.accessLevel },
      removedRoutes: narrowed.removedRoutes,
      remainingRoutes: narrowed.remainingRoutes,
      deniedBy: narrowed.deniedBy,
      createdAt: now,
    });
    await ctx.doc.send(
      new PutCommand({
        TableName: ctx.tableName,
        Item: {
          ...keys.notification(m.researcherId, change.changeId, projectId),
          type: 'notification',
          ...notification,
        },
      }),
    );
    await sender.send({
      notificationId: notification.notificationId,
      researcherId: m.researcherId,
      to: researcher.email,
      subject: notification.subject,
      text: notification.message,
    });
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.tableName,
        Key: keys.notification(m.researcherId, change.changeId, projectId),
        UpdateExpression: 'SET deliveredAt = :at',
        ExpressionAttributeValues: { ':at': ctx.now().toISOString() },
      }),
    );
    notices++;
  }
  return notices;
}

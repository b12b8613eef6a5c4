import {
  type LinkItem,
  LinkItemSchema,
  type Membership,
  MembershipSchema,
  type Project,
  ProjectSchema,
  type SummaryItem,
  SummaryItemSchema,
} from '../../schemas/index.js';
import { summariseProject } from '../domain/index.js';
import { entityWrite, nextStamp } from './audit.js';
import type { StoreContext } from './context.js';
import { assertVersion } from './errors.js';
import { keys } from './keys.js';
import { getParsed } from './read.js';
import { queryPartition } from './scan.js';
import { versionCondition } from './tx.js';
import { optimisticWrite } from './write.js';

/** A project by id, or `undefined`. */
export async function getProject(
  ctx: StoreContext,
  projectId: string,
  consistent = false,
): Promise<Project | undefined> {
  return getParsed(ctx, keys.project(projectId), ProjectSchema, consistent);
}

/** A project's stored access summary (one `GetItem`), or `undefined` for an unknown project. */
export async function getSummary(
  ctx: StoreContext,
  projectId: string,
  consistent = false,
): Promise<SummaryItem | undefined> {
  return getParsed(ctx, keys.summary(projectId), SummaryItemSchema, consistent);
}

/** What a project write did. */
export interface ProjectWrite {
  readonly project: Project;
  readonly outcome: 'created' | 'updated' | 'unchanged';
}

/**
 * Creates a project (with its initial `no-datasets` summary) or renames it,
 * with an audit entry, in one transaction; with `expectedVersion`, only if
 * it is at that version.
 */
export function putProject(
  ctx: StoreContext,
  projectId: string,
  title: string,
  actor: string,
  expectedVersion?: number,
): Promise<ProjectWrite> {
  return optimisticWrite<ProjectWrite>(ctx, {
    subject: `project '${projectId}'`,
    attempt: async () => {
      const current = await getProject(ctx, projectId, true);
      assertVersion('project', projectId, expectedVersion, current?.version);
      if (current?.title === title) return { result: { project: current, outcome: 'unchanged' } };
      const now = ctx.now().toISOString();
      const project: Project = {
        projectId,
        title,
        ...nextStamp(current, now, actor),
      };
      const summary: SummaryItem = {
        projectId,
        ...summariseProject([]),
        version: 1,
        updatedAt: now,
      };
      return {
        result: { project, outcome: current ? 'updated' : 'created' },
        items: [
          ...entityWrite(ctx, {
            key: keys.project(projectId),
            type: 'project',
            item: project,
            replaces: current?.version,
            audit: {
              entity: 'project',
              entityId: projectId,
              actor,
              at: now,
              from: current ? { title: current.title } : null,
              to: { title },
            },
          }),
          ...(current
            ? []
            : [
                {
                  Put: {
                    TableName: ctx.tableName,
                    Item: { ...keys.summary(projectId), type: 'summary', ...summary },
                    ...versionCondition(undefined),
                  },
                },
              ]),
        ],
      };
    },
  });
}

/** Everything a project's partition holds that its access depends on. */
export interface ProjectPartition {
  readonly project?: Project;
  readonly summary?: SummaryItem;
  readonly links: LinkItem[];
  readonly members: Membership[];
}

/**
 * Reads a project's whole partition (project, summary, links, members) with
 * strongly consistent queries, a page at a time: the only input a summary is
 * ever recomputed from.
 */
export async function readProjectPartition(
  ctx: StoreContext,
  projectId: string,
): Promise<ProjectPartition> {
  const partition: {
    project?: Project;
    summary?: SummaryItem;
    links: LinkItem[];
    members: Membership[];
  } = { links: [], members: [] };
  for await (const item of queryPartition(ctx, keys.project(projectId).pk)) {
    switch (item.type) {
      case 'project':
        partition.project = ProjectSchema.parse(item);
        break;
      case 'summary':
        partition.summary = SummaryItemSchema.parse(item);
        break;
      case 'link':
        partition.links.push(LinkItemSchema.parse(item));
        break;
      case 'member':
        partition.members.push(MembershipSchema.parse(item));
        break;
    }
  }
  return partition;
}

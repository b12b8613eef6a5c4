import type { SummaryItem } from '../../schemas/index.js';
import { summariesEqual, summariseProject } from '../domain/index.js';
import {
  getDataset,
  optimisticWrite,
  readProjectPartition,
  repairLinkLevel,
  type StoreContext,
  writeSummary,
} from '../store/index.js';
import type { CheckReport } from './checker.js';

/** What a repair changed. */
export interface RepairResult {
  readonly links: number;
  readonly summaries: number;
}

/**
 * Recomputes one project's summary from its partition and writes it if it
 * drifted (or is missing). Repairs claim no notifications: they restore what
 * the rules say, they are not a cause of narrowing.
 */
export function repairSummary(ctx: StoreContext, projectId: string): Promise<boolean> {
  return optimisticWrite<boolean>(ctx, {
    subject: `project '${projectId}' (under repair)`,
    attempt: async () => {
      const partition = await readProjectPartition(ctx, projectId);
      if (!partition.project) return { result: false };
      const computed = summariseProject(partition.links);
      const stored = partition.summary;
      if (stored && summariesEqual(stored, computed)) return { result: false };
      const next: SummaryItem = {
        projectId,
        ...computed,
        version: (stored?.version ?? 0) + 1,
        updatedAt: ctx.now().toISOString(),
        ...(stored && { previous: { accessLevel: stored.accessLevel, status: stored.status } }),
      };
      return {
        result: true,
        commit: async () => (await writeSummary(ctx, next, stored?.version ?? 0, [])).ok,
      };
    },
  });
}

/**
 * Repairs what a check found: links that lost their dataset's level (with no
 * change in flight), then every drifted or missing summary, including those
 * of the projects whose links were repaired.
 */
export async function repairFindings(
  ctx: StoreContext,
  report: CheckReport,
): Promise<RepairResult> {
  let links = 0;
  let summaries = 0;
  const projects = new Set<string>();
  for (const v of report.violations) {
    if (v.kind === 'stale-link') {
      const { projectId, datasetId } = v.subject;
      const dataset = await getDataset(ctx, datasetId, true);
      if (
        dataset &&
        (await repairLinkLevel(ctx, projectId, {
          datasetId,
          accessLevel: dataset.accessLevel,
          datasetVersion: dataset.version,
        }))
      ) {
        links++;
      }
      projects.add(projectId);
    } else if (v.kind === 'summary-drift' || v.kind === 'missing-summary') {
      projects.add(v.subject.projectId);
    }
  }
  for (const projectId of projects) if (await repairSummary(ctx, projectId)) summaries++;
  return { links, summaries };
}

import type { ChangeItem } from '../../schemas/index.js';
import { mapLimit } from '../commons/index.js';
import {
  type AgreementsCache,
  completePage,
  countClaims,
  getChangeItem,
  listProjectsOfDataset,
} from '../store/index.js';
import type { PropagationContext } from './context.js';
import { propagateMembershipEnded } from './membership.js';
import { recomputeProject } from './recompute.js';
import {
  type Progress,
  propagateOrganisationPage,
  propagateResearcherChange,
} from './standing-change.js';

/** Projects recomputed per page of a dataset fan-out: bounds one invocation's work. */
export const PROJECT_PAGE_SIZE = 100;
/** Projects recomputed at once within a page. */
export const PROJECT_CONCURRENCY = 16;

/** What running one page of a change did. */
export type PageOutcome = 'completed' | 'already-done' | 'unknown-change';

/**
 * Carries out one page of a change and records it: page 0 starts from the
 * change record's own stream record, page n from the cursor that page n-1
 * wrote. Every step is idempotent and the page is counted exactly once, so
 * a crash anywhere is repaired by redelivering the record.
 */
export async function runChangePage(
  ctx: PropagationContext,
  changeId: string,
  page: number,
  startKey?: Record<string, unknown>,
): Promise<PageOutcome> {
  const change = await getChangeItem(ctx, changeId);
  if (!change) return 'unknown-change';
  if (change.pagesDone > page) return 'already-done';
  const { nextKey, ...progress } = await runPage(ctx, change, startKey);
  const recorded = await completePage(ctx, change, page, progress, nextKey);
  return recorded ? 'completed' : 'already-done';
}

async function runPage(
  ctx: PropagationContext,
  change: ChangeItem,
  startKey: Record<string, unknown> | undefined,
): Promise<Progress & { nextKey?: Record<string, unknown> }> {
  switch (change.kind) {
    case 'dataset-level-changed': {
      const page = await listProjectsOfDataset(ctx, change.datasetId, {
        limit: PROJECT_PAGE_SIZE,
        startKey,
      });
      // The page's projects share few organisations: read each one once per page.
      const agreements: AgreementsCache = new Map();
      const results = await mapLimit(page.ids, PROJECT_CONCURRENCY, (p) =>
        recomputeProject(ctx, p, change, agreements),
      );
      return {
        affectedProjects: results.filter((r) => r.outcome !== 'skipped').length,
        // Counted from the change's own records of its claims, so that what an earlier,
        // interrupted delivery claimed counts even where a newer change has since taken over.
        notifications: await countClaims(ctx, change.changeId, page.ids),
        ...(page.nextKey && { nextKey: page.nextKey }),
      };
    }
    case 'dataset-added':
    case 'dataset-removed': {
      const r = await recomputeProject(ctx, change.projectId, change);
      return {
        affectedProjects: r.outcome === 'skipped' ? 0 : 1,
        notifications: await countClaims(ctx, change.changeId, [change.projectId]),
      };
    }
    case 'membership-started':
      // Its feed entry was written with the membership; a new member loses nothing.
      return { affectedProjects: 1, notifications: 0 };
    case 'membership-ended':
      return propagateMembershipEnded(ctx, change);
    case 'accreditation-changed':
      return propagateResearcherChange(ctx, change);
    case 'organisation-agreement-changed':
      return propagateOrganisationPage(ctx, change, startKey);
    case 'expiry':
      return 'organisationId' in change
        ? propagateOrganisationPage(ctx, change, startKey)
        : propagateResearcherChange(ctx, change);
  }
}

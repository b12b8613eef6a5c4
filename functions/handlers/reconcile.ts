import { logger } from '../commons/index.js';
import {
  type CheckReport,
  checkSnapshot,
  type RepairResult,
  repairFindings,
  sweepExpiries,
  takeSnapshot,
} from '../reconcile/index.js';
import type { StoreContext } from '../store/index.js';
import { lazyHandler, storeContextFromEnv } from './runtime.js';

/** What one reconciler run found and did. */
export interface ReconcileResult {
  readonly report: CheckReport;
  readonly repaired: RepairResult;
  readonly expiryChanges: string[];
}

/**
 * The scheduled reconciler: checks every invariant, repairs drifted links and
 * summaries (the safety net for lagging indexes), and starts `expiry` changes
 * for agreements and accreditations that ran out.
 */
export async function reconcile(ctx: StoreContext): Promise<ReconcileResult> {
  const snap = await takeSnapshot(ctx);
  const report = checkSnapshot(snap, { now: ctx.now() });
  const repaired = await repairFindings(ctx, report);
  const expiryChanges = await sweepExpiries(ctx, snap);
  const byKind = (fs: CheckReport['violations']) =>
    fs.reduce<Record<string, number>>((acc, f) => {
      acc[f.kind] = (acc[f.kind] ?? 0) + 1;
      return acc;
    }, {});
  logger.info('reconcile', {
    counts: report.counts,
    violations: byKind(report.violations),
    warnings: byKind(report.warnings),
    repaired,
    expiryChanges: expiryChanges.length,
  });
  return { report, repaired, expiryChanges };
}

/** Lambda entry point (EventBridge Scheduler). */
export const handler = lazyHandler(() => (_event: unknown) => reconcile(storeContextFromEnv()));

import { logger } from '../commons/index.js';
import {
  type CheckReport,
  checkSnapshot,
  type RepairResult,
  repairFindings,
  sendExpiryWarnings,
  sweepExpiries,
  takeSnapshot,
  warningDaysFromEnv,
} from '../reconcile/index.js';
import type { StoreContext } from '../store/index.js';
import { lazyHandler, storeContextFromEnv } from './runtime.js';

/** What one reconciler run found and did. */
export interface ReconcileResult {
  readonly report: CheckReport;
  readonly repaired: RepairResult;
  readonly expiryChanges: string[];
  /** The ids of the expiry warnings this run sent. */
  readonly warnings: string[];
}

/** How a run is set up: the warning windows (days before an expiry). */
export interface ReconcileOptions {
  readonly warningDays?: readonly number[];
}

/**
 * The scheduled reconciler: checks every invariant, repairs drifted links and
 * summaries (the safety net for lagging indexes), starts `expiry` changes
 * for agreements and accreditations that ran out, and sends the expiry
 * warnings due (docs/rules.md).
 */
export async function reconcile(
  ctx: StoreContext,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const snap = await takeSnapshot(ctx);
  const report = checkSnapshot(snap, { now: ctx.now() });
  const repaired = await repairFindings(ctx, report);
  const expiryChanges = await sweepExpiries(ctx, snap);
  const warnings = await sendExpiryWarnings(ctx, snap, options.warningDays);
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
    expiryWarnings: warnings.length,
  });
  return { report, repaired, expiryChanges, warnings };
}

/** Lambda entry point (EventBridge Scheduler). */
export const handler = lazyHandler(() => {
  const warningDays = warningDaysFromEnv();
  return (_event: unknown) => reconcile(storeContextFromEnv(), { warningDays });
});

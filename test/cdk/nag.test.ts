/**
 * cdk-nag's AWS Solutions checks on the stack, synthesised as `npm run
 * synth` does it: functions as bundled assets (the run's bundles, built once
 * with the stack's settings), CloudFormation schema validation on, the checks
 * registered as a validation plugin.
 */
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type Synthesised, synthStack } from './support.js';

/** Every acknowledgement in the tree: rule id, reason and where. */
function acknowledgements(root: IConstruct): { id: string; reason: string; path: string }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, unknown>).map(([id, reason]) => ({
          id,
          reason: typeof reason === 'string' ? reason : JSON.stringify(reason),
          path: c.node.path,
        })),
      ),
  );
}

describe('cdk-nag AWS Solutions checks', () => {
  let synthesised: Synthesised;
  beforeAll(() => {
    // Throws, with the report, if any check or schema validation fails. The
    // functions deploy the run's bundles (built once, as the stack builds them).
    synthesised = synthStack(
      { bundlesDir: inject('bundlesDir') },
      { bundle: true, validate: true, nag: true },
    );
  });

  it('report no finding that is not acknowledged, error or warning', () => {
    // Act
    const report = new AwsSolutionsChecks().validateScope(synthesised.stack);

    // Assert
    expect(
      report.violations.map((v) => ({
        rule: v.ruleName,
        severity: v.severity,
        at: v.violatingResources.map((r) => r.constructPath),
      })),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('are acknowledged only with a written reason', () => {
    const acks = acknowledgements(synthesised.stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.id).toMatch(/AwsSolutions-/);
      expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(60);
    }
  });
});

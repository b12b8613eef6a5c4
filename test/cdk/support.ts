/**
 * Synthesises the stack the way `cdk synth` does (the context of `cdk.json`,
 * configuration through context parameters), offline: nothing looks anything
 * up. Template tests skip bundling and CloudFormation schema validation for
 * speed; the cdk-nag test synthesises with both, exactly like `npm run synth`,
 * and the bundle test builds every handler with the stack's esbuild settings.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { REPO_ROOT } from '../../cdk/bundling.js';
import { readConfig } from '../../cdk/config.js';
import { SrsAccessStack } from '../../cdk/stack.js';

/** The sender address of the test deployments. */
export const TEST_SENDER = 'no-reply@srs.ons.gov.uk';

/** The context of `cdk.json` (feature flags and defaults). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}

/** A synthesised stack and its template. */
export interface Synthesised {
  readonly app: App;
  readonly stack: SrsAccessStack;
  readonly template: Template;
}

/** How much of a real synthesis to run. */
export interface SynthOptions {
  /** Bundle the functions with esbuild (default: skipped, assets get a placeholder hash). */
  readonly bundle?: boolean;
  /** Run CDK's built-in CloudFormation schema validation (default: off). */
  readonly validate?: boolean;
  /** Register cdk-nag's AWS Solutions checks as `app.ts` does (default: off). */
  readonly nag?: boolean;
}

/** Builds the stack from `cdk.json`'s context plus `context`, as `app.ts` does, and synthesises it. */
export function synthStack(
  context: Record<string, unknown> = {},
  options: SynthOptions = {},
): Synthesised {
  // The cloud assembly goes to a directory of its own, removed once the template is read
  // or the stack refused its configuration (CDK's default, a fresh `cdk.out*` in the
  // temporary directory, is never cleaned up).
  const outdir = mkdtempSync(join(tmpdir(), 'srs-access-synth-'));
  try {
    const app = new App({
      outdir,
      builtinCloudFormationValidation: options.validate ?? false,
      context: {
        ...cdkJsonContext(),
        senderAddress: TEST_SENDER,
        ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
        ...context,
      },
    });
    const stack = new SrsAccessStack(app, 'SrsAccess', {
      stackName: 'srs-access',
      config: readConfig(app.node),
    });
    if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    return { app, stack, template: Template.fromStack(stack) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** A resource of a template: its type and properties. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string[];
}

/** Every resource of `type` in `template`, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, TemplateResource> {
  return template.findResources(type) as Record<string, TemplateResource>;
}

/** The logical id `stack` gives the CloudFormation resource behind `construct`. */
export function logicalIdOf(
  stack: SrsAccessStack,
  construct: { node: { defaultChild?: unknown } },
): string {
  return stack.resolve(
    stack.getLogicalId(construct.node.defaultChild as Parameters<typeof stack.getLogicalId>[0]),
  ) as string;
}

/** One IAM statement, with `Action` and `Resource` always arrays. */
export interface Statement {
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: unknown[];
  readonly Condition?: unknown;
}

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** The statements of one `AWS::IAM::Policy` resource. */
export function statementsOf(policy: TemplateResource): Statement[] {
  const doc = (policy.Properties?.PolicyDocument ?? { Statement: [] }) as {
    Statement: Record<string, unknown>[];
  };
  return doc.Statement.map((s) => ({
    Effect: String(s.Effect),
    Action: asArray(s.Action).map(String),
    Resource: asArray(s.Resource),
    ...(s.Condition !== undefined && { Condition: s.Condition }),
  }));
}

/** Every statement of every `AWS::IAM::Policy` of `template`. */
export function allStatements(template: Template): Statement[] {
  return Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(statementsOf);
}

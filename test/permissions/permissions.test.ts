/**
 * The handlers under the permissions and limits the template gives them.
 *
 * The main test run records every AWS call each deployed function makes in
 * the integration, API and end-to-end tests (`local/aws-calls.ts`). This
 * file, run after it (`npm test` runs it last), synthesises the stack and
 * holds each recorded call to that function's IAM statements, each recorded
 * invocation to that function's timeout, and each API response to Lambda's
 * response limit. A grant no recorded call used is printed, not failed: it
 * may serve a path the tests do not reach, but it is worth a look.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SrsAccessStack } from '../../cdk/stack.js';
import {
  DEPLOYED_FUNCTIONS,
  type DeployedFunction,
  type RecordedLine,
} from '../../local/aws-calls.js';
import {
  logicalIdOf,
  resourcesOf,
  statementsOf,
  synthStack,
  type TemplateResource,
} from '../cdk/support.js';
import {
  isAllowed,
  type Request,
  type ResolvedStatement,
  Resolver,
  resourcesOfCall,
  wildcardMatch,
} from '../support/iam.js';
import { AWS_CALLS_DIR, readRecording } from '../support/recording.js';

/** Lambda's limit on a synchronous response (the API's), in bytes. */
const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;

/**
 * Actions the Lambda service uses with the function's role on its behalf,
 * never the code: writing logs and traces, the event source mapping's
 * on-failure queue, and `ListStreams`, which Lambda documents as a required
 * permission of a DynamoDB event source (the local poller, given the stream
 * ARN, never needs it). They cannot show up in a recording, so they are not
 * reported as unused.
 */
const SERVICE_ACTIONS = /^(logs|xray|sqs):|^dynamodb:ListStreams$/;

type Call = Extract<RecordedLine, { type: 'call' }>;

let lines: RecordedLine[];
let stack: SrsAccessStack;
let template: Template;
let resources: Record<string, TemplateResource>;
let resolver: Resolver;
let tableArn: string;

beforeAll(() => {
  lines = readRecording();
  const synth = synthStack();
  stack = synth.stack;
  template = synth.template;
  resources = synth.template.toJSON().Resources as Record<string, TemplateResource>;
  resolver = new Resolver(resources);
  tableArn = resolver.tableArn(logicalIdOf(stack, stack.table.table));
});

/** Every statement of the policies attached to `fn`'s role, and the role's own inline ones. */
function statementsOfFunction(fn: DeployedFunction): ResolvedStatement[] {
  const roleId = logicalIdOf(stack, stack.functions[fn].role);
  const attached = Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties?.Roles).includes(`"${roleId}"`))
    .flatMap(statementsOf);
  const inline = ((resources[roleId]?.Properties?.Policies ?? []) as TemplateResource[]).flatMap(
    (p) => statementsOf({ Type: 'inline', Properties: p as unknown as Record<string, unknown> }),
  );
  return [...attached, ...inline].map((s) => resolver.statement(s));
}

/** The requests IAM evaluates for one recorded call: every alternative set must have one allowed. */
function requestsOf(call: Call): Request[][] {
  return resourcesOfCall(call.resource, tableArn).all.map((alternatives) =>
    alternatives.map((resource) => ({
      action: call.action,
      resource,
      context: call.context ?? {},
    })),
  );
}

const describeCall = (c: Call) =>
  `${c.fn}: ${c.operation} needs ${c.action} on ${requestsOf(c)
    .map((alts) => alts.map((r) => r.resource).join(' or '))
    .join(' and ')}${c.context ? ` with ${JSON.stringify(c.context)}` : ''}`;

describe('recorded AWS calls against the template', () => {
  it('has a recording of every deployed function', () => {
    expect(
      lines.length,
      `nothing recorded in ${AWS_CALLS_DIR}: run the integration, API and e2e tests first (npm test does)`,
    ).toBeGreaterThan(0);
    const seen = new Set(lines.filter((l) => l.type === 'call').map((l) => l.fn));
    expect([...seen].sort()).toEqual([...DEPLOYED_FUNCTIONS].sort());
  });

  it('grants every call each function made', () => {
    const calls = lines.filter((l): l is Call => l.type === 'call');
    const denied = new Set<string>();
    for (const call of calls) {
      const statements = statementsOfFunction(call.fn);
      const granted = requestsOf(call).every((alts) => alts.some((r) => isAllowed(statements, r)));
      if (!granted) denied.add(describeCall(call));
    }
    expect([...denied].sort(), 'calls the template does not grant').toEqual([]);
  });

  it('reports the grants no recorded call used', () => {
    const calls = lines.filter((l): l is Call => l.type === 'call');
    const unused: string[] = [];
    for (const fn of DEPLOYED_FUNCTIONS) {
      const used = calls.filter((c) => c.fn === fn).flatMap((c) => requestsOf(c).flat());
      for (const s of statementsOfFunction(fn)) {
        if (s.effect !== 'Allow') continue;
        for (const action of s.actions) {
          if (SERVICE_ACTIONS.test(action)) continue;
          for (const resource of s.resources) {
            const usedBy = used.some(
              (r) => wildcardMatch(action, r.action, true) && wildcardMatch(resource, r.resource),
            );
            if (!usedBy) unused.push(`${fn}: ${action} on ${resource}`);
          }
        }
      }
    }
    if (unused.length > 0) {
      console.warn(
        `Grants no recorded call used (least privilege: remove them, or test the path that needs them):\n  ${unused.join('\n  ')}`,
      );
    } else {
      console.info('Every grant of every function was used by a recorded call.');
    }
    // The report itself cannot fail; what it lists must still be real grants of real functions.
    for (const line of unused) expect(DEPLOYED_FUNCTIONS).toContain(line.split(':')[0]);
  });
});

describe('recorded invocations against the template limits', () => {
  /** Each function's Timeout (seconds) and MemorySize (MB), read from the template. */
  function limitsOf(fn: DeployedFunction): { timeoutS: number; memoryMb: number } {
    const id = logicalIdOf(stack, stack.functions[fn].fn);
    const props = resources[id]?.Properties ?? {};
    return { timeoutS: Number(props.Timeout), memoryMb: Number(props.MemorySize) };
  }

  it('never ran an invocation longer than its function timeout', () => {
    const rows: string[] = [];
    const over: string[] = [];
    for (const fn of DEPLOYED_FUNCTIONS) {
      const { timeoutS, memoryMb } = limitsOf(fn);
      expect(timeoutS, `${fn} Timeout`).toBeGreaterThan(0);
      const runs = lines.filter(
        (l): l is Extract<RecordedLine, { type: 'invocation' }> =>
          l.type === 'invocation' && l.fn === fn,
      );
      const slowest = runs.reduce<(typeof runs)[number] | undefined>(
        (a, b) => (a === undefined || b.ms > a.ms ? b : a),
        undefined,
      );
      const longest = slowest?.ms ?? 0;
      const what = slowest?.what === undefined ? '' : ` (${slowest.what})`;
      rows.push(
        `${fn.padEnd(10)} longest ${String(longest).padStart(6)} ms of ${timeoutS * 1000} ms (${memoryMb} MB)${what}`,
      );
      if (longest > timeoutS * 1000) over.push(`${fn}: ${longest} ms > ${timeoutS} s${what}`);
    }
    console.info(
      `Longest recorded invocation per function, against its template timeout:\n  ${rows.join('\n  ')}`,
    );
    expect(over).toEqual([]);
  });

  it('never answered with a response over Lambda’s 6 MB', () => {
    const sizes = lines
      .filter((l) => l.type === 'response')
      .map((l) => (l as { bytes: number }).bytes);
    expect(sizes.length, 'API responses recorded').toBeGreaterThan(0);
    const largest = Math.max(...sizes);
    console.info(`Largest recorded API response: ${largest} bytes of ${LAMBDA_RESPONSE_LIMIT}`);
    expect(largest).toBeLessThanOrEqual(LAMBDA_RESPONSE_LIMIT);
  });
});

/**
 * Just enough of IAM's policy evaluation to hold recorded AWS calls to a
 * synthesised template: CloudFormation intrinsics resolved to concrete ARNs
 * in a fixed account and region, action and resource matching with IAM's
 * wildcards, the string conditions the stack uses, and explicit Deny.
 */
import type { CallResource } from '../../local/aws-calls.js';
import type { TemplateResource } from '../cdk/support.js';

/** The account and region the template is resolved in. */
export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-2';
const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::URLSuffix': 'amazonaws.com',
};

/** The stream label every resolved stream ARN gets. */
const STREAM_LABEL = 'stream/2026-01-01T00:00:00.000';

/** An IAM statement with its intrinsics resolved. */
export interface ResolvedStatement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Resolves CloudFormation intrinsics of one template to strings. */
export class Resolver {
  constructor(private readonly resources: Record<string, TemplateResource>) {}

  /** The ARN of the template's DynamoDB table `id`. */
  tableArn(id: string): string {
    return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${id}`;
  }

  resolve(value: unknown): string {
    if (typeof value === 'string') return value;
    if (value === null || typeof value !== 'object') {
      throw new Error(`cannot resolve ${JSON.stringify(value)}`);
    }
    const [fn, args] = Object.entries(value)[0] ?? [];
    if (fn === 'Ref') {
      const name = String(args);
      if (name in PSEUDO) return PSEUDO[name] as string;
      const res = this.resources[name];
      // An event bus's Ref is its name; anything else, a name unique to it.
      if (res?.Type === 'AWS::Events::EventBus') return String(res.Properties?.Name ?? name);
      return `ref:${name}`;
    }
    if (fn === 'Fn::GetAtt') {
      const [id, attribute] = args as [string, string];
      const res = this.resources[id];
      if (res?.Type === 'AWS::DynamoDB::Table' || res?.Type === 'AWS::DynamoDB::GlobalTable') {
        if (attribute === 'Arn') return this.tableArn(id);
        if (attribute === 'StreamArn') return `${this.tableArn(id)}/${STREAM_LABEL}`;
      }
      if (res?.Type === 'AWS::Events::EventBus' && attribute === 'Arn') {
        return `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${String(res.Properties?.Name ?? id)}`;
      }
      return `arn:aws:other:${REGION}:${ACCOUNT}:${id}/${attribute}`;
    }
    if (fn === 'Fn::Join') {
      const [sep, parts] = args as [string, unknown[]];
      return parts.map((p) => this.resolve(p)).join(sep);
    }
    if (fn === 'Fn::Sub') {
      const template = typeof args === 'string' ? args : String((args as unknown[])[0]);
      return template.replace(/\$\{([^}]+)\}/g, (_, name: string) =>
        this.resolve(name.includes('.') ? { 'Fn::GetAtt': name.split('.') } : { Ref: name }),
      );
    }
    throw new Error(`cannot resolve intrinsic ${String(fn)}`);
  }

  statement(s: {
    Effect: string;
    Action: string[];
    Resource: unknown[];
    Condition?: unknown;
  }): ResolvedStatement {
    return {
      effect: s.Effect === 'Deny' ? 'Deny' : 'Allow',
      actions: s.Action,
      resources: s.Resource.map((r) => this.resolve(r)),
      ...(s.Condition !== undefined && {
        condition: s.Condition as Record<string, Record<string, unknown>>,
      }),
    };
  }
}

/** IAM's wildcard match: `*` any run of characters, `?` any one. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const escaped = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${escaped}$`, ignoreCase ? 'i' : '').test(value);
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : [String(v)]);

/**
 * Whether a statement's Condition holds for a request presenting `context`.
 * A key the request does not present fails the condition, as in IAM; an
 * operator this evaluator does not know fails it too, so that the test never
 * passes on a condition it could not judge.
 */
export function conditionHolds(
  condition: ResolvedStatement['condition'],
  context: Readonly<Record<string, string>>,
): boolean {
  if (condition === undefined) return true;
  return Object.entries(condition).every(([operator, tests]) =>
    Object.entries(tests).every(([key, expected]) => {
      const actual = context[key];
      if (actual === undefined) return false;
      const values = asList(expected);
      switch (operator) {
        case 'StringEquals':
          return values.includes(actual);
        case 'StringEqualsIgnoreCase':
          return values.some((v) => v.toLowerCase() === actual.toLowerCase());
        case 'StringLike':
          return values.some((v) => wildcardMatch(v, actual));
        default:
          return false;
      }
    }),
  );
}

/** One request IAM would evaluate: an action on one resource, with its condition values. */
export interface Request {
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string>>;
}

function matches(s: ResolvedStatement, r: Request): boolean {
  return (
    s.actions.some((a) => wildcardMatch(a, r.action, true)) &&
    s.resources.some((res) => wildcardMatch(res, r.resource)) &&
    conditionHolds(s.condition, r.context)
  );
}

/** Whether `statements` allow `request`: some Allow matches and no Deny does. */
export function isAllowed(statements: readonly ResolvedStatement[], request: Request): boolean {
  if (statements.some((s) => s.effect === 'Deny' && matches(s, request))) return false;
  return statements.some((s) => s.effect === 'Allow' && matches(s, request));
}

/**
 * The resources IAM checks for a recorded call, as alternatives that each
 * need granting (`all`) or of which one suffices (`any`): SES authorises a
 * send against the address's identity or its domain's, whichever is
 * verified, and also against the configuration set. DynamoDB Local's table
 * and stream map onto the template's one table (`tableId`).
 */
export function resourcesOfCall(
  resource: CallResource,
  tableArn: string,
): { readonly all: readonly (readonly string[])[] } {
  switch (resource.kind) {
    case 'table':
      return { all: [[tableArn]] };
    case 'index':
      return { all: [[`${tableArn}/index/${resource.index}`]] };
    case 'stream':
      return { all: [[`${tableArn}/${STREAM_LABEL}`]] };
    case 'any':
      return { all: [['*']] };
    case 'email-identity': {
      const domain = resource.from.slice(resource.from.lastIndexOf('@') + 1);
      const identity = (name: string) => `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${name}`;
      return {
        all: [
          [identity(resource.from), identity(domain)],
          ...(resource.configurationSet
            ? [[`arn:aws:ses:${REGION}:${ACCOUNT}:configuration-set/${resource.configurationSet}`]]
            : []),
        ],
      };
    }
    case 'event-bus':
      return {
        all: [
          [
            resource.bus.startsWith('arn:')
              ? resource.bus
              : `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${resource.bus}`,
          ],
        ],
      };
  }
}

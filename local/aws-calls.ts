/**
 * A recorder of the AWS calls each deployed function makes, for the
 * permissions test (`test/permissions/`): the handlers run locally and in the
 * tests with the same code as in AWS, so what they call here is what their
 * IAM roles must grant there.
 *
 * A call is attributed to a function by the scope it runs in
 * ({@link asFunction}): the API's request handling, each stream consumer's
 * polling and handler invocations (in AWS the event source mapping reads the
 * stream with the consuming function's own role), and reconciler runs. Calls
 * outside any scope (a test arranging its data) are not recorded.
 *
 * Recording is off unless a directory is given: `recordAwsCalls(client, dir)`
 * in the tests, or `SRS_ACCESS_RECORD_AWS_CALLS=<dir>` for `npm start`. Each
 * process appends one JSON line per distinct call (function, action, resource,
 * condition values) and per new longest invocation or largest response, to
 * `<dir>/<pid>-<thread>.jsonl`. Deployed bundles never import this module.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

/** The functions the stack deploys that call AWS. */
export const DEPLOYED_FUNCTIONS = ['api', 'changes', 'deliver', 'publish', 'reconcile'] as const;
export type DeployedFunction = (typeof DEPLOYED_FUNCTIONS)[number];

/** The environment variable that turns recording on in the local runtime. */
export const RECORD_ENV = 'SRS_ACCESS_RECORD_AWS_CALLS';

/** What a recorded call touched, before it is mapped onto the template's resources. */
export type CallResource =
  | { readonly kind: 'table'; readonly table: string }
  | { readonly kind: 'index'; readonly table: string; readonly index: string }
  | { readonly kind: 'stream'; readonly streamArn: string }
  | { readonly kind: 'email-identity'; readonly from: string; readonly configurationSet?: string }
  | { readonly kind: 'event-bus'; readonly bus: string }
  | { readonly kind: 'any' };

/** One line of a recording. */
export type RecordedLine =
  | {
      readonly type: 'call';
      readonly fn: DeployedFunction;
      /** The IAM action the call needs, e.g. `dynamodb:PutItem` (one per contained operation of a transaction). */
      readonly action: string;
      readonly resource: CallResource;
      /** The SDK operation that made it, e.g. `TransactWriteItems`. */
      readonly operation: string;
      /** IAM condition keys and the values this call presents. */
      readonly context?: Readonly<Record<string, string>>;
    }
  | {
      readonly type: 'invocation';
      readonly fn: DeployedFunction;
      readonly ms: number;
      /** What was invoked, where known (an API request's method and path), to find a slow one. */
      readonly what?: string;
    }
  | { readonly type: 'response'; readonly fn: DeployedFunction; readonly bytes: number };

const scope = new AsyncLocalStorage<DeployedFunction>();

/** Runs `body` as the deployed function `fn`: the AWS calls it makes are that function's. */
export function asFunction<T>(fn: DeployedFunction, body: () => T): T {
  return scope.run(fn, body);
}

/** The deployed function the current code runs as, if any. */
export function currentFunction(): DeployedFunction | undefined {
  return scope.getStore();
}

/** A process's recording: distinct lines, appended once each. */
class Sink {
  private readonly seen = new Set<string>();
  private readonly longest = new Map<string, number>();
  private readonly file: string;

  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, `${process.pid}-${threadId}.jsonl`);
  }

  call(line: Extract<RecordedLine, { type: 'call' }>): void {
    const text = JSON.stringify(line);
    if (this.seen.has(text)) return;
    this.seen.add(text);
    appendFileSync(this.file, `${text}\n`);
  }

  /** Keeps the largest value per (type, function): a line only when it grows. */
  max(line: Extract<RecordedLine, { type: 'invocation' | 'response' }>): void {
    const key = `${line.type}/${line.fn}`;
    const value = line.type === 'invocation' ? line.ms : line.bytes;
    if ((this.longest.get(key) ?? -1) >= value) return;
    this.longest.set(key, value);
    appendFileSync(this.file, `${JSON.stringify(line)}\n`);
  }
}

const sinks = new Map<string, Sink>();
function sinkFor(dir: string): Sink {
  let sink = sinks.get(dir);
  if (sink === undefined) {
    sink = new Sink(dir);
    sinks.set(dir, sink);
  }
  return sink;
}

/** The recording directory of the local runtime, from {@link RECORD_ENV}; undefined when off. */
export function recordingDirFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env[RECORD_ENV];
  return dir === undefined || dir === '' ? undefined : dir;
}

/**
 * Runs one invocation of `fn` (a stream batch, a request, a reconciler run)
 * and records how long it took, to hold it to the function's timeout.
 */
export async function invocation<T>(
  dir: string | undefined,
  fn: DeployedFunction,
  body: () => Promise<T>,
  what?: string,
): Promise<T> {
  if (dir === undefined) return asFunction(fn, body);
  const started = performance.now();
  try {
    return await asFunction(fn, body);
  } finally {
    const ms = Math.round(performance.now() - started);
    sinkFor(dir).max({ type: 'invocation', fn, ms, ...(what === undefined ? {} : { what }) });
  }
}

/** An API request's method and path (no query string), from `fetch`-style arguments. */
function requestLine(args: readonly unknown[]): string | undefined {
  const [input, init] = args;
  const method =
    (obj(init).method as string | undefined) ?? (input instanceof Request ? input.method : 'GET');
  const url = input instanceof Request ? input.url : typeof input === 'string' ? input : undefined;
  if (url === undefined) return undefined;
  return `${method} ${new URL(url, 'http://local').pathname}`;
}

/** Records the size of an API response body, to hold it to Lambda's response limit. */
export function recordResponseSize(dir: string | undefined, bytes: number): void {
  if (dir !== undefined) sinkFor(dir).max({ type: 'response', fn: 'api', bytes });
}

type Input = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Input => (v !== null && typeof v === 'object' ? (v as Input) : {});

/** The transaction members' keys and the IAM action each needs. */
const TRANSACT_ACTIONS: Record<string, string> = {
  Put: 'dynamodb:PutItem',
  Update: 'dynamodb:UpdateItem',
  Delete: 'dynamodb:DeleteItem',
  ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};

/** The streams operations, whose resource is the stream. */
const STREAM_OPERATIONS = new Set(['DescribeStream', 'GetShardIterator', 'GetRecords']);

type Needed = { action: string; resource: CallResource; context?: Record<string, string> };

/** What IAM checks for one DynamoDB or DynamoDB Streams request. */
function dynamoNeeds(
  operation: string,
  input: Input,
  iteratorStream: (iterator: string) => string | undefined,
): Needed[] {
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    const items = Array.isArray(input.TransactItems) ? input.TransactItems : [];
    return items.flatMap((item) =>
      Object.entries(obj(item)).flatMap(([member, body]) => {
        const action = TRANSACT_ACTIONS[member];
        const table = str(obj(body).TableName);
        return action && table ? [{ action, resource: { kind: 'table', table } as const }] : [];
      }),
    );
  }
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') {
    return Object.keys(obj(input.RequestItems)).map((table) => ({
      action: `dynamodb:${operation}`,
      resource: { kind: 'table', table },
    }));
  }
  if (STREAM_OPERATIONS.has(operation)) {
    const streamArn =
      str(input.StreamArn) ?? iteratorStream(str(input.ShardIterator) ?? '') ?? 'unknown-stream';
    return [{ action: `dynamodb:${operation}`, resource: { kind: 'stream', streamArn } }];
  }
  if (operation === 'ListStreams') {
    return [{ action: 'dynamodb:ListStreams', resource: { kind: 'any' } }];
  }
  const table = str(input.TableName) ?? 'unknown-table';
  const index = str(input.IndexName);
  return [
    {
      action: `dynamodb:${operation}`,
      resource: index ? { kind: 'index', table, index } : { kind: 'table', table },
    },
  ];
}

/** What IAM checks for one SES v2 request. */
function sesNeeds(operation: string, input: Input): Needed[] {
  const from = str(input.FromEmailAddress) ?? 'unknown-sender';
  const configurationSet = str(input.ConfigurationSetName);
  return [
    {
      action: `ses:${operation}`,
      resource: { kind: 'email-identity', from, ...(configurationSet && { configurationSet }) },
      context: { 'ses:FromAddress': from },
    },
  ];
}

/** What IAM checks for one EventBridge request: each entry's bus (default: `default`). */
function eventBridgeNeeds(operation: string, input: Input): Needed[] {
  const entries = Array.isArray(input.Entries) ? input.Entries : [];
  const buses = new Set(entries.map((e) => str(obj(e).EventBusName) ?? 'default'));
  return [...buses].map((bus) => ({
    action: `events:${operation}`,
    resource: { kind: 'event-bus', bus },
  }));
}

/** The AWS SDK v3 clients the recorder understands. */
export type RecordedService = 'dynamodb' | 'ses' | 'events';

/** The middleware stack of an SDK v3 client, as far as the recorder uses it. */
interface MiddlewareClient {
  readonly middlewareStack: {
    add(
      middleware: (
        next: (args: { input: object }) => Promise<{ output: object }>,
        context: { commandName?: string },
      ) => (args: { input: object }) => Promise<{ output: object }>,
      options: { step: 'initialize'; name: string; override?: boolean },
    ): void;
  };
}

/**
 * Adds the recorder to an SDK v3 client (a DynamoDB, DynamoDB Streams, SES v2
 * or EventBridge client; for the document client, the DynamoDB client under
 * it). Every request made inside an {@link asFunction} scope is written to
 * `dir`. Streams iterators are followed to their stream, since `GetRecords`
 * names only its iterator.
 */
export function recordAwsCalls<C>(client: C, service: RecordedService, dir: string): C {
  const sink = sinkFor(dir);
  const streams = new Map<string, string>();
  const follow = (output: Input, streamArn: string | undefined) => {
    if (streamArn === undefined) return;
    for (const key of ['ShardIterator', 'NextShardIterator']) {
      const iterator = str(output[key]);
      if (iterator !== undefined) streams.set(iterator, streamArn);
    }
  };
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      const fn = currentFunction();
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      const input = obj(args.input);
      const needs =
        service === 'dynamodb'
          ? dynamoNeeds(operation, input, (it) => streams.get(it))
          : service === 'ses'
            ? sesNeeds(operation, input)
            : eventBridgeNeeds(operation, input);
      let streamArn: string | undefined;
      for (const need of needs) {
        if (need.resource.kind === 'stream') streamArn = need.resource.streamArn;
        if (fn !== undefined) sink.call({ type: 'call', fn, operation, ...need });
      }
      const iterator = str(input.ShardIterator);
      if (iterator !== undefined) streams.delete(iterator);
      const result = await next(args);
      follow(obj(result.output), streamArn);
      return result;
    },
    { step: 'initialize', name: 'recordAwsCalls', override: true },
  );
  return client;
}

/**
 * Wraps the API's request handling as the `api` function: its AWS calls are
 * recorded, and so are its duration and its response size (read from a clone,
 * only while recording).
 */
export function asApi<A extends unknown[]>(
  dir: string | undefined,
  handle: (...args: A) => Response | Promise<Response>,
): (...args: A) => Promise<Response> {
  return (...args) =>
    invocation(
      dir,
      'api',
      async () => {
        const res = await handle(...args);
        if (dir !== undefined) {
          recordResponseSize(dir, (await res.clone().arrayBuffer()).byteLength);
        }
        return res;
      },
      dir === undefined ? undefined : requestLine(args),
    );
}

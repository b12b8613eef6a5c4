/**
 * Measuring helpers of the benchmarks: a DynamoDB request and write counter
 * installed as SDK middleware, percentiles and medians, a bounded-concurrency
 * map and a progress printer.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Requests, items and failures of one DynamoDB command (for example `TransactWriteItemsCommand`). */
export interface CommandCount {
  /** Logical sends (one per `client.send`, whatever the SDK retried). */
  requests: number;
  /** HTTP attempts, retries included. */
  attempts: number;
  /** Items written: 1 per Put/Update/DeleteItem, n for a batch or transaction of n writes. */
  writeItems: number;
  /** Condition checks inside transactions (not writes). */
  conditionChecks: number;
  /** Sends that ended in an error (condition failures and cancelled transactions included). */
  failures: number;
}

/** A snapshot of a {@link RequestCounter}. */
export interface CountSnapshot {
  readonly requests: number;
  readonly attempts: number;
  readonly writeItems: number;
  readonly failures: number;
  /** Counts per command name, for profiles. */
  readonly byCommand: Record<string, CommandCount>;
}

/** Called after every successful send, with the command name and its (marshalled) input. */
export type SuccessHook = (commandName: string, input: Record<string, unknown>) => void;

const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);

/** Items a write command writes (0 for reads), and the condition checks it carries. */
function itemsOf(
  commandName: string,
  input: Record<string, unknown>,
): { writes: number; checks: number } {
  if (WRITE_COMMANDS.has(commandName)) return { writes: 1, checks: 0 };
  if (commandName === 'BatchWriteItemCommand') {
    const perTable = Object.values((input.RequestItems ?? {}) as Record<string, unknown[]>);
    return { writes: perTable.reduce((n, requests) => n + requests.length, 0), checks: 0 };
  }
  if (commandName === 'TransactWriteItemsCommand') {
    const items = (input.TransactItems ?? []) as Record<string, unknown>[];
    const checks = items.filter((i) => i.ConditionCheck !== undefined).length;
    return { writes: items.length - checks, checks };
  }
  return { writes: 0, checks: 0 };
}

/**
 * Counts the DynamoDB requests a client sends, by command, with SDK
 * middleware: one `build` step middleware per logical send (it sees the
 * command and its input once, before the retry loop) and one `deserialize`
 * step middleware per HTTP attempt. Attach it to the `DynamoDBClient` a
 * document client wraps: document clients share their client's middleware.
 */
export class RequestCounter {
  private counts = new Map<string, CommandCount>();
  private hooks: SuccessHook[] = [];

  /** Installs the middleware on `client` (once per client). */
  attach(client: DynamoDBClient): this {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'unknown';
        const input = args.input as Record<string, unknown>;
        const count = this.entry(name);
        const { writes, checks } = itemsOf(name, input);
        count.requests++;
        count.writeItems += writes;
        count.conditionChecks += checks;
        try {
          const out = await next(args);
          for (const hook of this.hooks) hook(name, input);
          return out;
        } catch (err) {
          count.failures++;
          throw err;
        }
      },
      { step: 'build', name: 'benchRequestCounter', tags: ['BENCH'] },
    );
    client.middlewareStack.add(
      (next, context) => async (args) => {
        this.entry(context.commandName ?? 'unknown').attempts++;
        return next(args);
      },
      { step: 'deserialize', name: 'benchAttemptCounter', tags: ['BENCH'] },
    );
    return this;
  }

  /** Calls `hook` after every successful send until the returned function is called. */
  onSuccess(hook: SuccessHook): () => void {
    this.hooks.push(hook);
    return () => {
      this.hooks = this.hooks.filter((h) => h !== hook);
    };
  }

  /** Forgets every count. */
  reset(): void {
    this.counts = new Map();
  }

  /** The counts so far. */
  snapshot(): CountSnapshot {
    const byCommand: Record<string, CommandCount> = {};
    let requests = 0;
    let attempts = 0;
    let writeItems = 0;
    let failures = 0;
    for (const [name, c] of [...this.counts].sort(([a], [b]) => a.localeCompare(b))) {
      byCommand[name] = { ...c };
      requests += c.requests;
      attempts += c.attempts;
      writeItems += c.writeItems;
      failures += c.failures;
    }
    return { requests, attempts, writeItems, failures, byCommand };
  }

  private entry(name: string): CommandCount {
    let count = this.counts.get(name);
    if (!count) {
      count = { requests: 0, attempts: 0, writeItems: 0, conditionChecks: 0, failures: 0 };
      this.counts.set(name, count);
    }
    return count;
  }
}

/** The difference of two snapshots of one counter (`after - before`). */
export function diffCounts(after: CountSnapshot, before: CountSnapshot): CountSnapshot {
  const byCommand: Record<string, CommandCount> = {};
  for (const [name, a] of Object.entries(after.byCommand)) {
    const b = before.byCommand[name];
    const d: CommandCount = {
      requests: a.requests - (b?.requests ?? 0),
      attempts: a.attempts - (b?.attempts ?? 0),
      writeItems: a.writeItems - (b?.writeItems ?? 0),
      conditionChecks: a.conditionChecks - (b?.conditionChecks ?? 0),
      failures: a.failures - (b?.failures ?? 0),
    };
    if (d.requests !== 0 || d.attempts !== 0) byCommand[name] = d;
  }
  return {
    requests: after.requests - before.requests,
    attempts: after.attempts - before.attempts,
    writeItems: after.writeItems - before.writeItems,
    failures: after.failures - before.failures,
    byCommand,
  };
}

/** The `p`-th percentile (0..100) of `values` by the nearest-rank method; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** The median of `values` (the mean of the middle two for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Rounds to `digits` decimals, for results that are read by people. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The propagation engine's bounded-concurrency map, for the floors and the naive run. */
export { mapLimit } from '../functions/commons/index.js';

/** Where benchmarks report what they are doing; lines without a trailing newline. */
export type Log = (line: string) => void;

/**
 * Reports `done` of `total` at most every `everyMs` (and always at the end),
 * as `<label> done/total`.
 */
export function progress(log: Log, label: string, total: number, everyMs = 2_000) {
  let last = 0;
  return (done: number) => {
    const now = performance.now();
    if (done >= total || now - last >= everyMs) {
      last = now;
      log(`${label} ${done}/${total}`);
    }
  };
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

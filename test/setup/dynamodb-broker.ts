/**
 * Fresh DynamoDB Locals for test files, leased over loopback HTTP from the
 * vitest main process. DynamoDB Local grows slower with everything it has
 * served, even after the tables are dropped: the 5,000-row import test took
 * 50 s on a fresh instance and 208 s on one that three other files had used
 * before. So a file of the pipeline tier gets an instance of its own, taken
 * from spares started in the background, and the instance is stopped when
 * the file ends; one that the file never used goes back to the spares.
 *
 * Protocol: `POST /lease` answers an endpoint; `POST /release` with
 * `{ endpoint, used }` gives it back.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.js';

/** Hands out fresh DynamoDB Locals, keeping `spareCount` started ahead. */
export class DynamoDbLocalBroker {
  private readonly spares: Promise<DynamoDbLocal>[] = [];
  private readonly leased = new Map<string, DynamoDbLocal>();
  private readonly stopping = new Set<Promise<void>>();
  private server: Server | undefined;
  private closed = false;
  /** Instances started so far, for the run's report. */
  started = 0;

  constructor(private readonly spareCount: number) {}

  /** Starts the spares and the HTTP endpoint; answers its URL. */
  async listen(): Promise<string> {
    this.refill();
    // Every answer closes its connection: a file's release comes long after
    // its lease, and a kept-alive connection the server has timed out by then
    // fails the release with "other side closed".
    const headers = { 'content-type': 'text/plain', connection: 'close' };
    const server = createServer((req, res) => {
      this.answer(req).then(
        (body) => res.writeHead(200, headers).end(body),
        (err: unknown) =>
          res.writeHead(500, headers).end(err instanceof Error ? err.message : String(err)),
      );
    });
    this.server = server;
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Stops the endpoint and every instance, leased or spare. */
  async close(): Promise<void> {
    this.closed = true;
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
    const spares = await Promise.allSettled(this.spares.splice(0));
    const all = [
      ...this.leased.values(),
      ...spares.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
    ];
    this.leased.clear();
    await Promise.all([...all.map((db) => db.stop()), ...this.stopping]);
  }

  private async answer(req: IncomingMessage): Promise<string> {
    if (req.method === 'POST' && req.url === '/lease') return this.lease();
    if (req.method === 'POST' && req.url === '/release') {
      const { endpoint, used } = JSON.parse(await bodyOf(req)) as {
        endpoint: string;
        used: boolean;
      };
      this.release(endpoint, used);
      return '';
    }
    throw new Error(`no such broker request: ${req.method} ${req.url}`);
  }

  private async lease(): Promise<string> {
    const next = this.spares.shift() ?? this.startOne();
    this.refill();
    const db = await next;
    this.leased.set(db.endpoint, db);
    return db.endpoint;
  }

  private release(endpoint: string, used: boolean): void {
    const db = this.leased.get(endpoint);
    if (db === undefined) throw new Error(`${endpoint} is not leased`);
    this.leased.delete(endpoint);
    if (!used && !this.closed) {
      this.spares.unshift(Promise.resolve(db));
      return;
    }
    const stop = db.stop().finally(() => this.stopping.delete(stop));
    this.stopping.add(stop);
  }

  private refill(): void {
    while (!this.closed && this.spares.length < this.spareCount) this.spares.push(this.startOne());
  }

  private startOne(): Promise<DynamoDbLocal> {
    this.started++;
    const starting = startDynamoDbLocal({ inMemory: true });
    // A failed start is reported to the file that leases it, not as an unhandled rejection.
    starting.catch(() => {});
    return starting;
  }
}

function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => done(body));
    req.on('error', fail);
  });
}

/**
 * `npm start`: the whole system on one machine. DynamoDB Local (Java 17+),
 * the table from the shared definition, the HTTP API on PORT (default 3000),
 * the stream poller feeding the same stream handlers as in AWS, the local
 * outbox and event log. Data persists under `.data/` unless `--in-memory`;
 * `--seed` loads the demo catalogue. Ctrl-C stops everything.
 */
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { createApp } from '../functions/api/index.js';
import { logger } from '../functions/commons/index.js';
import { contactsFromEnv } from '../functions/handlers/runtime.js';
import { TABLE } from '../functions/store/index.js';
import {
  DEFAULT_LOCAL_JWT_SECRET,
  localJwtAuthenticator,
  localJwtSecretFromEnv,
  signLocalToken,
} from './auth.js';
import { asApi, recordingDirFromEnv } from './aws-calls.js';
import { FileCheckpointStore } from './checkpoints.js';
import { type DynamoDbLocal, startDynamoDbLocal } from './dynamodb-local.js';
import { DEFAULT_HOST, defaultSecretWarning, isLoopback } from './host.js';
import { localFetch } from './http.js';
import { DEMO, seedDemo } from './seed.js';
import { type LocalSystem, startLocalSystem } from './system.js';
import { dynamoClients, ensureTable } from './table-setup.js';

const USAGE = `Usage: npm start -- [--in-memory] [--seed] [--port N] [--host ADDR] [--verbose]

  --in-memory   keep the database in memory (nothing under .data/)
  --seed        load the demo catalogue (organisations, researchers, datasets, projects)
  --port N      serve the API on port N (default: $PORT or 3000)
  --host ADDR   listen on ADDR (default 127.0.0.1: this machine only; 0.0.0.0 for every interface)
  --verbose     print the handlers' structured logs (one JSON line per request and change page)`;

/** Fails with a clear message when the API port is already in use. */
function assertPortFree(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `port ${port} is already in use: stop what runs there or choose another with PORT=N or --port N`
            : `cannot listen on port ${port}: ${err.message}`,
        ),
      ),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'in-memory': { type: 'boolean', default: false },
      seed: { type: 'boolean', default: false },
      port: { type: 'string' },
      host: { type: 'string', default: DEFAULT_HOST },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  // The outbox and event lines tell the story locally; the JSON logs are for --verbose.
  if (!values.verbose) logger.setLogLevel('WARN');
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new Error(
      `the port must be a number from 1 to 65535, not '${values.port ?? process.env.PORT}'\n\n${USAGE}`,
    );
  }
  const inMemory = values['in-memory'];
  const host = values.host;
  await assertPortFree(port, host);

  let db: DynamoDbLocal | undefined;
  let system: LocalSystem | undefined;
  let server: ReturnType<typeof serve> | undefined;
  const reconcileEveryS = Number(process.env.RECONCILE_INTERVAL_S ?? 60);
  if (!Number.isFinite(reconcileEveryS) || reconcileEveryS <= 0) {
    throw new Error(
      `RECONCILE_INTERVAL_S must be a number of seconds above 0, not '${process.env.RECONCILE_INTERVAL_S}'`,
    );
  }
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping: API, stream poller, DynamoDB Local ...');
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await system?.stop().catch((err) => console.error('stream poller:', err));
    await db?.stop();
    console.log('Stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    console.log(
      `Starting DynamoDB Local (${inMemory ? 'in memory' : 'data in .data/dynamodb'}) ...`,
    );
    db = await startDynamoDbLocal({ inMemory });
    const recordDir = recordingDirFromEnv();
    const clients = dynamoClients(db.endpoint, recordDir ? { recordDir } : {});
    const tableName = process.env.TABLE_NAME ?? TABLE.defaultName;
    const table = await ensureTable(clients.ddb, tableName);
    system = await startLocalSystem({
      doc: clients.doc,
      streams: clients.streams,
      tableName,
      streamArn: table.streamArn,
      contacts: contactsFromEnv(),
      print: (line) => console.log(line),
      ...(recordDir && { recordDir }),
      reconcileEveryMs: reconcileEveryS * 1000,
      poller: inMemory
        ? {}
        : { checkpoints: new FileCheckpointStore('.data/stream-checkpoints.json') },
    });
    if (values.seed) {
      const seeded = await seedDemo(system.ctx);
      console.log(
        seeded === 'seeded'
          ? 'Loaded the demo catalogue.'
          : 'The demo catalogue is already loaded.',
      );
    }
    const secret = localJwtSecretFromEnv();
    if (secret === DEFAULT_LOCAL_JWT_SECRET && !isLoopback(host)) {
      console.error(defaultSecretWarning(host));
    }
    const app = createApp({ ctx: system.ctx, auth: localJwtAuthenticator(secret) });
    server = serve({ fetch: asApi(recordDir, localFetch(app.fetch)), port, hostname: host });
    const url = `http://${isLoopback(host) ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${port}`;
    const tokens = {
      editor: await signLocalToken('editor', { secret }),
      admin: await signLocalToken('admin', { secret }),
      service: await signLocalToken('service', { secret }),
      researcher: await signLocalToken('researcher', { secret, researcherId: DEMO.researcher }),
    };
    console.log(`
srs-access is running.
  API        ${url}
  API docs   ${url}/docs
  OpenAPI    ${url}/v1/openapi.json
  DynamoDB   ${db.endpoint} (table ${tableName})

Tokens (12 hours; another: npm run token -- <editor|admin|service|researcher> [researcherId]):
  export EDITOR_TOKEN=${tokens.editor}
  export ADMIN_TOKEN=${tokens.admin}
  export SERVICE_TOKEN=${tokens.service}
  export RESEARCHER_TOKEN=${tokens.researcher}   # researcher ${DEMO.researcher}

Press Ctrl-C to stop.
ready: ${url}`);
  } catch (err) {
    console.error(`\nnpm start failed: ${(err as Error).message}`);
    await stop(1);
  }
}

main().catch((err: Error) => {
  console.error(`npm start failed: ${err.message}`);
  process.exit(1);
});

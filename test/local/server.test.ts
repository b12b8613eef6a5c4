/**
 * The local HTTP server (`@hono/node-server`, as `npm start` serves the app):
 * a request refused before its body was read leaves the kept-alive
 * connection usable, so the client's next request does not fail.
 */
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localFetch } from '../../local/http.js';
import { apiOnFreshTable } from '../api/support.js';

let server: ReturnType<typeof serve>;
let port = 0;
let token = '';
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

beforeAll(async () => {
  const api = await apiOnFreshTable('local-server');
  token = api.tokens.editor as string;
  server = serve({ fetch: localFetch(api.app.fetch), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  agent.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** One request on the shared keep-alive agent: status and body. */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => {
        text += c.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

const LARGE = Buffer.alloc(3 * 1024 * 1024, 'a');

describe('a request refused before its body is read', () => {
  it.each([
    [
      '413, too large, chunked',
      { 'content-type': 'application/json', authorization: 'Bearer x' },
      413,
    ],
    [
      '413, too large, with Content-Length',
      {
        'content-type': 'application/json',
        authorization: 'Bearer x',
        'content-length': String(3 * 1024 * 1024),
      },
      413,
    ],
    ['401, no credentials', { 'content-type': 'application/json' }, 401],
    [
      '415, wrong content type',
      { 'content-type': 'text/plain', authorization: 'Bearer TOKEN' },
      415,
    ],
  ] as const)('%s: the next request on the same agent succeeds', async (_, headers, status) => {
    const withToken = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, v.replace('TOKEN', token)]),
    );
    const body = status === 413 ? LARGE : Buffer.alloc(1_000_000, 'a');
    const refused = await send('PUT', '/v1/datasets/d-big', withToken, body);
    expect(refused.status).toBe(status);
    const next = await send('GET', '/health', {});
    expect(next).toEqual({ status: 200, text: '{"status":"ok"}' });
  });
});

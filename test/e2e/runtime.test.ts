/**
 * End to end, the local runtime's edges: it listens on loopback unless told
 * otherwise, warns when the published secret is used beyond it, and stops
 * everything on a SIGTERM or SIGINT sent to the npm process alone, as a
 * process manager sends it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { accepts, nonLoopbackAddresses } from '../support/addresses.js';
import { alive, descendants, killGroup, type NpmStart, startNpm } from '../support/npm-start.js';

let run: NpmStart | undefined;

afterEach(() => {
  if (run) killGroup(run.child);
  run = undefined;
});

/** Sends `signal` to the npm process only, and checks the whole tree is gone. */
async function stopsOn(signal: 'SIGTERM' | 'SIGINT', started: NpmStart) {
  const npm = started.child.pid as number;
  const tree = descendants(npm);
  expect(tree.length, 'npm start runs child processes').toBeGreaterThan(1);
  process.kill(npm, signal);
  await started.closed;
  for (const pid of [npm, ...tree]) {
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid), `process ${pid} still running after ${signal}`).toBe(false);
  }
  expect(await accepts('127.0.0.1', started.port)).toBe(false);
  expect(await accepts('127.0.0.1', started.dynamoPort)).toBe(false);
}

describe('npm start, at its edges', () => {
  it('listens on loopback only by default, and stops on SIGTERM to npm alone', async () => {
    run = await startNpm([], { LOCAL_JWT_SECRET: 'e2e-runtime-secret' });
    const others = nonLoopbackAddresses();
    expect(others.length, 'this machine has a non-loopback IPv4 address to try').toBeGreaterThan(0);
    expect(await accepts('127.0.0.1', run.port)).toBe(true);
    for (const address of others) expect(await accepts(address, run.port)).toBe(false);
    expect(run.output()).not.toContain('WARNING');

    await stopsOn('SIGTERM', run);
    expect(run.output()).toContain('Stopped.');
  }, 180_000);

  it('warns loudly when --host goes beyond loopback with the default secret, and stops on SIGINT to npm alone', async () => {
    run = await startNpm(['--host', '0.0.0.0'], { LOCAL_JWT_SECRET: undefined });
    expect(run.output()).toContain('WARNING: the API listens on 0.0.0.0');
    for (const address of nonLoopbackAddresses()) {
      expect(await accepts(address, run.port)).toBe(true);
    }

    await stopsOn('SIGINT', run);
  }, 180_000);
});

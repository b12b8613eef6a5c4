/**
 * This machine's own network addresses, to check that a server listens on
 * loopback only: connections go to this machine alone.
 */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';

/** The IPv4 addresses of this machine that are not loopback. */
export function nonLoopbackAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((a) => a.family === 'IPv4' && !a.internal)
    .map((a) => a.address);
}

/** Whether a TCP connection to `host:port` is accepted (refusal or 1 s of silence: no). */
export function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

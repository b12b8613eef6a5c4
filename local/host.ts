/** Where the local runtime listens, and the warning when that is beyond this machine. */

/** The API listens here unless `--host` says otherwise: this machine only. */
export const DEFAULT_HOST = '127.0.0.1';

/** Whether an address is this machine's loopback (nothing else can reach it). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The warning printed when anyone on the network could sign tokens with the published secret. */
export function defaultSecretWarning(host: string): string {
  const line = '!'.repeat(78);
  return [
    line,
    `WARNING: the API listens on ${host}, beyond this machine, and verifies tokens with the`,
    'published default secret (LOCAL_JWT_SECRET is not set). Anyone who can reach this port',
    'can sign a token for any role. Set LOCAL_JWT_SECRET to a long random value, or listen',
    `on ${DEFAULT_HOST} (the default).`,
    line,
  ].join('\n');
}

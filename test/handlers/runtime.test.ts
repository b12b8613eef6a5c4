import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  agreementsChangedCause,
  buildNotification,
  levelChangedCause,
} from '../../functions/domain/index.js';
import { contactsFromEnv, requireEnv } from '../../functions/handlers/runtime.js';
import { CONTACTS } from '../../schemas/index.js';

describe('handler configuration', () => {
  it('names a missing required variable in its error', () => {
    expect(() => requireEnv('SRS_ACCESS_SURELY_UNSET')).toThrow(
      'environment variable SRS_ACCESS_SURELY_UNSET is required but not set',
    );
  });

  it('takes contact addresses from the environment, defaulting to the service addresses', () => {
    expect(contactsFromEnv({})).toEqual(CONTACTS);
    expect(
      contactsFromEnv({
        CUSTOMER_SUPPORT_ADDRESS: 'help@example.org',
        CONNECTIVITY_ADDRESS: 'aoc@example.org',
      }),
    ).toEqual({ projectAccess: 'help@example.org', connectivity: 'aoc@example.org' });
  });

  it('puts configured contacts into notifications', () => {
    const contacts = { projectAccess: 'help@example.org', connectivity: 'aoc@example.org' };
    const notice = {
      notificationId: 'n-1',
      changeId: 'c-1',
      researcherId: 'r1',
      projectId: 'p1',
      projectLevel: { from: 3, to: 3 },
      removedRoutes: ['aoc-remote'],
      remainingRoutes: ['safe-room', 'safepod', 'aoc-office'],
      createdAt: '2026-01-01T00:00:00.000Z',
      contacts,
    } as const;
    const byOrg = buildNotification({
      ...notice,
      cause: agreementsChangedCause('o1', { ARACCC: { status: 'approved' } }, {}, new Date(0)),
      deniedBy: ['no-remote-agreement'],
    });
    const byDataset = buildNotification({
      ...notice,
      cause: levelChangedCause({ datasetId: 'd1' }, 3, 2),
      deniedBy: ['project-level'],
    });
    expect(byOrg.contact).toBe('aoc@example.org');
    expect(byOrg.message).toContain('aoc@example.org');
    expect(byDataset.contact).toBe('help@example.org');
  });
});

describe('handler logging', () => {
  afterEach(() => vi.restoreAllMocks());

  /** The JSON lines the shared logger writes while `fn` runs. */
  async function linesOf(fn: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
    const written: string[] = [];
    const capture = (chunk: unknown) => {
      written.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(console, 'info').mockImplementation((line: unknown) => capture(line));
    await fn();
    vi.restoreAllMocks();
    return written
      .flatMap((w) => w.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  const lambdaContext = (awsRequestId: string) =>
    ({
      awsRequestId,
      functionName: 'srs-access-changes',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-2:123456789012:function:srs-access-changes',
      memoryLimitInMB: '512',
      getRemainingTimeInMillis: () => 1000,
    }) as unknown as Context;

  it('puts each invocation’s request id and cold start on every line it logs', async () => {
    // As in Lambda: the logger is created at import in an on-demand execution environment.
    vi.resetModules();
    vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
    const { logger } = await import('../../functions/commons/index.js');
    const { lazyHandler } = await import('../../functions/handlers/runtime.js');
    vi.unstubAllEnvs();
    const handler = lazyHandler(() => async (event: { n: number }) => {
      logger.info('probe', { n: event.n });
      return event.n;
    });
    const first = await linesOf(() => handler({ n: 1 }, lambdaContext('req-1')));
    const second = await linesOf(() => handler({ n: 2 }, lambdaContext('req-2')));
    expect(first.filter((l) => l.message === 'probe')).toEqual([
      expect.objectContaining({
        n: 1,
        function_request_id: 'req-1',
        function_name: 'srs-access-changes',
        cold_start: true,
      }),
    ]);
    expect(second.filter((l) => l.message === 'probe')).toEqual([
      expect.objectContaining({ n: 2, function_request_id: 'req-2', cold_start: false }),
    ]);
  });
});

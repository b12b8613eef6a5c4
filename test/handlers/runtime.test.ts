import { describe, expect, it } from 'vitest';
import { buildNotification } from '../../functions/domain/index.js';
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
      cause: { kind: 'organisation-agreement-changed', organisationId: 'o1', agreement: 'ARACCC' },
    });
    const byDataset = buildNotification({
      ...notice,
      cause: { kind: 'dataset-level-changed', datasetId: 'd1', fromLevel: 3, toLevel: 2 },
    });
    expect(byOrg.contact).toBe('aoc@example.org');
    expect(byOrg.message).toContain('aoc@example.org');
    expect(byDataset.contact).toBe('help@example.org');
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projectAccessChanged } from '../../functions/notify/index.js';
import type { SummaryItem } from '../../schemas/index.js';
import { runs } from '../support/property.js';

const ROUTES = ['safe-room', 'safepod', 'aoc-office', 'aoc-remote'] as const;

/** A summary in one of the states a project can be in. */
function summary(state: {
  accessLevel: 0 | 1 | 2 | 3 | null;
  status: SummaryItem['status'];
}): SummaryItem {
  const routes =
    state.status === 'ok' && state.accessLevel !== null
      ? ROUTES.slice(0, [0, 2, 3, 4][state.accessLevel])
      : [];
  return {
    projectId: 'p1',
    accessLevel: state.accessLevel,
    status: state.status,
    routes: [...routes],
    limitingDatasets: [],
    datasetCount: state.status === 'no-datasets' ? 0 : 1,
    version: 1,
    updatedAt: '2026-12-04T00:00:00.000Z',
  } as SummaryItem;
}

const STATES = [
  { accessLevel: null, status: 'no-datasets' },
  { accessLevel: null, status: 'pending-classification' },
  { accessLevel: 0, status: 'ok' },
  { accessLevel: 1, status: 'ok' },
  { accessLevel: 2, status: 'ok' },
  { accessLevel: 3, status: 'ok' },
] as const;

describe('ProjectAccessChanged', () => {
  it('is not a widening from no-datasets to pending-classification: no route either side', () => {
    const [event] = projectAccessChanged(
      summary({ accessLevel: null, status: 'no-datasets' }),
      summary({ accessLevel: null, status: 'pending-classification' }),
    );
    expect(event?.detail).toMatchObject({
      from: { routes: [] },
      to: { routes: [] },
      widened: false,
    });
  });

  it('says widened exactly when a route was added, for every pair of states', () => {
    fc.assert(
      fc.property(fc.constantFrom(...STATES), fc.constantFrom(...STATES), (a, b) => {
        const before = summary(a);
        const after = summary(b);
        const events = projectAccessChanged(before, after);
        const moved = a.accessLevel !== b.accessLevel || a.status !== b.status;
        expect(events).toHaveLength(moved ? 1 : 0);
        if (moved) {
          const added = after.routes.some((r) => !before.routes.includes(r));
          const [event] = events;
          expect((event?.detail as { widened?: boolean } | undefined)?.widened).toBe(added);
        }
      }),
      { numRuns: runs(1000) },
    );
  });
});

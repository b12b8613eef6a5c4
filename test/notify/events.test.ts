import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accessChangeItem } from '../../functions/domain/index.js';
import { accessChangeEvents } from '../../functions/notify/index.js';
import type { DomainEvent, SummaryItem } from '../../schemas/index.js';
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

const state = (s: SummaryItem) => ({
  accessLevel: s.accessLevel,
  status: s.status,
  routes: s.routes,
});

/** The events of one change moving project p1 from `before` to `after`. */
function projectAccessChanged(before: SummaryItem, after: SummaryItem): DomainEvent[] {
  const item = accessChangeItem({
    changeId: 'c1',
    changeCreatedAt: '2026-12-04T00:00:00.000Z',
    projectId: 'p1',
    at: '2026-12-04T00:00:01.000Z',
    project: { from: state(before), to: state(after) },
    researchers: [],
  });
  return item ? accessChangeEvents(item) : [];
}

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

describe('ResearcherRoutesChanged', () => {
  it('follows the project move, one per researcher whose routes moved, with the change and its version', () => {
    const item = accessChangeItem({
      changeId: 'c2',
      changeCreatedAt: '2026-12-04T00:00:00.000Z',
      projectId: 'p1',
      at: '2026-12-04T00:00:01.000Z',
      project: {
        from: state(summary({ accessLevel: 3, status: 'ok' })),
        to: state(summary({ accessLevel: 1, status: 'ok' })),
      },
      researchers: [
        { researcherId: 'r2', from: ['safe-room', 'safepod'], to: ['safe-room', 'safepod'] },
        { researcherId: 'r3', from: [], to: ['safe-room'] },
        { researcherId: 'r1', from: ['safe-room', 'aoc-office'], to: ['safe-room'] },
      ],
    });
    const events = item ? accessChangeEvents(item) : [];
    expect(events.map((e) => e.detailType)).toEqual([
      'ProjectAccessChanged',
      'ResearcherRoutesChanged',
      'ResearcherRoutesChanged',
    ]);
    const version = Date.parse('2026-12-04T00:00:00.000Z');
    expect(events[1]?.detail).toEqual({
      projectId: 'p1',
      researcherId: 'r1',
      changeId: 'c2',
      from: ['safe-room', 'aoc-office'],
      to: ['safe-room'],
      narrowed: true,
      version,
      at: '2026-12-04T00:00:01.000Z',
    });
    expect(events[2]?.detail).toMatchObject({ researcherId: 'r3', narrowed: false, version });
  });

  it('records nothing for a change that moves no route and no project state', () => {
    expect(
      accessChangeItem({
        changeId: 'c3',
        changeCreatedAt: '2026-12-04T00:00:00.000Z',
        projectId: 'p1',
        at: '2026-12-04T00:00:01.000Z',
        researchers: [{ researcherId: 'r1', from: ['safepod'], to: ['safepod'] }],
      }),
    ).toBeUndefined();
  });
});

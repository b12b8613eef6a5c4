import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasNarrowed, narrowing } from '../../functions/domain/index.js';
import { ROUTES } from '../../schemas/index.js';
import { arbShuffledRoutes, isCanonical, isSubset, PROPERTY_RUNS } from '../support/factories.js';

describe('narrowing', () => {
  it('lists the routes lost and the routes left', () => {
    // Act
    const result = narrowing([...ROUTES], ['safe-room', 'safepod']);

    // Assert
    expect(result).toEqual({
      removedRoutes: ['aoc-office', 'aoc-remote'],
      remainingRoutes: ['safe-room', 'safepod'],
    });
  });

  it('leaves no remaining routes when everything is lost', () => {
    expect(narrowing(['safe-room', 'safepod'], [])).toEqual({
      removedRoutes: ['safe-room', 'safepod'],
      remainingRoutes: [],
    });
  });

  it('does not count routes gained as a narrowing', () => {
    // Act
    const result = narrowing(['safe-room'], ['safe-room', 'safepod']);

    // Assert
    expect(result.removedRoutes).toEqual([]);
    expect(hasNarrowed(['safe-room'], ['safe-room', 'safepod'])).toBe(false);
  });

  it('puts routes given in any order into canonical order', () => {
    const result = narrowing(['aoc-remote', 'safepod', 'safe-room'], ['safepod']);

    expect(result).toEqual({
      removedRoutes: ['safe-room', 'aoc-remote'],
      remainingRoutes: ['safepod'],
    });
  });

  it('is empty exactly when after is a superset of before, and hasNarrowed agrees (property)', () => {
    fc.assert(
      fc.property(arbShuffledRoutes, arbShuffledRoutes, (before, after) => {
        const result = narrowing(before, after);
        const superset = isSubset(before, after);
        expect(result.removedRoutes.length === 0).toBe(superset);
        expect(hasNarrowed(before, after)).toBe(!superset);
      }),
      PROPERTY_RUNS,
    );
  });

  it('removes exactly the routes of before missing from after and keeps after as the remainder (property)', () => {
    fc.assert(
      fc.property(arbShuffledRoutes, arbShuffledRoutes, (before, after) => {
        const { removedRoutes, remainingRoutes } = narrowing(before, after);
        for (const route of ROUTES) {
          expect(removedRoutes.includes(route)).toBe(
            before.includes(route) && !after.includes(route),
          );
          expect(remainingRoutes.includes(route)).toBe(after.includes(route));
        }
      }),
      PROPERTY_RUNS,
    );
  });

  it('never lists a route as both removed and remaining (property)', () => {
    fc.assert(
      fc.property(arbShuffledRoutes, arbShuffledRoutes, (before, after) => {
        const { removedRoutes, remainingRoutes } = narrowing(before, after);
        expect(removedRoutes.filter((r) => remainingRoutes.includes(r))).toEqual([]);
      }),
      PROPERTY_RUNS,
    );
  });

  it('always gives routes in canonical order (property)', () => {
    fc.assert(
      fc.property(arbShuffledRoutes, arbShuffledRoutes, (before, after) => {
        const { removedRoutes, remainingRoutes } = narrowing(before, after);
        expect(isCanonical(removedRoutes)).toBe(true);
        expect(isCanonical(remainingRoutes)).toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });
});

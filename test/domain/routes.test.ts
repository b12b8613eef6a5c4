import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intersectRoutes, orderRoutes, routesForLevel } from '../../functions/domain/index.js';
import { ROUTES } from '../../schemas/index.js';
import {
  arbClassification,
  arbLevel,
  arbRoutes,
  arbShuffledRoutes,
  isCanonical,
  isSubset,
  PROPERTY_RUNS,
  rank,
} from '../support/factories.js';

describe('routesForLevel', () => {
  it('follows the level table of the guidance', () => {
    // Arrange: docs/rules.md, "Dataset levels".
    const table = {
      1: ['safe-room', 'safepod'],
      2: ['safe-room', 'safepod', 'aoc-office'],
      3: ['safe-room', 'safepod', 'aoc-office', 'aoc-remote'],
    } as const;

    // Act / Assert
    for (const [level, routes] of Object.entries(table)) {
      expect(routesForLevel(Number(level))).toEqual(routes);
    }
  });

  it('permits nothing at level 0 (fail closed)', () => {
    expect(routesForLevel(0)).toEqual([]);
  });

  it('permits nothing while unclassified', () => {
    expect(routesForLevel(null)).toEqual([]);
  });

  it('returns a fresh array that callers may change without affecting the table', () => {
    // Arrange
    const first = routesForLevel(3);

    // Act
    first.pop();

    // Assert
    expect(routesForLevel(3)).toHaveLength(4);
  });

  it('never permits fewer routes for a higher level (property)', () => {
    fc.assert(
      fc.property(arbClassification, arbClassification, (a, b) => {
        const [low, high] = rank(a) <= rank(b) ? [a, b] : [b, a];
        expect(isSubset(routesForLevel(low), routesForLevel(high))).toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });

  it('always lists routes in canonical order and always permits safe room at level 1 or above (property)', () => {
    fc.assert(
      fc.property(arbLevel, (level) => {
        const routes = routesForLevel(level);
        expect(isCanonical(routes)).toBe(true);
        expect(routes.includes('safe-room')).toBe(level >= 1);
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('orderRoutes', () => {
  it('puts routes in the canonical order and drops duplicates', () => {
    expect(orderRoutes(['aoc-remote', 'safe-room', 'aoc-remote', 'safepod'])).toEqual([
      'safe-room',
      'safepod',
      'aoc-remote',
    ]);
  });

  it('keeps exactly the same set of routes, in canonical order (property)', () => {
    fc.assert(
      fc.property(arbShuffledRoutes, (routes) => {
        const ordered = orderRoutes(routes);
        expect(isCanonical(ordered)).toBe(true);
        expect(new Set(ordered)).toEqual(new Set(routes));
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('intersectRoutes', () => {
  it('keeps the routes present in every set', () => {
    expect(
      intersectRoutes(
        ['safe-room', 'safepod', 'aoc-office'],
        ['aoc-office', 'safe-room'],
        [...ROUTES],
      ),
    ).toEqual(['safe-room', 'aoc-office']);
  });

  it('is the set intersection, in canonical order (property)', () => {
    fc.assert(
      fc.property(arbShuffledRoutes, arbShuffledRoutes, arbRoutes, (a, b, c) => {
        const result = intersectRoutes(a, b, c);
        expect(isCanonical(result)).toBe(true);
        for (const route of ROUTES) {
          expect(result.includes(route)).toBe(
            a.includes(route) && b.includes(route) && c.includes(route),
          );
        }
      }),
      PROPERTY_RUNS,
    );
  });
});

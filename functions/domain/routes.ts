import { type Classification, ROUTES, type Route } from '../../schemas/index.js';

const LEVEL_ROUTES: Readonly<Record<0 | 1 | 2 | 3, readonly Route[]>> = {
  0: [],
  1: ['safe-room', 'safepod'],
  2: ['safe-room', 'safepod', 'aoc-office'],
  3: ['safe-room', 'safepod', 'aoc-office', 'aoc-remote'],
};

/**
 * The routes a dataset or project level permits. Level 0 and unclassified
 * (`null`) permit none: the rules fail closed.
 */
export function routesForLevel(level: Classification): Route[] {
  return level === null ? [] : [...LEVEL_ROUTES[level as 0 | 1 | 2 | 3]];
}

/** Routes in the canonical order of {@link ROUTES}, without duplicates. */
export function orderRoutes(routes: Iterable<Route>): Route[] {
  const set = new Set(routes);
  return ROUTES.filter((r) => set.has(r));
}

/** The routes present in every one of the given sets, in canonical order. */
export function intersectRoutes(...sets: readonly (readonly Route[])[]): Route[] {
  return ROUTES.filter((r) => sets.every((s) => s.includes(r)));
}

/** Human label of a route, as used in messages. */
export const ROUTE_LABELS: Readonly<Record<Route, string>> = {
  'safe-room': 'safe room',
  safepod: 'SafePod',
  'aoc-office': 'AOC office access',
  'aoc-remote': 'AOC remote (home) access',
};

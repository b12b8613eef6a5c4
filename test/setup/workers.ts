/**
 * How many test files run at once: one per core (at least 1), or
 * `TEST_WORKERS`. No two files running at once share a DynamoDB Local.
 */
import { availableParallelism } from 'node:os';

function workers(): number {
  const configured = Number(process.env.TEST_WORKERS);
  if (Number.isInteger(configured) && configured > 0) return configured;
  return Math.max(1, availableParallelism());
}

export const TEST_WORKERS = workers();

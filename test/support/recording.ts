/**
 * Where a test run records the AWS calls the deployed functions make
 * (`local/aws-calls.ts`), and how the permissions test reads it back. The
 * vitest global setup empties it at the start of every run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecordedLine } from '../../local/aws-calls.js';

/** The recording directory of the test runs (gitignored). */
export const AWS_CALLS_DIR = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'),
  '.test-output',
  'aws-calls',
);

/** Where the run builds the bundles of every function once (gitignored). */
export const BUNDLES_DIR = join(
  resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'),
  '.test-output',
  'bundles',
);

/** Every line recorded in `dir`, from every process of the run. */
export function readRecording(dir: string = AWS_CALLS_DIR): RecordedLine[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as RecordedLine),
    );
}

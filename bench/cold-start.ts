/**
 * Cold-start benchmark: every function bundled exactly as the stack bundles
 * it (the settings of `cdk/bundling.ts`, esbuild's JS API), then imported by
 * a fresh Node process, as the Lambda runtime does on a cold start; the
 * median import time of each is compared with that of a bundle holding only
 * the DynamoDB client (`cold-start-floor.ts`, same settings).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { buildBundles, entryPath, HANDLER_ENTRIES, type HandlerName } from '../cdk/bundling.js';
import { type Log, median, round } from './metrics.js';

const run = promisify(execFile);

/** The floor's entry file. */
export const FLOOR_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'cold-start-floor.ts');

/** Options of {@link benchColdStart}. */
export interface ColdStartOptions {
  /** Measured imports per bundle (at least 5 for the real figures), after one unmeasured. */
  readonly runs: number;
  readonly log: Log;
  /** The functions already bundled (`<dir>/<handler>/index.mjs`, the test run's); default: bundle them here. */
  readonly bundlesDir?: string;
}

/** One function's bundle and its cold import time. */
export interface FunctionFigures {
  /** Size of the minified bundle (`index.mjs`, without its source map). */
  readonly bytes: number;
  /** Median import time in a fresh Node process. */
  readonly importMs: number;
  /** `importMs / floorImportMs`. */
  readonly ratio: number;
  /** Every measured import, in run order. */
  readonly samplesMs: number[];
}

/** Results of {@link benchColdStart}; the first three keys are the required ones. */
export interface ColdStartResult {
  readonly functions: Record<string, FunctionFigures>;
  readonly floorImportMs: number;
  readonly worstRatio: number;
  readonly worstFunction: string;
  readonly floorBytes: number;
  readonly floorSamplesMs: number[];
  readonly runs: number;
  readonly nodeVersion: string;
}

const FLOOR = 'floor';

/** Imports `file` in a fresh Node process and returns the import time in ms. */
async function importOnce(file: string): Promise<number> {
  const url = pathToFileURL(file).href;
  const script =
    `const t = performance.now(); const m = await import(${JSON.stringify(url)}); ` +
    'const ms = performance.now() - t; ' +
    "if (typeof m.handler !== 'function') throw new Error('no handler export'); " +
    'process.stdout.write(String(ms));';
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    // As bare as the Lambda runtime: no inherited NODE_OPTIONS, loaders or debuggers.
    env: { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1' },
  });
  const ms = Number(stdout.trim());
  if (!Number.isFinite(ms)) throw new Error(`importing ${file} printed ${stdout}`);
  return ms;
}

/** Bundles every function and the floor, and measures their cold import times. */
export async function benchColdStart(options: ColdStartOptions): Promise<ColdStartResult> {
  const outdir = mkdtempSync(join(tmpdir(), 'srs-access-bench-bundles-'));
  try {
    const entries: [string, string][] = [
      ...(Object.keys(HANDLER_ENTRIES) as HandlerName[]).map((name): [string, string] => [
        name,
        entryPath(name),
      ]),
      [FLOOR, FLOOR_ENTRY],
    ];
    const given = options.bundlesDir;
    options.log(
      given === undefined
        ? `  bundling ${entries.length} entries (cdk/bundling.ts settings)`
        : '  bundling the floor; the functions are bundled already (cdk/bundling.ts settings)',
    );
    const files = new Map<string, string>(
      Object.entries(
        await buildBundles(
          outdir,
          Object.fromEntries(given === undefined ? entries : [[FLOOR, FLOOR_ENTRY]]),
        ),
      ),
    );
    if (given !== undefined) {
      for (const name of Object.keys(HANDLER_ENTRIES)) {
        files.set(name, join(given, name, 'index.mjs'));
      }
    }

    const samples = new Map<string, number[]>(entries.map(([name]) => [name, []]));
    for (let r = 0; r <= options.runs; r++) {
      // Round-robin, in a different order each run, so that drift hits every bundle alike.
      const order = entries.map(([name]) => name);
      const shift = r % order.length;
      const rotated = [...order.slice(shift), ...order.slice(0, shift)];
      for (const name of rotated) {
        const ms = await importOnce(files.get(name) as string);
        if (r > 0) samples.get(name)?.push(ms);
      }
      if (r > 0) options.log(`  cold imports: run ${r}/${options.runs}`);
    }

    const floorSamples = samples.get(FLOOR) ?? [];
    const floorImportMs = median(floorSamples);
    const functions: Record<string, FunctionFigures> = {};
    let worst = { name: '', ratio: 0 };
    for (const [name] of entries) {
      if (name === FLOOR) continue;
      const s = samples.get(name) ?? [];
      const importMs = median(s);
      const ratio = importMs / floorImportMs;
      if (ratio > worst.ratio) worst = { name, ratio };
      functions[name] = {
        bytes: statSync(files.get(name) as string).size,
        importMs: round(importMs, 2),
        ratio: round(ratio, 3),
        samplesMs: s.map((v) => round(v, 2)),
      };
    }
    return {
      functions,
      floorImportMs: round(floorImportMs, 2),
      worstRatio: round(worst.ratio, 3),
      worstFunction: worst.name,
      floorBytes: statSync(files.get(FLOOR) as string).size,
      floorSamplesMs: floorSamples.map((v) => round(v, 2)),
      runs: options.runs,
      nodeVersion: process.version,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

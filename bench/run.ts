/**
 * `npm run bench [-- --quick]`: starts its own DynamoDB Local (in memory),
 * runs the benchmarks, prints the tables, writes `bench/results.json`
 * (`bench/results.quick.json` with `--quick`) and stops DynamoDB Local.
 *
 * A full run exits 0 whether or not the targets are met (the table says);
 * it fails when a benchmark breaks. A quick run checks only that everything
 * works: every required key present, one DynamoDB request per access query,
 * no invariant violation, every notice delivered.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBenchmarks } from './bench.js';
import { freshDynamo } from './dynamo.js';
import { brokenChecks, formatResults } from './results.js';

const USAGE = 'Usage: npm run bench [-- --quick] [-- --verbose]';

/**
 * Keeps the handlers' structured log lines (one per change page and per
 * delivered notification: thousands in a full run) off stdout, which carries
 * the result tables. The handlers still build and serialise every line, as
 * in Lambda; only the terminal write is skipped. Returns a function that
 * restores stdout and tells how many lines were dropped.
 */
function dropHandlerLogLines(): () => number {
  const original = process.stdout.write;
  let dropped = 0;
  process.stdout.write = function write(
    this: NodeJS.WriteStream,
    chunk: unknown,
    ...rest: unknown[]
  ) {
    if (typeof chunk === 'string' && chunk.startsWith('{"level":')) {
      dropped++;
      const done = rest.find((r): r is () => void => typeof r === 'function');
      done?.();
      return true;
    }
    return Reflect.apply(original, this, [chunk, ...rest]) as boolean;
  } as typeof process.stdout.write;
  return () => {
    process.stdout.write = original;
    return dropped;
  };
}

/**
 * Formats a written JSON file with the repository's Biome, so that a
 * committed `bench/results.json` passes `npm run lint` as written.
 */
function formatJson(file: string, log: (line: string) => void): void {
  const biome = join(
    dirname(fileURLToPath(import.meta.url)),
    '..',
    'node_modules',
    '.bin',
    'biome',
  );
  try {
    execFileSync(biome, ['format', '--write', file], { stdio: 'ignore' });
  } catch {
    log(`(could not format ${file} with Biome; run npm run format)`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--quick' && a !== '--verbose');
  if (unknown.length > 0) {
    console.error(`unknown argument(s): ${unknown.join(' ')}\n${USAGE}`);
    return 2;
  }
  const quick = argv.includes('--quick');
  const log = (line: string) => console.error(line);
  const dynamo = freshDynamo(log);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`\n${signal}: stopping DynamoDB Local`);
      void dynamo.stopAll().finally(() => process.exit(130));
    });
  }
  try {
    const restoreStdout = argv.includes('--verbose') ? () => 0 : dropHandlerLogLines();
    let results: Awaited<ReturnType<typeof runBenchmarks>>;
    try {
      results = await runBenchmarks({ dynamo: dynamo.provider, quick, log });
    } finally {
      const dropped = restoreStdout();
      if (dropped > 0) log(`(${dropped} handler log lines kept off stdout; --verbose shows them)`);
    }
    const file = join(
      dirname(fileURLToPath(import.meta.url)),
      quick ? 'results.quick.json' : 'results.json',
    );
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    if (!quick) formatJson(file, log);
    console.log(formatResults(results));
    console.log(`\nResults written to ${file}`);
    const problems = brokenChecks(results);
    for (const p of problems) console.error(`broken: ${p}`);
    return problems.length > 0 ? 1 : 0;
  } catch (err) {
    console.error('benchmark failed:', err);
    return 1;
  } finally {
    await dynamo.stopAll();
  }
}

process.exitCode = await main(process.argv.slice(2));

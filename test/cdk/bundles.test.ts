/**
 * Every function bundled the way the stack bundles it (the settings of
 * `cdk/bundling.ts`, esbuild's JS API in-process), checked for size and
 * loaded by plain Node as the Lambda runtime would load it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  entryPath,
  esbuildOptions,
  HANDLER_ENTRIES,
  type HandlerName,
  lambdaBundling,
  MAX_BUNDLE_BYTES,
  REQUIRE_BANNER,
} from '../../cdk/bundling.js';

const HANDLERS = Object.keys(HANDLER_ENTRIES) as HandlerName[];

/** What building one handler produced. */
type Outcome = { ok: true; file: string; bytes: number } | { ok: false; error: string };

describe('function bundles', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'srs-access-bundles-'));
  const outcomes = new Map<HandlerName, Outcome>();

  beforeAll(async () => {
    await Promise.all(
      HANDLERS.map(async (name) => {
        const file = join(outdir, name, 'index.mjs');
        try {
          await build({
            ...esbuildOptions(entryPath(name), file),
            write: true,
            logLevel: 'silent',
          });
          outcomes.set(name, { ok: true, file, bytes: statSync(file).size });
        } catch (err) {
          outcomes.set(name, { ok: false, error: String(err) });
        }
      }),
    );
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('are built by the stack and by this test with the same settings, locally and never in Docker', () => {
    // Literal values: a change to either side, or to the shared settings, shows up here.
    expect(lambdaBundling()).toMatchObject({
      forceDockerBundling: false,
      bundleAwsSDK: true,
      format: OutputFormat.ESM,
      minify: true,
      sourceMap: true,
      sourceMapMode: SourceMapMode.EXTERNAL,
      sourcesContent: false,
      target: 'node22',
      mainFields: ['module', 'main'],
      banner: REQUIRE_BANNER,
      externalModules: [],
    });
    expect(esbuildOptions('entry.ts', 'out.mjs')).toEqual({
      entryPoints: ['entry.ts'],
      outfile: 'out.mjs',
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      minify: true,
      sourcemap: 'external',
      sourcesContent: false,
      mainFields: ['module', 'main'],
      banner: { js: REQUIRE_BANNER },
      external: [],
    });
  });

  it.each(HANDLERS)('%s: builds into a minified ES module of at most 1.5 MB', (name) => {
    const outcome = outcomes.get(name);
    expect(outcome).toMatchObject({ ok: true });
    if (outcome?.ok) {
      expect(outcome.bytes).toBeGreaterThan(0);
      expect(outcome.bytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
    }
  });

  it.each(HANDLERS)('%s: the bundle loads in plain Node and exports handler', (name) => {
    // Arrange: loaded by Node itself, not through the test runner's transforms.
    const outcome = outcomes.get(name);
    expect(outcome).toMatchObject({ ok: true });
    if (!outcome?.ok) return;
    const url = pathToFileURL(outcome.file).href;
    const script = `const m = await import(${JSON.stringify(url)}); process.stdout.write(typeof m.handler);`;

    // Act
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', NODE_NO_WARNINGS: '1' },
    });

    // Assert
    expect(out).toBe('function');
  });
});

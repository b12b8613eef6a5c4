/**
 * Every function bundled the way the stack bundles it (the settings of
 * `cdk/bundling.ts`, esbuild's JS API; built once per run by the global
 * setup, and deployed as they are by the synthesis of the nag test), checked
 * for size and loaded by plain Node as the Lambda runtime would load it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { describe, expect, inject, it } from 'vitest';
import {
  esbuildOptions,
  HANDLER_ENTRIES,
  type HandlerName,
  lambdaBundling,
  MAX_BUNDLE_BYTES,
  REQUIRE_BANNER,
} from '../../cdk/bundling.js';

const HANDLERS = Object.keys(HANDLER_ENTRIES) as HandlerName[];

describe('function bundles', () => {
  // Built once for the whole run by the global setup, with `buildBundles`.
  const outdir = inject('bundlesDir');
  const file = (name: HandlerName) => join(outdir, name, 'index.mjs');

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
    expect(existsSync(file(name)), file(name)).toBe(true);
    const bytes = statSync(file(name)).size;
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(MAX_BUNDLE_BYTES);
  });

  it.each(HANDLERS)('%s: the bundle loads in plain Node and exports handler', (name) => {
    // Arrange: loaded by Node itself, not through the test runner's transforms.
    const url = pathToFileURL(file(name)).href;
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

/**
 * How every Lambda function is bundled, in one place: the stack hands these
 * settings to `NodejsFunction` (which runs the esbuild of `node_modules`), and
 * the bundle test runs esbuild's JS API with exactly the same ones.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { type BuildOptions, build } from 'esbuild';

/** The repository root (the folder holding `package.json` and the lock file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The lock file `NodejsFunction` hashes and resolves dependencies with. */
export const LOCK_FILE = join(REPO_ROOT, 'package-lock.json');

/** Every Lambda entry point of the system, by function name, relative to the repository root. */
export const HANDLER_ENTRIES = {
  api: 'functions/handlers/api.ts',
  changes: 'functions/handlers/changes.ts',
  deliver: 'functions/handlers/deliver.ts',
  publish: 'functions/handlers/publish.ts',
  reconcile: 'functions/handlers/reconcile.ts',
  preToken: 'functions/handlers/pre-token.ts',
} as const;

/** The name of one of the system's functions. */
export type HandlerName = keyof typeof HANDLER_ENTRIES;

/** The absolute path of a handler's entry file. */
export function entryPath(name: HandlerName): string {
  return join(REPO_ROOT, HANDLER_ENTRIES[name]);
}

/**
 * Defines `require` inside the ES module bundle, so that CommonJS dependencies
 * esbuild inlines can still `require` Node built-ins at run time.
 */
export const REQUIRE_BANNER =
  "import { createRequire as __srsCreateRequire } from 'node:module'; const require = __srsCreateRequire(import.meta.url);";

/** The esbuild settings shared by the stack and the bundle test. */
export const BUNDLE_SETTINGS = {
  /** The Lambda runtime's Node version (`nodejs22.x`). */
  target: 'node22',
  format: 'esm',
  minify: true,
  /** External `.map` files, without the sources inlined into them. */
  sourcemap: true,
  sourcesContent: false,
  /** Prefer the ES module builds of dependencies (smaller, tree-shakable). */
  mainFields: ['module', 'main'],
  banner: REQUIRE_BANNER,
  /** Everything is bundled, the AWS SDK included: pinned versions, no runtime-provided SDK drift. */
  external: [],
} as const;

/** The largest minified bundle a function may have, in bytes (1.5 MB). */
export const MAX_BUNDLE_BYTES = 1.5 * 1024 * 1024;

/**
 * `NodejsFunction` bundling options from {@link BUNDLE_SETTINGS}: always the
 * local esbuild (never Docker), so synthesis works offline.
 */
export function lambdaBundling(): BundlingOptions {
  return {
    forceDockerBundling: false,
    target: BUNDLE_SETTINGS.target,
    format: OutputFormat.ESM,
    minify: BUNDLE_SETTINGS.minify,
    sourceMap: BUNDLE_SETTINGS.sourcemap,
    sourceMapMode: SourceMapMode.EXTERNAL,
    sourcesContent: BUNDLE_SETTINGS.sourcesContent,
    mainFields: [...BUNDLE_SETTINGS.mainFields],
    banner: BUNDLE_SETTINGS.banner,
    bundleAwsSDK: true,
    externalModules: [...BUNDLE_SETTINGS.external],
  };
}

/** esbuild JS API options equivalent to {@link lambdaBundling}, for building `entry` to `outfile`. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: BUNDLE_SETTINGS.target,
    format: BUNDLE_SETTINGS.format,
    minify: BUNDLE_SETTINGS.minify,
    sourcemap: BUNDLE_SETTINGS.sourcemap ? 'external' : false,
    sourcesContent: BUNDLE_SETTINGS.sourcesContent,
    mainFields: [...BUNDLE_SETTINGS.mainFields],
    banner: { js: BUNDLE_SETTINGS.banner },
    external: [...BUNDLE_SETTINGS.external],
  };
}

/**
 * Builds each entry (default: every handler) into `<outdir>/<name>/index.mjs`
 * with {@link esbuildOptions}, all at once; answers the file of each.
 */
export async function buildBundles(
  outdir: string,
  entries: Readonly<Record<string, string>> = Object.fromEntries(
    (Object.keys(HANDLER_ENTRIES) as HandlerName[]).map((name) => [name, entryPath(name)]),
  ),
): Promise<Record<string, string>> {
  const built = await Promise.all(
    Object.entries(entries).map(async ([name, entry]) => {
      const file = join(outdir, name, 'index.mjs');
      await build({ ...esbuildOptions(entry, file), write: true, logLevel: 'silent' });
      return [name, file] as const;
    }),
  );
  return Object.fromEntries(built);
}

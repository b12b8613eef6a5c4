/**
 * The layers of docs/architecture.md, enforced on every import of every
 * source file: static and type imports, re-exports, dynamic imports and
 * require. Each layer may import only the layers below it, by relative path,
 * and only the packages listed for it; the domain stays pure (no I/O, no AWS,
 * no Node built-ins), and nothing that is deployed imports the local runtime,
 * the bench, the CDK app or the tests.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** A layer: the folders it may import from (besides its own) and the packages it may use. */
interface Layer {
  readonly may: readonly string[];
  /** Package names (`@scope/name` or `name`, `node:` built-ins included); `'*'` for any. */
  readonly packages: readonly string[] | '*';
}

const CORE = ['schemas', 'functions/domain', 'functions/commons'];
const STORE = [...CORE, 'functions/store'];
const FUNCTIONS = [
  ...STORE,
  'functions/propagation',
  'functions/notify',
  'functions/reconcile',
  'functions/adapters',
  'functions/api',
  'functions/handlers',
];

/** The layer graph, bottom first: domain ← store ← propagation/notify/reconcile ← api ← handlers. */
const LAYERS: Record<string, Layer> = {
  schemas: { may: [], packages: ['zod'] },
  'functions/domain': { may: ['schemas'], packages: [] },
  'functions/commons': { may: [], packages: ['@aws-lambda-powertools/logger'] },
  'functions/store': {
    may: CORE,
    packages: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', 'node:crypto', 'zod'],
  },
  'functions/propagation': { may: STORE, packages: [] },
  'functions/notify': { may: STORE, packages: [] },
  'functions/reconcile': { may: STORE, packages: ['@aws-sdk/lib-dynamodb'] },
  'functions/adapters': {
    may: [...CORE, 'functions/notify'],
    packages: ['@aws-sdk/client-eventbridge', '@aws-sdk/client-sesv2'],
  },
  'functions/api': {
    may: [...STORE, 'functions/propagation', 'functions/notify', 'functions/reconcile'],
    packages: ['@hono/zod-openapi', 'csv-parse', 'hono', 'node:crypto', 'zod'],
  },
  'functions/handlers': { may: FUNCTIONS, packages: '*' },
  // Above the deployed code: the local runtime, the CDK app and the bench.
  local: { may: FUNCTIONS, packages: '*' },
  cdk: { may: FUNCTIONS, packages: '*' },
  bench: { may: [...FUNCTIONS, 'local', 'cdk'], packages: '*' },
};

/** The layer a path is in: `functions/<folder>` or the top-level folder. */
function layerOf(path: string): string {
  const [top, second] = relative(ROOT, path).split(sep);
  return top === 'functions' && second !== undefined ? `functions/${second}` : (top ?? '');
}

/** Every TypeScript source file under `dir`, recursively. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(m|c)?tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier of a source text: static and type imports, re-exports, dynamic imports, require. */
function importSpecifiers(source: string): string[] {
  // readImportFiles and detectJavaScriptImports: also dynamic import() and require().
  return ts.preProcessFile(source, true, true).importedFiles.map((f) => f.fileName);
}

/** The package a bare specifier names: `@scope/name`, `name` or `node:x`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** The source file a relative NodeNext specifier (`./x.js`) points at, if it exists. */
function resolveSource(fromFile: string, specifier: string): string | undefined {
  const target = resolve(dirname(fromFile), specifier);
  const candidates = [target, target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts')];
  return candidates.find((c) => existsSync(c) && c.endsWith('ts'));
}

/** What is wrong with one import of `file`, or undefined when its layer allows it. */
function importProblem(file: string, specifier: string): string | undefined {
  const from = layerOf(file);
  const layer = LAYERS[from];
  const where = `${relative(ROOT, file)} imports '${specifier}'`;
  if (!layer) return `${where}: ${from} is not a layer of docs/architecture.md`;
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
    const name = packageOf(specifier);
    if (layer.packages === '*' || layer.packages.includes(name)) return undefined;
    return `${where}: ${from} may not use the package '${name}'`;
  }
  const target = resolveSource(file, specifier);
  if (target === undefined) return `${where}: no such source file`;
  const to = layerOf(target);
  if (to !== from && !layer.may.includes(to)) return `${where}: ${from} may not import ${to}`;
  return undefined;
}

/** Every forbidden import under the given top-level folders. */
function problemsIn(...folders: string[]): string[] {
  return folders.flatMap((folder) =>
    sourceFiles(join(ROOT, folder)).flatMap((file) =>
      importSpecifiers(readFileSync(file, 'utf8')).flatMap(
        (specifier) => importProblem(file, specifier) ?? [],
      ),
    ),
  );
}

describe('architecture', () => {
  it('finds every layer with files and imports in it', () => {
    // Guards the check below against passing because it read nothing.
    const files = ['schemas', 'functions', 'local', 'cdk', 'bench'].flatMap((f) =>
      sourceFiles(join(ROOT, f)),
    );
    const seen = new Set(files.map(layerOf));
    expect([...seen].sort()).toEqual(Object.keys(LAYERS).sort());
    expect(files.flatMap((f) => importSpecifiers(readFileSync(f, 'utf8'))).length).toBeGreaterThan(
      500,
    );
  });

  it('imports in every layer only from the layers below it and its own packages', () => {
    expect(problemsIn('schemas', 'functions', 'local', 'cdk', 'bench')).toEqual([]);
  });

  it('flags every kind of forbidden import in the domain', () => {
    // Arrange: a domain file that reaches for everything it must not.
    const file = join(ROOT, 'functions', 'domain', 'example.ts');
    const source = [
      "import { readFileSync } from 'node:fs';",
      "import type { Handler } from 'aws-lambda';",
      "export { z } from 'zod';",
      "import '../store/table.js';",
      "const sdk = await import('@aws-sdk/client-dynamodb');",
      "const path = require('path');",
      "import { ROUTES } from '../../schemas/index.js';",
      "import { orderRoutes } from './routes.js';",
      "import { nothing } from './no-such-file.js';",
    ].join('\n');

    // Act
    const flagged = Object.fromEntries(
      importSpecifiers(source).map((s) => [s, importProblem(file, s) !== undefined]),
    );

    // Assert
    expect(flagged).toEqual({
      'node:fs': true,
      'aws-lambda': true,
      zod: true,
      '../store/table.js': true,
      '@aws-sdk/client-dynamodb': true,
      path: true,
      '../../schemas/index.js': false,
      './routes.js': false,
      './no-such-file.js': true,
    });
  });

  it('flags an import upwards or sideways between layers', () => {
    const at = (layer: string) => join(ROOT, layer, 'example.ts');
    expect(importProblem(at('functions/store'), '../api/index.js')).toBe(
      "functions/store/example.ts imports '../api/index.js': functions/store may not import functions/api",
    );
    expect(importProblem(at('functions/api'), '../handlers/runtime.js')).toMatch(
      /functions\/api may not import functions\/handlers/,
    );
    expect(importProblem(at('functions/api'), '../../local/auth.js')).toMatch(
      /functions\/api may not import local/,
    );
    expect(importProblem(at('functions/propagation'), '../notify/index.js')).toMatch(
      /functions\/propagation may not import functions\/notify/,
    );
    expect(importProblem(at('functions/handlers'), '../../bench/run.js')).toMatch(
      /functions\/handlers may not import bench/,
    );
    expect(importProblem(at('functions/store'), 'hono')).toMatch(/may not use the package 'hono'/);
    expect(importProblem(at('local'), '../functions/api/index.js')).toBeUndefined();
    expect(importProblem(at('functions/handlers'), '../api/index.js')).toBeUndefined();
  });
});

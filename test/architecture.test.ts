/**
 * The access rules stay pure: every file of `functions/domain/` imports only
 * other domain files and the schemas, by relative path; the schemas, which the
 * domain reaches, import only each other and `zod`. No I/O, no AWS, no Node
 * built-ins can creep in.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DOMAIN = join(ROOT, 'functions', 'domain');
const SCHEMAS = join(ROOT, 'schemas');

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

/** Whether `path` is `folder` or inside it. */
function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !rel.includes(':'));
}

/** The source file a relative NodeNext specifier (`./x.js`) points at, if it exists. */
function resolveSource(fromFile: string, specifier: string): string | undefined {
  const target = resolve(dirname(fromFile), specifier);
  const candidates = [target, target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts')];
  return candidates.find((c) => existsSync(c) && c.endsWith('ts'));
}

/** What is wrong with one import of `file`, or undefined when it is allowed. */
function importProblem(
  file: string,
  specifier: string,
  allowedFolders: readonly string[],
  allowedPackages: readonly string[],
): string | undefined {
  const where = `${relative(ROOT, file)} imports '${specifier}'`;
  if (allowedPackages.includes(specifier)) return undefined;
  if (!specifier.startsWith('./') && !specifier.startsWith('../')) {
    return `${where}: not a relative import`;
  }
  const target = resolve(dirname(file), specifier);
  if (!allowedFolders.some((folder) => isInside(target, folder))) {
    return `${where}: resolves outside ${allowedFolders.map((f) => relative(ROOT, f)).join(' and ')}`;
  }
  if (resolveSource(file, specifier) === undefined) return `${where}: no such source file`;
  return undefined;
}

function problemsIn(
  folder: string,
  allowedFolders: readonly string[],
  allowedPackages: readonly string[],
): string[] {
  return sourceFiles(folder).flatMap((file) =>
    importSpecifiers(readFileSync(file, 'utf8')).flatMap(
      (specifier) => importProblem(file, specifier, allowedFolders, allowedPackages) ?? [],
    ),
  );
}

describe('architecture', () => {
  it('finds the domain files and their imports', () => {
    // Guards the checks below against passing because they read nothing.
    const files = sourceFiles(DOMAIN);
    expect(files.length).toBeGreaterThan(0);
    expect(files.flatMap((f) => importSpecifiers(readFileSync(f, 'utf8'))).length).toBeGreaterThan(
      0,
    );
  });

  it('imports in functions/domain only relative paths inside functions/domain and schemas', () => {
    expect(problemsIn(DOMAIN, [DOMAIN, SCHEMAS], [])).toEqual([]);
  });

  it('imports in schemas only zod and relative paths inside schemas', () => {
    expect(problemsIn(SCHEMAS, [SCHEMAS], ['zod'])).toEqual([]);
  });

  it('flags every kind of forbidden import', () => {
    // Arrange: a domain file that reaches for everything it must not.
    const file = join(DOMAIN, 'example.ts');
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
      importSpecifiers(source).map((s) => [
        s,
        importProblem(file, s, [DOMAIN, SCHEMAS], []) !== undefined,
      ]),
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
});

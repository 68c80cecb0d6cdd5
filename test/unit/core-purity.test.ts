// The functional core stays pure: no file in src/core/ outside src/core/aws/ reaches AWS, the file system, the network
// or a shell. Read from the source with TypeScript's own parser, so a new file or a new import is checked without a list.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CORE = join(ROOT, 'src', 'core');
const ADAPTERS = join(CORE, 'aws');

interface ImportSite {
  specifier: string;
  /** `import type`, `export type` or every named binding marked `type`: erased at build time. */
  typeOnly: boolean;
}

/** Every module a file loads: static imports and re-exports, `import x = require()`, dynamic `import()` and `require()`. */
function importsOf(file: string, text: string): ImportSite[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: ImportSite[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const allNamedTypes =
        !!bindings &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((e) => e.isTypeOnly) &&
        !clause?.name;
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: !!clause && (clause.isTypeOnly || allNamedTypes) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      out.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.arguments.length > 0) {
      const [first] = node.arguments;
      const loads =
        node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require');
      if (loads && first) out.push({ specifier: ts.isStringLiteralLike(first) ? first.text : '<computed>', typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Packages that do I/O or belong to a shell; `node:` and bare built-in names alike. */
const FORBIDDEN_PACKAGES: RegExp[] = [
  /^@aws-sdk\//, // clients, credential providers, lib-dynamodb: AWS I/O belongs in src/core/aws/
  /^aws-sdk$/,
  /^@smithy\//,
  /^@aws-lambda-powertools\//,
  /^@actions\//,
  /^@octokit\//,
  /^@slack\//,
  /^better-sqlite3$/,
  /^(node:)?(fs|fs\/promises|child_process|net|tls|http|https|http2|dgram|dns|worker_threads|cluster|readline|process)$/,
  /^undici$/,
];

/**
 * The one runtime SDK import the core may have: the SDK's partition table (pure data, no client, no I/O),
 * confined to arn.ts so every partition question goes through `partitionOf` and friends.
 */
const ALLOWED = [{ file: 'arn.ts', specifier: '@aws-sdk/util-endpoints' }];

interface Violation {
  file: string;
  specifier: string;
  why: string;
}

/**
 * Why an import breaks the core's purity, or null. A type-only import of an SDK package is allowed (the core
 * describes AWS's shapes; nothing of the SDK is loaded); a shell or an adapter is refused even as a type, since the
 * core must not know who calls it or how I/O is done.
 */
function violationOf(file: string, site: ImportSite): string | null {
  const { specifier } = site;
  const local = relative(CORE, file);
  if (specifier === '<computed>') return 'a computed dynamic import cannot be checked';
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const target = resolve(dirname(file), specifier);
    if (target === ADAPTERS || target.startsWith(`${ADAPTERS}/`))
      return 'imports an AWS adapter (src/core/aws/): the core takes I/O results as arguments';
    if (!target.startsWith(`${CORE}/`)) return `imports ${relative(ROOT, target)}, outside src/core (a shell or the tests)`;
    return null;
  }
  if (ALLOWED.some((a) => a.file === local && a.specifier === specifier)) return null;
  if (!FORBIDDEN_PACKAGES.some((p) => p.test(specifier))) return null;
  if (site.typeOnly && /^@aws-sdk\/client-/.test(specifier)) return null;
  return `imports ${specifier}: I/O or a shell's library`;
}

function coreFiles(dir = CORE): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return path === ADAPTERS ? [] : coreFiles(path);
    return /\.(m|c)?tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

function coreViolations(files = coreFiles()): Violation[] {
  return files.flatMap((file) =>
    importsOf(file, readFileSync(file, 'utf8')).flatMap((site) => {
      const why = violationOf(file, site);
      return why ? [{ file: relative(ROOT, file), specifier: site.specifier, why }] : [];
    }),
  );
}

describe('src/core is pure (outside src/core/aws/)', () => {
  it('no core file imports an AWS SDK client, the file system, the network, @actions, @slack or a shell', () => {
    const files = coreFiles();

    const violations = coreViolations(files);

    expect(files.length).toBeGreaterThan(10);
    expect(violations).toEqual([]);
  });

  it('the check itself catches each kind of import that would break it', () => {
    const file = join(CORE, 'example.ts');
    const check = (text: string) => importsOf(file, text).map((site) => violationOf(file, site));

    const found = check(
      [
        "import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';",
        "import { readFileSync } from 'node:fs';",
        "import * as fs from 'fs';",
        "import { readFile } from 'fs/promises';",
        "import * as core from '@actions/core';",
        "import { App } from '@slack/bolt';",
        "import { run } from '../action/main.js';",
        "import type { CliIo } from '../cli.js';",
        "import { handler } from '../../lambda/remediator.js';",
        "import { createServices } from '../../slack-app/services.js';",
        "import { Accounts } from './aws/accounts.js';",
        "import type { TrailInfo } from './aws/readers.js';",
        "export { listTrails } from './aws/readers.js';",
        "const sts = await import('@aws-sdk/client-sts');",
        "const fs2 = require('node:fs');",
        "import { partition } from '@aws-sdk/util-endpoints';",
        "import { request } from 'node:https';",
      ].join('\n'),
    );
    const allowed = check(
      [
        "import type { Trail } from '@aws-sdk/client-cloudtrail';",
        "import { type Trail as T2 } from '@aws-sdk/client-cloudtrail';",
        "import { z } from 'zod';",
        "import { createHash } from 'node:crypto';",
        "import { partitionOf } from './arn.js';",
      ].join('\n'),
    );

    expect(found).toHaveLength(17);
    expect(found.every((why) => why !== null)).toBe(true);
    expect(allowed).toEqual([null, null, null, null, null]);
  });
});

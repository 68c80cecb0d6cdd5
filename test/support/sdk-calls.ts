// Which AWS operations a source file calls, read from the source: for tests that derive least-privilege IAM from code.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** `@aws-sdk/client-<service>` names imported by `source`, by local name: commands and paginators. */
function sdkImports(source: string): Map<string, { service: string; operation: string }> {
  const out = new Map<string, { service: string; operation: string }>();
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z]+)'/g)) {
    for (const binding of m[1]!.split(',').map((n) => n.trim().replace(/^type\s+/, ''))) {
      const [name, alias] = binding.split(/\s+as\s+/) as [string, string | undefined];
      const operation = /^(\w+)Command$/.exec(name)?.[1] ?? /^paginate(\w+)$/.exec(name)?.[1];
      if (operation) out.set(alias ?? name, { service: m[2]!, operation });
    }
  }
  return out;
}

/** The text of `export [async] function name(...) { ... }` up to its closing brace at column 0. */
function functionBody(source: string, name: string): string {
  const start = source.search(new RegExp(`export (async )?function ${name}\\b`));
  if (start < 0) throw new Error(`function ${name} not found`);
  const end = source.indexOf('\n}\n', start);
  return source.slice(start, end < 0 ? undefined : end);
}

/** Operations `text` calls (`new XCommand(`, `paginateX(`), as `<client service>:<Operation>`. */
function called(text: string, imports: Map<string, { service: string; operation: string }>): string[] {
  return [...imports]
    .filter(([local]) => new RegExp(`(new\\s+${local}\\s*\\(|\\b${local}\\s*\\()`).test(text))
    .map(([, o]) => `${o.service}:${o.operation}`);
}

/**
 * Every AWS operation `file` calls: its own SDK calls, and those inside the functions it imports from sibling modules
 * (one level: an adapter such as trail-status.ts calling `getTrailStatus` of cloudtrail.ts). `<client service>` is the
 * `@aws-sdk/client-<service>` package name (`cloudtrail`, `eventbridge`, ...).
 */
export function sdkOperationsCalled(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const out = new Set(called(source, sdkImports(source)));
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(\.[^']+)\.js'/g)) {
    const sibling = readFileSync(resolve(dirname(file), `${m[2]!}.ts`), 'utf8');
    const imports = sdkImports(sibling);
    for (const name of m[1]!
      .split(',')
      .map((n) => n.trim())
      .filter((n) => n && !n.startsWith('type '))) {
      if (!new RegExp(`export (async )?function ${name}\\b`).test(sibling)) continue;
      for (const op of called(functionBody(sibling, name), imports)) out.add(op);
    }
  }
  return [...out].sort();
}

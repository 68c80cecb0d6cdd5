// Command-line parsing shared by every `trailguard` command: node:util parseArgs, with TrailGuard's own error wording.
import { parseArgs } from 'node:util';

/** A command line TrailGuard cannot run: the CLI prints the message and the command's usage line, and exits 2. */
export class UsageError extends Error {}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` against `options` with node:util `parseArgs` (its tokens, so the checks and their wording do not depend
 * on the Node version). Throws UsageError naming the flag: `unknown option --x`, `--config: expected a value` (also for
 * `--config --json`, which parseArgs would otherwise read as the path `--json`), `--json: takes no value`, and
 * `unexpected argument x` beyond `maxPositionals`. A repeated option keeps its last value.
 */
export function parseCommandArgs(argv: readonly string[], options: Record<string, OptionSpec>, maxPositionals = 0): ParsedArgs {
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const values: ParsedArgs['values'] = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (positionals.length >= maxPositionals) throw new UsageError(`unexpected argument ${token.value}`);
      positionals.push(token.value);
      continue;
    }
    const spec = options[token.name];
    if (!spec) throw new UsageError(`unknown option ${token.rawName}`);
    const flag = `--${token.name}`;
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${flag}: takes no value`);
      values[token.name] = true;
    } else {
      const value = token.value;
      // A separate argument that looks like an option is the next flag, not this one's value.
      if (value === undefined || value === '' || (!token.inlineValue && value.startsWith('-') && value !== '-'))
        throw new UsageError(`${flag}: expected a value`);
      values[token.name] = value;
    }
  }
  return { values, positionals };
}

/** True when `argv` asks for help anywhere (`--help` or `-h`), so help wins over every other check. */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--help' || a === '-h');
}

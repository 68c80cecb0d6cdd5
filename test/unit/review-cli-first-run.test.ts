// Review r2: a new user's first commands. DESIGN ("Contract additions", CLI): `--help`/`--version` exit 0.
// Before the fix both printed "unknown command --help" and the usage to stderr and exited 1.
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { VERSION } from '#core/version.js';

function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  return main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), tty: false, env: {} }).then((code) => ({
    code,
    stdout: out.join(''),
    stderr: err.join(''),
  }));
}

describe('review: trailguard --help and --version', () => {
  it('--help prints the usage on stdout and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: trailguard');
    expect(r.stderr).toBe('');
  });

  it('--version prints the version and exits 0', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(VERSION);
  });

  it('a misspelt command is still a failure (non-zero), naming the command', async () => {
    const r = await run(['plna']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('unknown command plna');
  });
});

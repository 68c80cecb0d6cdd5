// What a new user meets first: help, version, usage errors (exit 2 with the usage line) and a missing trailguard.yml.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { VERSION } from '#core/version.js';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), tty: false, env: {} });
  return { code, stdout, stderr };
}

const USAGE_LINE = 'usage: trailguard <init|plan|apply|status|sweep|iam> [options]';

describe('trailguard help and version', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints the help on stdout and exits 0', async (flag) => {
    const out = await run(flag);

    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout.split('\n')[0]).toBe(USAGE_LINE);
    for (const command of ['init', 'plan', 'apply', 'status', 'sweep', 'iam'])
      expect(out.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
  });

  it('--version prints the version on stdout and exits 0', async () => {
    expect(await run('--version')).toEqual({ code: 0, stdout: `trailguard ${VERSION}\n`, stderr: '' });
  });

  it.each([
    ['init', '--help'],
    ['plan', '--help'],
    ['apply', '-h'],
    ['status', '--help'],
    ['iam', '--help'],
    ['sweep', '--help'],
    ['help', 'sweep'],
    ['help', 'init'],
    ['help', 'iam'],
  ])("%s %s prints that command's help and exits 0 without reading a config", async (...argv) => {
    const command = argv[0] === 'help' ? argv[1]! : argv[0]!;
    const out = await run(...argv, '--config', '/nonexistent/trailguard.yml');

    expect(out.code).toBe(0);
    expect(out.stderr).toBe('');
    expect(out.stdout.split('\n')[0]).toMatch(new RegExp(`^usage: trailguard ${command} `));
  });
});

describe('trailguard usage errors exit 2 with the usage line, before anything is read', () => {
  it.each([
    [[], 'a command is required', USAGE_LINE],
    [['destroy'], 'unknown command destroy', USAGE_LINE],
    [['help', 'destroy'], 'unknown command destroy', USAGE_LINE],
    [
      ['sweep', '--concurrency', '1'],
      '--concurrency: expected 2 to 1000, got "1"',
      'usage: trailguard sweep [--config trailguard.yml] [--concurrency <n>] [--json]',
    ],
    [['sweep', '--regions'], 'unknown option --regions', 'usage: trailguard sweep [--config trailguard.yml] [--concurrency <n>] [--json]'],
    [['plan', '--bogus'], 'unknown option --bogus', 'usage: trailguard plan [--config trailguard.yml] [--concurrency 32] [--json]'],
    [['plan', '-x'], 'unknown option -x', 'usage: trailguard plan [--config trailguard.yml] [--concurrency 32] [--json]'],
    [['apply', '--config'], '--config: expected a value', 'usage: trailguard apply [--config trailguard.yml] [--concurrency 32] [--json]'],
    [
      ['status', '--config', '--json'],
      '--config: expected a value',
      'usage: trailguard status [--config trailguard.yml] [--concurrency 32] [--json]',
    ],
    [['plan', '--json=yes'], '--json: takes no value', 'usage: trailguard plan [--config trailguard.yml] [--concurrency 32] [--json]'],
    [
      ['plan', '--concurrency', '0'],
      '--concurrency: expected 1 to 256, got "0"',
      'usage: trailguard plan [--config trailguard.yml] [--concurrency 32] [--json]',
    ],
    [
      ['plan', '--concurrency=1e3'],
      '--concurrency: expected 1 to 256, got "1e3"',
      'usage: trailguard plan [--config trailguard.yml] [--concurrency 32] [--json]',
    ],
    [['plan', 'extra'], 'unexpected argument extra', 'usage: trailguard plan [--config trailguard.yml] [--concurrency 32] [--json]'],
    [
      ['init', '--accounts', '61000000001x'],
      '--accounts[0]: expected a 12-digit account id, got "61000000001x"',
      'usage: trailguard init [--config trailguard.yml] [--accounts id,id,...] [--force]',
    ],
    [
      ['init', '--accounts', '610000000001,,610000000002'],
      '--accounts[1]: expected a 12-digit account id, got ""',
      'usage: trailguard init [--config trailguard.yml] [--accounts id,id,...] [--force]',
    ],
    [
      ['init', '--accounts', '610000000001,610000000001'],
      '--accounts[1]: duplicate of --accounts[0] (610000000001)',
      'usage: trailguard init [--config trailguard.yml] [--accounts id,id,...] [--force]',
    ],
    [
      ['init', '--force=yes'],
      '--force: takes no value',
      'usage: trailguard init [--config trailguard.yml] [--accounts id,id,...] [--force]',
    ],
    [
      ['iam', '--bogus'],
      'unknown option --bogus',
      'usage: trailguard iam [boundary|apply-role|plan-role|member-plan-role|slack-role] [--config trailguard.yml]',
    ],
  ])('%j', async (argv, message, usage) => {
    const out = await run(...argv);

    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    const lines = out.stderr.split('\n');
    expect(lines[0]).toBe(`trailguard: ${message}`);
    expect(lines[1]).toBe(usage);
    expect(out.stderr).toContain('--help');
  });
});

describe('a missing trailguard.yml', () => {
  it.each([['plan'], ['apply'], ['status'], ['iam']])('%s says how to make one, exit 1', async (command) => {
    const missing = join(mkdtempSync(join(tmpdir(), 'tg-usage-')), 'trailguard.yml');

    const out = await run(command, '--config', missing);

    expect(out.code).toBe(1);
    expect(out.stderr).toBe(`trailguard: ${missing} not found: create one with \`trailguard init\` (or pass --config <path>)\n`);
    expect(out.stderr).not.toContain('ENOENT');
  });

  it('a config path that is a folder is named with what is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tg-usage-'));

    const out = await run('plan', '--config', dir);

    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(new RegExp(`^trailguard: cannot read ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*directory`));
  });
});

describe('trailguard init before any AWS call', () => {
  it.each([
    [undefined, "trailguard: no AWS region: set AWS_REGION (or a region in your AWS profile) to the central account's region\n"],
    [
      'moon-1',
      'trailguard: the caller\'s region "moon-1" is not an AWS region the SDK knows: set AWS_REGION to the central account\'s region\n',
    ],
  ])('AWS_REGION=%s: says how to set the region, exit 1, nothing written', async (region, message) => {
    const saved = { ...process.env };
    const path = join(mkdtempSync(join(tmpdir(), 'tg-usage-')), 'trailguard.yml');
    Object.assign(process.env, { AWS_CONFIG_FILE: join(tmpdir(), 'tg-no-such-aws-config'), AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE']) delete process.env[name];
    if (region) process.env.AWS_REGION = region;
    try {
      const out = await run('init', '--config', path);

      expect(out).toEqual({ code: 1, stdout: '', stderr: message });
      expect(existsSync(path)).toBe(false);
    } finally {
      process.env = saved;
    }
  });
});

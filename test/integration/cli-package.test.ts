// The CLI as a user installs it: `npm pack`, the tarball installed offline into an empty folder, then run from there.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { VERSION } from '#core/version.js';
import { MotoWorld } from '../support/aws.js';

const exec = promisify(execFile);
const ROOT = resolve('.');
const CENTRAL = '610000000020';
const MEMBER = '610000000021';
// npm writes nothing outside the test's folders and asks no registry.
const NPM_ENV = {
  ...process.env,
  npm_config_cache: mkdtempSync(join(tmpdir(), 'tg-npm-cache-')),
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
};
let packed: { files: { path: string }[]; filename: string };
let home: string;

async function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}, cwd = home) {
  try {
    const { stdout, stderr } = await exec(file, args, { cwd, env: { PATH: process.env.PATH, ...env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  const out = mkdtempSync(join(tmpdir(), 'tg-pack-'));
  const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', out], { cwd: ROOT, env: NPM_ENV, timeout: 120_000 });
  packed = (JSON.parse(stdout) as (typeof packed)[])[0]!;
  home = mkdtempSync(join(tmpdir(), 'tg-user-'));
  await exec('npm', ['install', '--offline', '--no-audit', '--no-fund', join(out, packed.filename)], {
    cwd: home,
    env: NPM_ENV,
    timeout: 120_000,
  });
}, 240_000);

describe('the npm package', () => {
  it('ships the bundles and the README only: no sources, tests, benchmarks or test keys', () => {
    const paths = packed.files.map((f) => f.path).sort();

    expect(paths).toContain('dist/cli/index.js');
    expect(paths).toContain('dist/remediator/index.js');
    expect(paths.filter((p) => !p.startsWith('dist/'))).toEqual(['README.md', 'package.json']);
    expect(paths.filter((p) => /\.(pem|key|ts)$|(^|\/)(test|bench|src)\//.test(p))).toEqual([]);
  });

  it('installs offline into an empty folder and pulls no other package: the bundles need nothing at run time', () => {
    expect(readdirSync(join(home, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual(['trailguard']);
    expect(JSON.parse(readFileSync(join(home, 'node_modules', 'trailguard', 'package.json'), 'utf8')).dependencies).toBeUndefined();
  });

  it('trailguard --help, --version and init --help answer from the installed package, exit 0', async () => {
    const bin = join(home, 'node_modules', '.bin', 'trailguard');

    const help = await run(bin, ['--help']);
    const version = await run(bin, ['--version']);
    const initHelp = await run(bin, ['init', '--help']);

    expect([help.code, help.stdout.split('\n')[0]]).toEqual([0, 'usage: trailguard <init|plan|apply|status|sweep|iam> [options]']);
    expect(version).toEqual({ code: 0, stdout: `trailguard ${VERSION}\n`, stderr: '' });
    expect([initHelp.code, initHelp.stdout.split('\n')[0]]).toEqual([
      0,
      'usage: trailguard init [--config trailguard.yml] [--accounts id,id,...] [--force]',
    ]);
  });

  it('the installed trailguard writes a config with init and plans it against AWS (moto)', async () => {
    const bin = join(home, 'node_modules', '.bin', 'trailguard');
    const world = new MotoWorld(inject('motoEndpoint'));
    await world.createLoggingTrail(MEMBER, 'us-east-1', 'member-audit', 'pack-logs-610000000021', true);
    const credentials = await world.credentialsFor(CENTRAL);
    const aws = {
      AWS_ENDPOINT_URL: inject('motoEndpoint'),
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_SESSION_TOKEN: credentials.sessionToken!,
    };

    const init = await run(bin, ['init', '--accounts', MEMBER], aws);
    const plan = await run(bin, ['plan'], aws);

    // stderr may carry the AWS SDK's own Node-version warning; TrailGuard's messages start with `trailguard:`.
    expect(init.stderr).not.toContain('trailguard:');
    expect(init.code).toBe(0);
    expect(readFileSync(join(home, 'trailguard.yml'), 'utf8')).toContain(`central: { account: "${CENTRAL}", region: us-east-1 }`);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(new RegExp(`${MEMBER}\\s+\\S+\\s+us-east-1\\s+drift\\s+event-rule trailguard-forward: create`));
  });
});

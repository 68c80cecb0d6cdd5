// The Slack app's bundles as an operator runs them: `node dist/slack-app/server.js` from a folder with no node_modules,
// answering a signed request; and the Lambda bundle, which must carry no native module and no SQLite code.
// TRAILGUARD_DIST points the test at another build (e.g. /tmp/dist from scripts/build.mjs) before dist/ is rebuilt.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { postSigned, slashCommand } from '../support/slack-sign.js';

const run = promisify(execFile);
const DIST = resolve(process.env.TRAILGUARD_DIST ?? 'dist');
const CHANNEL = 'C0SECURITY1';
const SECRET = 'bundle-signing-secret';
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));

/** A copy of one bundle folder where no node_modules can be found: what a clean deployment has. */
function isolated(folder: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tg-bundle-'));
  cpSync(join(DIST, folder), join(dir, folder), { recursive: true });
  return join(dir, folder);
}

describe('dist/slack-app/server.js', () => {
  let slack: FakeSlack;
  let child: ChildProcess;
  let url: string;
  let output = '';

  beforeAll(async () => {
    slack = await startFakeSlack();
    const work = mkdtempSync(join(tmpdir(), 'tg-bundle-run-'));
    writeFileSync(
      join(work, 'trailguard.yml'),
      `version: 1\ncentral: { account: "680000000100", region: us-east-1 }\nmembers:\n  accounts:\n    - { id: "680000000101", name: payments-prod }\n  regions: [us-east-1]\nslack: { channel: ${CHANNEL} }\n`,
    );
    const server = join(isolated('slack-app'), 'server.js');
    child = spawn(process.execPath, [server], {
      cwd: work,
      env: {
        PATH: process.env.PATH,
        SLACK_BOT_TOKEN: 'xoxb-bundle-token',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        AWS_REGION: 'us-east-1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => void (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => void (output += d.toString()));
    // The server says where it listens in its first structured log line.
    for (let i = 0; i < 200 && !url; i++) {
      const line = output.split('\n').find((l) => l.includes('"slack app listening"'));
      if (line) {
        const { host, port } = JSON.parse(line) as { host: string; port: number };
        url = `http://${host}:${port}`;
      } else if (child.exitCode !== null) break;
      else await new Promise((r) => setTimeout(r, 100));
    }
  }, 30_000);

  afterAll(async () => {
    child?.kill('SIGTERM');
    await slack?.close();
  });

  it('starts with plain node and no node_modules, on loopback, and answers a signed /trail-status', async () => {
    expect(url, output).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const res = await postSigned(`${url}/slack/events`, slashCommand('incidents', 'U0RESPONDER', CHANNEL, slack.responseUrl('bundle')), {
      secret: SECRET,
    });
    for (let i = 0; i < 50 && slack.responses.length === 0; i++) await new Promise((r) => setTimeout(r, 100));

    expect(res.status).toBe(200);
    expect(JSON.stringify(slack.responses)).toMatch(/No unacknowledged incidents/);
  });

  it('refuses a request signed with another secret', async () => {
    const res = await postSigned(`${url}/slack/events`, slashCommand('', 'U0RESPONDER', CHANNEL, slack.responseUrl('forged')), {
      secret: 'not-the-secret',
    });

    expect(res.status).toBe(401);
  });
});

describe('the Slack Lambda bundle (dist/slack-app-lambda)', () => {
  // The integrator also runs the last test under a Node 22 binary: this machine runs only its own node.
  it('contains no native module and no SQLite store', () => {
    const files = walk(join(DIST, 'slack-app-lambda'));

    expect(files.filter((f) => f.endsWith('.node'))).toEqual([]);
    // better-sqlite3 (its name, its addon's) and TrailGuard's SQLite store (its schema). undici, inside Bolt, carries a
    // dormant cache store on Node's built-in node:sqlite that nothing here uses: built in, not native, so not looked for.
    const found = files.flatMap(
      (file) =>
        readFileSync(file, 'latin1').match(/.{0,40}(better[-_]sqlite3|CREATE TABLE IF NOT EXISTS incidents|process\.dlopen).{0,40}/g) ?? [],
    );
    expect(found).toEqual([]);
  });

  it('loads with plain node and no node_modules, and exports handler', async () => {
    const index = join(isolated('slack-app-lambda'), 'index.js');

    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(index)}); console.log(typeof m.handler);`],
      { env: { PATH: process.env.PATH } },
    );

    expect(stdout.trim()).toBe('function');
  });
});

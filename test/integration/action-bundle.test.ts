// The bundled action (dist/index.js) run as a GitHub runner runs it, on this machine's Node (20), against moto and a fake GitHub API.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EventBridgeClient, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { COMMENT_MARKER } from '../../src/action/report.js';
import { MotoWorld } from '../support/aws.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github.js';

const run = promisify(execFile);
const BUNDLE = resolve('dist/index.js');
const CENTRAL = '240000000000';
const MEMBERS = ['240000000001', '240000000002'];
// central: role, DLQ, topic, function, bus, invoke permissions and rules for tamper and guard (9), plus the sweep's
// trailguard-sweep queue and DLQ, trailguard-state table, schedule, scheduler role and queue mapping (6), and the
// central default bus's two guard rules trailguard-sweep-guard and trailguard-central-guard with their invoke
// permissions (4); one bus grant for every member (trailguard-members); each member: two roles, the forwarding and the
// guard rule (one region, us-east-1, also IAM's). And the watchdog alarms outside the remediator (5): both dead-letter
// queues, its throttles and errors, the sweep missing (the default schedule); no alerts endpoint and direct delivery,
// so no alerts-dlq or events-age alarm.
const ALL_RESOURCES = 19 + 5 + 1 + MEMBERS.length * 4;

let github: FakeGitHub;
let workspace: string;

function outputs(file: string): Record<string, string> {
  const text = readFileSync(file, 'utf8');
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[m[1]!] = m[3]!;
  return out;
}

async function runAction(
  event: { name: string; payload: object; ref?: string },
  inputs: Record<string, string> = {},
  envOverrides: NodeJS.ProcessEnv = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'tg-run-'));
  const files = { output: join(dir, 'output'), summary: join(dir, 'summary'), event: join(dir, 'event.json') };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  writeFileSync(files.event, JSON.stringify(event.payload));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ENDPOINT_URL: inject('motoEndpoint'),
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'action-test-secret',
    AWS_REGION: 'us-east-1',
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_REF: event.ref ?? 'refs/pull/7/merge',
    GITHUB_REPOSITORY: 'acme/infra',
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '42',
    GITHUB_WORKSPACE: workspace,
    RUNNER_TEMP: dir,
    'INPUT_GITHUB-TOKEN': 'ghs_test_token_value',
    INPUT_CONFIG: 'trailguard.yml',
    INPUT_MODE: 'auto',
    INPUT_COMMENT: 'true',
    INPUT_CONCURRENCY: '8',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...envOverrides,
  };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  let stdout = '';
  let code = 0;
  try {
    ({ stdout } = await run(process.execPath, [BUNDLE], { env, timeout: 120_000 }));
  } catch (error) {
    const e = error as { stdout: string; code: number };
    stdout = e.stdout;
    code = e.code;
  }
  return { code, stdout, outputs: outputs(files.output), summary: readFileSync(files.summary, 'utf8') };
}

const pullRequest = { name: 'pull_request', payload: { pull_request: { number: 7 }, repository: { default_branch: 'main' } } };
const pushToMain = { name: 'push', ref: 'refs/heads/main', payload: { repository: { default_branch: 'main' } } };

beforeAll(async () => {
  github = await startFakeGitHub();
  workspace = mkdtempSync(join(tmpdir(), 'tg-ws-'));
  writeFileSync(
    join(workspace, 'trailguard.yml'),
    [
      'version: 1',
      `central: { account: "${CENTRAL}", region: us-east-1 }`,
      'members:',
      '  accounts:',
      ...MEMBERS.map((id, i) => `    - { id: "${id}", name: team-${i + 1} }`),
      '  regions: [us-east-1]',
      '',
    ].join('\n'),
  );
});

afterAll(async () => github?.close());

describe('dist/index.js as GitHub runs it', () => {
  it('plans on a pull request: outputs, job summary, and one PR comment', async () => {
    const result = await runAction(pullRequest);

    expect(result.code).toBe(0);
    expect(result.outputs.drift).toBe('true');
    expect(Number(result.outputs.changes)).toBe(ALL_RESOURCES);
    expect(JSON.parse(readFileSync(result.outputs.report!, 'utf8'))).toMatchObject({ mode: 'plan', drift: true, members: MEMBERS });
    expect(result.summary).toContain('## TrailGuard plan');
    expect(result.summary).toContain(`| ${MEMBERS[0]} (team-1) | us-east-1 | ⚠️ drift |`);
    expect(github.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain(COMMENT_MARKER);
    expect(github.calls[0]!.authorization).toBe('token ghs_test_token_value');
    expect(result.stdout).not.toContain('action-test-secret');
  });

  it('updates the same comment on the next run instead of posting another', async () => {
    const result = await runAction(pullRequest);

    expect(result.code).toBe(0);
    expect(github.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(github.calls.filter((c) => c.method === 'PATCH')).toHaveLength(1);
    expect(github.comments).toHaveLength(1);
  });

  it('applies on a push to the default branch, then a pull request plans no drift', async () => {
    const applied = await runAction(pushToMain);
    const planned = await runAction(pullRequest);

    expect(applied.code).toBe(0);
    expect(applied.outputs).toMatchObject({ drift: 'false', changes: String(ALL_RESOURCES) });
    expect(applied.summary).toContain('## TrailGuard apply');
    expect(planned.outputs).toMatchObject({ drift: 'false', changes: '0' });
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain('✅ no drift');
  });

  it("leaves a participant's comment carrying the marker alone, and still updates its own", async () => {
    const pasted = `${COMMENT_MARKER}\n## TrailGuard plan\n✅ no drift (pasted by a participant)`;
    github.comments.unshift({ id: 1, body: pasted, user: { login: 'mallory', type: 'User' } });
    const patches = github.calls.filter((c) => c.method === 'PATCH').length;

    const result = await runAction(pullRequest);

    expect(result.code).toBe(0);
    expect(github.comments.find((c) => c.id === 1)!.body).toBe(pasted);
    const ours = github.comments.filter((c) => c.user.login === 'github-actions[bot]');
    expect(ours).toHaveLength(1);
    expect(
      github.calls
        .filter((c) => c.method === 'PATCH')
        .slice(patches)
        .map((c) => c.path),
    ).toEqual([`/repos/acme/infra/issues/comments/${ours[0]!.id}`]);
  });

  it('runs outside a runner without a summary file, printing the summary instead', async () => {
    const result = await runAction(pullRequest, { comment: 'false' }, { GITHUB_STEP_SUMMARY: undefined });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('## TrailGuard plan');
    expect(result.outputs.drift).toBe('false');
  });

  it('fails with the path of a bad config field, before any AWS call', async () => {
    writeFileSync(
      join(workspace, 'bad.yml'),
      `version: 1\ncentral: { account: "${CENTRAL}", region: us-east-1 }\nmembers: { accounts: [ { id: "12" } ] }\n`,
    );

    const result = await runAction(pullRequest, { config: 'bad.yml' });

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('::error::bad.yml is invalid:%0A  members.accounts[0].id: expected 12 digits');
  });

  it('refuses a bad input, naming it', async () => {
    const result = await runAction(pullRequest, { mode: 'destroy' });

    expect(result.code).toBe(1);
    expect(result.stdout).toContain('::error::mode: expected auto, plan or apply, got "destroy"');
  });

  it('fails plan and apply when an account-region is not protected: a look-alike rule, a trail homed where nothing forwards', async () => {
    // Accounts of their own: an attacker replaced one member's rule with an untagged look-alike that forwards nothing,
    // and another member's trail lives in ap-south-1, which this config does not watch.
    const [central, lookAlike, elsewhere] = ['430000000020', '430000000021', '430000000022'];
    const world = new MotoWorld(inject('motoEndpoint'));
    const events = await world.memberClient(EventBridgeClient, lookAlike, 'us-east-1');
    await events.send(new PutRuleCommand({ Name: 'trailguard-forward', EventPattern: JSON.stringify({ source: ['attacker.noop'] }) }));
    await world.createLoggingTrail(elsewhere, 'ap-south-1', 'org-audit', 'org-audit-logs-430000000022', true);
    writeFileSync(
      join(workspace, 'unprotected.yml'),
      `version: 1\ncentral: { account: "${central}", region: us-east-1 }\nmembers:\n  accounts: [ { id: "${lookAlike}", name: look-alike }, { id: "${elsewhere}", name: elsewhere } ]\n`,
    );

    const applied = await runAction(pushToMain, { config: 'unprotected.yml' });
    const planned = await runAction(pullRequest, { config: 'unprotected.yml' });

    const conflictLine = `- ${lookAlike} us-east-1: event-rule trailguard-forward exists without the trailguard:managed=true tag`;
    const uncoveredLine = `- ${elsewhere} ap-south-1: trail org-audit lives in ap-south-1, which has no trailguard-forward rule`;
    for (const result of [applied, planned]) {
      expect(result.code).toBe(1);
      expect(result.outputs.drift).toBe('true');
      expect(result.summary).toMatch(
        /^## TrailGuard (apply|plan)\n\n❌ failed: .*1 conflict, 1 uncovered trail .*\n\n\*\*Why it failed: 2 account-regions are not protected\*\*\n/,
      );
      expect(result.summary).toContain(conflictLine);
      expect(result.summary).toContain(uncoveredLine);
      expect(result.summary).toContain(`| ${lookAlike} (look-alike) | us-east-1 | ⛔ conflict |`);
      expect(result.summary).toContain(`| ${elsewhere} (elsewhere) | ap-south-1 | 🕳️ uncovered |`);
      expect(result.stdout).toContain(`::error::TrailGuard ${result === applied ? 'apply' : 'plan'} failed for 2 items:`);
      expect(JSON.parse(readFileSync(result.outputs.report!, 'utf8'))).toMatchObject({
        drift: true,
        conflicts: [{ account: lookAlike, region: 'us-east-1', kind: 'event-rule', name: 'trailguard-forward' }],
        uncovered: [{ account: elsewhere, region: 'ap-south-1', trail: 'org-audit' }],
      });
    }
    const comment = github.comments.find((c) => c.body.includes(conflictLine))!.body;
    expect(comment.indexOf(uncoveredLine)).toBeLessThan(comment.indexOf('| Account |'));
  });
});

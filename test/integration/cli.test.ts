// The built `trailguard` executable against moto: exit codes, tables, and org-wide trail status.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CloudTrailClient, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { DeleteRuleCommand, EventBridgeClient, PutRuleCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { MotoWorld } from '../support/aws.js';

const exec = promisify(execFile);
const BIN = resolve('dist/cli/index.js');
const CENTRAL = '250000000000';
const HEALTHY = '250000000001';
const STOPPED = '250000000002';
let config: string;
let world: MotoWorld;

async function trailguard(...args: string[]) {
  return trailguardWith(config, ...args);
}

async function trailguardWith(configPath: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await exec(BIN, [...args, '--config', configPath], {
      env: {
        PATH: process.env.PATH,
        AWS_ENDPOINT_URL: inject('motoEndpoint'),
        AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'cli-test-secret',
        AWS_REGION: 'us-east-1',
      },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  const dir = mkdtempSync(join(tmpdir(), 'tg-cli-'));
  config = join(dir, 'trailguard.yml');
  writeFileSync(
    config,
    `version: 1\ncentral: { account: "${CENTRAL}", region: us-east-1 }\nmembers:\n  accounts:\n    - { id: "${HEALTHY}", name: healthy }\n    - { id: "${STOPPED}", name: stopped }\n  regions: [us-east-1, eu-west-1]\n`,
  );
  await world.createLoggingTrail(HEALTHY, 'us-east-1', 'org-audit', 'cli-logs-250000000001', true);
  await world.createLoggingTrail(STOPPED, 'eu-west-1', 'regional', 'cli-logs-250000000002');
  const trails = await world.memberClient(CloudTrailClient, STOPPED, 'eu-west-1');
  await trails.send(new StopLoggingCommand({ Name: 'regional' }));
});

describe('trailguard CLI', () => {
  it('plan exits 2 on drift, apply converges, plan then exits 0', async () => {
    const before = await trailguard('plan');
    const applied = await trailguard('apply');
    const after = await trailguard('plan');

    expect(before.code).toBe(2);
    expect(before.stdout).toMatch(new RegExp(`${HEALTHY}\\s+healthy\\s+eu-west-1\\s+drift\\s+event-rule trailguard-forward: create`));
    expect(before.stderr).toContain('read 3/3 accounts');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('✅ no drift');
    expect(after.code).toBe(0);
    expect(after.stdout).toContain('0 changes planned');
  });

  it('status lists every trail, the stopped one first, and a region no trail covers', async () => {
    const status = await trailguard('status');
    const lines = status.stdout.trim().split('\n');

    expect(status.code).toBe(2);
    expect(lines[0]).toMatch(/^ACCOUNT\s+NAME\s+REGION\s+TRAIL\s+LOGGING\s+LAST DELIVERY\s+ERROR$/);
    expect(lines[2]).toMatch(new RegExp(`^${STOPPED}\\s+stopped\\s+eu-west-1\\s+regional\\s+NO`));
    expect(lines[3]).toMatch(new RegExp(`^${STOPPED}\\s+stopped\\s+us-east-1\\s+-\\s+\\?\\s+-\\s+no trail covers this region$`));
    expect(status.stdout).toMatch(new RegExp(`${HEALTHY}\\s+healthy\\s+us-east-1\\s+org-audit \\(all regions\\)\\s+yes`));
    expect(status.stdout).not.toMatch(new RegExp(`${HEALTHY}.*no trail covers`));
    expect(lines).toHaveLength(5);
  });

  it('status --json is machine-readable', async () => {
    const rows = JSON.parse((await trailguard('status', '--json')).stdout) as { account: string; isLogging: boolean | null }[];

    expect(rows.filter((r) => r.account === HEALTHY).map((r) => r.isLogging)).toEqual([true]);
  });

  it("an attacker's look-alike forwarding rule makes status, plan and apply fail, naming it", async () => {
    const [central, member] = ['430000000030', '430000000031'];
    const own = join(mkdtempSync(join(tmpdir(), 'tg-cli-')), 'trailguard.yml');
    writeFileSync(
      own,
      `version: 1\ncentral: { account: "${central}", region: us-east-1 }\nmembers:\n  accounts: [ { id: "${member}", name: victim } ]\n`,
    );
    await world.createLoggingTrail(member, 'us-east-1', 'org-audit', 'cli-logs-430000000031', true);
    expect((await trailguardWith(own, 'apply')).code).toBe(0);
    expect((await trailguardWith(own, 'status')).code).toBe(0);
    // The attacker deletes TrailGuard's rule and puts an untagged one of the same name that forwards nothing.
    const events = await world.memberClient(EventBridgeClient, member, 'us-east-1');
    await events.send(new RemoveTargetsCommand({ Rule: 'trailguard-forward', Ids: ['trailguard-central-bus'] }));
    await events.send(new DeleteRuleCommand({ Name: 'trailguard-forward' }));
    await events.send(new PutRuleCommand({ Name: 'trailguard-forward', EventPattern: JSON.stringify({ source: ['attacker.noop'] }) }));

    const status = await trailguardWith(own, 'status');
    const plan = await trailguardWith(own, 'plan');
    const apply = await trailguardWith(own, 'apply');

    expect(status.code).toBe(2);
    expect(status.stdout.split('\n')[2]).toMatch(
      new RegExp(
        `^${member}\\s+victim\\s+us-east-1\\s+-\\s+\\?\\s+-\\s+pipeline conflict: event-rule trailguard-forward: conflict: not managed by TrailGuard$`,
      ),
    );
    for (const run of [plan, apply]) {
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(new RegExp(`${member}\\s+victim\\s+us-east-1\\s+conflict\\s+event-rule trailguard-forward: conflict`));
      expect(run.stderr).toContain(`- ${member} us-east-1: event-rule trailguard-forward exists without the trailguard:managed=true tag`);
    }
    expect(apply.stdout).toContain('❌ failed');
  });

  it('explains usage and exits 2 on a bad command', async () => {
    const result = await trailguard('destroy');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown command destroy');
    expect(result.stderr).toContain('usage: trailguard <init|plan|apply|status|sweep|iam> [options]');
  });
});

// The pipeline against moto: a simulated organization, apply from scratch, drift repaired, conflicts and denied members isolated.
import {
  DeleteRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  RemovePermissionCommand,
  RemoveTargetsCommand,
  DescribeRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { DeleteRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, afterAll, describe, expect, inject, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import pLimit from 'p-limit';
import { validateConfig, type Config } from '#core/config.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import type { Mode } from '#core/pipeline.js';
import { failureMessage } from '../../src/action/report.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { denyAssumeRoleInto, startAwsProxy, type AwsProxy } from '../support/aws-proxy.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../support/aws.js';

const CENTRAL = '230000000000';
const MEMBERS = ['230000000001', '230000000002', '230000000003', '230000000004', '230000000005'];
const CONFLICTED = '230000000006'; // has an untagged rule named trailguard-forward before TrailGuard arrives
const DENIED = '230000000007'; // its deploy role cannot be assumed
const REGIONS = ['us-east-1', 'eu-west-1'];

let world: MotoWorld;
let proxy: AwsProxy;
const code = loadRemediatorCode();

function config(members: string[]): Config {
  return validateConfig({
    version: 1,
    central: { account: CENTRAL, region: 'us-east-1' },
    members: { accounts: members.map((id, i) => ({ id, name: `member-${i + 1}` })), regions: REGIONS },
    trails: [{ name: 'org-audit', s3BucketName: 'central-trail-logs' }],
  });
}

function run(mode: Mode, members = MEMBERS) {
  const accounts = new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 'trailguard-test',
    credentials: CENTRAL_CREDENTIALS,
    endpoint: proxy.endpoint,
    limit: pLimit(8),
  });
  return runPipeline({ config: config(members), mode, accounts, code, sleep: async () => undefined });
}

const brief = (changes: { account: string; region: string; kind: string; name: string; reason: string }[]) =>
  changes.map((c) => `${c.account} ${c.region} ${c.kind} ${c.name}: ${c.reason}`);

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  proxy = await startAwsProxy({
    target: world.endpoint,
    fault: denyAssumeRoleInto(DENIED),
  });
});

afterAll(async () => proxy?.close());

describe('pipeline against a simulated organization in moto', () => {
  it('apply from scratch converges every account and region, and verifies zero drift', async () => {
    const report = await run('apply');

    expect(report.errors).toEqual([]);
    expect(report.drift).toBe(false);
    expect(report.rows.map((r) => `${r.account} ${r.region} ${r.status}`)).toEqual([
      `${CENTRAL} global created`,
      `${CENTRAL} us-east-1 created`,
      ...MEMBERS.flatMap((m) => [`${m} global created`, ...REGIONS.map((r) => `${m} ${r} created`)]),
    ]);
    // central: role, DLQ, topic, function, bus, 1 grant (every member's forwarder role), 2 invoke permissions, tamper and
    // guard rules, and the sweep's queue, DLQ, table, mapping, schedule, scheduler role, and the central default bus's
    // two guard rules (trailguard-sweep-guard, trailguard-central-guard) with their invoke permissions, and 5 watchdog
    // alarms (both dead-letter queues, the remediator's throttles and errors, the sweep missing); members: 2 roles + a
    // forward and a guard rule per region each
    expect(report.changes).toHaveLength(10 + 10 + 5 + MEMBERS.length * 6);
  });

  it('a second apply changes nothing', async () => {
    const report = await run('apply');

    expect(report.changes).toEqual([]);
    expect(report.rows.every((r) => r.status === 'ok')).toBe(true);
  });

  it('a deleted forwarding rule is exactly one planned change, and apply repairs it', async () => {
    const events = await world.memberClient(EventBridgeClient, MEMBERS[2]!, 'eu-west-1');
    await events.send(new RemoveTargetsCommand({ Rule: 'trailguard-forward', Ids: ['trailguard-central-bus'] }));
    await events.send(new DeleteRuleCommand({ Name: 'trailguard-forward' }));

    const plan = await run('plan');

    expect(brief(plan.changes)).toEqual([`${MEMBERS[2]} eu-west-1 event-rule trailguard-forward: create`]);
    expect(plan.drift).toBe(true);
    expect((await run('apply')).drift).toBe(false);
    expect((await run('plan')).changes).toEqual([]);
  });

  it('a removed bus-policy statement is exactly one planned change, and apply repairs it', async () => {
    const events = await world.memberClient(EventBridgeClient, CENTRAL, 'us-east-1');
    await events.send(new RemovePermissionCommand({ EventBusName: 'trailguard', StatementId: 'trailguard-members' }));

    const plan = await run('plan');

    expect(brief(plan.changes)).toEqual([`${CENTRAL} us-east-1 bus-permission trailguard-members: create`]);
    await run('apply');
    expect((await run('plan')).changes).toEqual([]);
  });

  it('a deleted role policy is exactly one planned change, and apply repairs it', async () => {
    const iam = await world.memberClient(IAMClient, MEMBERS[3]!, 'us-east-1');
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'trailguard-forwarder', PolicyName: 'trailguard-forwarder' }));

    const plan = await run('plan');

    expect(brief(plan.changes)).toEqual([`${MEMBERS[3]} global iam-role trailguard-forwarder: update: inline policy trailguard-forwarder`]);
    await run('apply');
    expect((await run('plan')).changes).toEqual([]);
  });

  it('an untagged rule with our name is a conflict: reported, never changed, and the run fails with drift; a denied member fails alone', async () => {
    const events = await world.memberClient(EventBridgeClient, CONFLICTED, 'us-east-1');
    const theirs = JSON.stringify({ source: ['their.app'] });
    await events.send(new PutRuleCommand({ Name: 'trailguard-forward', EventPattern: theirs }));

    const report = await run('apply', [...MEMBERS, CONFLICTED, DENIED]);

    expect(brief(report.conflicts)).toEqual([`${CONFLICTED} us-east-1 event-rule trailguard-forward: conflict: not managed by TrailGuard`]);
    expect((await events.send(new DescribeRuleCommand({ Name: 'trailguard-forward' }))).EventPattern).toBe(theirs);
    const status = (account: string) => report.rows.filter((r) => r.account === account).map((r) => `${r.region} ${r.status}`);
    expect(status(CONFLICTED)).toEqual(['global created', 'us-east-1 conflict', 'eu-west-1 created']);
    expect(status(DENIED)).toEqual(['global error', 'us-east-1 error', 'eu-west-1 error']);
    expect(report.errors.map((e) => e.message)).toEqual(
      Array(3).fill(expect.stringMatching(new RegExp(`^AccessDenied assuming OrganizationAccountAccessRole in ${DENIED}`))),
    );
    expect(status(MEMBERS[0]!)).toEqual(['global ok', 'us-east-1 ok', 'eu-west-1 ok']);
    // A look-alike rule forwards nothing: that account-region is not protected, whatever apply did elsewhere.
    expect(report.drift).toBe(true);
    expect(failureMessage(report)).toContain(
      `- ${CONFLICTED} us-east-1: event-rule trailguard-forward exists without the trailguard:managed=true tag: TrailGuard never changes it, so this account-region is not protected; delete it or tag it`,
    );
    expect(failureMessage(report)).toContain(`- ${DENIED} global: AccessDenied assuming OrganizationAccountAccessRole in ${DENIED}`);
  });

  it('a plan that finds a conflict fails too, naming it', async () => {
    const plan = await run('plan', [...MEMBERS, CONFLICTED]);

    expect(plan.rows.filter((r) => r.status !== 'ok').map((r) => `${r.account} ${r.region} ${r.status}`)).toContain(
      `${CONFLICTED} us-east-1 conflict`,
    );
    expect(plan.drift).toBe(true);
    expect(failureMessage(plan)).toContain(
      `- ${CONFLICTED} us-east-1: event-rule trailguard-forward exists without the trailguard:managed=true tag`,
    );
  });
});

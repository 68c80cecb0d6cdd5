// Issue 14: the plan's reads were made cheaper (fewer AWS calls per member); its result must not move. The plan of a
// multi-account, multi-region moto organization with every kind of member drift is pinned in a file snapshot taken
// with the reads as they were, and the calls a member costs are counted on the wire.
import {
  DisableRuleCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  DeleteRuleCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-eventbridge';
import { AttachRolePolicyCommand, CreatePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { validateConfig } from '#core/config.js';
import type { Mode } from '#core/pipeline.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { denyAssumeRoleInto, startAwsProxy, type AwsProxy } from '../support/aws-proxy.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../support/aws.js';

const CENTRAL = '760000000000';
const MEMBERS = ['760000000001', '760000000002', '760000000003', '760000000004'];
/** The call count's own organization (central and members): never drifted, so each plan is the steady state. */
const COUNTING_CENTRAL = '760000000010';
const COUNTED = ['760000000011', '760000000012'];
/** With an organization id the central account's resources do not depend on how many members there are. */
const ORG = 'o-abc123def4';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
/** Its deploy role cannot be assumed: every region of it is an error row. */
const DENIED = '760000000008';

let world: MotoWorld;
let proxy: AwsProxy;
const code = loadRemediatorCode();

function run(mode: Mode, members: string[], central = CENTRAL, organizationId?: string) {
  const config = validateConfig({
    version: 1,
    central: { account: central, region: 'us-east-1' },
    ...(organizationId ? { organizationId } : {}),
    members: { accounts: members.map((id, i) => ({ id, name: `member-${i + 1}` })), regions: REGIONS },
    trails: [{ name: 'org-audit', s3BucketName: 'central-trail-logs' }],
  });
  const accounts = new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 'trailguard-test',
    credentials: CENTRAL_CREDENTIALS,
    endpoint: proxy.endpoint,
    limit: pLimit(8),
  });
  return runPipeline({ config, mode, accounts, code, sleep: async () => undefined });
}

/** The report as the action's JSON output has it, without the one field that differs between runs (its duration). */
const planJson = (report: Awaited<ReturnType<typeof run>>) => `${JSON.stringify({ ...report, durationMs: 0 }, null, 2)}\n`;

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  proxy = await startAwsProxy({ target: world.endpoint, fault: denyAssumeRoleInto(DENIED) });
});

afterAll(async () => proxy?.close());

describe('plan result across members, regions and drift kinds (issue 14: fewer reads, same plan)', () => {
  it('the plan JSON of an organization with drift in every kind of member resource is unchanged', async () => {
    const applied = await run('apply', MEMBERS);
    expect(applied.drift).toBe(false);
    const [a, b, c, d] = MEMBERS as [string, string, string, string];
    const events = (account: string, region: string) => world.memberClient(EventBridgeClient, account, region);
    const arnOf = (account: string, region: string, name: string) => `arn:aws:events:${region}:${account}:rule/${name}`;
    // a: the forwarding rule's target removed in one region, the guard rule's pattern narrowed in another.
    await (await events(a, 'us-east-1')).send(new RemoveTargetsCommand({ Rule: 'trailguard-forward', Ids: ['trailguard-central-bus'] }));
    await (await events(a, 'eu-west-1')).send(
      new PutRuleCommand({ Name: 'trailguard-guard', EventPattern: JSON.stringify({ source: ['aws.iam'] }) }),
    );
    // b: the forwarding rule deleted in one region; the guard rule untagged (a conflict) in another; a rule of someone
    // else's whose name starts like TrailGuard's, which is not TrailGuard's business.
    const bUs = await events(b, 'us-east-1');
    await bUs.send(new RemoveTargetsCommand({ Rule: 'trailguard-forward', Ids: ['trailguard-central-bus'] }));
    await bUs.send(new DeleteRuleCommand({ Name: 'trailguard-forward' }));
    await bUs.send(new PutRuleCommand({ Name: 'trailguard-forward-copy', EventPattern: JSON.stringify({ source: ['their.app'] }) }));
    await (await events(b, 'ap-southeast-2')).send(
      new UntagResourceCommand({ ResourceARN: arnOf(b, 'ap-southeast-2', 'trailguard-guard'), TagKeys: ['trailguard:managed'] }),
    );
    // c: the forwarding rule disabled, a foreign extra target on the guard rule, and policies added to both roles.
    const cEu = await events(c, 'eu-west-1');
    await cEu.send(new DisableRuleCommand({ Name: 'trailguard-forward' }));
    await cEu.send(
      new PutTargetsCommand({
        Rule: 'trailguard-guard',
        Targets: [{ Id: 'theirs', Arn: `arn:aws:events:eu-west-1:${c}:event-bus/default` }],
      }),
    );
    const iam = await world.memberClient(IAMClient, c, 'us-east-1');
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'trailguard-forwarder',
        PolicyName: 'deny-all',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] }),
      }),
    );
    const { Policy } = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'wide',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }),
      }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'TrailGuardRemediator', PolicyArn: Policy!.Arn! }));
    // d: left as apply made it; next to it a member TrailGuard never reached (nothing exists there) and one it cannot reach.

    const plan = await run('plan', [...MEMBERS, DENIED, '760000000009']);

    expect(plan.drift).toBe(true);
    expect(plan.errors.map((e) => e.account)).toEqual([DENIED, DENIED, DENIED, DENIED]);
    await expect(planJson(plan)).toMatchFileSnapshot('./__snapshots__/plan-equivalence.json');
    expect(plan.rows.filter((r) => r.account === d).every((r) => r.status === 'ok')).toBe(true);
  });

  it('a no-drift member costs 10 + 5R AWS calls, not 10 + 6R: one ListRules answers both rules of a region', async () => {
    expect((await run('apply', COUNTED, COUNTING_CENTRAL, ORG)).drift).toBe(false);
    const callsOf = async (members: string[]) => {
      const before = proxy.calls.length;
      const report = await run('plan', members, COUNTING_CENTRAL, ORG);
      // The central account's remediator role names the members, so only the members are drift-free here.
      expect(report.errors).toEqual([]);
      expect(report.changes.filter((c) => c.account !== COUNTING_CENTRAL)).toEqual([]);
      return proxy.calls.slice(before);
    };

    const one = await callsOf(COUNTED.slice(0, 1));
    const two = await callsOf(COUNTED);

    // The second member's cost is what two members take more than one (the central account's reads are the same).
    const perMember = two.length - one.length;
    const R = REGIONS.length;
    expect(perMember).toBe(10 + 5 * R);
    const ops = (calls: typeof one) => calls.map((c) => c.operation);
    const count = (calls: typeof one, op: string) => ops(calls).filter((o) => o === op).length;
    expect(count(two, 'ListRules') - count(one, 'ListRules')).toBe(R);
    expect(count(two, 'DescribeRule') - count(one, 'DescribeRule')).toBe(0);
  });
});

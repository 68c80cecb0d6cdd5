// Review r1: attacks on the remediator's trail event path (allow list, own role, records that slip past).
import {
  CloudTrailClient,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDefaultDeps, createHandler, type RemediationResult } from '../../lambda/remediator.js';
import { loadFixture, type Envelope } from '../support/fixtures.js';
import { recordingLog } from '../support/recording-log.js';

const sts = mockClient(STSClient);
const cloudtrail = mockClient(CloudTrailClient);
const sns = mockClient(SNSClient);
const organizations = mockClient(OrganizationsClient);
const kms = mockClient(KMSClient);

const baseline = {
  name: 'org-audit',
  s3BucketName: 'central-trail-logs',
  isMultiRegionTrail: true,
  includeGlobalServiceEvents: true,
  enableLogFileValidation: true,
};
const env = {
  AWS_REGION: 'us-east-1',
  TRAILGUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts',
  TRAILGUARD_REMEDIATION_ROLE: 'TrailGuardRemediator',
  TRAILGUARD_TRAILS: JSON.stringify([baseline]),
};

function setup(overrides: Record<string, string> = {}) {
  const log = recordingLog();
  const deps = createDefaultDeps({
    env: { ...env, ...overrides },
    log,
    clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } },
  });
  const handler = createHandler(() => deps);
  return { log, handle: (event: unknown) => handler(event) as Promise<RemediationResult> };
}

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
    Credentials: {
      AccessKeyId: 'ASIAMEMBER',
      SecretAccessKey: 'member-secret',
      SessionToken: 'token',
      Expiration: new Date(Date.now() + 3_600_000),
    },
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

describe('review r1: a KMS alias baseline resolved where the attacker is administrator', () => {
  // README: a baseline kmsKeyId alias is resolved with kms:DescribeKey "in the trail's account and
  // home region". A bare alias (`alias/org-trail-key`) therefore means whatever the MEMBER account's
  // administrator makes it mean: they create or retarget alias/org-trail-key to a key they own, call
  // UpdateTrail --kms-key-id <their key>, and TrailGuard resolves the baseline to the same key and
  // reports `already-compliant`. They can then disable the key: the trail "logs" but no log file can
  // be written. Suggested fix: reject (or warn about) bare aliases in the baseline and require an
  // alias ARN naming the key owner's account (or pin the key ARN); or at least never report
  // `already-compliant` when a bare alias resolves to a key of the account where the call was made.
  it("an UpdateTrail to a key of the member's own account is not already-compliant because the member's alias points at it", async () => {
    const attackerKey = 'arn:aws:kms:us-east-1:222222222222:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';
    kms.reset();
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0', Arn: attackerKey } });
    cloudtrail.on(GetTrailCommand).resolves({
      Trail: {
        Name: 'org-audit',
        TrailARN: 'arn:aws:cloudtrail:us-east-1:222222222222:trail/org-audit',
        S3BucketName: 'central-trail-logs',
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        LogFileValidationEnabled: true,
        KmsKeyId: attackerKey,
      },
    });
    const event = loadFixture('update-trail');
    event.detail.requestParameters = { name: 'org-audit', kmsKeyId: attackerKey };
    const { handle } = setup({ TRAILGUARD_TRAILS: JSON.stringify([{ ...baseline, kmsKeyId: 'alias/org-trail-key' }]) });

    const result = await handle(event);

    expect(cloudtrail).toHaveReceivedCommandTimes(UpdateTrailCommand, 0);
    expect(result.outcome).toBe('alert-only');
    expect(result.reason).toMatch(/alias\/org-trail-key is an alias in 222222222222, the account that made the call/);
  });
});

describe('review r1: an organization trail is never reported restored unless AWS shows it is one', () => {
  // README: "recreated and restored are reported only when GetTrail shows IsOrganizationTrail and
  // GetTrailStatus shows logging". The PutEventSelectors path reports `restored` from the selectors
  // alone: after UpdateTrail IsOrganizationTrail=false (whose own repair may fail) and a
  // PutEventSelectors, the second alert says `restored` for an organization trail that no longer
  // logs a single member account.
  it('a PutEventSelectors on a pinned organization trail that AWS shows is no longer one is not restored', async () => {
    const full = {
      EventSelectors: [
        { ReadWriteType: 'All' as const, IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
      ],
    };
    const off = {
      EventSelectors: [
        { ReadWriteType: 'ReadOnly' as const, IncludeManagementEvents: false, DataResources: [], ExcludeManagementEventSources: [] },
      ],
    };
    cloudtrail.on(GetEventSelectorsCommand).resolvesOnce(off).resolves(full);
    cloudtrail.on(PutEventSelectorsCommand).resolves({});
    cloudtrail.on(GetTrailCommand).resolves({
      Trail: {
        Name: 'org-audit',
        TrailARN: 'arn:aws:cloudtrail:us-east-1:222222222222:trail/org-audit',
        S3BucketName: 'central-trail-logs',
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        LogFileValidationEnabled: true,
        IsOrganizationTrail: false,
      },
    });
    const { handle } = setup({
      TRAILGUARD_TRAILS: JSON.stringify([{ ...baseline, isOrganizationTrail: true }]),
      TRAILGUARD_ORGANIZATION: JSON.stringify({ managementAccount: '222222222222' }),
    });

    const result = await handle(loadFixture('put-event-selectors'));

    expect(cloudtrail).toHaveReceivedCommandTimes(PutEventSelectorsCommand, 1);
    expect(result.outcome).toBe('failed');
    expect(result.reason).toMatch(/isOrganizationTrail/);
  });
});

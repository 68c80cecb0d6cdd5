// Review rv2: a Stratus-style PutBucketPolicy that denies CloudTrail and also denies every role of the account
// s3:GetBucketPolicy (only the root user is exempt) leaves TrailGuard unable to judge it. The alert was `failed` with
// "TrailGuard's role may not act on it; pin it in the baseline of trail org-audit (s3BucketName with retentionDays)
// and run apply": advice that cannot help (the member role may read every bucket's policy; it is the new policy that
// denies it) and no word that CloudTrail may be locked out, the one thing a responder needs. Harness copied from
// log-storage-policy.test.ts.
// Fixed: a denied read of a policy the call just changed says so: CloudTrail may be locked out, check the policy.
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDefaultDeps, createHandler, type RemediationResult } from '../../lambda/remediator.js';
import { type Alert, AlertSchema } from '#core/alert.js';
import { loadCase } from '../support/cases.js';
import { recordingLog } from '../support/recording-log.js';

const BUCKET = 'org-audit-logs';
const MANAGEMENT = '333333333333';
const ORG_TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org-audit`;
const sts = mockClient(STSClient);
const cloudtrail = mockClient(CloudTrailClient);
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const organizations = mockClient(OrganizationsClient);
const published = (): Alert[] => sns.commandCalls(PublishCommand).map((c) => AlertSchema.parse(JSON.parse(c.args[0].input.Message!)));

beforeEach(() => {
  for (const mock of [sts, cloudtrail, s3, sns, organizations]) mock.reset();
  sts.on(AssumeRoleCommand).resolves({
    Credentials: { AccessKeyId: 'ASIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3_600_000) },
  });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
  cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  cloudtrail.on(DescribeTrailsCommand).resolves({
    trailList: [{ Name: 'org-audit', TrailARN: ORG_TRAIL_ARN, HomeRegion: 'us-east-1', S3BucketName: BUCKET, IsOrganizationTrail: true }],
  });
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-abc123def4', MasterAccountId: MANAGEMENT } });
});

describe('review rv2: a bucket policy TrailGuard may no longer read', () => {
  it('is alerted as a possible lockout, not as a missing baseline pin', async () => {
    s3.on(GetBucketPolicyCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const deps = createDefaultDeps({
      env: { AWS_REGION: 'us-east-1', TRAILGUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts' },
      log: recordingLog(),
      clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } },
    });
    const event = structuredClone(loadCase('16-stratus-cloudtrail-lifecycle-rule').event);
    Object.assign(event.detail, { eventName: 'PutBucketPolicy', requestParameters: { bucketName: BUCKET } });

    const result = (await createHandler(() => deps)(event)) as RemediationResult;

    expect(result.outcome).toBe('failed');
    const [alert] = published();
    expect(alert!.reason).toContain('may be locked out');
    expect(alert!.reason).not.toContain('retentionDays');
  });
});

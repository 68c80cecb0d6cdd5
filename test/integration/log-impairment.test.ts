// Issue 12, S3 / KMS / CloudWatch Logs rows, on moto: the attacker's call is made for real against moto, its
// CloudTrail record (shaped like case 16's, the Stratus Red Team technique) goes to the handler, and the test reads
// back moto's state and the alert the topic delivered.
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  KMSClient,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  S3Client,
  type LifecycleRule,
} from '@aws-sdk/client-s3';
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createDefaultDeps, createHandler, type RemediationResult } from '../../lambda/remediator.js';
import { AlertSchema } from '#core/alert.js';
import { WATCHED_EVENTS } from '#core/config.js';
import { forwardPattern } from '#core/desired-state.js';
import { CENTRAL_CREDENTIALS, MotoWorld, receiveAll } from '../support/aws.js';
import { loadCase, retargetAccounts } from '../support/cases.js';
import type { Envelope } from '../support/fixtures.js';
import { recordingLog } from '../support/recording-log.js';

// Accounts of this file only (moto is shared with the other integration files).
const MEMBER = '650000000001';
const OTHER = '650000000002';
const RULES = '650000000003';
const REGION = 'us-east-1';
const TRAIL = 'org-audit';
const BUCKET = 'org-audit-logs-650000000001';
const LOG_GROUP = 'org-audit-trail-events';
const LOG_GROUP_ARN = `arn:aws:logs:${REGION}:${MEMBER}:log-group:${LOG_GROUP}:*`;

const CLOUDTRAIL_BUCKET_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AWSCloudTrailAclCheck',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: `arn:aws:s3:::${BUCKET}`,
    },
    {
      Sid: 'AWSCloudTrailWrite',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/*`,
    },
  ],
});
const keyPolicy = (withCloudTrail: boolean) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'Root', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MEMBER}:root` }, Action: 'kms:*', Resource: '*' },
      ...(withCloudTrail
        ? [
            {
              Sid: 'CloudTrailEncrypt',
              Effect: 'Allow',
              Principal: { Service: 'cloudtrail.amazonaws.com' },
              Action: 'kms:GenerateDataKey*',
              Resource: '*',
            },
          ]
        : []),
    ],
  });

const KEEP_RULES: LifecycleRule[] = [
  { ID: 'archive-after-90-days', Status: 'Enabled', Filter: { Prefix: 'AWSLogs/' }, Transitions: [{ Days: 90, StorageClass: 'GLACIER' }] },
  { ID: 'expire-after-400-days', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 400 } },
];
const NUKE: LifecycleRule = { ID: 'nuke-cloudtrail-logs-after-1-day', Status: 'Enabled', Filter: { Prefix: '*' }, Expiration: { Days: 1 } };

let world: MotoWorld;
let inbox: Awaited<ReturnType<MotoWorld['topicWithQueue']>>;
let s3: S3Client;
let kms: KMSClient;
let logs: CloudWatchLogsClient;
let keyArn: string;
let keyId: string;
/** Handlers over the default config (no baseline) and over a baseline with retentionDays 365 and the log group. */
let withoutBaseline: (event: unknown) => Promise<unknown>;
let withBaseline: (event: unknown) => Promise<unknown>;

const case16 = loadCase('16-stratus-cloudtrail-lifecycle-rule');

/** A CloudTrail record of `eventName` as EventBridge delivers it, built on case 16's record in this file's account. */
function record(
  eventSource: string,
  eventName: string,
  requestParameters: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Envelope {
  const event = retargetAccounts(case16.event, { '222222222222': MEMBER });
  event.source = `aws.${eventSource.split('.')[0]}`;
  Object.assign(event.detail, { eventSource, eventName, requestParameters, eventID: crypto.randomUUID(), ...extra });
  return event;
}

async function alerts() {
  return (await receiveAll(inbox.sqs, inbox.queueUrl)).map((envelope) => AlertSchema.parse(JSON.parse(envelope.Message)));
}

async function rulesOf(bucket: string): Promise<LifecycleRule[] | 'none'> {
  try {
    return (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchLifecycleConfiguration') return 'none';
    throw error;
  }
}

function handlerWith(trails: unknown[]) {
  const deps = createDefaultDeps({
    env: { AWS_REGION: REGION, TRAILGUARD_TOPIC_ARN: inbox.topicArn, TRAILGUARD_TRAILS: JSON.stringify(trails) },
    log: recordingLog(),
    clientOptions: { endpoint: world.endpoint, credentials: CENTRAL_CREDENTIALS },
  });
  return createHandler(() => deps);
}

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  inbox = await world.topicWithQueue(REGION, 'trailguard-alerts-log-impairment-it');
  s3 = await world.memberClient(S3Client, MEMBER, REGION, { forcePathStyle: true });
  kms = await world.memberClient(KMSClient, MEMBER, REGION);
  logs = await world.memberClient(CloudWatchLogsClient, MEMBER, REGION);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: CLOUDTRAIL_BUCKET_POLICY }));
  const key = await kms.send(new CreateKeyCommand({ Policy: keyPolicy(true), Description: 'org-audit trail key' }));
  keyArn = key.KeyMetadata!.Arn!;
  keyId = key.KeyMetadata!.KeyId!;
  await logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }));
  const cloudtrail = await world.memberClient(CloudTrailClient, MEMBER, REGION);
  await cloudtrail.send(
    new CreateTrailCommand({
      Name: TRAIL,
      S3BucketName: BUCKET,
      IsMultiRegionTrail: true,
      KmsKeyId: keyArn,
      CloudWatchLogsLogGroupArn: LOG_GROUP_ARN,
      CloudWatchLogsRoleArn: `arn:aws:iam::${MEMBER}:role/CloudTrailToLogs`,
    }),
  );
  await cloudtrail.send(new StartLoggingCommand({ Name: TRAIL }));
  withoutBaseline = handlerWith([]);
  withBaseline = handlerWith([{ name: TRAIL, s3BucketName: BUCKET, retentionDays: 365, cloudWatchLogsLogGroupArn: LOG_GROUP_ARN }]);
});

beforeEach(async () => {
  await receiveAll(inbox.sqs, inbox.queueUrl);
});

describe('case 16: a lifecycle rule that expires the trail bucket after 1 day', () => {
  it('is forwarded by the member rule of the default watch list, as the case event stands; other S3 calls are not', async () => {
    // A member default bus with the forward rule's pattern, feeding a queue instead of the central bus.
    const events = await world.memberClient(EventBridgeClient, RULES, REGION);
    const sqs = await world.memberClient(SQSClient, RULES, REGION);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'forwarded-impairments' }));
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    await events.send(new PutRuleCommand({ Name: 'trailguard-forward', EventPattern: JSON.stringify(forwardPattern(WATCHED_EVENTS)) }));
    await events.send(new PutTargetsCommand({ Rule: 'trailguard-forward', Targets: [{ Id: 'queue', Arn: queueArn }] }));
    const put = (event: Envelope) =>
      events.send(
        new PutEventsCommand({
          Entries: [{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail) }],
        }),
      );
    const tagging = record('s3.amazonaws.com', 'PutBucketTagging', { bucketName: BUCKET });
    const disable = record('kms.amazonaws.com', 'DisableKey', { keyId: 'k' });

    await put(case16.event);
    await put(tagging);
    await put(disable);

    const forwarded: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      forwarded.push(...Messages.map((m) => JSON.parse(m.Body!).detail.eventName as string));
    }
    expect(forwarded.sort()).toEqual(['DisableKey', 'PutBucketLifecycle']);
  });

  it('with the default config (no baseline) is alerted on the topic naming the rule, and no rule is removed on a guess', async () => {
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: BUCKET, LifecycleConfiguration: { Rules: [...KEEP_RULES, NUKE] } }));
    const event = retargetAccounts(case16.event, { '222222222222': MEMBER });

    const result = (await withoutBaseline(event)) as RemediationResult;

    expect(result).toMatchObject({ outcome: 'alert-only', account: MEMBER, trail: TRAIL });
    const [alert, ...more] = await alerts();
    expect(more).toHaveLength(0);
    expect(alert).toMatchObject({
      eventName: 'PutBucketLifecycle',
      outcome: 'alert-only',
      account: MEMBER,
      trail: { name: TRAIL, arn: `arn:aws:cloudtrail:${REGION}:${MEMBER}:trail/${TRAIL}` },
      resource: { type: 's3-bucket', name: BUCKET, arn: `arn:aws:s3:::${BUCKET}`, restored: false },
      actor: { arn: `arn:aws:iam::${MEMBER}:user/red-team-operator` },
    });
    expect(alert!.changes).toContain(
      `a lifecycle rule "nuke-cloudtrail-logs-after-1-day" deleting logs after 1 day is on bucket ${BUCKET}`,
    );
    expect(alert!.reason).toContain('retentionDays');
    // The 400-day rule expires logs too and is reported; the GLACIER transition deletes nothing, but makes every log
    // unreadable until restored: reported too (there is no retentionDays to judge it by), never removed.
    expect(alert!.changes.join('\n')).toContain('"expire-after-400-days" deleting logs after 400 days');
    expect(alert!.changes.join('\n')).toContain(
      '"archive-after-90-days" moving logs to GLACIER after 90 days (unreadable until each is restored)',
    );
    expect(await rulesOf(BUCKET)).toHaveLength(3);
  });

  it('with retentionDays 365 removes only the 1-day rule, keeps the other two, and says so in words', async () => {
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: BUCKET, LifecycleConfiguration: { Rules: [...KEEP_RULES, NUKE] } }));

    const result = (await withBaseline(record('s3.amazonaws.com', 'PutBucketLifecycle', { bucketName: BUCKET }))) as RemediationResult;

    expect(result.outcome).toBe('restored');
    const rules = await rulesOf(BUCKET);
    expect(rules !== 'none' && rules.map((r) => r.ID).sort()).toEqual(['archive-after-90-days', 'expire-after-400-days']);
    const [alert] = await alerts();
    expect(alert).toMatchObject({ outcome: 'restored', resource: { type: 's3-bucket', name: BUCKET, restored: true }, error: null });
    expect(alert!.reason).toBe(
      `a lifecycle rule "nuke-cloudtrail-logs-after-1-day" deleting logs after 1 day was removed from bucket ${BUCKET}; the other 2 rules were kept (trail ${TRAIL} keeps logs 365 days)` +
        `; left in place, to be judged by a human: a lifecycle rule "archive-after-90-days" moving logs to GLACIER after 90 days (unreadable until each is restored) is on bucket ${BUCKET}, sooner than the 365 days trail ${TRAIL} keeps logs readable`,
    );
    expect(alert!.actions).toEqual([
      'GetBucketLifecycleConfiguration',
      'PutBucketLifecycleConfiguration: 2 rules kept',
      'GetBucketLifecycleConfiguration',
    ]);
    expect(alert!.remediatedAt).toMatch(/^\d{4}-/);
  });

  it('removes the whole configuration when every rule deletes logs sooner (PutBucketLifecycleConfiguration, noncurrent versions too)', async () => {
    const noncurrent: LifecycleRule = {
      ID: 'drop-old-versions',
      Status: 'Enabled',
      Filter: {},
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    };
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: BUCKET, LifecycleConfiguration: { Rules: [NUKE, noncurrent] } }));

    const result = (await withBaseline(
      record('s3.amazonaws.com', 'PutBucketLifecycleConfiguration', { bucketName: BUCKET }),
    )) as RemediationResult;

    expect(result.outcome).toBe('restored');
    expect(await rulesOf(BUCKET)).toBe('none');
    const [alert] = await alerts();
    expect(alert!.reason).toContain('2 lifecycle rules were removed');
    expect(alert!.reason).toContain('deleting overwritten or deleted log versions after 1 day');
    expect(alert!.reason).toContain('no other rule was there');
  });

  it("TrailGuard's own rewrite, recorded with its role, is ignored without an alert", async () => {
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: BUCKET, LifecycleConfiguration: { Rules: KEEP_RULES } }));
    const own = record(
      's3.amazonaws.com',
      'PutBucketLifecycleConfiguration',
      { bucketName: BUCKET },
      {
        userIdentity: {
          type: 'AssumedRole',
          arn: `arn:aws:sts::${MEMBER}:assumed-role/TrailGuardRemediator/trailguard-remediator`,
          sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${MEMBER}:role/TrailGuardRemediator` } },
        },
      },
    );

    const result = (await withBaseline(own)) as RemediationResult;

    expect(result.outcome).toBe('ignored');
    expect(await alerts()).toHaveLength(0);
  });

  it('a lifecycle rule on a bucket no trail delivers to is not alerted', async () => {
    const other = await world.memberClient(S3Client, OTHER, REGION, { forcePathStyle: true });
    await other.send(new CreateBucketCommand({ Bucket: 'app-uploads-650000000002' }));
    const event = retargetAccounts(record('s3.amazonaws.com', 'PutBucketLifecycle', { bucketName: 'app-uploads-650000000002' }), {
      [MEMBER]: OTHER,
    });

    const result = (await withBaseline(event)) as RemediationResult;

    expect(result).toMatchObject({ outcome: 'ignored', account: OTHER });
    expect(await alerts()).toHaveLength(0);
  });

  it('a failed attempt on the trail bucket is reported blocked', async () => {
    const event = record(
      's3.amazonaws.com',
      'PutBucketLifecycle',
      { bucketName: BUCKET },
      { errorCode: 'AccessDenied', errorMessage: 'Access Denied' },
    );

    const result = (await withBaseline(event)) as RemediationResult;

    expect(result.outcome).toBe('blocked');
    expect((await alerts())[0]).toMatchObject({ outcome: 'blocked', callError: { code: 'AccessDenied' }, resource: { name: BUCKET } });
  });
});

describe('the trail bucket policy and the bucket itself', () => {
  it('PutBucketPolicy that denies CloudTrail is alerted alert-only, naming the deny statement', async () => {
    const locked = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        ...JSON.parse(CLOUDTRAIL_BUCKET_POLICY).Statement,
        {
          Sid: 'LockOutCloudTrail',
          Effect: 'Deny',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:*',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
        },
      ],
    });
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: locked }));

    const result = (await withoutBaseline(record('s3.amazonaws.com', 'PutBucketPolicy', { bucketName: BUCKET }))) as RemediationResult;

    expect(result.outcome).toBe('alert-only');
    const [alert] = await alerts();
    expect(alert).toMatchObject({ outcome: 'alert-only', resource: { type: 's3-bucket', name: BUCKET, restored: false }, isLogging: true });
    expect(alert!.reason).toContain(
      `CloudTrail is locked out of its bucket: the policy of bucket ${BUCKET} denies s3:PutObject to CloudTrail (statement LockOutCloudTrail)`,
    );
    expect(alert!.actions).toEqual(['GetBucketPolicy', 'GetTrailStatus']);
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: CLOUDTRAIL_BUCKET_POLICY }));
  });

  it('DeleteBucketPolicy is alerted: CloudTrail has no grant left', async () => {
    await s3.send(new DeleteBucketPolicyCommand({ Bucket: BUCKET }));

    await withoutBaseline(record('s3.amazonaws.com', 'DeleteBucketPolicy', { bucketName: BUCKET }));

    const [alert] = await alerts();
    expect(alert).toMatchObject({ eventName: 'DeleteBucketPolicy', outcome: 'alert-only', resource: { restored: false } });
    expect(alert!.reason).toContain(`bucket ${BUCKET} has no policy now`);
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: CLOUDTRAIL_BUCKET_POLICY }));
  });

  it('DeleteBucket is failed: logging cannot resume', async () => {
    const cloudtrail = await world.memberClient(CloudTrailClient, OTHER, REGION);
    const other = await world.memberClient(S3Client, OTHER, REGION, { forcePathStyle: true });
    await other.send(new CreateBucketCommand({ Bucket: 'doomed-trail-logs-650000000002' }));
    await cloudtrail.send(new CreateTrailCommand({ Name: 'doomed', S3BucketName: 'doomed-trail-logs-650000000002' }));
    await other.send(new DeleteBucketCommand({ Bucket: 'doomed-trail-logs-650000000002' }));
    const event = retargetAccounts(record('s3.amazonaws.com', 'DeleteBucket', { bucketName: 'doomed-trail-logs-650000000002' }), {
      [MEMBER]: OTHER,
    });

    const result = (await withoutBaseline(event)) as RemediationResult;

    expect(result).toMatchObject({ outcome: 'failed', trail: 'doomed' });
    const [alert] = await alerts();
    expect(alert).toMatchObject({ outcome: 'failed', resource: { name: 'doomed-trail-logs-650000000002', restored: false } });
    expect(alert!.error).toContain('cannot deliver');
  });
});

describe("the trail's KMS key", () => {
  const keyState = async () => (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata!.KeyState;

  it('DisableKey: EnableKey, verified, restored', async () => {
    await kms.send(new DisableKeyCommand({ KeyId: keyId }));

    const result = (await withoutBaseline(record('kms.amazonaws.com', 'DisableKey', { keyId }))) as RemediationResult;

    expect(result.outcome).toBe('restored');
    expect(await keyState()).toBe('Enabled');
    const [alert] = await alerts();
    expect(alert).toMatchObject({
      eventName: 'DisableKey',
      outcome: 'restored',
      resource: { type: 'kms-key', name: keyId, arn: keyArn, restored: true },
    });
    expect(alert!.actions).toEqual(['DescribeKey', 'EnableKey', 'DescribeKey', 'GetTrailStatus']);
  });

  it('ScheduleKeyDeletion: CancelKeyDeletion then EnableKey, restored', async () => {
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));

    const result = (await withoutBaseline(
      record('kms.amazonaws.com', 'ScheduleKeyDeletion', { keyId: keyArn, pendingWindowInDays: 7 }),
    )) as RemediationResult;

    expect(result.outcome).toBe('restored');
    expect(await keyState()).toBe('Enabled');
    const [alert] = await alerts();
    expect(alert!.changes).toEqual([`KMS key ${keyId} of trail ${TRAIL} scheduled for deletion in 7 days`]);
    expect(alert!.reason).toContain('its deletion was cancelled and it was enabled again');
  });

  it('PutKeyPolicy that drops CloudTrail is alerted, not rewritten', async () => {
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: keyPolicy(false) }));

    const result = (await withoutBaseline(
      record('kms.amazonaws.com', 'PutKeyPolicy', { keyId: keyArn, policyName: 'default' }),
    )) as RemediationResult;

    expect(result.outcome).toBe('alert-only');
    const [alert] = await alerts();
    expect(alert!.reason).toContain(`the policy of key ${keyId} no longer allows cloudtrail.amazonaws.com kms:GenerateDataKey`);
    await kms.send(new PutKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default', Policy: keyPolicy(true) }));
  });
});

describe("the trail's CloudWatch Logs group", () => {
  const exists = async () =>
    ((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: LOG_GROUP }))).logGroups ?? []).some(
      (g) => g.logGroupName === LOG_GROUP,
    );

  it('DeleteLogGroup without a baseline naming it is alert-only and nothing is created', async () => {
    await logs.send(new DeleteLogGroupCommand({ logGroupName: LOG_GROUP }));

    const result = (await withoutBaseline(
      record('logs.amazonaws.com', 'DeleteLogGroup', { logGroupName: LOG_GROUP }),
    )) as RemediationResult;

    expect(result.outcome).toBe('alert-only');
    expect(await exists()).toBe(false);
    expect((await alerts())[0]!.reason).toContain('set cloudWatchLogsLogGroupArn');
  });

  it('DeleteLogGroup with the baseline naming it: recreated and verified', async () => {
    const result = (await withBaseline(record('logs.amazonaws.com', 'DeleteLogGroup', { logGroupName: LOG_GROUP }))) as RemediationResult;

    expect(result.outcome).toBe('recreated');
    expect(await exists()).toBe(true);
    const [alert] = await alerts();
    expect(alert).toMatchObject({ outcome: 'recreated', resource: { type: 'log-group', name: LOG_GROUP, restored: true } });
    expect(alert!.actions.slice(0, 2)).toEqual(['CreateLogGroup', 'DescribeLogGroups']);
  });
});

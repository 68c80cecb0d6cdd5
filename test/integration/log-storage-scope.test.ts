// Review r12 on moto: the trail's bucket policy is judged for the keys this trail writes (its S3KeyPrefix, its digests,
// its own ARN), and the lifecycle repair keeps the rules that cannot reach those keys. The attacker's call is made for
// real against moto, its CloudTrail record goes to the handler, and the test reads back moto's state and the alert.
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createDefaultDeps, createHandler, type RemediationResult } from '../../lambda/remediator.js';
import { AlertSchema } from '#core/alert.js';
import { CENTRAL_CREDENTIALS, MotoWorld, receiveAll } from '../support/aws.js';
import { loadCase, retargetAccounts } from '../support/cases.js';
import type { Envelope } from '../support/fixtures.js';
import { recordingLog } from '../support/recording-log.js';

// Accounts of this file only (moto is shared with the other integration files).
const MEMBER = '750000000001';
const REGION = 'us-east-1';
const TRAIL = 'org-audit';
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${MEMBER}:trail/${TRAIL}`;
const BUCKET = 'org-audit-logs-750000000001';
const PREFIX = 'audit';

const aclCheck = {
  Sid: 'AWSCloudTrailAclCheck',
  Effect: 'Allow',
  Principal: { Service: 'cloudtrail.amazonaws.com' },
  Action: 's3:GetBucketAcl',
  Resource: `arn:aws:s3:::${BUCKET}`,
  Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
};
/** CloudTrail User Guide's bucket policy, for the trail's prefix and ARN, with `Resource` and `SourceArn` overridable. */
const bucketPolicy = (resource = `arn:aws:s3:::${BUCKET}/${PREFIX}/AWSLogs/${MEMBER}/*`, sourceArn = TRAIL_ARN) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      aclCheck,
      {
        Sid: 'AWSCloudTrailWrite',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: resource,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': sourceArn } },
      },
    ],
  });

let world: MotoWorld;
let inbox: Awaited<ReturnType<MotoWorld['topicWithQueue']>>;
let s3: S3Client;
let handler: (event: unknown) => Promise<unknown>;
const case16 = loadCase('16-stratus-cloudtrail-lifecycle-rule');

function record(eventName: string): Envelope {
  const event = retargetAccounts(case16.event, { '222222222222': MEMBER });
  Object.assign(event.detail, { eventName, requestParameters: { bucketName: BUCKET }, eventID: crypto.randomUUID() });
  return event;
}

async function alerts() {
  return (await receiveAll(inbox.sqs, inbox.queueUrl)).map((envelope) => AlertSchema.parse(JSON.parse(envelope.Message)));
}

async function ruleIds(): Promise<string[]> {
  return ((await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }))).Rules ?? []).map((r) => r.ID!).sort();
}

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  inbox = await world.topicWithQueue(REGION, 'trailguard-alerts-log-storage-scope-it');
  s3 = await world.memberClient(S3Client, MEMBER, REGION, { forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: bucketPolicy() }));
  const cloudtrail = await world.memberClient(CloudTrailClient, MEMBER, REGION);
  await cloudtrail.send(
    new CreateTrailCommand({
      Name: TRAIL,
      S3BucketName: BUCKET,
      S3KeyPrefix: PREFIX,
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
    }),
  );
  await cloudtrail.send(new StartLoggingCommand({ Name: TRAIL }));
  const deps = createDefaultDeps({
    env: {
      AWS_REGION: REGION,
      TRAILGUARD_TOPIC_ARN: inbox.topicArn,
      TRAILGUARD_TRAILS: JSON.stringify([{ name: TRAIL, s3BucketName: BUCKET, s3KeyPrefix: PREFIX, retentionDays: 365 }]),
    },
    log: recordingLog(),
    clientOptions: { endpoint: world.endpoint, credentials: CENTRAL_CREDENTIALS },
  });
  handler = createHandler(() => deps);
});

beforeEach(async () => {
  await receiveAll(inbox.sqs, inbox.queueUrl);
});

describe('the bucket policy is judged for the keys and the ARN of this trail', () => {
  it("CloudTrail's documented policy for the trail's prefix still lets it deliver", async () => {
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: bucketPolicy() }));

    const result = (await handler(record('PutBucketPolicy'))) as RemediationResult;

    expect(result.outcome).toBe('alert-only');
    const [alert] = await alerts();
    expect(alert).toMatchObject({ resource: { type: 's3-bucket', name: BUCKET, restored: null } });
    expect(alert!.reason).toContain('it still allows CloudTrail to deliver');
  });

  it('a grant on a decoy prefix, on the logs without the digests, or for another trail is a lockout naming what is refused', async () => {
    const cases = [
      [bucketPolicy(`arn:aws:s3:::${BUCKET}/decoy/*`), `s3:PutObject on arn:aws:s3:::${BUCKET}/${PREFIX}/AWSLogs/${MEMBER}/CloudTrail/*`],
      [
        bucketPolicy(`arn:aws:s3:::${BUCKET}/AWSLogs/${MEMBER}/*`),
        `s3:PutObject on arn:aws:s3:::${BUCKET}/${PREFIX}/AWSLogs/${MEMBER}/CloudTrail/*`,
      ],
      [
        bucketPolicy(`arn:aws:s3:::${BUCKET}/${PREFIX}/AWSLogs/${MEMBER}/CloudTrail/*`),
        `s3:PutObject on arn:aws:s3:::${BUCKET}/${PREFIX}/AWSLogs/${MEMBER}/CloudTrail-Digest/*`,
      ],
      [bucketPolicy(undefined, `arn:aws:cloudtrail:${REGION}:${MEMBER}:trail/decoy`), 's3:PutObject on'],
    ] as const;
    for (const [policy, refused] of cases) {
      await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: policy }));

      const result = (await handler(record('PutBucketPolicy'))) as RemediationResult;

      expect(result.outcome).toBe('alert-only');
      const [alert] = await alerts();
      expect(alert!.resource).toMatchObject({ restored: false });
      expect(alert!.reason).toContain(
        `CloudTrail is locked out of its bucket: the policy of bucket ${BUCKET} no longer allows cloudtrail.amazonaws.com`,
      );
      expect(alert!.reason, refused).toContain(refused);
    }
    await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: bucketPolicy() }));
  });
});

describe('the lifecycle repair keeps rules CloudTrail never writes under', () => {
  it("removes the rule on the trail's prefix, keeps Athena results, tagged scratch and the root AWSLogs/ rule", async () => {
    const rules: LifecycleRule[] = [
      { ID: 'nuke', Status: 'Enabled', Filter: { Prefix: `${PREFIX}/` }, Expiration: { Days: 1 } },
      { ID: 'athena-results', Status: 'Enabled', Filter: { Prefix: 'athena-results/' }, Expiration: { Days: 1 } },
      { ID: 'scratch', Status: 'Enabled', Filter: { Tag: { Key: 'scratch', Value: 'true' } }, Expiration: { Days: 2 } },
      {
        ID: 'old-root-logs',
        Status: 'Enabled',
        Filter: { And: { Prefix: 'AWSLogs/', ObjectSizeGreaterThan: 0 } },
        Expiration: { Days: 30 },
      },
    ];
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: BUCKET, LifecycleConfiguration: { Rules: rules } }));

    const result = (await handler(record('PutBucketLifecycleConfiguration'))) as RemediationResult;

    expect(result.outcome).toBe('restored');
    expect(await ruleIds()).toEqual(['athena-results', 'old-root-logs', 'scratch']);
    const [alert] = await alerts();
    expect(alert!.reason).toBe(
      `a lifecycle rule "nuke" deleting logs after 1 day was removed from bucket ${BUCKET}; the other 3 rules were kept (trail ${TRAIL} keeps logs 365 days)`,
    );
  });

  it('a rule moving the logs to DEEP_ARCHIVE at once is alerted, and left in place', async () => {
    const freeze: LifecycleRule = {
      ID: 'freeze',
      Status: 'Enabled',
      Filter: { Prefix: `${PREFIX}/AWSLogs/` },
      Transitions: [{ Days: 0, StorageClass: 'DEEP_ARCHIVE' }],
    };
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: BUCKET, LifecycleConfiguration: { Rules: [freeze] } }));

    const result = (await handler(record('PutBucketLifecycleConfiguration'))) as RemediationResult;

    expect(result.outcome).toBe('alert-only');
    expect(await ruleIds()).toEqual(['freeze']);
    const [alert] = await alerts();
    expect(alert!.resource).toMatchObject({ restored: false });
    expect(alert!.reason).toContain(
      `a lifecycle rule "freeze" moving logs to DEEP_ARCHIVE after 0 days (unreadable until each is restored) is on bucket ${BUCKET}: sooner than the 365 days`,
    );
  });
});

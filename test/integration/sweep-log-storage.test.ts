// The sweep finding a lifecycle rule on a member's trail bucket on moto (Stratus Red Team's cloudtrail-lifecycle-rule,
// case 16, with its record never delivered or set before TrailGuard was installed): driven through the remediator's
// own sweep dependencies (createDefaultDeps), the bucket in a log-archive member read through TrailGuard's role there.
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDefaultDeps } from '../../lambda/remediator.js';
import { sweepAccount, type SweepDeps } from '../../lambda/sweep.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { AnyAlertSchema, type Alert } from '#core/alert.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { validateConfig } from '#core/config.js';
import { remediatorEnvironment } from '#core/desired-state.js';
import { errorCode } from '#core/errors.js';
import type { AccountSweepMessage } from '#core/sweep.js';
import { cloudTrailBucketPolicy, MotoWorld, receiveAll, testAccounts } from '../support/aws.js';
import { recordingLog } from '../support/recording-log.js';

// Accounts of this file only (moto is shared and keeps state per account).
const CENTRAL = '820000000001';
const MEMBER = '820000000002';
const ARCHIVE = '820000000003';
const REGION = 'us-east-1';
const TRAIL = 'org-audit';
const BUCKET = `logs-${ARCHIVE}`;
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${MEMBER}:trail/${TRAIL}`;

let world: MotoWorld;
let sqs: SQSClient;
let inboxUrl: string;
let sweep: SweepDeps;
let archiveS3: S3Client;
let n = 0;

async function alerts(): Promise<Alert[]> {
  return (await receiveAll(sqs, inboxUrl)).map((e) => AnyAlertSchema.parse(JSON.parse(e.Message)));
}

function sweepMember() {
  n += 1;
  const message: AccountSweepMessage = {
    trailguard: 'sweep',
    action: 'account',
    sweepId: `storage-${n}`,
    account: MEMBER,
    regions: [REGION],
    startedAt: new Date().toISOString(),
  };
  return sweepAccount(message, sweep);
}

async function lifecycleRuleIds(): Promise<string[]> {
  try {
    const out = await archiveS3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }));
    return (out.Rules ?? []).map((r) => r.ID ?? '');
  } catch (error) {
    if (errorCode(error) === 'NoSuchLifecycleConfiguration') return [];
    throw error;
  }
}

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  // Before TrailGuard: the log archive's bucket with CloudTrail's policy and a rule deleting every object after a day.
  archiveS3 = await world.memberClient(S3Client, ARCHIVE, REGION, { forcePathStyle: true });
  await archiveS3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await archiveS3.send(
    new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify(cloudTrailBucketPolicy(BUCKET, MEMBER, REGION, TRAIL)) }),
  );
  await archiveS3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: BUCKET,
      LifecycleConfiguration: { Rules: [{ ID: 'stratus-expire', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } }] },
    }),
  );
  const cloudtrail = await world.memberClient(CloudTrailClient, MEMBER, REGION);
  await cloudtrail.send(
    new CreateTrailCommand({
      Name: TRAIL,
      S3BucketName: BUCKET,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
    }),
  );
  await cloudtrail.send(new StartLoggingCommand({ Name: TRAIL }));

  const config = validateConfig({
    version: 1,
    central: { account: CENTRAL, region: REGION },
    members: { accounts: [{ id: MEMBER }, { id: ARCHIVE }], regions: [REGION] },
    remediator: { delivery: 'queue' },
    trails: [
      {
        name: TRAIL,
        s3BucketName: BUCKET,
        s3BucketAccount: ARCHIVE,
        retentionDays: 365,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        isOrganizationTrail: false,
      },
    ],
    sweep: { schedule: 'rate(15 minutes)' },
  });
  const accounts = testAccounts(world, REGION);
  const report = await runPipeline({ config, mode: 'apply', accounts, code: loadRemediatorCode(), sleep: async () => undefined });
  expect(report.errors).toEqual([]);

  const central = await world.credentialsFor(CENTRAL);
  sqs = world.client(SQSClient, REGION, central);
  inboxUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'sweep-log-storage-inbox' }))).QueueUrl!;
  const inboxArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: inboxUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
  const topicArn = `arn:aws:sns:${REGION}:${CENTRAL}:trailguard-alerts`;
  await world.client(SNSClient, REGION, central).send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: inboxArn }));
  const deps = createDefaultDeps({
    env: { AWS_REGION: REGION, ...remediatorEnvironment(config, [MEMBER, ARCHIVE]) },
    log: recordingLog(),
    clientOptions: { endpoint: world.endpoint, credentials: central },
  });
  sweep = await deps.sweep!();
});

describe('sweep: the trail bucket lifecycle rules on moto', () => {
  it("a 1-day expiration rule set before TrailGuard on a member's trail bucket in the log archive is removed by the sweep, alerted once", async () => {
    expect(await lifecycleRuleIds()).toEqual(['stratus-expire']);

    const result = await sweepMember();

    expect(result.findings).toEqual([
      expect.objectContaining({ kind: 'lifecycle', resource: TRAIL_ARN, outcome: 'restored', repaired: true }),
    ]);
    expect(await lifecycleRuleIds()).toEqual([]);
    const sent = await alerts();
    expect(sent).toEqual([
      expect.objectContaining({
        trigger: 'sweep',
        outcome: 'restored',
        account: ARCHIVE,
        trail: expect.objectContaining({ name: TRAIL, arn: TRAIL_ARN }),
        resource: expect.objectContaining({ type: 's3-bucket', name: BUCKET, restored: true }),
      }),
    ]);
    expect(sent[0]!.reason).toContain('stratus-expire');

    // Fixed: the next sweep finds nothing and says nothing.
    const again = await sweepMember();
    expect(again.findings).toEqual([]);
    expect(await alerts()).toEqual([]);
  });
});

// The sweep judging a trail's log storage (lambda/sweep-storage.ts) against recorded AWS answers: lifecycle rules,
// the bucket policy and the KMS key, repaired where the event path repairs them, alerted once otherwise, then resolved.
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { CancelKeyDeletionCommand, DescribeKeyCommand, EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { sweepAccount, type SweepDeps } from '../../lambda/sweep.js';
import { AlertSchema, type Alert } from '#core/alert.js';
import type { StateTable } from '#core/aws/state-table.js';
import type { TrailBaseline } from '#core/config.js';
import type { AccountSweepMessage } from '#core/sweep.js';
import { memoryState, sweepSettings } from '../support/memory-state.js';
import { recordingLog } from '../support/recording-log.js';
import { healthyBucket, noLifecycle, openCloudTrailPolicy } from '../support/trail-storage.js';

const ACCOUNT = '222222222222';
const ARCHIVE = '333333333333';
const REGION = 'us-east-1';
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-audit`;
const BUCKET = 'org-audit-logs';
const KEY_ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:${REGION}:${ACCOUNT}:key/${KEY_ID}`;
const BUS = 'arn:aws:events:us-east-1:111111111111:event-bus/trailguard';
const cloudtrail = mockClient(CloudTrailClient);
const events = mockClient(EventBridgeClient);
const s3 = mockClient(S3Client);
const kms = mockClient(KMSClient);

const BASELINE: TrailBaseline = {
  name: 'org-audit',
  s3BucketName: BUCKET,
  isMultiRegionTrail: true,
  includeGlobalServiceEvents: true,
  enableLogFileValidation: false,
};

let published: Alert[];
let state: ReturnType<typeof memoryState>;
let s3Accounts: string[];
let s3Regions: string[];
let n = 0;

function deps(trails: TrailBaseline[] = [BASELINE]): SweepDeps {
  return {
    settings: sweepSettings({ trails }),
    log: recordingLog(),
    now: () => new Date('2026-01-01T00:00:00.000Z'),
    cloudtrail: async () => new CloudTrailClient({ region: REGION }),
    events: async () => new EventBridgeClient({ region: REGION }),
    async s3(account, region) {
      s3Accounts.push(account);
      s3Regions.push(region);
      return new S3Client({ region });
    },
    kms: async (_account, region) => new KMSClient({ region }),
    async publish(alert) {
      published.push(AlertSchema.parse(alert));
      return 'm-1';
    },
    state: state as unknown as StateTable,
    members: async () => [ACCOUNT],
    enqueue: async () => {},
    sweep: { regions: [REGION], centralBusArn: BUS, canaryGraceMs: 60_000 },
  };
}

function sweep(trails?: TrailBaseline[]) {
  n += 1;
  const message: AccountSweepMessage = {
    trailguard: 'sweep',
    action: 'account',
    sweepId: `s${n}`,
    account: ACCOUNT,
    regions: [REGION],
    startedAt: '2026-01-01T00:00:00.000Z',
  };
  return sweepAccount(message, deps(trails));
}

/** The trail as DescribeTrails reports it: logging, complete selectors, no delivery error. */
function trailIs(extra: { KmsKeyId?: string } = {}) {
  const trail = {
    TrailARN: TRAIL_ARN,
    Name: 'org-audit',
    HomeRegion: REGION,
    IsMultiRegionTrail: true,
    IncludeGlobalServiceEvents: true,
    LogFileValidationEnabled: false,
    S3BucketName: BUCKET,
    ...extra,
  };
  cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [trail] });
  cloudtrail.on(GetTrailCommand).resolves({ Trail: trail });
}

function s3Error(name: string, status: number, headers: Record<string, string> = {}) {
  return Object.assign(new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name }), {
    $response: { statusCode: status, headers, body: undefined },
  });
}

const EXPIRE_ALL = { ID: 'nuke', Status: 'Enabled' as const, Filter: { Prefix: '' }, Expiration: { Days: 1 } };

beforeEach(() => {
  published = [];
  state = memoryState();
  s3Accounts = [];
  s3Regions = [];
  cloudtrail.reset();
  events.reset();
  s3.reset();
  kms.reset();
  healthyBucket(s3, BUCKET);
  cloudtrail.on(ListTrailsCommand).resolves({ Trails: [{ TrailARN: TRAIL_ARN, HomeRegion: REGION, Name: 'org-audit' }] });
  trailIs();
  cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  cloudtrail.on(GetEventSelectorsCommand).resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] });
  events.on(DescribeRuleCommand).resolves({ State: 'ENABLED' });
  events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: 'trailguard-central-bus', Arn: BUS }] });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'c1' }] });
});

describe('sweep: the trail bucket lifecycle rules', () => {
  it('a healthy bucket and key make no finding and no alert', async () => {
    trailIs({ KmsKeyId: KEY_ARN });
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY_ID, KeyState: 'Enabled' } });

    const result = await sweep();

    expect(result.findings).toEqual([]);
    expect(published).toEqual([]);
    expect(s3.commandCalls(GetBucketLifecycleConfigurationCommand)).toHaveLength(1);
    expect(kms.commandCalls(DescribeKeyCommand)).toHaveLength(1);
  });

  it('an expiring rule is removed when the baseline pins retentionDays: restored once, as the event path does', async () => {
    s3.on(GetBucketLifecycleConfigurationCommand)
      .resolvesOnce({ Rules: [EXPIRE_ALL] })
      .rejects(noLifecycle());
    s3.on(DeleteBucketLifecycleCommand).resolves({});

    const result = await sweep([{ ...BASELINE, retentionDays: 365 }]);

    expect(s3.commandCalls(DeleteBucketLifecycleCommand)).toHaveLength(1);
    expect(result.findings).toEqual([
      expect.objectContaining({ kind: 'lifecycle', outcome: 'restored', repaired: true, resource: TRAIL_ARN }),
    ]);
    expect(result.unrepaired).toBe(0);
    expect(published).toEqual([
      expect.objectContaining({
        trigger: 'sweep',
        outcome: 'restored',
        trail: expect.objectContaining({ arn: TRAIL_ARN }),
        resource: expect.objectContaining({ type: 's3-bucket', name: BUCKET, restored: true }),
      }),
    ]);
    expect(published[0]!.reason).toContain('nuke');
    expect(published[0]!.actions).toContain('DeleteBucketLifecycle');

    await sweep([{ ...BASELINE, retentionDays: 365 }]);
    expect(published).toHaveLength(1);
  });

  it('without retentionDays an expiring rule is alerted once, never removed, then resolved when gone', async () => {
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({ Rules: [EXPIRE_ALL] });

    const first = await sweep();
    await sweep();

    expect(s3.commandCalls(DeleteBucketLifecycleCommand)).toHaveLength(0);
    expect(first.findings).toEqual([expect.objectContaining({ kind: 'lifecycle', outcome: 'alert-only', repaired: false })]);
    expect(first.unrepaired).toBe(1);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ trigger: 'sweep', outcome: 'alert-only', resource: { name: BUCKET, restored: false } });
    expect(published[0]!.reason).toContain('retentionDays');

    s3.on(GetBucketLifecycleConfigurationCommand).rejects(noLifecycle());
    await sweep();
    expect(published).toHaveLength(2);
    expect(published[1]).toMatchObject({ outcome: 'resolved', resolves: published[0]!.id, trigger: 'sweep' });
  });

  it('a rule whose filter cannot reach the trail log keys is no finding', async () => {
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({
      Rules: [{ ID: 'athena', Status: 'Enabled', Filter: { Prefix: 'athena-results/' }, Expiration: { Days: 1 } }],
    });

    const result = await sweep();

    expect(result.findings).toEqual([]);
    expect(published).toEqual([]);
  });

  it('a bucket in another member (s3BucketAccount) is read through that account role', async () => {
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({ Rules: [EXPIRE_ALL] });

    await sweep([{ ...BASELINE, s3BucketAccount: ARCHIVE }]);

    expect(new Set(s3Accounts)).toEqual(new Set([ARCHIVE]));
    expect(published).toEqual([expect.objectContaining({ outcome: 'alert-only', account: ARCHIVE })]);
  });

  it('a bucket in another region than the trail is read in the region S3 names (x-amz-bucket-region)', async () => {
    s3.on(GetBucketLifecycleConfigurationCommand)
      .rejectsOnce(s3Error('PermanentRedirect', 301, { 'x-amz-bucket-region': 'eu-west-1' }))
      .resolves({ Rules: [EXPIRE_ALL] });

    await sweep();

    expect(s3Regions).toContain('eu-west-1');
    expect(published).toEqual([expect.objectContaining({ outcome: 'alert-only', region: 'eu-west-1' })]);
  });

  it('a region S3 names that TrailGuard does not know is not followed: cannot confirm', async () => {
    s3.on(GetBucketLifecycleConfigurationCommand)
      .rejectsOnce(s3Error('PermanentRedirect', 301, { 'x-amz-bucket-region': 'xx-nowhere-9' }))
      .resolves({ Rules: [] });

    await sweep();

    expect(s3Regions).not.toContain('xx-nowhere-9');
    expect(published).toEqual([expect.objectContaining({ outcome: 'failed', trigger: 'sweep' })]);
    expect(published[0]!.reason).toContain('cannot confirm');
  });

  it('a bucket TrailGuard cannot read is alerted "cannot confirm" (failed), once, and not resolved while unread', async () => {
    s3.on(GetBucketLifecycleConfigurationCommand).rejects(s3Error('AccessDenied', 403));

    const first = await sweep();
    await sweep();

    expect(first.findings).toEqual([expect.objectContaining({ kind: 'lifecycle', outcome: 'failed', repaired: false })]);
    expect(first.unrepaired).toBe(1);
    expect(published).toHaveLength(1);
    expect(published[0]!.reason).toContain('cannot confirm');
    expect(published[0]!.reason).toContain('s3:GetLifecycleConfiguration');
    expect(published[0]!.reason).toContain('s3BucketAccount');
  });
});

describe('sweep: the trail bucket policy', () => {
  it('a policy that denies CloudTrail PutObject is alerted as a lock-out, once, with trigger sweep', async () => {
    const policy = JSON.parse(openCloudTrailPolicy(BUCKET));
    policy.Statement.push({
      Sid: 'NoLogs',
      Effect: 'Deny',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
    });
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify(policy) });

    const result = await sweep();
    await sweep();

    expect(result.findings).toEqual([expect.objectContaining({ kind: 'bucket-policy', outcome: 'alert-only', repaired: false })]);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ trigger: 'sweep', resource: { type: 's3-bucket', name: BUCKET, restored: false } });
    expect(published[0]!.reason).toContain('locked out');
    expect(published[0]!.reason).toContain('NoLogs');
  });

  it('a bucket with no policy at all is alerted: CloudTrail may not write to it', async () => {
    s3.on(GetBucketPolicyCommand).rejects(s3Error('NoSuchBucketPolicy', 404));

    await sweep();

    expect(published).toEqual([expect.objectContaining({ trigger: 'sweep', outcome: 'alert-only' })]);
    expect(published[0]!.reason).toContain('has no policy');
  });
});

describe('sweep: the trail KMS key', () => {
  it('a disabled key is enabled again and verified: restored, with trigger sweep', async () => {
    trailIs({ KmsKeyId: KEY_ARN });
    kms
      .on(DescribeKeyCommand)
      .resolvesOnce({ KeyMetadata: { KeyId: KEY_ID, KeyState: 'Disabled' } })
      .resolves({ KeyMetadata: { KeyId: KEY_ID, KeyState: 'Enabled' } });
    kms.on(EnableKeyCommand).resolves({});

    const result = await sweep();

    expect(kms.commandCalls(EnableKeyCommand)).toHaveLength(1);
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'kms-key', outcome: 'restored', repaired: true })]);
    expect(published).toEqual([
      expect.objectContaining({
        trigger: 'sweep',
        outcome: 'restored',
        resource: expect.objectContaining({ type: 'kms-key', arn: KEY_ARN }),
      }),
    ]);
  });

  it('a key pending deletion has its deletion cancelled and is enabled again', async () => {
    trailIs({ KmsKeyId: KEY_ARN });
    kms
      .on(DescribeKeyCommand)
      .resolvesOnce({ KeyMetadata: { KeyId: KEY_ID, KeyState: 'PendingDeletion' } })
      .resolves({ KeyMetadata: { KeyId: KEY_ID, KeyState: 'Enabled' } });
    kms.on(CancelKeyDeletionCommand).resolves({});
    kms.on(EnableKeyCommand).resolves({});

    await sweep();

    expect(kms.commandCalls(CancelKeyDeletionCommand)).toHaveLength(1);
    expect(published).toEqual([expect.objectContaining({ outcome: 'restored' })]);
    expect(published[0]!.reason).toContain('deletion was cancelled');
  });

  it('a key that cannot be re-enabled (no grant) is alerted failed and counted unrepaired', async () => {
    trailIs({ KmsKeyId: KEY_ARN });
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY_ID, KeyState: 'Disabled' } });
    kms.on(EnableKeyCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    const result = await sweep();

    expect(result.unrepaired).toBe(1);
    expect(published).toEqual([expect.objectContaining({ trigger: 'sweep', outcome: 'failed', actions: ['DescribeKey'] })]);
    // The key was read: its state is known, only the repair was refused, and the alert says what grants it.
    expect(published[0]!.reason).not.toContain('cannot confirm');
    expect(published[0]!.reason).toContain('EnableKey');
    expect(published[0]!.reason).toContain('kmsKeyId');
  });
});

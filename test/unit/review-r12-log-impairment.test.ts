// Review r12: attacks on the log-impairment family (the trail's bucket, key and log group). Each test is one weakness
// found by trying to blind CloudTrail past TrailGuard; `it.fails` marks the ones left open (the comment says the fix).
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  PutBucketLifecycleConfigurationCommand,
  S3Client,
  type LifecycleRule,
} from '@aws-sdk/client-s3';
import { CancelKeyDeletionCommand, DescribeKeyCommand, EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDefaultDeps, createHandler, type RemediationResult } from '../../lambda/remediator.js';
import { AlertSchema, type Alert } from '#core/alert.js';
import { memberRemediationPermissionsPolicy } from '#core/iam-policies.js';
import { decideLifecycle } from '#core/log-storage.js';
import { WATCHED_EVENTS } from '#core/config.js';
import { loadCase } from '../support/cases.js';
import type { Envelope } from '../support/fixtures.js';
import { recordingLog } from '../support/recording-log.js';

const case16 = loadCase('16-stratus-cloudtrail-lifecycle-rule');
const NOW = new Date('2026-11-28T10:05:00Z');
const DAY = 86_400_000;
const MEMBER = '660000000012';
const BUCKET = 'org-audit-logs-660000000012';
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/org-audit`;

/** Case 16's envelope, moved to this file's member account (and optionally another region), with `changes` on its detail. */
function eventOf(changes: Record<string, unknown>, { region = 'us-east-1', source = 'aws.s3' } = {}): Envelope {
  const event = structuredClone(case16.event);
  Object.assign(event.detail, { recipientAccountId: MEMBER, awsRegion: region, requestParameters: { bucketName: BUCKET } }, changes);
  return Object.assign(event, { account: MEMBER, region, source });
}

describe('review r12: lifecycle rules that destroy logs', () => {
  const rule = (ID: string, extra: Partial<LifecycleRule>): LifecycleRule => ({ ID, Status: 'Enabled', Filter: { Prefix: '' }, ...extra });

  // An Expiration.Date expires EVERY object on that date, whatever its age: a log written the day before lives one day.
  // TrailGuard turned the date into "days from now" and compared that with retentionDays, so a date 400 days away
  // passed a 365-day retention and was reported `already-compliant`; on that day every log (also yesterday's) goes,
  // and no event fires then. Fixed: an expiration date is always shorter than any retention.
  it('an Expiration.Date further away than retentionDays still deletes the newest logs within a day: it is removed', () => {
    const doomsday = new Date(NOW.getTime() + 400 * DAY);

    const decision = decideLifecycle([rule('doomsday', { Expiration: { Date: doomsday } })], 365, NOW);

    expect(decision.expiring.map((r) => r.rule.ID)).toEqual(['doomsday']);
    expect(decision.expiring[0]!.description).toBe(
      `a lifecycle rule "doomsday" deleting every log on ${doomsday.toISOString().slice(0, 10)}`,
    );
  });
});

describe('review r12: lifecycle rules that must be kept (checked, held)', () => {
  it('keeps AbortIncompleteMultipartUpload, delete-marker cleanup, disabled and long rules; removes noncurrent expiry with NewerNoncurrentVersions', () => {
    const rules: LifecycleRule[] = [
      { ID: 'abort-mpu', Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
      { ID: 'markers', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { ExpiredObjectDeleteMarker: true } },
      { ID: 'off', Status: 'Disabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } },
      { ID: 'decade', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 3650 } },
      {
        ID: 'versions',
        Status: 'Enabled',
        Filter: { And: { Prefix: 'AWSLogs/', ObjectSizeGreaterThan: 0 } },
        NoncurrentVersionExpiration: { NoncurrentDays: 1, NewerNoncurrentVersions: 2 },
      },
    ];

    const decision = decideLifecycle(rules, 365, NOW);

    expect(decision.kept.map((r) => r.ID)).toEqual(['abort-mpu', 'markers', 'off', 'decade']);
    expect(decision.expiring.map((r) => r.rule.ID)).toEqual(['versions']);
  });
});

describe('review r12: remediator paths (recorded responses)', () => {
  const sts = mockClient(STSClient);
  const cloudtrail = mockClient(CloudTrailClient);
  const s3 = mockClient(S3Client);
  const sns = mockClient(SNSClient);
  const kms = mockClient(KMSClient);
  const published = (): Alert[] => sns.commandCalls(PublishCommand).map((c) => AlertSchema.parse(JSON.parse(c.args[0].input.Message!)));
  const handlerWith = (trails: unknown[]) => {
    const deps = createDefaultDeps({
      env: {
        AWS_REGION: 'us-east-1',
        TRAILGUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:660000000011:trailguard-alerts',
        TRAILGUARD_TRAILS: JSON.stringify(trails),
      },
      log: recordingLog(),
      clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } },
    });
    const handler = createHandler(() => deps);
    return (event: unknown) => handler(event) as Promise<RemediationResult>;
  };
  const trail = { Name: 'org-audit', TrailARN: TRAIL_ARN, HomeRegion: 'us-east-1', S3BucketName: BUCKET };
  const policyOf = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });

  beforeEach(() => {
    for (const mock of [sts, cloudtrail, s3, sns, kms]) mock.reset();
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAMEMBER',
        SecretAccessKey: 'member-secret',
        SessionToken: 'token',
        Expiration: new Date(Date.now() + 3_600_000),
      },
    });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  });

  // CloudTrail's documented bucket policy has two statements: s3:GetBucketAcl (AWSCloudTrailAclCheck) and s3:PutObject
  // (AWSCloudTrailWrite); CloudTrail checks the ACL before it delivers. An attacker who replaces the policy with one
  // that keeps only the PutObject grant shuts CloudTrail out, yet TrailGuard checked PutObject alone and said "it still
  // allows CloudTrail to deliver" (restored: null). Fixed: the policy handler checks s3:GetBucketAcl too.
  it('a bucket policy that drops CloudTrail s3:GetBucketAcl is reported as locking CloudTrail out', async () => {
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [trail] });
    s3.on(GetBucketPolicyCommand).resolves({
      Policy: policyOf({
        Sid: 'AWSCloudTrailWrite',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/${MEMBER}/*`,
      }),
    });

    const result = await handlerWith([])(eventOf({ eventName: 'PutBucketPolicy' }));

    expect(result.outcome).toBe('alert-only');
    const [alert] = published();
    expect(alert!.resource).toMatchObject({ type: 's3-bucket', name: BUCKET, restored: false });
    expect(alert!.reason).toContain('CloudTrail is locked out of its bucket');
    expect(alert!.reason).toContain('s3:GetBucketAcl');
  });

  // The Allow's Resource is never read: a policy granting CloudTrail s3:PutObject only on a decoy prefix (CloudTrail
  // writes under AWSLogs/<account>/) shuts it out, and the alert says "it still allows CloudTrail to deliver".
  // Fixed: the policy is evaluated for the trail's own requests (src/core/resource-policy.ts): Resource against the
  // keys it writes under <S3KeyPrefix>/AWSLogs/<account or org id>/, aws:SourceArn / aws:SourceAccount against the
  // trail; `restored: false` when no Allow covers them (every statement form: test/unit/log-storage-policy.test.ts).
  it('a bucket policy that grants CloudTrail PutObject only on a decoy prefix is reported as locking CloudTrail out', async () => {
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [trail] });
    s3.on(GetBucketPolicyCommand).resolves({
      Policy: policyOf(
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
          Resource: `arn:aws:s3:::${BUCKET}/decoy/*`,
        },
      ),
    });

    await handlerWith([])(eventOf({ eventName: 'PutBucketPolicy' }));

    const [alert] = published();
    expect(alert!.resource).toMatchObject({ restored: false });
    expect(alert!.reason).toContain('CloudTrail is locked out of its bucket');
  });

  // The repair removes every enabled rule that expires objects sooner than retentionDays "whatever its filter". A trail
  // bucket often holds other data with a legitimate short expiry (Athena query results under athena-results/, objects
  // tagged scratch=true): CloudTrail writes only under <S3KeyPrefix/>AWSLogs/ and never tags its objects, so those rules
  // never touch a log. Yet any PutBucketLifecycle on the bucket (the attacker's 1-day rule, or a benign edit) makes
  // TrailGuard delete them too: the repair destroys configuration it should keep. (A later change of their filter is
  // itself a PutBucketLifecycle, which TrailGuard sees, so keeping them opens no gap.) Fixed: rules whose
  // Filter.Prefix / Filter.And.Prefix / legacy Prefix can match no key under the trail's log prefix, rules that only
  // match by tag and size ranges no log has are kept; the rest are removed as before.
  it('a short expiry scoped to a prefix CloudTrail never writes to is kept when the attacker rule is removed', async () => {
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [trail] });
    const nuke: LifecycleRule = { ID: 'nuke', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } };
    const athena: LifecycleRule = {
      ID: 'athena-results',
      Status: 'Enabled',
      Filter: { Prefix: 'athena-results/' },
      Expiration: { Days: 1 },
    };
    const scratch: LifecycleRule = {
      ID: 'scratch',
      Status: 'Enabled',
      Filter: { Tag: { Key: 'scratch', Value: 'true' } },
      Expiration: { Days: 2 },
    };
    s3.on(GetBucketLifecycleConfigurationCommand)
      .resolvesOnce({ Rules: [nuke, athena, scratch] })
      .resolves({ Rules: [athena, scratch] });
    s3.on(PutBucketLifecycleConfigurationCommand).resolves({});
    s3.on(DeleteBucketLifecycleCommand).resolves({});

    const result = await handlerWith([{ name: 'org-audit', s3BucketName: BUCKET, retentionDays: 365 }])(eventOf({}));

    // Today: DeleteBucketLifecycle (all three rules gone), then the read-back (recorded as what should remain) fails it.
    expect(s3.commandCalls(DeleteBucketLifecycleCommand)).toHaveLength(0);
    const put = s3.commandCalls(PutBucketLifecycleConfigurationCommand)[0]?.args[0].input;
    expect(put?.LifecycleConfiguration?.Rules?.map((r) => r.ID)).toEqual(['athena-results', 'scratch']);
    expect(result.outcome).toBe('restored');
  });

  // "Moving the trail's logs" with a lifecycle rule: a transition to DEEP_ARCHIVE after 0 days makes every log
  // unreadable until restored (12-48 h per object), blinding Athena and any investigation that reads the bucket. The
  // rule deletes nothing, so the alert is `already-compliant`, "none deletes logs": a green message for a blinding change.
  // Fixed: transitions to GLACIER / DEEP_ARCHIVE (GLACIER_IR stays readable) sooner than retentionDays are reported
  // `alert-only` with the rule named, without removing them (a transition is often a cost decision).
  it('a lifecycle rule moving every log to DEEP_ARCHIVE at once is not reported already-compliant', async () => {
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [trail] });
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({
      Rules: [{ ID: 'freeze', Status: 'Enabled', Filter: { Prefix: '' }, Transitions: [{ Days: 0, StorageClass: 'DEEP_ARCHIVE' }] }],
    });

    const result = await handlerWith([{ name: 'org-audit', s3BucketName: BUCKET, retentionDays: 365 }])(eventOf({}));

    expect(result.outcome).not.toBe('already-compliant');
    expect(published()[0]!.reason).toContain('DEEP_ARCHIVE');
  });

  // The repair rewrites the kept rules with PutBucketLifecycleConfiguration, but S3 keeps the bucket's
  // TransitionDefaultMinimumObjectSize beside the rules and resets it to its default (all_storage_classes_128K) when a
  // Put leaves it out: removing the attacker's rule silently changed which objects the kept transition rules move.
  // Fixed: the value read with the rules is written back with them.
  it('removing the attacker rule keeps the bucket TransitionDefaultMinimumObjectSize', async () => {
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [trail] });
    const nuke: LifecycleRule = { ID: 'nuke', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } };
    const glacier: LifecycleRule = {
      ID: 'glacier',
      Status: 'Enabled',
      Filter: { Prefix: '' },
      Transitions: [{ Days: 90, StorageClass: 'GLACIER' }],
    };
    s3.on(GetBucketLifecycleConfigurationCommand)
      .resolvesOnce({ Rules: [nuke, glacier], TransitionDefaultMinimumObjectSize: 'varies_by_storage_class' })
      .resolves({ Rules: [glacier], TransitionDefaultMinimumObjectSize: 'varies_by_storage_class' });
    s3.on(PutBucketLifecycleConfigurationCommand).resolves({});

    const result = await handlerWith([{ name: 'org-audit', s3BucketName: BUCKET, retentionDays: 365 }])(eventOf({}));

    expect(result.outcome).toBe('restored');
    expect(s3.commandCalls(PutBucketLifecycleConfigurationCommand)[0]!.args[0].input).toMatchObject({
      Bucket: BUCKET,
      LifecycleConfiguration: { Rules: [glacier] },
      TransitionDefaultMinimumObjectSize: 'varies_by_storage_class',
    });
  });

  // A single-region trail homed in us-east-1 may deliver to a bucket in eu-west-1. S3 records PutBucketLifecycle in
  // the bucket's region, so TrailGuard asked DescribeTrails in eu-west-1 only, where that trail is not listed (not even
  // as a shadow trail), and `ignored` the event: a 1-day expiry on a watched trail's logs with no alert at all, while
  // the same rule on a bucket in us-east-1 is alerted. Fixed: when the call's region lists no trail using the bucket
  // or key, ListTrails (every region) names the account's trails homed elsewhere, read with GetTrail in their region.
  it('a lifecycle rule on the eu-west-1 bucket of a us-east-1 trail is not ignored silently', async () => {
    cloudtrail.on(DescribeTrailsCommand).callsFake(async (_input, getClient) => {
      const region = await getClient().config.region();
      return { trailList: region === 'us-east-1' ? [trail] : [] };
    });
    cloudtrail.on(ListTrailsCommand).resolves({ Trails: [{ Name: 'org-audit', TrailARN: TRAIL_ARN, HomeRegion: 'us-east-1' }] });
    cloudtrail.on(GetTrailCommand, { Name: TRAIL_ARN }).resolves({ Trail: trail });
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({
      Rules: [{ ID: 'nuke', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } }],
    });

    const result = await handlerWith([])(eventOf({}, { region: 'eu-west-1' }));

    expect(result).toMatchObject({ outcome: 'alert-only', trail: 'org-audit' });
    const [alert, ...more] = published();
    expect(more).toHaveLength(0);
    expect(alert).toMatchObject({ trail: { name: 'org-audit', arn: TRAIL_ARN }, resource: { type: 's3-bucket', name: BUCKET } });
    expect(alert!.reason).toContain('a lifecycle rule "nuke" deleting logs after 1 day is on bucket');
  });

  it('a bucket no trail of any region uses is still ignored, after one ListTrails', async () => {
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [] });
    cloudtrail.on(ListTrailsCommand).resolves({ Trails: [{ Name: 'org-audit', TrailARN: TRAIL_ARN, HomeRegion: 'us-east-1' }] });
    cloudtrail.on(GetTrailCommand).resolves({ Trail: trail });

    const result = await handlerWith([])(
      eventOf({ requestParameters: { bucketName: 'unrelated-bucket-660000000012' } }, { region: 'eu-west-1' }),
    );

    expect(result.outcome).toBe('ignored');
    expect(published()).toHaveLength(0);
    expect(cloudtrail.commandCalls(ListTrailsCommand)).toHaveLength(1);
  });

  // A log-archive key (account 660000000055) pinned in the baseline by its alias ARN, the form the README accepts for
  // kmsKeyId. DisableKey on it is recorded in the key's account with the key ARN; DescribeTrails there does not list
  // the member's trail, and the baseline's alias was compared as text with the key ARN, so the event was `ignored`: the
  // trail's key disabled, CloudTrail blind, no alert. Fixed: a baseline alias of the call's account and region is
  // resolved with kms:DescribeKey (the role's ResolveBaselineKmsAlias grant) before answering `ignored`.
  it('DisableKey on a log-archive key the baseline pins by alias ARN is alerted, not ignored', async () => {
    const ARCHIVE = '660000000055';
    const KEY_ARN = `arn:aws:kms:us-east-1:${ARCHIVE}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const ALIAS_ARN = `arn:aws:kms:us-east-1:${ARCHIVE}:alias/org-trail-key`;
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [] });
    cloudtrail.on(ListTrailsCommand).resolves({ Trails: [] });
    kms.on(DescribeKeyCommand, { KeyId: ALIAS_ARN }).resolves({ KeyMetadata: { KeyId: 'k', Arn: KEY_ARN } });
    kms
      .on(DescribeKeyCommand, { KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' })
      .resolves({ KeyMetadata: { KeyId: 'k', Arn: KEY_ARN, KeyState: 'Disabled' } });
    const disable = eventOf(
      { eventSource: 'kms.amazonaws.com', eventName: 'DisableKey', recipientAccountId: ARCHIVE, requestParameters: { keyId: KEY_ARN } },
      { source: 'aws.kms' },
    );
    Object.assign(disable, { account: ARCHIVE });

    const result = await handlerWith([{ name: 'org-audit', s3BucketName: BUCKET, kmsKeyId: ALIAS_ARN }])(disable);

    expect(result.outcome).not.toBe('ignored');
    const [alert] = published();
    expect(alert).toMatchObject({ trail: { name: 'org-audit' }, resource: { type: 'kms-key', arn: KEY_ARN } });
  });

  // A multi-Region key's replicas share the primary's `mrk-` id in every region. With the baseline's kmsKeyId given as
  // a bare id (which the README says names "a key of the trail's account and region"), DisableKey on a replica in a
  // region where no trail uses it is matched to the baseline trail anyway, and TrailGuard re-enables a key nobody's
  // trail uses (reported `restored`). Fixed in the matcher: a bare `mrk-` id in the baseline no longer ties a key to a
  // trail (DescribeTrails, which reports the key ARN, still does). The IAM grant is left open (next describe).
  it('DisableKey on a replica of the baseline multi-Region key in another region re-enables nothing', async () => {
    const MRK = 'mrk-0123456789abcdef0123456789abcdef';
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [] });
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: MRK, KeyState: 'Disabled' } });
    kms.on(EnableKeyCommand).resolves({});
    const disable = eventOf(
      { eventSource: 'kms.amazonaws.com', eventName: 'DisableKey', requestParameters: { keyId: MRK } },
      { region: 'eu-west-1', source: 'aws.kms' },
    );

    const result = await handlerWith([{ name: 'org-audit', s3BucketName: BUCKET, kmsKeyId: MRK }])(disable);

    expect(kms.commandCalls(EnableKeyCommand)).toHaveLength(0);
    expect(kms.commandCalls(CancelKeyDeletionCommand)).toHaveLength(0);
    expect(result.outcome).not.toBe('restored');
  });
});

describe('review r12: member role grants for the log-impairment repairs', () => {
  // The member role's grant for a bare multi-Region key id, arn:aws:kms:*:<account>:key/mrk-..., covers every replica
  // in every region. Fixed: trailguard.yml requires a key ARN for `mrk-` keys (an error naming trails[i].kmsKeyId), the
  // grant names exactly that ARN, and a bare `mrk-` id passed anyway is granted in the central region only.
  it('a bare mrk- key id is not granted kms:EnableKey in every region', () => {
    const doc = memberRemediationPermissionsPolicy({
      account: MEMBER,
      centralAccount: '660000000011',
      region: 'us-east-1',
      trustedPrincipalArns: ['arn:aws:iam::660000000011:role/trailguard-remediator'],
      baseline: [
        {
          name: 'org-audit',
          s3BucketName: BUCKET,
          kmsKeyId: 'mrk-0123456789abcdef0123456789abcdef',
          isMultiRegionTrail: true,
          includeGlobalServiceEvents: true,
          enableLogFileValidation: true,
        },
      ],
    });
    const keys = doc.Statement.find((s) => s.Sid === 'ReenableTrailKeys');
    expect(JSON.stringify(keys?.Resource)).not.toContain(':kms:*:');
  });
});

describe('review r12: ways to blind CloudTrail that the default watch does not forward', () => {
  // PutRetentionPolicy with retentionInDays: 1 on the trail's CloudWatch Logs group expires its events after a day: the
  // log-group analogue of case 16's 1-day lifecycle rule (CloudWatch Logs API reference, PutRetentionPolicy). It is
  // not in the default `watch`, so the member rule never forwarded it. Fixed: watched, and alerted (alert-only) when
  // below the trail's retentionDays (handler test in log-impairment.test.ts).
  it('PutRetentionPolicy (shortening the trail log group retention) is watched by default', () => {
    expect(WATCHED_EVENTS as readonly string[]).toContain('PutRetentionPolicy');
  });

  // DeleteImportedKeyMaterial on a trail key with imported (EXTERNAL) key material makes the key PendingImport and
  // unusable at once (KMS API reference, DeleteImportedKeyMaterial): CloudTrail can no longer encrypt, so delivers
  // nothing, the same blinding as DisableKey. keyRepair already names PendingImport as a state it cannot undo, but the
  // call was not watched, so nothing was alerted. Fixed: watched, and alerted `failed` (handler test in
  // log-impairment.test.ts).
  it('DeleteImportedKeyMaterial (making the trail key unusable) is watched by default', () => {
    expect(WATCHED_EVENTS as readonly string[]).toContain('DeleteImportedKeyMaterial');
  });
});

// Issue 12 (S3 / KMS / CloudWatch Logs rows): the pure decisions the remediator and the sweep share, the config
// fields, the record parser, and the handler paths moto cannot produce (recorded responses).
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { DeleteBucketLifecycleCommand, GetBucketLifecycleConfigurationCommand, S3Client, type LifecycleRule } from '@aws-sdk/client-s3';
import { DescribeKeyCommand, EnableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDefaultDeps, createHandler, type RemediationResult } from '../../lambda/remediator.js';
import { AlertSchema, type Alert } from '#core/alert.js';
import { validateConfig, WATCHED_EVENTS } from '#core/config.js';
import { EVENT_PATTERN_MAX_CHARS, forwardPattern } from '#core/desired-state.js';
import type { ConfigError } from '#core/errors.js';
import { parseImpairmentEvent } from '#core/impairment-event.js';
import { cloudTrailAccessProblem, decideLifecycle, keyRepair } from '#core/log-storage.js';
import type { Incident } from '../../slack-app/store/types.js';
import { alertMessage } from '../../slack-app/views/alert.js';
import { makeAlert } from '../support/alerts.js';
import { loadCase } from '../support/cases.js';
import type { Envelope } from '../support/fixtures.js';
import { recordingLog } from '../support/recording-log.js';

const case16 = loadCase('16-stratus-cloudtrail-lifecycle-rule');
const NOW = new Date('2026-11-28T10:05:00Z');
const BUCKET = 'org-audit-logs-222222222222';

function withDetail(changes: Record<string, unknown>, envelope: Record<string, unknown> = {}): Envelope {
  const event = structuredClone(case16.event);
  Object.assign(event.detail, changes);
  return Object.assign(event, envelope);
}

describe('decideLifecycle: which rules of a trail bucket destroy logs', () => {
  const rule = (ID: string, extra: Partial<LifecycleRule>): LifecycleRule => ({ ID, Status: 'Enabled', Filter: { Prefix: '' }, ...extra });

  it('removes the rules expiring sooner than retentionDays and keeps the rest, in order', () => {
    const rules = [
      rule('day', { Expiration: { Days: 1 } }),
      rule('year', { Expiration: { Days: 365 } }),
      rule('glacier', { Transitions: [{ Days: 30, StorageClass: 'GLACIER' }] }),
      rule('markers', { Expiration: { ExpiredObjectDeleteMarker: true } }),
      rule('off', { Status: 'Disabled', Expiration: { Days: 1 } }),
    ];

    const decision = decideLifecycle(rules, 365, NOW);

    expect(decision.expiring.map((r) => r.description)).toEqual(['a lifecycle rule "day" deleting logs after 1 day']);
    expect(decision.kept.map((r) => r.ID)).toEqual(['year', 'glacier', 'markers', 'off']);
    expect(decision.remove).toBe(true);
  });

  it('counts an expiration date (every log goes that day) and noncurrent-version expiry', () => {
    const decision = decideLifecycle(
      [
        rule('date', { Expiration: { Date: new Date('2026-12-01T00:00:00Z') } }),
        rule('versions', { NoncurrentVersionExpiration: { NoncurrentDays: 3 } }),
      ],
      90,
      NOW,
    );

    expect(decision.expiring.map((r) => r.description)).toEqual([
      'a lifecycle rule "date" deleting every log on 2026-12-01',
      'a lifecycle rule "versions" deleting overwritten or deleted log versions after 3 days',
    ]);
  });

  it('without retentionDays reports every expiring rule and removes none', () => {
    const decision = decideLifecycle([rule('decade', { Expiration: { Days: 3650 } })], undefined, NOW);

    expect(decision.expiring).toHaveLength(1);
    expect(decision.remove).toBe(false);
  });
});

describe('cloudTrailAccessProblem: does a bucket or key policy still let CloudTrail in', () => {
  const policy = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
  const allow = {
    Sid: 'Write',
    Effect: 'Allow',
    Principal: { Service: 'cloudtrail.amazonaws.com' },
    Action: 's3:PutObject',
    Resource: '*',
  };

  it('names a deny of everyone, a NotAction deny and a missing grant; passes a plain grant', () => {
    expect(cloudTrailAccessProblem(policy(allow), 'bucket b', 's3:PutObject')).toBeNull();
    expect(
      cloudTrailAccessProblem(policy(allow, { Sid: 'All', Effect: 'Deny', Principal: '*', Action: 's3:Put*' }), 'bucket b', 's3:PutObject'),
    ).toBe('the policy of bucket b denies s3:PutObject to CloudTrail (statement All)');
    expect(
      cloudTrailAccessProblem(
        policy(allow, { Effect: 'Deny', Principal: { AWS: '*' }, NotAction: 's3:GetObject' }),
        'bucket b',
        's3:PutObject',
      ),
    ).toContain('(statement #1)');
    expect(cloudTrailAccessProblem(policy({ ...allow, Action: 's3:GetBucketAcl' }), 'bucket b', 's3:PutObject')).toBe(
      'the policy of bucket b no longer allows cloudtrail.amazonaws.com s3:PutObject',
    );
    expect(cloudTrailAccessProblem(null, 'bucket b', 's3:PutObject')).toContain('has no policy now');
  });

  it('matches IAM wildcards case-insensitively (kms:GenerateDataKey* grants kms:GenerateDataKey)', () => {
    const key = policy({ Effect: 'Allow', Principal: { Service: ['cloudtrail.amazonaws.com'] }, Action: ['KMS:generatedatakey*'] });
    expect(cloudTrailAccessProblem(key, 'key k', 'kms:GenerateDataKey')).toBeNull();
  });
});

describe('keyRepair', () => {
  it('enables a disabled key, cancels deletion then enables, and leaves other states to a human', () => {
    expect(keyRepair('Disabled')).toEqual({ calls: ['EnableKey'] });
    expect(keyRepair('PendingDeletion')).toEqual({ calls: ['CancelKeyDeletion', 'EnableKey'] });
    expect(keyRepair('Enabled')).toEqual({ usable: true });
    expect(keyRepair('PendingImport')).toEqual({ stuck: 'the key is PendingImport, which TrailGuard cannot undo' });
  });
});

describe('config: retentionDays and s3BucketAccount', () => {
  const base = { version: 1, central: { account: '111111111111', region: 'us-east-1' }, members: { accounts: [{ id: '222222222222' }] } };
  const issues = (value: unknown) => {
    try {
      validateConfig(value);
      return [];
    } catch (error) {
      return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
    }
  };

  it('accepts a whole number of days and an account that is a member', () => {
    const config = validateConfig({
      ...base,
      members: { accounts: [{ id: '222222222222' }, { id: '555555555555' }] },
      trails: [{ name: 'org-audit', s3BucketName: 'archive-logs', retentionDays: 365, s3BucketAccount: '555555555555' }],
    });
    expect(config.trails[0]).toMatchObject({ retentionDays: 365, s3BucketAccount: '555555555555' });
  });

  it('names the bad field of a bad retention or a bucket account TrailGuard would not watch', () => {
    expect(issues({ ...base, trails: [{ name: 'org-audit', s3BucketName: 'logs-bucket', retentionDays: 0 }] })).toEqual([
      'trails[0].retentionDays: expected at least 1 day',
    ]);
    expect(issues({ ...base, trails: [{ name: 'org-audit', s3BucketName: 'logs-bucket', retentionDays: 1.5 }] })[0]).toMatch(
      /^trails\[0\]\.retentionDays: /,
    );
    expect(issues({ ...base, trails: [{ name: 'org-audit', s3BucketName: 'logs-bucket', s3BucketAccount: '555555555555' }] })).toEqual([
      "trails[0].s3BucketAccount: 555555555555 holds this trail's bucket: list it in members.accounts, so its bucket calls are watched and TrailGuard's role is deployed there",
    ]);
    expect(
      issues({
        ...base,
        members: { organization: true, exclude: ['555555555555'] },
        trails: [{ name: 'org-audit', s3BucketName: 'logs-bucket', s3BucketAccount: '555555555555' }],
      })[0],
    ).toContain('remove it from members.exclude');
  });

  it('watches every S3, KMS and CloudWatch Logs call of the family by default', () => {
    expect(validateConfig(base).watch).toEqual(
      expect.arrayContaining([
        'PutBucketLifecycle',
        'PutBucketLifecycleConfiguration',
        'PutBucketPolicy',
        'DeleteBucketPolicy',
        'DeleteBucket',
        'DisableKey',
        'ScheduleKeyDeletion',
        'PutKeyPolicy',
        'DeleteImportedKeyMaterial',
        'DeleteLogGroup',
        'PutRetentionPolicy',
      ]),
    );
    const pattern = forwardPattern(WATCHED_EVENTS) as { $or: { detail?: { eventSource?: string[]; eventName: string[] } }[] };
    // The entries naming a CloudTrail event source (the canary entry names none).
    const bySource = Object.fromEntries(
      pattern.$or.flatMap((p) => (p.detail?.eventSource ? [[p.detail.eventSource[0], p.detail.eventName]] : [])),
    );
    expect(bySource['s3.amazonaws.com']).toEqual([
      'PutBucketLifecycle',
      'PutBucketLifecycleConfiguration',
      'PutBucketPolicy',
      'DeleteBucketPolicy',
      'DeleteBucket',
    ]);
    expect(bySource['kms.amazonaws.com']).toEqual(['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy', 'DeleteImportedKeyMaterial']);
    expect(bySource['logs.amazonaws.com']).toEqual(['DeleteLogGroup', 'PutRetentionPolicy']);
    expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
  });
});

describe('parseImpairmentEvent', () => {
  it('reads the bucket of case 16, with source aws.cloudtrail as replayed or aws.s3 as EventBridge sends it', () => {
    expect(parseImpairmentEvent(case16.event).resource).toEqual({ type: 's3-bucket', name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` });
    expect(parseImpairmentEvent(withDetail({}, { source: 'aws.s3' })).eventName).toBe('PutBucketLifecycle');
  });

  it('rejects a source of another service, naming the field', () => {
    expect(() => parseImpairmentEvent(withDetail({}, { source: 'aws.kms' }))).toThrow(
      'source aws.kms does not match detail.eventSource s3.amazonaws.com (expected aws.s3)',
    );
  });

  it('keeps a record that names no usable resource, with the path of the bad field, so it is still alerted', () => {
    expect(parseImpairmentEvent(withDetail({ requestParameters: { Host: 'x' } })).problem).toBe(
      'detail.requestParameters.bucketName is missing: cannot tell which s3-bucket PutBucketLifecycle concerned',
    );
    const otherAccountKey = withDetail(
      {
        eventSource: 'kms.amazonaws.com',
        eventName: 'DisableKey',
        requestParameters: { keyId: 'arn:aws:kms:us-east-1:999999999999:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
      },
      { source: 'aws.kms' },
    );
    expect(parseImpairmentEvent(otherAccountKey).problem).toContain('is not a key id or key ARN of 222222222222 in us-east-1');
  });
});

describe('handler paths moto cannot produce (recorded responses)', () => {
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
        TRAILGUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts',
        TRAILGUARD_TRAILS: JSON.stringify(trails),
      },
      log: recordingLog(),
      clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } },
    });
    const handler = createHandler(() => deps);
    return (event: unknown) => handler(event) as Promise<RemediationResult>;
  };

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
  });

  it('a trail role that cannot read trails where the bucket lives is a failed alert, never a silent skip', async () => {
    cloudtrail
      .on(DescribeTrailsCommand)
      .rejects(Object.assign(new Error('User is not authorized to perform cloudtrail:DescribeTrails'), { name: 'AccessDeniedException' }));

    const result = await handlerWith([])(case16.event);

    expect(result.outcome).toBe('failed');
    const [alert] = published();
    expect(alert).toMatchObject({ outcome: 'failed', resource: { type: 's3-bucket', name: BUCKET } });
    expect(alert!.error).toContain(`cannot tell whether s3-bucket ${BUCKET} in 222222222222/us-east-1 belongs to a watched trail`);
  });

  it('a discovered trail key TrailGuard may not re-enable is a failed alert that says which baseline field grants it', async () => {
    const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
    const KEY_ARN = `arn:aws:kms:us-east-1:222222222222:key/${KEY}`;
    cloudtrail.on(DescribeTrailsCommand).resolves({
      trailList: [
        {
          Name: 'org-audit',
          TrailARN: 'arn:aws:cloudtrail:us-east-1:222222222222:trail/org-audit',
          HomeRegion: 'us-east-1',
          S3BucketName: BUCKET,
          KmsKeyId: KEY_ARN,
        },
      ],
    });
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY, Arn: KEY_ARN, KeyState: 'Disabled' } });
    kms
      .on(EnableKeyCommand)
      .rejects(Object.assign(new Error('not authorized to perform kms:EnableKey'), { name: 'AccessDeniedException' }));
    const disable = withDetail(
      { eventSource: 'kms.amazonaws.com', eventName: 'DisableKey', requestParameters: { keyId: KEY } },
      { source: 'aws.kms' },
    );

    const result = await handlerWith([])(disable);

    expect(result.outcome).toBe('failed');
    const [alert] = published();
    expect(alert).toMatchObject({
      outcome: 'failed',
      trail: { name: 'org-audit' },
      resource: { type: 'kms-key', arn: KEY_ARN, restored: false },
    });
    expect(alert!.reason).toContain('pin it in the baseline of trail org-audit (kmsKeyId as a key ARN or key id)');
    expect(alert!.error).toContain('AccessDeniedException on EnableKey');
  });

  it('a record without the bucket name is alerted alert-only with the reason, with no AWS call', async () => {
    const result = await handlerWith([])(withDetail({ requestParameters: null }));

    expect(result.outcome).toBe('alert-only');
    expect(published()[0]!.reason).toContain('detail.requestParameters is absent');
    expect(cloudtrail.calls()).toHaveLength(0);
  });

  it('a log-archive bucket named by the baseline (s3BucketAccount) is protected though no trail lives in that account', async () => {
    const archive = withDetail(
      { recipientAccountId: '555555555555', requestParameters: { bucketName: 'archive-trail-logs' } },
      { account: '555555555555' },
    );
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [] });
    s3.on(GetBucketLifecycleConfigurationCommand)
      .resolvesOnce({ Rules: [{ ID: 'nuke', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } }] })
      .rejects(Object.assign(new Error('The lifecycle configuration does not exist'), { name: 'NoSuchLifecycleConfiguration' }));
    s3.on(DeleteBucketLifecycleCommand).resolves({});

    const result = await handlerWith([
      { name: 'org-audit', s3BucketName: 'archive-trail-logs', s3BucketAccount: '555555555555', retentionDays: 30 },
    ])(archive);

    expect(result).toMatchObject({ outcome: 'restored', account: '555555555555', trail: 'org-audit' });
    expect(s3.commandCalls(DeleteBucketLifecycleCommand)[0]!.args[0].input).toEqual({ Bucket: 'archive-trail-logs' });
    expect(published()[0]!.reason).toContain(
      'a lifecycle rule "nuke" deleting logs after 1 day was removed from bucket archive-trail-logs; no other rule was there',
    );
    // The baseline alone does not prove a trail logs: no GetTrailStatus is claimed.
    expect(cloudtrail.commandCalls(GetTrailStatusCommand)).toHaveLength(0);
  });

  const GROUP_ARN = 'arn:aws:logs:us-east-1:222222222222:log-group:org-audit-trail';
  const logGroupTrail = {
    Name: 'org-audit',
    TrailARN: 'arn:aws:cloudtrail:us-east-1:222222222222:trail/org-audit',
    HomeRegion: 'us-east-1',
    S3BucketName: BUCKET,
    CloudWatchLogsLogGroupArn: `${GROUP_ARN}:*`,
  };
  const retention = (days: number) =>
    withDetail(
      {
        eventSource: 'logs.amazonaws.com',
        eventName: 'PutRetentionPolicy',
        requestParameters: { logGroupName: 'org-audit-trail', retentionInDays: days },
      },
      { source: 'aws.logs' },
    );

  it('a 1-day retention on the trail log group is alerted with what it deletes; a retention of at least retentionDays is compliant', async () => {
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [logGroupTrail] });
    const baseline = [{ name: 'org-audit', s3BucketName: BUCKET, retentionDays: 365 }];

    const shortened = await handlerWith(baseline)(retention(1));
    const kept = await handlerWith(baseline)(retention(400));

    expect(shortened.outcome).toBe('alert-only');
    expect(kept.outcome).toBe('already-compliant');
    const [first, second] = published();
    expect(first).toMatchObject({
      outcome: 'alert-only',
      trail: { name: 'org-audit' },
      resource: { type: 'log-group', name: 'org-audit-trail' },
    });
    expect(first!.reason).toContain('now deletes its events after 1 day, sooner than the 365 days its baseline keeps logs');
    expect(second!.reason).toContain('at least the 365 days');
  });

  it('deleting the imported key material of the trail key is a failed alert: logging cannot resume until it is imported again', async () => {
    const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
    const KEY_ARN = `arn:aws:kms:us-east-1:222222222222:key/${KEY}`;
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [{ ...logGroupTrail, KmsKeyId: KEY_ARN }] });
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestDeliveryError: 'AccessDenied' });
    kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: KEY, Arn: KEY_ARN, KeyState: 'PendingImport' } });
    const deleted = withDetail(
      { eventSource: 'kms.amazonaws.com', eventName: 'DeleteImportedKeyMaterial', requestParameters: { keyId: KEY } },
      { source: 'aws.kms' },
    );

    const result = await handlerWith([{ name: 'org-audit', s3BucketName: BUCKET, kmsKeyId: KEY_ARN }])(deleted);

    expect(result.outcome).toBe('failed');
    expect(published()[0]).toMatchObject({ outcome: 'failed', resource: { type: 'kms-key', arn: KEY_ARN, restored: false } });
    expect(published()[0]!.reason).toContain(`key ${KEY} is PendingImport: CloudTrail cannot encrypt trail org-audit's logs`);
  });
});

describe('the Slack message of a log-impairment alert', () => {
  const text = (alert: Alert) => {
    const incident = {
      id: alert.id,
      alert,
      receivedAt: '',
      state: 'posted',
      channel: 'C1',
      ts: '1.1',
      parentId: null,
      count: 1,
      acknowledgedBy: null,
      acknowledgedAt: null,
      attempts: 0,
      nextAttemptAt: '',
      lastError: null,
      statusLine: null,
      digest: false,
    } as Incident;
    return JSON.stringify(alertMessage(incident, { accountName: 'payments-prod' }));
  };
  const resource = { type: 's3-bucket', name: BUCKET, arn: `arn:aws:s3:::${BUCKET}` };
  const removed = `a lifecycle rule \\"nuke\\" deleting logs after 1 day was removed from bucket ${BUCKET}; the other 2 rules were kept`;

  it('says what was done to the bucket, not that the trail was restored to its baseline', () => {
    const restored = text(
      makeAlert({
        eventName: 'PutBucketLifecycle',
        outcome: 'restored',
        resource: { ...resource, restored: true },
        reason: removed.replaceAll('\\"', '"'),
      }),
    );
    expect(restored).toContain(`Put the S3 bucket ${BUCKET} of trail org-audit back and verified it`);
    expect(restored).toContain(removed);
    expect(restored).not.toContain('Restored the trail to its baseline');

    const reported = text(
      makeAlert({ eventName: 'PutBucketLifecycle', outcome: 'alert-only', resource: { ...resource, restored: false } }),
    );
    expect(reported).toContain(`Alert only: the S3 bucket ${BUCKET} of trail org-audit is *NOT* put back`);
    expect(reported).not.toContain('no baseline to restore from');
  });
});

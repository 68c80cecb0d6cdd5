// Baseline values compared the way AWS compares them: CloudTrail rewrites aliases, names and log-group ARNs before it reports them.
import type { Trail } from '@aws-sdk/client-cloudtrail';
import { describe, expect, it } from 'vitest';
import { baselineDrift, resolveBaseline } from '#core/aws/cloudtrail.js';
import type { TrailBaseline } from '#core/config.js';

const where = { region: 'us-east-1', account: '222222222222' };
const KEY_ARN = 'arn:aws:kms:us-east-1:555555555555:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const LOCAL_KEY_ARN = 'arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const baseline: TrailBaseline = {
  name: 'org-audit',
  s3BucketName: 'org-audit-logs',
  isMultiRegionTrail: true,
  includeGlobalServiceEvents: true,
  enableLogFileValidation: true,
};
// What GetTrail reports for a trail that matches every value below.
const reported: Trail = {
  Name: 'org-audit',
  S3BucketName: 'org-audit-logs',
  IsMultiRegionTrail: true,
  IncludeGlobalServiceEvents: true,
  LogFileValidationEnabled: true,
  IsOrganizationTrail: false,
  KmsKeyId: KEY_ARN,
  SnsTopicARN: 'arn:aws:sns:us-east-1:222222222222:trail-notes',
  CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:222222222222:log-group:trail-events:*',
};

/** A DescribeKey stand-in that knows one alias, in the forms CloudTrail accepts; records each lookup. */
function keys() {
  const lookups: string[] = [];
  const describeKey = async (keyId: string) => {
    lookups.push(keyId);
    if (['arn:aws:kms:us-east-1:555555555555:alias/org-cloudtrail', 'alias/org-cloudtrail'].includes(keyId)) return KEY_ARN;
    throw Object.assign(new Error(`Alias ${keyId} is not found.`), { name: 'NotFoundException' });
  };
  return { lookups, describeKey };
}

describe('baselineDrift after resolveBaseline', () => {
  it.each([
    ['an alias ARN', 'arn:aws:kms:us-east-1:555555555555:alias/org-cloudtrail', KEY_ARN, 1],
    ['an alias name (resolved where the trail lives)', 'alias/org-cloudtrail', KEY_ARN, 1],
    ['the key ARN itself, with no KMS call', KEY_ARN, KEY_ARN, 0],
    [
      'a bare key id, which names a key of the trail account and region, with no KMS call',
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      LOCAL_KEY_ARN,
      0,
    ],
  ])('kmsKeyId given as %s matches the key ARN CloudTrail reports', async (_what, kmsKeyId, reportedKey, calls) => {
    const { lookups, describeKey } = keys();

    const wanted = await resolveBaseline({ ...baseline, kmsKeyId }, where, describeKey);

    expect(baselineDrift(wanted, { ...reported, KmsKeyId: reportedKey }, where)).toEqual([]);
    expect(lookups).toHaveLength(calls);
  });

  it('still sees a different key as drift', async () => {
    const wanted = await resolveBaseline({ ...baseline, kmsKeyId: 'alias/org-cloudtrail' }, where, keys().describeKey);

    expect(baselineDrift(wanted, { ...reported, KmsKeyId: 'arn:aws:kms:us-east-1:666666666666:key/attacker' }, where)).toEqual([
      'kmsKeyId',
    ]);
    expect(baselineDrift(wanted, { ...reported, KmsKeyId: undefined }, where)).toEqual(['kmsKeyId']);
  });

  it('an alias KMS cannot resolve is an error, never a silent match or a silent drift', async () => {
    await expect(resolveBaseline({ ...baseline, kmsKeyId: 'alias/nobody' }, where, keys().describeKey)).rejects.toThrow(
      /alias\/nobody is not found/,
    );
  });

  it.each([
    ['the bucket as an ARN', { s3BucketName: 'arn:aws:s3:::org-audit-logs' }],
    ['the topic as a name', { snsTopicName: 'trail-notes' }],
    ['the topic as an ARN', { snsTopicName: 'arn:aws:sns:us-east-1:222222222222:trail-notes' }],
    ['the log group without :*', { cloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:222222222222:log-group:trail-events' }],
    ['the log group with :*', { cloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:222222222222:log-group:trail-events:*' }],
  ])('%s matches what CloudTrail reports', async (_what, fields) => {
    const wanted = await resolveBaseline({ ...baseline, ...fields }, where, keys().describeKey);

    expect(baselineDrift(wanted, reported, where)).toEqual([]);
  });

  it('a topic reported only by its deprecated name still matches the ARN', async () => {
    const wanted = await resolveBaseline(
      { ...baseline, snsTopicName: 'arn:aws:sns:us-east-1:222222222222:trail-notes' },
      where,
      keys().describeKey,
    );

    expect(baselineDrift(wanted, { ...reported, SnsTopicARN: undefined, SnsTopicName: 'trail-notes' }, where)).toEqual([]);
  });

  it('different values in any form are drift', async () => {
    const wanted = await resolveBaseline(
      {
        ...baseline,
        s3BucketName: 'arn:aws:s3:::org-audit-logs',
        snsTopicName: 'trail-notes',
        cloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:222222222222:log-group:trail-events',
      },
      where,
      keys().describeKey,
    );

    expect(
      baselineDrift(
        wanted,
        {
          ...reported,
          S3BucketName: 'attacker-bucket',
          SnsTopicARN: 'arn:aws:sns:us-east-1:666666666666:trail-notes',
          CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:222222222222:log-group:other:*',
        },
        where,
      ),
    ).toEqual(['s3BucketName', 'snsTopicName', 'cloudWatchLogsLogGroupArn']);
  });

  it('isOrganizationTrail is drift only when the baseline pins it', async () => {
    const unpinned = await resolveBaseline(baseline, where, keys().describeKey);
    const pinned = await resolveBaseline({ ...baseline, isOrganizationTrail: true }, where, keys().describeKey);

    expect(baselineDrift(unpinned, { ...reported, IsOrganizationTrail: false }, where)).toEqual([]);
    expect(baselineDrift(pinned, { ...reported, IsOrganizationTrail: false }, where)).toEqual(['isOrganizationTrail']);
    expect(baselineDrift(pinned, { ...reported, IsOrganizationTrail: true }, where)).toEqual([]);
  });
});

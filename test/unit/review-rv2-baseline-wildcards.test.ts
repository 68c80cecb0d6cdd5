// Review rv2: the baseline's kmsKeyId and cloudWatchLogsLogGroupArn are copied into the member role's policy as
// resources (kms:EnableKey, kms:CancelKeyDeletion, kms:GetKeyPolicy; logs:CreateLogGroup), but trailguard.yml took
// any string for them: `kmsKeyId: "*"` or an ARN with wildcards validated, and `apply` granted TrailGuard's member
// role CancelKeyDeletion/EnableKey on every key of the account (or of every account the key policies let it reach).
// Bad input must be a clear error naming the field, before anything is written.
// Fixed: trails[i].kmsKeyId must be a key ARN, alias ARN, alias name or key id; cloudWatchLogsLogGroupArn a log-group
// ARN; neither may hold a wildcard (a log group's trailing `:*` is still accepted).
import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';

function configWith(trail: Record<string, unknown>) {
  return () =>
    validateConfig({
      version: 1,
      central: { account: '111111111111', region: 'us-east-1' },
      members: { accounts: [{ id: '222222222222' }], regions: ['us-east-1'] },
      trails: [{ name: 'org-audit', s3BucketName: 'logs-bucket', ...trail }],
    });
}

describe('review rv2: wildcards in the baseline become IAM grants', () => {
  it.each([['*'], ['arn:aws:kms:*:*:key/*'], ['arn:aws:kms:us-east-1:222222222222:key/*'], ['alias/*'], ['not a key']])(
    'kmsKeyId %s is refused naming trails.0.kmsKeyId',
    (kmsKeyId) => {
      expect(configWith({ kmsKeyId })).toThrow(/trails\[0\]\.kmsKeyId/);
    },
  );

  it.each([['arn:aws:logs:*:*:log-group:*'], ['arn:aws:logs:us-east-1:222222222222:log-group:*'], ['arn:aws:s3:::bucket']])(
    'cloudWatchLogsLogGroupArn %s is refused naming trails.0.cloudWatchLogsLogGroupArn',
    (arn) => {
      expect(configWith({ cloudWatchLogsLogGroupArn: arn })).toThrow(/trails\[0\]\.cloudWatchLogsLogGroupArn/);
    },
  );

  it.each([
    ['arn:aws:kms:us-east-1:555555555555:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    ['arn:aws:kms:us-east-1:555555555555:key/mrk-0123456789abcdef0123456789abcdef'],
    ['arn:aws:kms:us-east-1:555555555555:alias/org-cloudtrail'],
    ['alias/org-cloudtrail'],
    ['1234abcd-12ab-34cd-56ef-1234567890ab'],
  ])('(control) kmsKeyId %s is accepted', (kmsKeyId) => {
    expect(configWith({ kmsKeyId })).not.toThrow();
  });

  it.each([['arn:aws:logs:us-east-1:222222222222:log-group:trail-events'], ['arn:aws:logs:us-east-1:222222222222:log-group:/aws/ct:*']])(
    '(control) cloudWatchLogsLogGroupArn %s is accepted',
    (arn) => {
      expect(configWith({ cloudWatchLogsLogGroupArn: arn, cloudWatchLogsRoleArn: 'arn:aws:iam::222222222222:role/ct' })).not.toThrow();
    },
  );
});

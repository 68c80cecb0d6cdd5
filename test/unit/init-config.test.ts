// The config `trailguard init` writes, from recorded findings: what it pins, what it leaves out and says, and its YAML.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { parseConfig } from '#core/config.js';
import { renderInitialConfig, type Findings, type FoundTrail } from '#core/init-config.js';

const NOW = new Date('2026-11-29T12:00:00Z');
const ORG_TRAIL: FoundTrail = {
  arn: 'arn:aws:cloudtrail:us-east-1:333333333333:trail/org-audit',
  name: 'org-audit',
  homeRegion: 'us-east-1',
  owner: '333333333333',
  settings: {
    S3BucketName: 'central-trail-logs',
    IsMultiRegionTrail: true,
    IncludeGlobalServiceEvents: true,
    LogFileValidationEnabled: true,
    IsOrganizationTrail: true,
    KmsKeyId: 'arn:aws:kms:us-east-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    SnsTopicARN: 'arn:aws:sns:us-east-1:333333333333:trail-deliveries',
    CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:333333333333:log-group:trail:*',
    CloudWatchLogsRoleArn: 'arn:aws:iam::333333333333:role/trail-to-logs',
  },
};

function findings(over: Partial<Findings> = {}): Findings {
  return {
    central: { account: '111111111111', region: 'us-east-1' },
    organization: { id: 'o-abc123def4', managementAccount: '333333333333' },
    membersFrom: 'accounts',
    members: [{ id: '222222222222', name: 'payments-prod' }],
    trails: [],
    unreadable: [],
    ...over,
  };
}

describe('renderInitialConfig', () => {
  it('an organization trail seen from --accounts without the management account: pins every setting and adds that account, with what to create there', () => {
    const out = renderInitialConfig(findings({ trails: [ORG_TRAIL] }), NOW);
    const config = parseConfig(out.text);

    expect(config.trails).toEqual([
      {
        name: 'org-audit',
        s3BucketName: 'central-trail-logs',
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        isOrganizationTrail: true,
        kmsKeyId: ORG_TRAIL.settings!.KmsKeyId,
        snsTopicName: ORG_TRAIL.settings!.SnsTopicARN,
        cloudWatchLogsLogGroupArn: ORG_TRAIL.settings!.CloudWatchLogsLogGroupArn,
        cloudWatchLogsRoleArn: ORG_TRAIL.settings!.CloudWatchLogsRoleArn,
      },
    ]);
    expect(config.organization?.managementAccount).toBe('333333333333');
    expect(config.members.accounts).toEqual([
      { id: '222222222222', name: 'payments-prod' },
      { id: '333333333333', name: 'management' },
    ]);
    expect(out.added.map((a) => a.id)).toEqual(['333333333333']);
    expect(out.todo.join()).toContain('roles.deployOverrides');
    expect(out.text).toContain('# deployOverrides: { "333333333333": TrailGuardDeploy }');
    expect(out.gaps).toEqual([]);
  });

  it('without an organization trail, a management account outside --accounts is not added: the block is a comment and the file still parses', () => {
    const out = renderInitialConfig(findings(), NOW);
    const config = parseConfig(out.text);

    expect(config.organization).toBeUndefined();
    expect(config.members.accounts.map((a) => a.id)).toEqual(['222222222222']);
    expect(out.text).toContain('organization: { managementAccount: "333333333333" }');
  });

  it('an unreadable account, an unread trail and settings the schema refuses are gaps, in the file and in the result', () => {
    const legacy: FoundTrail = {
      ...ORG_TRAIL,
      arn: 'arn:aws:cloudtrail:us-east-1:222222222222:trail/legacy',
      name: 'legacy',
      owner: '222222222222',
      settings: { S3BucketName: 'Legacy_Bucket', IsOrganizationTrail: false },
    };
    const unread: FoundTrail = {
      ...ORG_TRAIL,
      arn: 'arn:aws:cloudtrail:eu-west-1:222222222222:trail/eu',
      name: 'eu',
      owner: '222222222222',
      settings: null,
      error: 'GetTrail: AccessDenied',
    };

    const out = renderInitialConfig(
      findings({
        trails: [legacy, unread],
        unreadable: [{ account: '444444444444', error: 'AccessDenied: not authorized to perform sts:AssumeRole' }],
      }),
      NOW,
    );

    expect(parseConfig(out.text).trails).toEqual([]);
    expect(out.gaps).toEqual([
      'account 444444444444: trails not listed (AccessDenied: not authorized to perform sts:AssumeRole); none of its trails is in the baseline',
      'trail arn:aws:cloudtrail:eu-west-1:222222222222:trail/eu could not be read (GetTrail: AccessDenied): not in the baseline',
      'trail arn:aws:cloudtrail:us-east-1:222222222222:trail/legacy: s3BucketName: expected an S3 bucket name or bucket ARN (arn:aws:s3:::name): not pinned',
    ]);
    expect(out.text).toContain('# NOT READ: account 444444444444');
    expect(out.text).toContain('# NOT PINNED: trail arn:aws:cloudtrail:us-east-1:222222222222:trail/legacy');
  });

  it('any trail name, bucket, key prefix and account name CloudTrail and Organizations allow comes back from the file unchanged', () => {
    const word = (middle: string) => fc.stringMatching(new RegExp(`^[a-z0-9][${middle}]{1,20}[a-z0-9]$`));
    fc.assert(
      fc.property(
        word('A-Za-z0-9._-').filter((n) => !/[._-]{2}/.test(n) && !/^\d+\.\d+\.\d+\.\d+$/.test(n)),
        word('a-z0-9.-').filter((b) => !/\.\./.test(b)),
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to leave control characters out
        fc.string({ minLength: 1, maxLength: 30 }).filter((p) => !/[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/.test(p)),
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to leave control characters out
        fc.string({ minLength: 1, maxLength: 64 }).filter((p) => !/[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/.test(p) && p.trim() === p),
        (name, bucket, prefix, accountName) => {
          const trail: FoundTrail = {
            ...ORG_TRAIL,
            name,
            arn: `arn:aws:cloudtrail:us-east-1:222222222222:trail/${name}`,
            owner: '222222222222',
            settings: { S3BucketName: bucket, S3KeyPrefix: prefix },
          };
          const out = renderInitialConfig(
            findings({ organization: null, members: [{ id: '222222222222', name: accountName }], trails: [trail] }),
            NOW,
          );

          expect(parseDocument(out.text, { version: '1.2' }).errors).toEqual([]);
          const config = parseConfig(out.text);
          expect(config.trails.map((t) => [t.name, t.s3BucketName, t.s3KeyPrefix])).toEqual([[name, bucket, prefix]]);
          expect(config.members.accounts).toEqual([{ id: '222222222222', name: accountName }]);
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);
});

// Log storage (review r12, the kinds behind its four expected failures): a bucket or key policy is judged for the
// requests CloudTrail really makes for this trail (every statement form), lifecycle rules count only when their filter
// can reach a log, archive transitions are reported, and a bare multi-Region key id is refused.
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetBucketPolicyCommand, type LifecycleRule, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDefaultDeps, createHandler, type RemediationResult } from '../../lambda/remediator.js';
import { type Alert, AlertSchema } from '#core/alert.js';
import { validateConfig } from '#core/config.js';
import type { ConfigError } from '#core/errors.js';
import { memberRemediationPermissionsPolicy } from '#core/iam-policies.js';
import {
  cloudTrailAccess,
  cloudTrailBucketRequests,
  cloudTrailKeyRequest,
  type DeliveryTarget,
  decideLifecycle,
  logKeyPrefixesOf,
} from '#core/log-storage.js';
import { globMatches, globsCover } from '#core/resource-policy.js';
import { loadCase } from '../support/cases.js';
import { recordingLog } from '../support/recording-log.js';

const ACCOUNT = '222222222222';
const BUCKET = 'org-audit-logs';
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-audit`;
const NOW = new Date('2026-11-28T10:05:00Z');
const CT = { Service: 'cloudtrail.amazonaws.com' };
const policy = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const target = (extra: Partial<DeliveryTarget> = {}): DeliveryTarget => ({
  partition: 'aws',
  bucket: BUCKET,
  trailArn: TRAIL_ARN,
  trailAccount: ACCOUNT,
  s3KeyPrefix: '',
  isOrganizationTrail: false,
  logFileValidation: false,
  insights: false,
  ...extra,
});
const acl = { Sid: 'AclCheck', Effect: 'Allow', Principal: CT, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${BUCKET}` };
const write = (Resource: unknown, extra: Record<string, unknown> = {}) => ({
  Sid: 'Write',
  Effect: 'Allow',
  Principal: CT,
  Action: 's3:PutObject',
  Resource,
  ...extra,
});
const judge = (text: string, t: Partial<DeliveryTarget> = {}) =>
  cloudTrailAccess(text, `bucket ${BUCKET}`, cloudTrailBucketRequests(target(t)));

describe('bucket policy: the keys CloudTrail writes', () => {
  it("passes AWS's documented policy (Resource AWSLogs/<account>/*, SourceArn and bucket-owner-full-control conditions)", () => {
    const documented = policy(
      { ...acl, Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } } },
      write(`arn:aws:s3:::${BUCKET}/AWSLogs/${ACCOUNT}/*`, {
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'AWS:SourceArn': TRAIL_ARN } },
      }),
    );

    expect(judge(documented)).toEqual({ problem: null, certain: true });
  });

  it('a grant on another prefix, another account, or only one region is a lockout naming the keys refused', () => {
    for (const resource of [
      `arn:aws:s3:::${BUCKET}/decoy/*`,
      `arn:aws:s3:::${BUCKET}/AWSLogs/999999999999/*`,
      `arn:aws:s3:::${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/*`,
      `arn:aws:s3:::other-bucket/*`,
    ]) {
      const found = judge(policy(acl, write(resource)));
      expect(found, resource).toMatchObject({ certain: true });
      expect(found.problem).toBe(
        `the policy of bucket ${BUCKET} no longer allows cloudtrail.amazonaws.com s3:PutObject on arn:aws:s3:::${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail/*`,
      );
    }
  });

  it("follows the trail's S3KeyPrefix, and asks for the digests only with log file validation on", () => {
    const onAWSLogs = policy(acl, write(`arn:aws:s3:::${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail/*`));

    expect(judge(onAWSLogs).problem).toBeNull();
    expect(judge(onAWSLogs, { s3KeyPrefix: 'audit' }).problem).toContain(`${BUCKET}/audit/AWSLogs/${ACCOUNT}/CloudTrail/*`);
    expect(judge(onAWSLogs, { logFileValidation: true }).problem).toContain(`${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail-Digest/*`);
    expect(
      judge(policy(acl, write(`arn:aws:s3:::${BUCKET}/audit/AWSLogs/*`)), { s3KeyPrefix: 'audit', logFileValidation: true }).problem,
    ).toBeNull();
  });

  it('an organization trail needs every member account under the organization id', () => {
    const org = { isOrganizationTrail: true, organizationId: 'o-abc123def4' };

    expect(judge(policy(acl, write(`arn:aws:s3:::${BUCKET}/AWSLogs/o-abc123def4/*`)), org).problem).toBeNull();
    expect(judge(policy(acl, write(`arn:aws:s3:::${BUCKET}/AWSLogs/o-abc123def4/${ACCOUNT}/*`)), org)).toMatchObject({ certain: true });
    expect(judge(policy(acl, write(`arn:aws:s3:::${BUCKET}/AWSLogs/${ACCOUNT}/*`)), org).problem).toContain('no longer allows');
    // An organization id TrailGuard could not read: never "allowed" on a guess, but not a certain lockout either.
    expect(judge(policy(acl, write(`arn:aws:s3:::${BUCKET}/AWSLogs/o-abc123def4/*`)), { ...org, organizationId: null })).toMatchObject({
      certain: false,
      problem: expect.stringContaining('TrailGuard cannot confirm'),
    });
  });

  it('a Deny on part of the keys (one region, a future day) is a lockout naming the statement', () => {
    const all = write(`arn:aws:s3:::${BUCKET}/AWSLogs/*`);
    for (const Resource of [`arn:aws:s3:::${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/*`, `arn:aws:s3:::${BUCKET}/*/2027/01/*`]) {
      const found = judge(policy(acl, all, { Sid: 'Blind', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource }));

      expect(found.problem, Resource).toContain('denies s3:PutObject to CloudTrail (statement Blind)');
    }
    // A deny on keys CloudTrail never writes leaves it alone.
    const elsewhere = { Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/athena-results/*` };
    expect(judge(policy(acl, all, elsewhere)).problem).toBeNull();
  });

  it('NotPrincipal: a deny of everyone but CloudTrail spares it, a deny of everyone but the account root does not', () => {
    const all = write(`arn:aws:s3:::${BUCKET}/AWSLogs/*`);
    const deny = (NotPrincipal: unknown) => ({
      Sid: 'OnlyThese',
      Effect: 'Deny',
      NotPrincipal,
      Action: 's3:*',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
    });

    expect(judge(policy(acl, all, deny({ Service: 'cloudtrail.amazonaws.com' }))).problem).toBeNull();
    expect(judge(policy(acl, all, deny({ AWS: `arn:aws:iam::${ACCOUNT}:root` }))).problem).toContain('(statement OnlyThese)');
  });

  it('NotResource and NotAction: an Allow of everything but the logs grants nothing; a Deny of everything but them spares them', () => {
    const allBut = { Effect: 'Allow', Principal: CT, Action: 's3:PutObject', NotResource: `arn:aws:s3:::${BUCKET}/AWSLogs/*` };
    expect(judge(policy(acl, allBut)).problem).toContain('no longer allows cloudtrail.amazonaws.com s3:PutObject');

    const allowAll = { Effect: 'Allow', Principal: CT, Action: 's3:PutObject', NotResource: `arn:aws:s3:::${BUCKET}/athena/*` };
    expect(judge(policy(acl, allowAll)).problem).toBeNull();

    const denyOthers = {
      Sid: 'Others',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      NotResource: `arn:aws:s3:::${BUCKET}/AWSLogs/*`,
    };
    expect(judge(policy(acl, write(`arn:aws:s3:::${BUCKET}/*`), denyOthers)).problem).toBeNull();
    const denyAllButRead = {
      Sid: 'ReadOnly',
      Effect: 'Deny',
      Principal: '*',
      NotAction: ['s3:GetObject', 's3:GetBucketAcl'],
      Resource: '*',
    };
    expect(judge(policy(acl, write(`arn:aws:s3:::${BUCKET}/*`), denyAllButRead)).problem).toContain('(statement ReadOnly)');
  });

  it("conditions: another trail's SourceArn or account, or another ACL, grant nothing; a wildcard SourceArn does", () => {
    const withCondition = (Condition: unknown) => judge(policy(acl, write(`arn:aws:s3:::${BUCKET}/AWSLogs/*`, { Condition })));

    expect(withCondition({ StringEquals: { 'aws:SourceArn': `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/decoy` } }).certain).toBe(true);
    expect(withCondition({ StringEquals: { 'aws:SourceAccount': '999999999999' } }).problem).toContain('no longer allows');
    expect(withCondition({ StringEquals: { 's3:x-amz-acl': 'private' } }).problem).toContain('no longer allows');
    expect(withCondition({ ArnLike: { 'aws:SourceArn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` } }).problem).toBeNull();
    expect(withCondition({ StringNotEquals: { 'aws:SourceAccount': ['111111111111', '333333333333'] } }).problem).toBeNull();
    expect(withCondition({ StringEqualsIfExists: { 'aws:SourceVpce': 'vpce-1' } }).problem).toBeNull();
  });

  it('conditions: a Deny unless from a corporate network shuts CloudTrail out (it sends no aws:SourceIp), one that spares AWS services does not', () => {
    const all = write(`arn:aws:s3:::${BUCKET}/AWSLogs/*`);
    const corporate = { Sid: 'CorpOnly', Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: `arn:aws:s3:::${BUCKET}/*` };

    expect(judge(policy(acl, all, { ...corporate, Condition: { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } } })).problem).toContain(
      '(statement CorpOnly)',
    );
    const sparing = { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' }, Bool: { 'aws:PrincipalIsAWSService': 'false' } };
    expect(judge(policy(acl, all, { ...corporate, Condition: sparing })).problem).toBeNull();
    expect(judge(policy(acl, all, { ...corporate, Condition: { Null: { 'aws:SourceIp': 'true' } } })).problem).toContain('CorpOnly');
  });

  it('a condition TrailGuard cannot evaluate is "cannot confirm" on an Allow and "may deny" on a Deny, never allowed', () => {
    const all = write(`arn:aws:s3:::${BUCKET}/AWSLogs/*`);
    const unknown = { StringEquals: { 'aws:SourceOrgID': 'o-abc123def4' } };

    expect(judge(policy(acl, write(`arn:aws:s3:::${BUCKET}/AWSLogs/*`, { Condition: unknown })))).toMatchObject({
      certain: false,
      problem: expect.stringContaining('allows it only under a condition TrailGuard cannot evaluate (aws:SourceOrgID)'),
    });
    const deny = { Sid: 'Maybe', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: '*', Condition: unknown };
    expect(judge(policy(acl, all, deny))).toMatchObject({
      certain: false,
      problem: expect.stringContaining('statement Maybe may deny it (TrailGuard cannot evaluate aws:SourceOrgID)'),
    });
  });

  it('a trail the baseline alone names, in a log archive: its account and region are unknown, so a grant to one account is "cannot confirm"', () => {
    const archive = { trailArn: 'arn:aws:cloudtrail:*:*:trail/org-audit', trailAccount: '*' };
    const found = judge(policy(acl, write(`arn:aws:s3:::${BUCKET}/AWSLogs/${ACCOUNT}/*`)), archive);

    expect(found).toMatchObject({ certain: false, problem: expect.stringContaining('TrailGuard cannot confirm') });
    expect(judge(policy(acl, write(`arn:aws:s3:::${BUCKET}/AWSLogs/*`)), archive).problem).toBeNull();
  });

  it('a policy that is not JSON, or no policy at all, lets CloudTrail do nothing', () => {
    expect(judge('{ not json')).toMatchObject({ certain: true, problem: expect.stringContaining('the policy is not valid JSON') });
    expect(cloudTrailAccess(null, `bucket ${BUCKET}`, cloudTrailBucketRequests(target())).problem).toBe(
      `bucket ${BUCKET} has no policy now, so CloudTrail may not call s3:GetBucketAcl and s3:PutObject on it`,
    );
  });
});

describe('key policy: the encryption context CloudTrail sends', () => {
  const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const keyPolicy = (Condition?: unknown) =>
    policy({
      Sid: 'Encrypt',
      Effect: 'Allow',
      Principal: CT,
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      ...(Condition ? { Condition } : {}),
    });
  const judgeKey = (text: string) => cloudTrailAccess(text, 'key k', [cloudTrailKeyRequest(KEY, TRAIL_ARN, ACCOUNT)]);

  it("passes CloudTrail's documented key policy and refuses one scoped to another account's trails", () => {
    const documented = { StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` } };

    expect(judgeKey(keyPolicy(documented)).problem).toBeNull();
    expect(
      judgeKey(keyPolicy({ StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:999999999999:trail/*' } })),
    ).toEqual({
      problem: 'the policy of key k no longer allows cloudtrail.amazonaws.com kms:GenerateDataKey',
      certain: true,
    });
  });
});

describe('globs: Resource and ArnLike patterns decided exactly', () => {
  it('answers true, false or unknown for a value with unknown parts', () => {
    expect(globMatches('arn:aws:s3:::b/*', 'arn:aws:s3:::b/AWSLogs/x')).toBe(true);
    expect(globMatches('arn:aws:s3:::b/AWSLogs/1*', 'arn:aws:s3:::b/AWSLogs/????/*')).toBe('unknown');
    expect(globMatches('arn:aws:s3:::c/*', 'arn:aws:s3:::b/*')).toBe(false);
    // StringEquals compares text: `*` in the policy value is a character, never a wildcard.
    expect(globMatches('a*', 'ab', { literal: true })).toBe(false);
    expect(globMatches('a*', 'ab')).toBe(true);
  });

  it('covers a space only with patterns that together match all of it', () => {
    expect(globsCover(['b/AWSLogs/1/CloudTrail/*', 'b/AWSLogs/1/CloudTrail-Digest/*'], 'b/AWSLogs/1/*')).toBe(false);
    // Only together: the empty rest, one character, two or more.
    expect(globsCover(['b/x', 'b/x?', 'b/x??*'], 'b/x*')).toBe(true);
    expect(globsCover(['b/x', 'b/x??*'], 'b/x*')).toBe(false);
    expect(globsCover(['b/*/CloudTrail/*'], 'b/AWSLogs/o-abc/*/CloudTrail/*')).toBe(true);
  });
});

describe('lifecycle: only rules that can reach a log count', () => {
  const rule = (ID: string, extra: Partial<LifecycleRule>): LifecycleRule => ({ ID, Status: 'Enabled', Expiration: { Days: 1 }, ...extra });
  const logs = logKeyPrefixesOf('')!;
  const ids = (rules: { rule: LifecycleRule }[]) => rules.map((r) => r.rule.ID);

  it('keeps rules scoped to other prefixes (Filter.Prefix, Filter.And.Prefix, legacy Prefix), tags, or sizes no log has', () => {
    const rules: LifecycleRule[] = [
      rule('athena', { Filter: { Prefix: 'athena-results/' } }),
      rule('and-prefix', { Filter: { And: { Prefix: 'tmp/', ObjectSizeGreaterThan: 0 } } }),
      rule('legacy', { Prefix: 'exports/' }),
      rule('tag', { Filter: { Tag: { Key: 'scratch', Value: 'true' } } }),
      rule('and-tags', { Filter: { And: { Prefix: 'AWSLogs/', Tags: [{ Key: 'scratch', Value: 'true' }] } } }),
      rule('tiny', { Filter: { ObjectSizeLessThan: 16 } }),
      rule('empty-range', { Filter: { And: { ObjectSizeGreaterThan: 5000, ObjectSizeLessThan: 5001 } } }),
    ];

    const decision = decideLifecycle(rules, 365, NOW, { logKeyPrefixes: logs });

    expect(decision.expiring).toEqual([]);
    expect(decision.kept.map((r) => r.ID)).toEqual(rules.map((r) => r.ID));
  });

  it('removes rules on the whole bucket, on AWSLogs/ or inside it, on a prefix above it, with big-object filters, or with a wildcard prefix', () => {
    const rules: LifecycleRule[] = [
      rule('bucket', { Filter: {} }),
      rule('no-filter', {}),
      rule('one-region', { Filter: { And: { Prefix: 'AWSLogs/222222222222/CloudTrail/eu-west-1/', ObjectSizeGreaterThan: 1024 } } }),
      rule('above', { Prefix: 'AWS' }),
      rule('stratus', { Filter: { Prefix: '*' } }),
      rule('big', { Filter: { ObjectSizeGreaterThan: 1_000_000 } }),
    ];

    const decision = decideLifecycle(rules, 365, NOW, { logKeyPrefixes: logs });

    expect(ids(decision.expiring)).toEqual(rules.map((r) => r.ID));
  });

  it("uses the trail's S3KeyPrefix: a rule on AWSLogs/ at the bucket root is kept when the trail writes under audit/", () => {
    const decision = decideLifecycle(
      [rule('root-awslogs', { Filter: { Prefix: 'AWSLogs/' } }), rule('audit', { Filter: { Prefix: 'audit/' } })],
      365,
      NOW,
      { logKeyPrefixes: logKeyPrefixesOf('audit') },
    );

    expect(decision.kept.map((r) => r.ID)).toEqual(['root-awslogs']);
    expect(ids(decision.expiring)).toEqual(['audit']);
    // An unknown prefix (a baseline trail that does not pin it): every filter counts.
    expect(logKeyPrefixesOf(null)).toBeNull();
    expect(ids(decideLifecycle([rule('athena', { Filter: { Prefix: 'athena/' } })], 365, NOW).expiring)).toEqual(['athena']);
  });

  it('reports GLACIER and DEEP_ARCHIVE transitions (Days or Date) sooner than retentionDays, keeping them; readable classes are not', () => {
    const rules: LifecycleRule[] = [
      { ID: 'deep', Status: 'Enabled', Filter: {}, Transitions: [{ Days: 0, StorageClass: 'DEEP_ARCHIVE' }] },
      { ID: 'dated', Status: 'Enabled', Filter: {}, Transitions: [{ Date: new Date('2027-01-01T00:00:00Z'), StorageClass: 'GLACIER' }] },
      { ID: 'ir', Status: 'Enabled', Filter: {}, Transitions: [{ Days: 0, StorageClass: 'GLACIER_IR' }] },
      { ID: 'ia', Status: 'Enabled', Filter: {}, Transitions: [{ Days: 30, StorageClass: 'STANDARD_IA' }] },
      { ID: 'late', Status: 'Enabled', Filter: {}, Transitions: [{ Days: 400, StorageClass: 'DEEP_ARCHIVE' }] },
      { ID: 'athena', Status: 'Enabled', Filter: { Prefix: 'athena/' }, Transitions: [{ Days: 0, StorageClass: 'DEEP_ARCHIVE' }] },
    ];

    const decision = decideLifecycle(rules, 365, NOW, { logKeyPrefixes: logs });

    expect(decision.expiring).toEqual([]);
    expect(decision.kept).toHaveLength(rules.length);
    expect(decision.archiving.map((r) => r.description)).toEqual([
      'a lifecycle rule "deep" moving logs to DEEP_ARCHIVE after 0 days (unreadable until each is restored)',
      'a lifecycle rule "dated" moving every log to GLACIER on 2027-01-01 (unreadable until each is restored)',
    ]);
  });

  it('keeps Expiration.ExpiredObjectDeleteMarker (it deletes only markers), also beside a prefix that matches the logs', () => {
    const markers: LifecycleRule = {
      ID: 'markers',
      Status: 'Enabled',
      Filter: { Prefix: 'AWSLogs/' },
      Expiration: { ExpiredObjectDeleteMarker: true },
    };

    expect(decideLifecycle([markers], 365, NOW, { logKeyPrefixes: logs }).kept).toEqual([markers]);
  });
});

describe('multi-Region keys', () => {
  const base = { version: 1, central: { account: '111111111111', region: 'us-east-1' }, members: { accounts: [{ id: ACCOUNT }] } };
  const issues = (value: unknown) => {
    try {
      validateConfig(value);
      return [];
    } catch (error) {
      return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
    }
  };

  it('trailguard.yml refuses a bare mrk- key id, naming trails[i].kmsKeyId, and accepts its key ARN', () => {
    const mrk = 'mrk-0123456789abcdef0123456789abcdef';
    const trails = (kmsKeyId: string) => [
      { name: 'org-audit', s3BucketName: BUCKET },
      { name: 'second', s3BucketName: BUCKET, kmsKeyId },
    ];

    expect(issues({ ...base, trails: trails(mrk) })).toEqual([
      `trails[1].kmsKeyId: ${mrk} is a multi-Region key id, the same in every region: give the key ARN of the replica the trail uses (arn:aws:kms:<region>:<account>:key/${mrk})`,
    ]);
    expect(issues({ ...base, trails: trails(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/${mrk}`) })).toEqual([]);
  });

  it("grants kms:EnableKey on the multi-Region key's ARN only, and a plain key id in the account's keys", () => {
    const grant = (kmsKeyId: string) =>
      memberRemediationPermissionsPolicy({
        account: ACCOUNT,
        centralAccount: '111111111111',
        region: 'us-east-1',
        trustedPrincipalArns: ['arn:aws:iam::111111111111:role/trailguard-remediator'],
        baseline: [
          {
            name: 'org-audit',
            s3BucketName: BUCKET,
            kmsKeyId,
            isMultiRegionTrail: true,
            includeGlobalServiceEvents: true,
            enableLogFileValidation: true,
          },
        ],
      }).Statement.find((s) => s.Sid === 'ReenableTrailKeys')?.Resource;
    const arn = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/mrk-0123456789abcdef0123456789abcdef`;

    expect(grant(arn)).toEqual([arn]);
    expect(grant('1234abcd-12ab-34cd-56ef-1234567890ab')).toEqual([`arn:aws:kms:*:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`]);
  });
});

describe('a policy built to exhaust the evaluator', () => {
  it('is alerted as "cannot confirm", not left to run until the remediator times out', () => {
    // "an `a` 24 characters before the end" beside a grant of everything: proving the two cover every log key walks
    // 2^24 subsets of the first pattern's automaton.
    const spiky = `arn:aws:s3:::${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail/*a${'?'.repeat(24)}`;

    const found = judge(policy(acl, write([spiky, `arn:aws:s3:::${BUCKET}/AWSLogs/*`])));

    expect(found).toEqual({
      certain: false,
      problem: `TrailGuard cannot confirm that the policy of bucket ${BUCKET} allows cloudtrail.amazonaws.com s3:PutObject on arn:aws:s3:::${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail/*: its patterns are too complex for TrailGuard to evaluate`,
    });
  });
});

describe('an organization trail bucket policy, through the remediator (recorded responses)', () => {
  const MANAGEMENT = '333333333333';
  const ORG_TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org-audit`;
  const sts = mockClient(STSClient);
  const cloudtrail = mockClient(CloudTrailClient);
  const s3 = mockClient(S3Client);
  const sns = mockClient(SNSClient);
  const organizations = mockClient(OrganizationsClient);
  const published = (): Alert[] => sns.commandCalls(PublishCommand).map((c) => AlertSchema.parse(JSON.parse(c.args[0].input.Message!)));
  const handle = async (bucketPolicy: string) => {
    s3.on(GetBucketPolicyCommand).resolves({ Policy: bucketPolicy });
    const deps = createDefaultDeps({
      env: { AWS_REGION: 'us-east-1', TRAILGUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts' },
      log: recordingLog(),
      clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } },
    });
    const event = structuredClone(loadCase('16-stratus-cloudtrail-lifecycle-rule').event);
    Object.assign(event.detail, { eventName: 'PutBucketPolicy', requestParameters: { bucketName: BUCKET } });
    return (await createHandler(() => deps)(event)) as RemediationResult;
  };

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

  it("reads the organization id and judges the members' keys under it, with the management account's trail as SourceArn", async () => {
    const sourced = { Condition: { StringEquals: { 'aws:SourceArn': ORG_TRAIL_ARN } } };

    await handle(policy(acl, write(`arn:aws:s3:::${BUCKET}/AWSLogs/o-abc123def4/*`, sourced)));
    await handle(policy(acl, write(`arn:aws:s3:::${BUCKET}/AWSLogs/${MANAGEMENT}/*`, sourced)));

    const [fine, locked] = published();
    expect(fine!.reason).toContain('it still allows CloudTrail to deliver');
    expect(locked!.reason).toContain(
      `CloudTrail is locked out of its bucket: the policy of bucket ${BUCKET} no longer allows cloudtrail.amazonaws.com s3:PutObject on arn:aws:s3:::${BUCKET}/AWSLogs/o-abc123def4/*/CloudTrail/*`,
    );
    expect(organizations.commandCalls(DescribeOrganizationCommand)).toHaveLength(2);
  });

  it('an organization id it cannot read is "may be locked out", never "still allows"', async () => {
    organizations.on(DescribeOrganizationCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    const result = await handle(policy(acl, write(`arn:aws:s3:::${BUCKET}/AWSLogs/o-abc123def4/*`)));

    expect(result.outcome).toBe('alert-only');
    const [alert] = published();
    expect(alert!.resource).toMatchObject({ restored: false });
    expect(alert!.reason).toContain('CloudTrail may be locked out of its bucket: TrailGuard cannot confirm');
  });
});

// Review rv2: ArnLike / ArnEquals / ArnNotLike compare an ARN component by component (IAM User Guide, "Amazon
// Resource Name (ARN) condition operators": "Each of the six colon-delimited components of the ARN is checked
// separately and each can include multi-character match wildcards (*) or single-character match wildcards (?)"). The
// evaluator matched them as one glob, whose `*` runs across the colons. A bucket policy written against that reading
// locks CloudTrail out while TrailGuard says the policy still allows it: a Deny with ArnNotLike aws:SourceArn
// "arn:aws:cloudtrail:us-east-1*:trail/org-audit" (a glob that covers the trail's ARN, but whose fifth component,
// `trail/org-audit`, is not the account) denies every delivery in AWS, and was judged harmless.
// Fixed: for the Arn* operators the components are matched too; when the two readings disagree the answer is
// `unknown` ("may be locked out", alerted), never "still allows".
import { describe, expect, it } from 'vitest';
import { cloudTrailAccess, cloudTrailBucketRequests, type DeliveryTarget } from '#core/log-storage.js';

const ACCOUNT = '222222222222';
const BUCKET = 'org-audit-logs';
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-audit`;
const CT = { Service: 'cloudtrail.amazonaws.com' };
const policy = (...Statement: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const target: DeliveryTarget = {
  partition: 'aws',
  bucket: BUCKET,
  trailArn: TRAIL_ARN,
  trailAccount: ACCOUNT,
  s3KeyPrefix: '',
  isOrganizationTrail: false,
  logFileValidation: false,
  insights: false,
};
const documented = [
  { Sid: 'AclCheck', Effect: 'Allow', Principal: CT, Action: 's3:GetBucketAcl', Resource: `arn:aws:s3:::${BUCKET}` },
  {
    Sid: 'Write',
    Effect: 'Allow',
    Principal: CT,
    Action: 's3:PutObject',
    Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/${ACCOUNT}/*`,
    Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': TRAIL_ARN } },
  },
];
const judge = (...extra: unknown[]) =>
  cloudTrailAccess(policy(...documented, ...extra), `bucket ${BUCKET}`, cloudTrailBucketRequests(target));

describe('review rv2: ARN condition operators match component by component', () => {
  it('(control) the documented policy allows delivery', () => {
    expect(judge().problem).toBeNull();
  });

  it('a Deny whose ArnNotLike pattern covers the ARN only across colons is not "still allows"', () => {
    const finding = judge({
      Sid: 'OnlyOurTrail',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: `arn:aws:s3:::${BUCKET}/*`,
      Condition: { ArnNotLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:us-east-1*:trail/org-audit' } },
    });
    expect(finding.problem).not.toBeNull();
    expect(finding.problem).toContain('OnlyOurTrail');
  });

  it('an Allow whose ArnLike pattern covers the ARN only across colons does not count as a grant', () => {
    const onlyGlob = [
      documented[0],
      {
        Sid: 'Write',
        Effect: 'Allow',
        Principal: CT,
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/${ACCOUNT}/*`,
        Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:*' } },
      },
    ];
    expect(cloudTrailAccess(policy(...onlyGlob), `bucket ${BUCKET}`, cloudTrailBucketRequests(target)).problem).not.toBeNull();
  });

  it('(control) per-component wildcards still match: arn:aws:cloudtrail:*:222222222222:trail/*', () => {
    expect(
      judge({
        Sid: 'OnlyOurAccount',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${BUCKET}/*`,
        Condition: { ArnNotLike: { 'aws:SourceArn': `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*` } },
      }).problem,
    ).toBeNull();
  });
});

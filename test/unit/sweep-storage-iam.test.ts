// TrailGuardRemediator's grants for the sweep's reads of a trail's log storage (lambda/sweep-storage.ts): every trail's
// bucket and key is read, not only what the baseline pins, since a trail found at run time is swept too.
import { describe, expect, it } from 'vitest';
import { memberRemediationPermissionsPolicy, type MemberContext, type PolicyDocument } from '#core/iam-policies.js';
import { checkAgainstReference } from '../support/iam-reference.js';

const MEMBER: MemberContext = {
  account: '222222222222',
  centralAccount: '111111111111',
  region: 'us-east-1',
  trustedPrincipalArns: ['arn:aws:iam::111111111111:role/trailguard-remediator'],
  baseline: [],
};

const glob = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

/** Whether an unconditional Allow of the policy grants `action` on `resource`, and no Deny takes it back. */
function grants(policy: PolicyDocument, action: string, resource: string): boolean {
  const matches = (s: PolicyDocument['Statement'][number]) =>
    [s.Action ?? []].flat().some((a) => glob(a.toLowerCase()).test(action.toLowerCase())) &&
    [s.Resource ?? []].flat().some((r) => glob(r).test(resource));
  const statements = policy.Statement;
  return (
    statements.some((s) => s.Effect === 'Allow' && !s.Condition && matches(s)) && !statements.some((s) => s.Effect === 'Deny' && matches(s))
  );
}

describe('member remediation role: the sweep reads every trail log storage', () => {
  it('reads any bucket lifecycle rules and policy, without a baseline', () => {
    const policy = memberRemediationPermissionsPolicy(MEMBER);
    expect(grants(policy, 's3:GetLifecycleConfiguration', 'arn:aws:s3:::found-at-run-time')).toBe(true);
    expect(grants(policy, 's3:GetBucketPolicy', 'arn:aws:s3:::found-at-run-time')).toBe(true);
  });

  it("reads the state of the account's own keys (kms:DescribeKey), pinned or not, and no other account's", () => {
    const policy = memberRemediationPermissionsPolicy(MEMBER);
    expect(grants(policy, 'kms:DescribeKey', 'arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(true);
    expect(grants(policy, 'kms:DescribeKey', 'arn:aws:kms:eu-west-1:333333333333:key/1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(false);
    // Reading is not repairing: re-enabling stays with the keys the baseline pins.
    expect(grants(policy, 'kms:EnableKey', 'arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab')).toBe(false);
  });

  it("still follows IAM's Service Authorization Reference", async () => {
    const problems = await checkAgainstReference([
      { name: 'TrailGuardRemediator', use: 'identity', document: memberRemediationPermissionsPolicy(MEMBER) },
    ]);
    expect(problems).toEqual([]);
  });
});

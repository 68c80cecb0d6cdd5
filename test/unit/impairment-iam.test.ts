// The member role's permissions for the Lake and Organizations remediations (issue 12): exactly what each needs, scoped to
// the member's own event data stores, checked against IAM's Service Authorization Reference.
import { describe, expect, it } from 'vitest';
import { memberRemediationPermissionsPolicy, type PolicyDocument } from '#core/iam-policies.js';
import { checkAgainstReference } from '../support/iam-reference.js';

const MEMBER = '222222222222';
const member = { account: MEMBER, centralAccount: '111111111111', region: 'us-east-1', trustedPrincipalArns: [], baseline: [] };
const withStores = { ...member, eventDataStores: [{ name: 'audit-lake', retentionPeriod: 365 }] };

/** The statements that allow or deny `action`. */
function granting(policy: PolicyDocument, action: string, effect: 'Allow' | 'Deny' = 'Allow') {
  return policy.Statement.filter((s) => s.Effect === effect && [s.Action].flat().includes(action));
}

describe('member remediation role: CloudTrail Lake', () => {
  it("may read, restart and restore only this account's event data stores", () => {
    const policy = memberRemediationPermissionsPolicy(member);

    for (const action of ['cloudtrail:GetEventDataStore', 'cloudtrail:StartEventDataStoreIngestion', 'cloudtrail:RestoreEventDataStore']) {
      expect(
        granting(policy, action).map((s) => s.Resource),
        action,
      ).toEqual([`arn:aws:cloudtrail:*:${MEMBER}:eventdatastore/*`]);
    }
  });

  it('may update an event data store only when the config gives a baseline to restore', () => {
    expect(granting(memberRemediationPermissionsPolicy(member), 'cloudtrail:UpdateEventDataStore')).toEqual([]);
    expect(granting(memberRemediationPermissionsPolicy(withStores), 'cloudtrail:UpdateEventDataStore').map((s) => s.Resource)).toEqual([
      `arn:aws:cloudtrail:*:${MEMBER}:eventdatastore/*`,
    ]);
  });

  it('can never stop ingestion or delete a store, by explicit deny', () => {
    const policy = memberRemediationPermissionsPolicy(withStores);

    for (const action of ['cloudtrail:StopEventDataStoreIngestion', 'cloudtrail:DeleteEventDataStore']) {
      expect(
        granting(policy, action, 'Deny').map((s) => s.Resource),
        action,
      ).toEqual(['*']);
    }
  });
});

describe('member remediation role: Organizations', () => {
  it('may read its own membership (DescribeOrganization), also without a baseline, and never change the organization', () => {
    const policy = memberRemediationPermissionsPolicy(member);

    expect(granting(policy, 'organizations:DescribeOrganization')).toHaveLength(1);
    const organizations = policy.Statement.flatMap((s) => (s.Effect === 'Allow' ? [s.Action].flat() : [])).filter((a) =>
      a.startsWith('organizations:'),
    );
    expect(organizations).toEqual(['organizations:DescribeOrganization']);
  });
});

describe("IAM's reference", () => {
  it('knows every action and resource of the new statements', async () => {
    const findings = await checkAgainstReference([
      { name: 'member with event data store baseline', use: 'identity', document: memberRemediationPermissionsPolicy(withStores) },
    ]);

    expect(findings).toEqual([]);
  });
});

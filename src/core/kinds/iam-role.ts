// IAM role (forwarder, member remediation, reader, central remediator): trust, one inline policy, the boundary.
import type { PolicyDocument } from '../iam-policies.js';
import { DesiredStateError, type KindSpec, type ResourceBase } from './kind.js';

export interface IamRoleResource extends ResourceBase {
  kind: 'iam-role';
  trust: PolicyDocument;
  policyName: string;
  policy: PolicyDocument;
  description: string;
  /** ARN of the `trailguard-boundary` managed policy in the role's account: caps what the role can ever do. */
  permissionsBoundary: string;
}

/** The plan's field name for a role's inline policy: `inline policy <name>`. */
export const inlinePolicyField = (name: string) => `inline policy ${name}`;

/**
 * Characters IAM allows, whitespace not counted (IAM User Guide, "IAM and AWS STS quotas"): a role's
 * inline policies together, a role trust policy (the default quota), a managed policy.
 */
export const IAM_LIMITS = { inlinePolicy: 10_240, trustPolicy: 2_048, managedPolicy: 6_144 } as const;

/** IAM's length of a policy document, in characters: its JSON without whitespace, as IAM counts it against the quotas. */
export function iamPolicyLength(document: PolicyDocument): number {
  return JSON.stringify(document).replace(/\s/g, '').length;
}

export const iamRole: KindSpec<IamRoleResource> = {
  kind: 'iam-role',
  tagged: true,
  // Any other policy on the role is drift: apply cannot remove it, so it stays drift and fails the run.
  check(roles) {
    for (const r of roles) {
      const [policy, trust] = [iamPolicyLength(r.policy), iamPolicyLength(r.trust)];
      if (policy > IAM_LIMITS.inlinePolicy || trust > IAM_LIMITS.trustPolicy) {
        throw new DesiredStateError(
          `the ${r.name} role in ${r.account} would have a ${policy}-character policy and a ${trust}-character trust policy, over IAM's ` +
            `${IAM_LIMITS.inlinePolicy} and ${IAM_LIMITS.trustPolicy}: set organizationId in trailguard.yml so that one aws:ResourceOrgID condition covers every member`,
        );
      }
    }
  },
  desiredFields: (r) => ({
    permissionsBoundary: r.permissionsBoundary,
    trustPolicy: r.trust,
    [inlinePolicyField(r.policyName)]: r.policy,
    otherPolicies: [],
  }),
};

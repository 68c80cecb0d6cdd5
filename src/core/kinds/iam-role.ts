// IAM role (forwarder, member remediation, reader, central remediator): trust, one inline policy, the boundary.
import type { PolicyDocument } from '../iam-policies.js';
import type { KindSpec, ResourceBase } from './kind.js';

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

export const iamRole: KindSpec<IamRoleResource> = {
  kind: 'iam-role',
  tagged: true,
  // Any other policy on the role is drift: apply cannot remove it, so it stays drift and fails the run.
  desiredFields: (r) => ({ permissionsBoundary: r.permissionsBoundary, trustPolicy: r.trust, [inlinePolicyField(r.policyName)]: r.policy, otherPolicies: [] }),
};

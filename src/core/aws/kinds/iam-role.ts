// IAM role, AWS half: GetRole + its inline and attached policies; CreateRole with the boundary, then the policy.
import {
  CreateRoleCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { errorCode, errorText } from '../../errors.js';
import { inlinePolicyField, type IamRoleResource } from '../../kinds/iam-role.js';
import { managedIn, orMissing, parsePolicy, TAG_LIST } from './common.js';
import type { KindIo } from './kind.js';

/**
 * IAM answers NoSuchEntity when the boundary policy does not exist yet: say who creates it and how,
 * since the deploy role is deliberately unable to.
 */
async function withBoundaryHint<T>(resource: IamRoleResource, account: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (errorCode(error) !== 'NoSuchEntity' && errorCode(error) !== 'NoSuchEntityException') throw error;
    throw new Error(
      `role ${resource.name} in ${account}: the permissions boundary ${resource.permissionsBoundary} does not exist; ` +
        `an administrator creates it once in every account with the document \`trailguard iam boundary\` prints (${errorText(error)})`,
      { cause: error },
    );
  }
}

export const iamRoleIo: KindIo<IamRoleResource> = {
  // CreateRole with Tags needs iam:TagRole too.
  actions: {
    read: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'],
    write: ['iam:CreateRole', 'iam:TagRole', 'iam:PutRolePermissionsBoundary', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy'],
  },

  async read(resource, { accounts, account, region }) {
    const iam = await accounts.client(IAMClient, account, region);
    const [role, inline, names, attached] = await Promise.all([
      orMissing(iam.send(new GetRoleCommand({ RoleName: resource.name }))),
      orMissing(iam.send(new GetRolePolicyCommand({ RoleName: resource.name, PolicyName: resource.policyName }))),
      orMissing(iam.send(new ListRolePoliciesCommand({ RoleName: resource.name }))),
      orMissing(iam.send(new ListAttachedRolePoliciesCommand({ RoleName: resource.name }))),
    ]);
    if (!role?.Role) return { exists: false };
    // Any other policy on the role (an inline Deny on the forwarder blinds every rule of the account; an attached
    // policy widens the role up to its boundary) is drift. Apply cannot remove it: it stays drift and fails the run.
    const otherPolicies = [
      ...(names?.PolicyNames ?? []).filter((n) => n !== resource.policyName).map((n) => `inline ${n}`),
      ...(attached?.AttachedPolicies ?? []).map((a) => `attached ${a.PolicyArn ?? a.PolicyName}`),
      ...(names?.IsTruncated || attached?.IsTruncated ? ['more (truncated)'] : []),
    ].sort();
    return {
      exists: true,
      managed: managedIn(role.Role.Tags),
      fields: {
        // A role without the boundary (removed, or created before TrailGuard set one) is drift.
        permissionsBoundary: role.Role.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
        trustPolicy: parsePolicy(role.Role.AssumeRolePolicyDocument),
        [inlinePolicyField(resource.policyName)]: parsePolicy(inline?.PolicyDocument),
        otherPolicies,
      },
    };
  },

  async apply(resource, { accounts, account, region, create, fields }) {
    const iam = await accounts.client(IAMClient, account, region);
    // The deploy policy edits only roles that carry the boundary, so the boundary goes first.
    const boundary = { PermissionsBoundary: resource.permissionsBoundary };
    if (create) {
      await withBoundaryHint(
        resource,
        account,
        iam.send(
          new CreateRoleCommand({
            RoleName: resource.name,
            AssumeRolePolicyDocument: JSON.stringify(resource.trust),
            Description: resource.description,
            Tags: TAG_LIST,
            ...boundary,
          }),
        ),
      );
    } else if (fields.has('permissionsBoundary')) {
      await withBoundaryHint(resource, account, iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: resource.name, ...boundary })));
    }
    if (!create && fields.has('trustPolicy')) {
      await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: resource.name, PolicyDocument: JSON.stringify(resource.trust) }));
    }
    if (create || fields.has(inlinePolicyField(resource.policyName))) {
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: resource.name,
          PolicyName: resource.policyName,
          PolicyDocument: JSON.stringify(resource.policy),
        }),
      );
    }
  },
};

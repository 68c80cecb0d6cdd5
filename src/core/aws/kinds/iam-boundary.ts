// The permissions boundary, AWS half: read its default version; never written (the deploy role cannot, by design).
import { GetPolicyCommand, GetPolicyVersionCommand, IAMClient } from '@aws-sdk/client-iam';
import type { IamBoundaryResource } from '../../kinds/iam-boundary.js';
import { orMissing, parsePolicy } from './common.js';
import type { KindIo } from './kind.js';

export const iamBoundaryIo: KindIo<IamBoundaryResource> = {
  // Never written: an administrator owns it.
  actions: { read: ['iam:GetPolicy', 'iam:GetPolicyVersion'], write: [] },

  async read(resource, { accounts, account, region }) {
    const iam = await accounts.client(IAMClient, account, region);
    const policy = await orMissing(iam.send(new GetPolicyCommand({ PolicyArn: resource.arn })));
    // Missing: nothing to compare, and every role write that needs it fails saying who creates it.
    // (IAM refuses to delete a policy while a role uses it as its boundary.)
    if (!policy?.Policy) return { exists: true, managed: true, fields: { document: resource.document } };
    const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: resource.arn, VersionId: policy.Policy.DefaultVersionId }));
    // Someone widening the boundary, or a config that now needs more, both show here.
    return { exists: true, managed: true, fields: { document: parsePolicy(version.PolicyVersion?.Document) } };
  },

  async apply(resource, { create }) {
    // The deploy role can neither create nor change it: that is what makes it a boundary.
    throw new Error(
      `the permissions boundary ${resource.arn} ${create ? 'does not exist' : 'differs from what this config needs (changed by someone, or the config now needs more)'}: ` +
        'an administrator creates or updates it with the document `trailguard iam boundary` prints (every account), then apply again',
    );
  },
};

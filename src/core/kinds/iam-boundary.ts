// The `trailguard-boundary` managed policy in the central account: read and compared, never written (an administrator owns it).
import type { PolicyDocument } from '../iam-policies.js';
import { IAM_LIMITS, iamPolicyLength } from './iam-role.js';
import { DesiredStateError, type KindSpec, type ResourceBase } from './kind.js';

export interface IamBoundaryResource extends ResourceBase {
  kind: 'iam-boundary';
  arn: string;
  document: PolicyDocument;
}

export const iamBoundary: KindSpec<IamBoundaryResource> = {
  kind: 'iam-boundary',
  // IAM refuses to delete a policy a role uses as its boundary, and the deploy role cannot write it: owned by its name.
  tagged: false,
  desiredFields: (r) => ({ document: r.document }),
  updateHint: '; an administrator updates it (trailguard iam boundary)',
  check(boundaries) {
    for (const b of boundaries) {
      const length = iamPolicyLength(b.document);
      if (length <= IAM_LIMITS.managedPolicy) continue;
      throw new DesiredStateError(
        `the ${b.name} policy would be ${length} characters, over IAM's ${IAM_LIMITS.managedPolicy} for a managed policy: ` +
          'its size does not depend on the members or the baseline trails, only on what the config turns on ' +
          "(slack.deploy: lambda adds the Slack app's roles, organization the organization-trail statements); report it as a TrailGuard bug",
      );
    }
  },
};

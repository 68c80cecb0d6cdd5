// A statement of the remediator's resource policy letting one central rule invoke it (delivery: direct).
import type { KindSpec, ResourceBase } from './kind.js';

export interface LambdaPermissionResource extends ResourceBase {
  kind: 'lambda-permission';
  functionName: string;
  /** ARN of the rule allowed to invoke the function. */
  sourceArn: string;
}

export const lambdaPermission: KindSpec<LambdaPermissionResource> = {
  kind: 'lambda-permission',
  // A policy statement has no tags: TrailGuard's are those whose Sid starts with `trailguard-`.
  tagged: false,
  describeConflict: (c) =>
    `statement ${c.name} of the remediator's function policy ${c.reason.replace(/^conflict: /, '')}: whoever it admits can invoke the remediator with forged records; TrailGuard never changes it, remove it`,
  desiredFields: (r) => ({ principal: 'events.amazonaws.com', action: 'lambda:InvokeFunction', sourceArn: r.sourceArn }),
};

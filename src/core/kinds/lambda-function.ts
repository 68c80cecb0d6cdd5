// The remediator function `trailguard-remediator`: configuration, code, on-failure destination, and what must not be on it.
import { differingNamesOnly, type KindSpec, type ResourceBase } from './kind.js';

export interface LambdaFunctionResource extends ResourceBase {
  kind: 'lambda-function';
  roleArn: string;
  runtime: string;
  handler: string;
  /** Seconds. */
  timeout: number;
  /** MiB. */
  memorySize: number;
  environment: Record<string, string>;
  codeSha256: string;
  /** Where asynchronous invocations that failed every retry go (an on-failure destination). */
  onFailureArn: string | null;
}

export const lambdaFunction: KindSpec<LambdaFunctionResource> = {
  kind: 'lambda-function',
  tagged: true,
  // Someone may have put a secret in the function's environment: the plan names the variables that differ, not their values.
  shownValue: (field, value, other) => (field === 'environment' ? differingNamesOnly(value, other) : value),
  desiredFields: (r) => ({
    role: r.roleArn,
    runtime: r.runtime,
    handler: r.handler,
    timeout: r.timeout,
    memorySize: r.memorySize,
    environment: r.environment,
    code: r.codeSha256,
    onFailure: r.onFailureArn,
    throttled: false,
    layers: [],
    vpcSubnets: [],
  }),
};

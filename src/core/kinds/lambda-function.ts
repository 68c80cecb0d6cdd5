// The remediator function `trailguard-remediator`: configuration, code, on-failure destination, and what must not be on it.
import type { KindSpec, ResourceBase } from './kind.js';

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

// A TrailGuard function (`trailguard-remediator`, and `trailguard-slack` with slack.deploy: lambda): configuration, code, on-failure destination, and what must not be on it.
import { DesiredStateError, differingNamesOnly, type KindSpec, type ResourceBase } from './kind.js';

/** Lambda's quota on a function's environment: 4 KB for every key and value together (Lambda Developer Guide, "Quotas"). */
export const LAMBDA_ENVIRONMENT_LIMIT = 4096;

/** The bytes the environment counts against the quota: each key and value, UTF-8. */
export function environmentSize(environment: Record<string, string>): number {
  return Object.entries(environment).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
}

/** Lambda's defaults for asynchronous invocations, which apply puts with an on-failure destination. */
export const ASYNC_RETRY_ATTEMPTS = 2;
export const ASYNC_MAX_AGE_SECONDS = 21_600;

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
  /** Which zip apply uploads: the remediator's (default) or the Slack app's (`dist/slack-app-lambda/` and the config). */
  bundle?: 'remediator' | 'slack';
  /** Lambda's Description on create (default: the remediator's). */
  description?: string;
}

export const lambdaFunction: KindSpec<LambdaFunctionResource> = {
  kind: 'lambda-function',
  tagged: true,
  // Someone may have put a secret in the function's environment: the plan names the variables that differ, not their values.
  shownValue: (field, value, other) => (field === 'environment' ? differingNamesOnly(value, other) : value),
  // Apply would fail half-way at UpdateFunctionConfiguration: refuse before any call, saying what makes it smaller.
  check(resources) {
    for (const r of resources) {
      const size = environmentSize(r.environment);
      if (size > LAMBDA_ENVIRONMENT_LIMIT)
        throw new DesiredStateError(
          `${r.name}: its environment would be ${size} bytes, over Lambda's ${LAMBDA_ENVIRONMENT_LIMIT}-byte limit ` +
            '(the sweep lists every member in TRAILGUARD_SWEEP, the baseline trails are in TRAILGUARD_TRAILS): ' +
            'use members.organization: true with organizationId, or fewer baseline settings',
        );
    }
  },
  desiredFields: (r) => ({
    role: r.roleArn,
    runtime: r.runtime,
    handler: r.handler,
    timeout: r.timeout,
    memorySize: r.memorySize,
    environment: r.environment,
    code: r.codeSha256,
    onFailure: r.onFailureArn,
    // Lambda's defaults for asynchronous invocations (SNS, the drain, a deferred Slack request): fewer retries or a
    // shorter age turn one transient failure into an event dropped (or, for the remediator, sent to the DLQ early).
    retries: { attempts: ASYNC_RETRY_ATTEMPTS, maxAgeSeconds: ASYNC_MAX_AGE_SECONDS },
    throttled: false,
    layers: [],
    vpcSubnets: [],
    // Lambda's own key: a customer key chosen by someone else can be disabled, and then no invocation starts.
    kmsKey: null,
  }),
};

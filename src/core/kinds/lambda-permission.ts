// A statement of a TrailGuard function's resource policy: a central rule invoking the remediator (delivery: direct),
// or, for `trailguard-slack`, the alerts topic invoking it and its function URL admitting Slack.
import type { KindSpec, ResourceBase } from './kind.js';

export interface LambdaPermissionResource extends ResourceBase {
  kind: 'lambda-permission';
  functionName: string;
  /** ARN of the rule (or topic) allowed to invoke the function; null for a function URL's statement. */
  sourceArn: string | null;
  /** The service principal, or `*` for a function URL (default `events.amazonaws.com`). */
  principal?: 'events.amazonaws.com' | 'sns.amazonaws.com' | '*';
  /** Default `lambda:InvokeFunction`. */
  action?: 'lambda:InvokeFunction' | 'lambda:InvokeFunctionUrl';
  /** Set on a function URL's statement: only requests through a URL of this auth type are admitted. */
  functionUrlAuthType?: 'NONE';
  /**
   * Set on the `lambda:InvokeFunction` statement a function URL also needs (Lambda Developer Guide, "Control access to
   * Lambda function URLs": since October 2025 a new URL needs both actions): AddPermission's `InvokedViaFunctionUrl`,
   * stored as the condition `lambda:InvokedViaFunctionUrl` = true, so `*` may invoke only through the URL.
   */
  invokedViaFunctionUrl?: true;
}

export const lambdaPermission: KindSpec<LambdaPermissionResource> = {
  kind: 'lambda-permission',
  // A policy statement has no tags: TrailGuard's are those whose Sid starts with `trailguard-`.
  tagged: false,
  // The reader names the function in the reason (`a trailguard-slack policy statement ...`).
  describeConflict: (c) => {
    const fn = /\(a (\S+) policy statement/.exec(c.reason)?.[1] ?? 'trailguard-remediator';
    const whose = fn === 'trailguard-remediator' ? "the remediator's" : `the ${fn}`;
    const what =
      fn === 'trailguard-remediator' ? 'the remediator with forged records' : `${fn} with forged records (alerts posted to Slack)`;
    return `statement ${c.name} of ${whose} function policy ${c.reason.replace(/^conflict: /, '')}: whoever it admits can invoke ${what}; TrailGuard never changes it, remove it`;
  },
  desiredFields: (r) => ({
    principal: r.principal ?? 'events.amazonaws.com',
    action: r.action ?? 'lambda:InvokeFunction',
    sourceArn: r.sourceArn,
    // Only on the URL's statement, so the remediator's statements compare as before.
    ...(r.functionUrlAuthType ? { functionUrlAuthType: r.functionUrlAuthType } : {}),
    ...(r.invokedViaFunctionUrl ? { invokedViaFunctionUrl: true } : {}),
  }),
};

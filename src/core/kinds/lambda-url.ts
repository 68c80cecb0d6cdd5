// The function URL of `trailguard-slack`: where Slack sends commands and button presses (`<url>/slack/events`).
import type { KindSpec, ResourceBase } from './kind.js';

export interface LambdaUrlResource extends ResourceBase {
  kind: 'lambda-url';
  functionName: string;
  /**
   * `NONE`: Slack cannot sign requests with SigV4, so the URL is public and the app itself verifies Slack's v0 signature
   * (Bolt's receiver) on every request. Anything else (AWS_IAM) shuts Slack out: drift.
   */
  authType: 'NONE';
}

export const lambdaUrl: KindSpec<LambdaUrlResource> = {
  kind: 'lambda-url',
  // A function URL has no tags of its own: TrailGuard owns the one of its function.
  tagged: false,
  // BUFFERED: Bolt answers with one response; a streaming URL would hand the runtime another event shape.
  desiredFields: (r) => ({ authType: r.authType, invokeMode: 'BUFFERED' }),
};

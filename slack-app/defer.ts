// On Lambda, Slack's 3-second limit: slow requests are acknowledged at once and handled by an asynchronous invocation.
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { isValidSlackRequest } from '@slack/bolt';
import { ACTION_RECHECK, COMMAND_STATUS } from './ids.js';

/**
 * Bolt's AwsLambdaReceiver returns only once every listener has finished (Lambda freezes the instance after the
 * response, so `processBeforeResponse` cannot be off there), and Slack shows an error after 3 seconds
 * (https://api.slack.com/interactivity/handling#acknowledgment_response). Re-check and /trail-status read CloudTrail
 * in every account and region: the function answers 200 at once and hands the same signed request to itself as an
 * `Event` invocation, which runs the listeners and answers through `response_url` or by updating the message.
 */
export const DEFERRED_KEY = 'trailguardDeferredSlackRequest';

/** Hands an event to the function itself, asynchronously; rejects when Lambda did not accept it. */
export type SelfInvoke = (payload: Record<string, unknown>) => Promise<void>;

/** `lambda:InvokeFunction` on the function itself, `InvocationType: Event` (202 once queued). */
export function lambdaSelfInvoke(client: LambdaClient, functionName: string): SelfInvoke {
  return async (payload) => {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(payload)),
      }),
    );
    if (out.StatusCode !== 202) throw new Error(`Lambda did not queue the deferred Slack request (status ${out.StatusCode})`);
  };
}

interface HttpEvent {
  body?: string | null;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined>;
}

function header(event: HttpEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** The raw body Slack signed (function URLs and API Gateway may base64-encode it). */
function rawBody(event: HttpEvent): string {
  const body = event.body ?? '';
  return event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
}

/**
 * Whether a Slack request is one to defer: correctly signed (an unsigned one never costs an invocation; Bolt answers
 * it 401) and a /trail-status or a Re-check click. Acknowledge stays inline: one store write and one update.
 */
export function isSlowSlackRequest(event: HttpEvent, signingSecret: string, now = Date.now()): boolean {
  const signature = header(event, 'x-slack-signature');
  const timestamp = Number(header(event, 'x-slack-request-timestamp'));
  if (!signature || !Number.isFinite(timestamp)) return false;
  const body = rawBody(event);
  if (
    !isValidSlackRequest({
      signingSecret,
      body,
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
      nowMilliseconds: now,
    })
  )
    return false;
  const form = new URLSearchParams(body);
  if (form.get('command') === COMMAND_STATUS) return true;
  try {
    const payload = JSON.parse(form.get('payload') ?? 'null') as { type?: string; actions?: { action_id?: string }[] } | null;
    return payload?.type === 'block_actions' && (payload.actions ?? []).some((a) => a.action_id === ACTION_RECHECK);
  } catch {
    return false;
  }
}

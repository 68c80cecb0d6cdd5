// Sends requests to the app the way Slack does: form bodies signed with v0 HMAC-SHA256 over "v0:<timestamp>:<body>".
import { createHmac } from 'node:crypto';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedOptions {
  secret: string | null;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  tamper?: boolean;
}

export async function postSigned(
  url: string,
  form: Record<string, string>,
  options: SignedOptions,
): Promise<{ status: number; body: string }> {
  const body = new URLSearchParams(form).toString();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (options.secret !== null) {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = slackSignature(options.secret, timestamp, options.tamper ? `${body}x` : body);
  }
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text() };
}

export function blockAction(
  actionId: string,
  value: string,
  user: string,
  channel: string,
  ts: string,
  responseUrl: string,
): Record<string, string> {
  return {
    payload: JSON.stringify({
      type: 'block_actions',
      team: { id: 'TTEAM00001', domain: 'acme' },
      user: { id: user, username: user.toLowerCase(), team_id: 'TTEAM00001' },
      api_app_id: 'ATRAILGUARD',
      token: 'legacy-verification-token',
      container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
      trigger_id: '1.2.3',
      channel: { id: channel, name: 'security' },
      message: { type: 'message', ts, text: 'alert' },
      response_url: responseUrl,
      actions: [{ type: 'button', action_id: actionId, block_id: 'trailguard_actions', value, action_ts: String(Date.now() / 1000) }],
    }),
  };
}

export function slashCommand(text: string, user: string, channel: string, responseUrl: string): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: 'TTEAM00001',
    channel_id: channel,
    user_id: user,
    command: '/trail-status',
    text,
    response_url: responseUrl,
    trigger_id: '1.2.3',
    api_app_id: 'ATRAILGUARD',
  };
}

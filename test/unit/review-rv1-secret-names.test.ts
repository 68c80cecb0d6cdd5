// Review rv1: slack.secrets hold names; a value pasted behind the ssm:/ or secretsmanager: prefix passed as a name.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';

const TOKEN = 'xoxb-7912345678-7912345678901-AbCdEfGhIjKlMnOpQrStUvWx';
const SIGNING = '8f14e45fceea167a5a36dedd4bea2543';

function withSecrets(secrets: { botToken: string; signingSecret: string }) {
  return () =>
    validateConfig({
      version: 1,
      central: { account: '791111111111', region: 'us-east-1' },
      members: { accounts: [{ id: '792222222222' }], regions: ['us-east-1'] },
      slack: { channel: 'C0123456789', responders: ['U0123456789'], deploy: 'lambda', secrets },
    });
}

describe('review rv1: a Slack secret pasted as a secret name', () => {
  // `ssm:/xoxb-…` and `secretsmanager:<32 hex>` matched the name syntax: the bot token (or signing secret) then went
  // into git, the function's environment (SLACK_BOT_TOKEN_PARAM), the IAM policy's Resource and `plan` output, against
  // "secrets never in config, env, logs or plan output"; the function then failed at cold start with "parameter does not
  // exist", naming it (the secret) in its log. Fixed: a name shaped like a Slack token (xox?-, xapp-) or a signing
  // secret (32 hex digits) is refused, naming the field and never echoing it.
  it.each([
    ['botToken', { botToken: `ssm:/${TOKEN}`, signingSecret: 'ssm:/trailguard/slack/signing' }],
    ['botToken', { botToken: `secretsmanager:${TOKEN}`, signingSecret: 'ssm:/trailguard/slack/signing' }],
    ['signingSecret', { botToken: 'ssm:/trailguard/slack/bot-token', signingSecret: `secretsmanager:${SIGNING}` }],
    ['signingSecret', { botToken: 'ssm:/trailguard/slack/bot-token', signingSecret: `ssm:/trailguard/${SIGNING}` }],
  ])('refuses a %s that is a secret value, naming the field and not echoing it', (field, secrets) => {
    let message = '';
    try {
      withSecrets(secrets)();
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toContain(`slack.secrets.${field}`);
    expect(message).not.toContain(TOKEN);
    expect(message).not.toContain(SIGNING);
  });

  it('accepts ordinary names (control)', () => {
    expect(
      withSecrets({ botToken: 'ssm:/trailguard/slack/bot-token', signingSecret: 'secretsmanager:trailguard/slack-signing' }),
    ).not.toThrow();
  });
});

// The Slack app's settings from the environment, shared by the server and the Lambda (no store code here).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { isKnownRegion, partitionOf } from '#core/arn.js';
import { parseConfig, type Config } from '#core/config.js';
import { centralArns } from '#core/desired-state.js';
import { errorText } from '#core/errors.js';

const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;

/** `arn:<partition>:sns:<known region of that partition>:<12 digits>:<topic name>`. */
function isSnsTopicArn(value: string): boolean {
  const m = /^arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256}(\.fifo)?)$/.exec(value);
  return m !== null && isKnownRegion(m[2]!) && partitionOf(m[2]!) === m[1];
}

export interface SlackAppSettings {
  token: string;
  signingSecret: string;
  config: Config;
  channel: string;
  dbPath: string;
  port: number;
  /** Address to listen on (HOST): loopback unless the operator opens it, e.g. `0.0.0.0` behind a reverse proxy. */
  host: string;
  slackApiUrl: string | undefined;
  topicArn: string;
  trustedCertPath: string | undefined;
}

/** Reads the environment of DESIGN.md ("Slack app"); every problem is named, and nothing starts with one. */
export function loadSettings(env: NodeJS.ProcessEnv): SlackAppSettings {
  const problems: string[] = [];
  const need = (name: string) => {
    const value = env[name];
    if (!value) problems.push(`${name} is required`);
    return value ?? '';
  };
  const token = need('SLACK_BOT_TOKEN');
  const signingSecret = need('SLACK_SIGNING_SECRET');
  const configPath = env.TRAILGUARD_CONFIG ?? './trailguard.yml';
  let config: Config | null = null;
  try {
    config = parseConfig(readFileSync(configPath, 'utf8'), configPath);
  } catch (error) {
    problems.push(`TRAILGUARD_CONFIG: ${errorText(error)}`);
  }
  const channel = env.TRAILGUARD_SLACK_CHANNEL ?? config?.slack?.channel ?? '';
  if (config && !channel) problems.push('no Slack channel: set slack.channel in the config or TRAILGUARD_SLACK_CHANNEL');
  // The same rule as slack.channel: a channel name would make every post and update fail.
  if (env.TRAILGUARD_SLACK_CHANNEL && !SLACK_CHANNEL_ID.test(env.TRAILGUARD_SLACK_CHANNEL)) {
    problems.push(
      `TRAILGUARD_SLACK_CHANNEL: expected a Slack channel id such as C0123456789, got ${JSON.stringify(env.TRAILGUARD_SLACK_CHANNEL)}`,
    );
  }
  const topicArn = env.TRAILGUARD_TOPIC_ARN;
  if (topicArn !== undefined && !isSnsTopicArn(topicArn)) {
    problems.push(
      `TRAILGUARD_TOPIC_ARN: expected an SNS topic ARN (arn:<partition>:sns:<region>:<12-digit account>:<name>), got ${JSON.stringify(topicArn)}`,
    );
  }
  // Blank is the default (as HOST=); otherwise plain digits: Number() would take '' as 0 (a random port), '0x50' as 80.
  const portText = env.PORT || '3000';
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : Number.NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT: expected a port number, got ${JSON.stringify(env.PORT)}`);
  // Loopback by default: the app answers Slack and SNS through a proxy or tunnel the operator chooses to expose.
  const host = env.HOST || '127.0.0.1';
  if (isIP(host) === 0 && host !== 'localhost')
    problems.push(`HOST: expected an IP address to listen on, such as 127.0.0.1 or 0.0.0.0, got ${JSON.stringify(env.HOST)}`);
  const trustedCertPath = env.TRAILGUARD_SNS_TRUSTED_CERT || undefined;
  if (trustedCertPath && env.NODE_ENV === 'production')
    problems.push('TRAILGUARD_SNS_TRUSTED_CERT is for tests and local runs only and is refused when NODE_ENV=production');
  if (problems.length || !config) throw new Error(`the Slack app cannot start:\n  ${problems.join('\n  ')}`);
  return {
    token,
    signingSecret,
    config,
    channel,
    // Blank is the default: SQLite would take '' as a temporary database, deleted (with every pending alert) at exit.
    dbPath: env.TRAILGUARD_DB || './trailguard.db',
    port,
    host,
    slackApiUrl: env.SLACK_API_URL || undefined,
    topicArn: topicArn ?? centralArns(config).topic,
    trustedCertPath,
  };
}

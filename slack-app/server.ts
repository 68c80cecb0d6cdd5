// `npm run slack-app`: the Slack app as a long-lived HTTP server with an embedded SQLite store.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AwsCredentialIdentity } from '@smithy/types';
import { parseConfig, type Config } from '#core/config.js';
import { isKnownRegion, partitionOf } from '#core/arn.js';
import { centralArns } from '#core/desired-state.js';
import { errorText } from '#core/errors.js';
import type { PosterOptions } from './alerts/poster.js';
import { createApp, deferredChat } from './app.js';
import { jsonLog } from './log.js';
import { createServices, type AppLog, type Services } from './services.js';
import { SnsVerifier } from './sns/verify.js';
import { SqliteStore } from './store/sqlite.js';
import type { Store } from './store/types.js';

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
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT: expected a port number, got ${JSON.stringify(env.PORT)}`);
  const trustedCertPath = env.TRAILGUARD_SNS_TRUSTED_CERT || undefined;
  if (trustedCertPath && env.NODE_ENV === 'production')
    problems.push('TRAILGUARD_SNS_TRUSTED_CERT is for tests and local runs only and is refused when NODE_ENV=production');
  if (problems.length || !config) throw new Error(`the Slack app cannot start:\n  ${problems.join('\n  ')}`);
  return {
    token,
    signingSecret,
    config,
    channel,
    dbPath: env.TRAILGUARD_DB ?? './trailguard.db',
    port,
    slackApiUrl: env.SLACK_API_URL || undefined,
    topicArn: topicArn ?? centralArns(config).topic,
    trustedCertPath,
  };
}

export interface StartOptions {
  log?: AppLog;
  /** AWS access for Re-check and /trail-status (tests pass moto's endpoint and credentials). */
  aws?: { endpoint?: string; credentials?: AwsCredentialIdentity };
  confirmSubscription?: (url: string) => Promise<void>;
  fetchCertificate?: (url: string) => Promise<string>;
  poster?: Partial<Omit<PosterOptions, 'store' | 'chat' | 'channel' | 'nameOf' | 'log'>>;
  store?: Store;
}

export interface SlackAppHandle {
  url: string;
  services: Services;
  verifier: SnsVerifier;
  stop(): Promise<void>;
}

export async function startSlackApp(settings: SlackAppSettings, options: StartOptions = {}): Promise<SlackAppHandle> {
  const log = options.log ?? jsonLog();
  const { config } = settings;
  const store = options.store ?? new SqliteStore(settings.dbPath);
  const chat = deferredChat();
  const services = createServices({ config, channel: settings.channel, store, chat, log, aws: options.aws, poster: options.poster });
  const { poster } = services;
  const verifier = new SnsVerifier({
    topicArn: settings.topicArn,
    trustedCertPath: settings.trustedCertPath,
    fetchCertificate: options.fetchCertificate,
    allowSignatureVersion1: config.alerts.allowSignatureVersion1,
  });
  if (verifier.trustsLocalCertificate)
    log.warn('SNS: trusting the local certificate TRAILGUARD_SNS_TRUSTED_CERT instead of fetching from SNS (tests and local runs only)', {
      path: settings.trustedCertPath,
    });
  const app = createApp(
    {
      token: settings.token,
      signingSecret: settings.signingSecret,
      slackApiUrl: settings.slackApiUrl,
      sns: { verifier, confirm: options.confirmSubscription },
    },
    services,
  );
  chat.bind(app.client.chat as never, settings.token, app.client.conversations as never);
  const server = (await app.start(settings.port)) as Server;
  // Learn the Organization's account names before the first alert needs them; failures only cost names.
  if (config.members.organization)
    void services.members().catch((error: unknown) => log.warn('member names not resolved yet', { error: errorText(error) }));
  poster.start();
  const { port } = server.address() as AddressInfo;
  log.info('slack app listening', { port, channel: settings.channel, topic: settings.topicArn });
  return {
    url: `http://127.0.0.1:${port}`,
    services,
    verifier,
    async stop() {
      await poster.stop();
      await app.stop();
      await store.close();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const handle = await startSlackApp(loadSettings(process.env));
    const shutdown = () =>
      void handle.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`${errorText(error)}\n`);
          process.exit(1);
        },
      );
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  } catch (error) {
    process.stderr.write(`${errorText(error)}\n`);
    process.exit(1);
  }
}

// `npm run slack-app`: the Slack app as a long-lived HTTP server with an embedded SQLite store.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AwsCredentialIdentity } from '@smithy/types';
import { errorText } from '#core/errors.js';
import type { PosterOptions } from './alerts/poster.js';
import { createApp, deferredChat } from './app.js';
import { jsonLog } from './log.js';
import { createServices, type AppLog, type Services } from './services.js';
import { loadSettings, type SlackAppSettings } from './settings.js';
import { SnsVerifier } from './sns/verify.js';
import { SqliteStore } from './store/sqlite.js';
import type { Store } from './store/types.js';

// Callers (tests, the demo, the bench) import the settings from here, as before the Lambda needed them without SQLite.
export { loadSettings, type SlackAppSettings };

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
    saved: store,
    savedKey: settings.signingSecret,
    log,
  });
  // Certificates proven before a restart: no fetch (which junk certificate URLs could hold back) is needed for them.
  const preloaded = await verifier.preload();
  if (preloaded > 0) log.info('sns certificates loaded from the store', { certificates: preloaded });
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
  chat.bind(app.client.chat as never, settings.token, app.client.conversations as never, app.client.auth as never);
  const server = (await app.start({ port: settings.port, host: settings.host })) as Server;
  // Learn the Organization's account names before the first alert needs them; failures only cost names.
  if (config.members.organization)
    void services.members().catch((error: unknown) => log.warn('member names not resolved yet', { error: errorText(error) }));
  poster.start();
  const { port, address } = server.address() as AddressInfo;
  log.info('slack app listening', { host: address, port, channel: settings.channel, topic: settings.topicArn });
  // A wildcard address is reached through loopback; a specific one only through itself.
  const reach = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${reach}:${port}`,
    services,
    verifier,
    async stop() {
      await poster.stop();
      await app.stop();
      await store.close();
    },
  };
}

/** Whether this module is the program node was started with (`npm run slack-app`, `node dist/slack-app/server.js`). */
function isMain(): boolean {
  try {
    return Boolean(process.argv[1]) && realpathSync(process.argv[1]!) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
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

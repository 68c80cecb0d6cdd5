// The Slack app on AWS Lambda: Bolt's AwsLambdaReceiver for Slack, SNS records for alerts, a schedule to retry pending posts.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { AwsLambdaReceiver } from '@slack/bolt';
import { createClient } from '#core/aws/clients.js';
import { parseAlert, type Alert } from '#core/alert.js';
import { errorText } from '#core/errors.js';
import { createApp, deferredChat, oldestPending, PENDING_STALE_MS } from './app.js';
import { DEFERRED_KEY, isSlowSlackRequest, lambdaSelfInvoke, type SelfInvoke } from './defer.js';
import { type RequestLedger, signatureOf } from './guard.js';
import { jsonLog } from './log.js';
import { loadSlackSecrets } from './secrets.js';
import type { StartOptions } from './server.js';
import { loadSettings, type SlackAppSettings } from './settings.js';
import { createServices } from './services.js';
import { topicNotice } from './sns/notices.js';
import { DynamoStore } from './store/dynamodb.js';
import type { Store } from './store/types.js';

interface SnsRecord {
  EventSource?: string;
  Sns?: { TopicArn?: string; Message?: string; MessageId?: string; Subject?: string | null; Timestamp?: string };
}

export interface LambdaOptions extends Pick<StartOptions, 'aws' | 'log' | 'poster'> {
  /** Another store (tests); the replay ledger is kept in the store unless `ledger` is given. */
  store?: Store;
  ledger?: RequestLedger;
  /** How slow requests reach a second invocation; default: Lambda `Invoke` of AWS_LAMBDA_FUNCTION_NAME, when set. */
  invoke?: SelfInvoke;
}

export function createLambdaHandler(settings: SlackAppSettings, options: LambdaOptions = {}) {
  const log = options.log ?? jsonLog();
  const { config } = settings;
  const table = process.env.TRAILGUARD_TABLE ?? 'trailguard-slack';
  const dynamo = createClient(DynamoDBClient, { region: process.env.AWS_REGION ?? config.central.region });
  const store = options.store ?? new DynamoStore(dynamo, table);
  // Concurrent invocations share nothing but the table: a replayed request is refused there (Store.rememberRequest).
  const { ledger } = options;
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
  const invoke =
    options.invoke ??
    (functionName
      ? lambdaSelfInvoke(createClient(LambdaClient, { region: process.env.AWS_REGION ?? config.central.region }), functionName)
      : undefined);
  const chat = deferredChat();
  // No timers on Lambda: each invocation drains what is due before it returns.
  const services = createServices({
    config,
    channel: settings.channel,
    store,
    chat,
    log,
    aws: options.aws,
    poster: { batchDelayMs: 0, ...options.poster },
  });
  const { poster } = services;
  const receiver = new AwsLambdaReceiver({
    signingSecret: settings.signingSecret,
    customPropertiesExtractor: (event) => signatureOf(event.headers as Record<string, string>),
  });
  const app = createApp(
    {
      token: settings.token,
      signingSecret: settings.signingSecret,
      slackApiUrl: settings.slackApiUrl,
      receiver,
      ...(ledger ? { ledger } : {}),
    },
    services,
  );
  chat.bind(app.client.chat as never, settings.token, app.client.conversations as never, app.client.auth as never);
  const bolt = receiver.toHandler();

  return async function handler(event: Record<string, unknown>, context: unknown): Promise<unknown> {
    const records = (event.Records as SnsRecord[] | undefined) ?? [];
    if (records.length > 0 && records.every((r) => r.EventSource === 'aws:sns')) {
      // Only SNS sends aws:sns records (the function's resource policy): one from another topic is a misconfiguration
      // (TRAILGUARD_TOPIC_ARN, a second subscription) that would drop every alert unseen. The records of the
      // configured topic are taken first; then the invocation fails, so SNS retries it and its DLQ keeps it.
      const foreign = records.filter((r) => r.Sns?.TopicArn !== settings.topicArn).map((r) => String(r.Sns?.TopicArn));
      for (const record of records) {
        if (record.Sns?.TopicArn !== settings.topicArn) continue;
        let alert: Alert;
        try {
          alert = parseAlert(record.Sns.Message ?? '');
        } catch (error) {
          // From the topic, yet not an alert this app can read (a newer schema): shown in Slack as received, never
          // dropped. A store that cannot take it throws, and Lambda's retries for SNS deliver the record again.
          const notice = topicNotice(
            {
              messageId: record.Sns.MessageId,
              topic: record.Sns.TopicArn,
              subject: record.Sns.Subject,
              timestamp: record.Sns.Timestamp,
              message: record.Sns.Message ?? '',
            },
            error,
            services.now(),
          );
          await poster.notify(notice);
          log.warn(
            notice.kind === 'cloudwatch-alarm'
              ? 'cloudwatch alarm notification: shown in Slack'
              : 'alert unreadable: shown in Slack as received',
            { messageId: record.Sns.MessageId, error: notice.error },
          );
          continue;
        }
        // Membership unknown throws: Lambda's retries for SNS events deliver the record again.
        if (await services.admitAlert(alert)) await poster.receive(alert);
      }
      await poster.drain();
      if (foreign.length > 0) {
        const why = `from topic ${[...new Set(foreign)].join(', ')}, not TRAILGUARD_TOPIC_ARN ${settings.topicArn}`;
        log.error(`sns record refused: ${why}`, { topics: foreign, expected: settings.topicArn });
        throw new Error(`SNS record refused: ${why}; set TRAILGUARD_TOPIC_ARN to the topic subscribed to this function`);
      }
      return { ok: true };
    }
    if (event.source === 'aws.events' || event['detail-type'] === 'Scheduled Event') {
      // As the server's /healthz: a store that cannot take a write loses every alert SNS delivers, even with nothing
      // pending; the schedule's invocation fails, naming it.
      try {
        await store.probeWrite(services.now());
      } catch (error) {
        log.error('the store cannot take a write: alerts SNS delivers are not kept', { table, error: errorText(error) });
        throw new Error(`TrailGuard alerts are not reaching Slack: the store (table ${table}) cannot take a write: ${errorText(error)}`);
      }
      await poster.drain();
      // No /healthz on Lambda: the schedule's invocation fails (the function's Errors metric, an alarm) while Slack
      // refuses every post or an alert received more than PENDING_STALE_MS ago is still not in Slack.
      const refusal = poster.slackRefusal;
      const oldest = await oldestPending(store, new Date(services.now().getTime() + 7 * 24 * 3600_000));
      const stale = oldest && services.now().getTime() - Date.parse(oldest.receivedAt) > PENDING_STALE_MS ? oldest : null;
      if (refusal || stale) {
        const why = refusal
          ? `Slack refuses every post (${refusal.error})`
          : `an alert received at ${stale!.receivedAt} is still not in Slack (${stale!.lastError ?? 'not posted yet'})`;
        log.error('alerts are not reaching Slack', { reason: why });
        throw new Error(`TrailGuard alerts are not reaching Slack: ${why}`);
      }
      return { ok: true };
    }
    // The second half of a deferred request: the same signed request, now with time to read AWS.
    const deferred = event[DEFERRED_KEY] as Record<string, unknown> | undefined;
    if (deferred) return bolt(deferred as never, context as never);
    if (invoke && isSlowSlackRequest(event, settings.signingSecret)) {
      try {
        await invoke({ [DEFERRED_KEY]: event });
        log.info('slack request acknowledged; handled by an asynchronous invocation', {});
        return { statusCode: 200, body: '' };
      } catch (error) {
        // Better late than never: Slack may show a timeout, but the answer still comes through response_url.
        log.error('slack request could not be deferred; handled inline', { error: errorText(error) });
      }
    }
    return bolt(event as never, context as never);
  };
}

let handlerInstance: Promise<ReturnType<typeof createLambdaHandler>> | undefined;

/**
 * The handler of a cold start: the secrets named in SLACK_BOT_TOKEN_PARAM / SLACK_SIGNING_SECRET_PARAM (as `apply`
 * deploys it) are read once and handed to the settings, never written to process.env nor logged. Throws, naming the
 * parameter, when one cannot be read.
 */
export async function coldStart(env: NodeJS.ProcessEnv = process.env, options: Parameters<typeof loadSlackSecrets>[1] = {}) {
  const secrets = await loadSlackSecrets(env, { log: jsonLog(), ...options });
  return createLambdaHandler({ ...loadSettings({ ...env, ...secrets, TRAILGUARD_DB: ':memory:', PORT: '0' }) });
}

/** Lambda entry point, configured from the environment on first use. */
export async function handler(event: Record<string, unknown>, context: unknown): Promise<unknown> {
  // A failed cold start is not cached: the next invocation tries again (a permission fixed, a parameter created).
  handlerInstance ??= coldStart().catch((error: unknown) => {
    handlerInstance = undefined;
    throw error;
  });
  return (await handlerInstance)(event, context);
}

// The Slack app on AWS Lambda: Bolt's AwsLambdaReceiver for Slack, SNS records for alerts, a schedule to retry pending posts.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { AwsLambdaReceiver } from '@slack/bolt';
import { createClient } from '#core/aws/clients.js';
import { parseAlert, type Alert } from '#core/alert.js';
import { errorText } from '#core/errors.js';
import { createApp, deferredChat } from './app.js';
import { jsonLog } from './log.js';
import { loadSettings, type SlackAppSettings, type StartOptions } from './server.js';
import { createServices } from './services.js';
import { DynamoStore } from './store/dynamodb.js';
import type { Store } from './store/types.js';

interface SnsRecord {
  EventSource?: string;
  Sns?: { TopicArn?: string; Message?: string };
}

export interface LambdaOptions extends Pick<StartOptions, 'aws' | 'log' | 'poster'> {
  store?: Store;
}

export function createLambdaHandler(settings: SlackAppSettings, options: LambdaOptions = {}) {
  const log = options.log ?? jsonLog();
  const { config } = settings;
  const store =
    options.store ??
    new DynamoStore(
      createClient(DynamoDBClient, { region: process.env.AWS_REGION ?? config.central.region }),
      process.env.TRAILGUARD_TABLE ?? 'trailguard-slack',
    );
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
  const receiver = new AwsLambdaReceiver({ signingSecret: settings.signingSecret });
  const app = createApp(
    { token: settings.token, signingSecret: settings.signingSecret, slackApiUrl: settings.slackApiUrl, receiver },
    services,
  );
  chat.bind(app.client.chat as never, settings.token, app.client.conversations as never);
  const bolt = receiver.toHandler();

  return async function handler(event: Record<string, unknown>, context: unknown): Promise<unknown> {
    const records = (event.Records as SnsRecord[] | undefined) ?? [];
    if (records.length > 0 && records.every((r) => r.EventSource === 'aws:sns')) {
      for (const record of records) {
        if (record.Sns?.TopicArn !== settings.topicArn) {
          log.warn('sns record from another topic ignored', { topic: record.Sns?.TopicArn });
          continue;
        }
        let alert: Alert;
        try {
          alert = parseAlert(record.Sns.Message ?? '');
        } catch (error) {
          log.warn('sns record is not a trailguard alert', { error: errorText(error) });
          continue;
        }
        // Membership unknown throws: Lambda's retries for SNS events deliver the record again.
        if (await services.admitAlert(alert)) await poster.receive(alert);
      }
      await poster.drain();
      return { ok: true };
    }
    if (event.source === 'aws.events' || event['detail-type'] === 'Scheduled Event') {
      await poster.drain();
      return { ok: true };
    }
    return bolt(event as never, context as never);
  };
}

let handlerInstance: ReturnType<typeof createLambdaHandler> | undefined;

/** Lambda entry point, configured from the environment on first use. */
export async function handler(event: Record<string, unknown>, context: unknown): Promise<unknown> {
  handlerInstance ??= createLambdaHandler({ ...loadSettings({ ...process.env, TRAILGUARD_DB: ':memory:', PORT: '0' }) });
  return handlerInstance(event, context);
}

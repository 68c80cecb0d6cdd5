// Remediator Lambda handler: unwraps EventBridge, SNS or SQS input, decides per event, publishes one alert.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { Logger } from '@aws-lambda-powertools/logger';
import { alertAttributes, alertSubject, buildAlert, type Alert, type Outcome } from '../src/core/alert.js';
import { RoleCredentialsCache } from '../src/core/aws/assume-role.js';
import { createClient, type ClientOptions } from '../src/core/aws/clients.js';
import { AlertPublishError, RejectedEventError, errorText } from '../src/core/errors.js';
import type { Log } from '../src/core/log.js';
import { parseTamperEvent } from '../src/core/tamper-event.js';
import { handlePipelineEvent, isPipelineEvent } from './guard.js';
import { remediate, type RemediateDeps } from './remediate.js';
import { loadSettings, type RemediatorSettings } from './settings.js';

export type { Log } from '../src/core/log.js';

export interface HandlerDeps extends RemediateDeps {
  settings: RemediatorSettings;
  /** Publishes the alert; resolves to the SNS message id. */
  publish(alert: Alert): Promise<string>;
  log: Log;
}

export interface RemediationResult {
  outcome: Outcome;
  account: string | null;
  region: string | null;
  trail: string | null;
  eventId: string | null;
  eventName: string | null;
  isLogging: boolean | null;
  actions: string[];
  error: string | null;
  reason: string;
  /** SNS message id of the alert, when one was published. */
  alertMessageId: string | null;
}

export interface SqsBatchResult {
  batchItemFailures: { itemIdentifier: string }[];
  results: RemediationResult[];
}

function rejected(reason: string): RemediationResult {
  return {
    outcome: 'rejected',
    account: null,
    region: null,
    trail: null,
    eventId: null,
    eventName: null,
    isLogging: null,
    actions: [],
    error: null,
    reason,
    alertMessageId: null,
  };
}

/** One event: parse, decide, publish. Throws only when the alert could not be published. */
export async function handleEvent(raw: unknown, deps: HandlerDeps): Promise<RemediationResult> {
  if (isPipelineEvent(raw)) return handlePipelineEvent(raw, deps);
  const started = Date.now();
  let event;
  try {
    event = parseTamperEvent(raw);
  } catch (error) {
    const reason = error instanceof RejectedEventError ? error.reason : `unexpected parse failure: ${errorText(error)}`;
    deps.log.warn('event rejected', { outcome: 'rejected', reason });
    return rejected(reason);
  }
  const decision = await remediate(event, deps.settings, deps);
  const result: RemediationResult = {
    outcome: decision.outcome,
    account: event.account,
    region: event.region,
    trail: event.trail.name,
    eventId: event.id,
    eventName: event.eventName,
    isLogging: decision.isLogging,
    actions: decision.actions,
    error: decision.error,
    reason: decision.reason,
    alertMessageId: null,
  };
  const line = {
    outcome: result.outcome,
    eventId: event.id,
    eventName: event.eventName,
    account: event.account,
    region: event.region,
    trail: event.trail.name,
    actor: event.actor.arn,
    reason: decision.reason,
    actions: decision.actions,
    isLogging: decision.isLogging,
    error: decision.error,
    durationMs: Date.now() - started,
  };
  if (decision.outcome === 'ignored') {
    deps.log.info('remediation decided', line);
    return result;
  }
  const alert = buildAlert(event, { ...decision, outcome: decision.outcome });
  try {
    result.alertMessageId = await deps.publish(alert);
  } catch (error) {
    deps.log.error('alert publish failed; the event will be retried', { ...line, publishError: errorText(error) });
    throw new AlertPublishError(`publishing the ${decision.outcome} alert for ${event.id} to ${deps.settings.topicArn} failed: ${errorText(error)}`, {
      cause: error,
    });
  }
  (decision.outcome === 'failed' ? deps.log.error : deps.log.info).call(deps.log, 'remediation decided', {
    ...line,
    alertMessageId: result.alertMessageId,
  });
  return result;
}

type Unwrapped = { kind: 'eventbridge'; event: unknown } | { kind: 'sns'; events: unknown[] } | { kind: 'sqs'; records: { id: string; event: unknown }[] };

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: true };
  }
}

/** An SNS notification envelope (as SQS receives it without raw delivery) carries the event in Message. */
function unwrapSnsEnvelope(value: unknown): unknown {
  const v = value as { Type?: unknown; Message?: unknown } | null;
  return v && typeof v === 'object' && v.Type === 'Notification' && typeof v.Message === 'string' ? parseJson(v.Message) : value;
}

export function unwrap(input: unknown): Unwrapped {
  const records = (input as { Records?: unknown } | null)?.Records;
  if (Array.isArray(records) && records.length > 0) {
    const first = records[0] as Record<string, unknown>;
    if (first.eventSource === 'aws:sqs') {
      return {
        kind: 'sqs',
        records: records.map((r: { messageId?: unknown; body?: unknown }, i) => ({
          id: typeof r.messageId === 'string' ? r.messageId : `record-${i}`,
          event: unwrapSnsEnvelope(parseJson(r.body)),
        })),
      };
    }
    if (first.EventSource === 'aws:sns') {
      return { kind: 'sns', events: records.map((r: { Sns?: { Message?: unknown } }) => parseJson(r.Sns?.Message)) };
    }
  }
  return { kind: 'eventbridge', event: input };
}

export function createHandler(getDeps: () => HandlerDeps) {
  return async function handler(input: unknown): Promise<RemediationResult | RemediationResult[] | SqsBatchResult> {
    const deps = getDeps();
    const unwrapped = unwrap(input);
    switch (unwrapped.kind) {
      case 'eventbridge':
        return handleEvent(unwrapped.event, deps);
      case 'sns': {
        const results = await Promise.all(unwrapped.events.map((event) => handleEvent(event, deps)));
        return results.length === 1 ? results[0]! : results;
      }
      case 'sqs': {
        // One result per record; a record whose alert could not be published is handed back for redrive.
        const settled = await Promise.allSettled(unwrapped.records.map((r) => handleEvent(r.event, deps)));
        const batchItemFailures: { itemIdentifier: string }[] = [];
        const results: RemediationResult[] = [];
        settled.forEach((s, i) => {
          if (s.status === 'fulfilled') results.push(s.value);
          else batchItemFailures.push({ itemIdentifier: unwrapped.records[i]!.id });
        });
        return { batchItemFailures, results };
      }
    }
  };
}

export interface DefaultDepsOptions {
  env?: NodeJS.ProcessEnv;
  log?: Log;
  clientOptions?: Partial<ClientOptions>;
}

/** Real dependencies: clients are created once and reused across invocations, credentials cached per account. */
export function createDefaultDeps(options: DefaultDepsOptions = {}): HandlerDeps {
  const env = options.env ?? process.env;
  const settings = loadSettings(env);
  const homeRegion = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? settings.topicRegion;
  const base = { ...options.clientOptions };
  const sts = createClient(STSClient, { ...base, region: homeRegion });
  const sns = createClient(SNSClient, { ...base, region: settings.topicRegion });
  const roles = new RoleCredentialsCache({
    sts,
    roleName: settings.remediationRole,
    region: homeRegion,
    externalId: settings.externalId,
    sessionName: 'trailguard-remediator',
  });
  const clients = new Map<string, CloudTrailClient>();
  return {
    settings,
    log: options.log ?? powertoolsLog(new Logger({ serviceName: 'trailguard-remediator' })),
    now: () => new Date(),
    async cloudtrail(account, region) {
      // Assume (or reuse cached credentials) first, so that a denied role fails here, before any CloudTrail call.
      await roles.credentials(account);
      const key = `${account}/${region}`;
      let client = clients.get(key);
      if (!client) {
        client = createClient(CloudTrailClient, { ...base, region, credentials: roles.provider(account) });
        clients.set(key, client);
      }
      return client;
    },
    async publish(alert) {
      const out = await sns.send(
        new PublishCommand({
          TopicArn: settings.topicArn,
          Message: JSON.stringify(alert),
          Subject: alertSubject(alert),
          MessageAttributes: alertAttributes(alert),
        }),
      );
      return out.MessageId ?? '';
    },
  };
}

/** Powertools Logger as a Log: JSON lines with the Lambda context Powertools adds. */
function powertoolsLog(logger: Logger): Log {
  return {
    info: (message, attributes = {}) => logger.info(message, attributes),
    warn: (message, attributes = {}) => logger.warn(message, attributes),
    error: (message, attributes = {}) => logger.error(message, attributes),
  };
}

let defaults: HandlerDeps | undefined;

/** The Lambda entry point (`handler`), configured from the environment on first use. */
export const handler = createHandler(() => (defaults ??= createDefaultDeps()));

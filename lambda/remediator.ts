// Remediator Lambda handler: unwraps EventBridge, SNS or SQS input, decides per event, publishes one alert.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { KMSClient } from '@aws-sdk/client-kms';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { alertAttributes, alertSubject, buildAlert, type Alert, type Outcome } from '#core/alert.js';
import { RoleCredentialsCache } from '#core/aws/assume-role.js';
import { createClient, type ClientOptions } from '#core/aws/clients.js';
import { RejectedEventError, errorCode, errorText } from '#core/errors.js';
import type { Log } from '#core/log.js';
import { parseTamperEvent, UnactionableEventError, type TamperEvent } from '#core/tamper-event.js';
import { isPipelineEvent } from '#core/pipeline-event.js';
import { describeChanges, remediate, type Decision, type RemediateDeps } from './remediate.js';
import { publishOrThrow, rejectedResult } from './alerting.js';
import { loadSettings, type RemediatorSettings } from './settings.js';

export type { Log } from '#core/log.js';

export interface HandlerDeps extends RemediateDeps {
  settings: RemediatorSettings;
  /** Publishes the alert; resolves to the SNS message id. */
  publish(alert: Alert): Promise<string>;
  log: Log;
  /**
   * Binds an invocation's Lambda context to every log line that follows (request id, cold start, function name and
   * ARN): Powertools `Logger.addContext`. Unset when `log` is not a Powertools Logger (tests, local runners).
   */
  addContext?(context: Context): void;
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
  return rejectedResult(reason);
}

/**
 * A real tamper record that names no usable trail: nothing can be called in AWS, so it is
 * alerted as it stands. A call that itself failed changed nothing (`blocked`); any other is
 * `alert-only`, with what is wrong in the alert's `reason`.
 */
function unactionableDecision(error: UnactionableEventError): Decision {
  const { event, reason } = error;
  return {
    outcome: event.errorCode ? 'blocked' : 'alert-only',
    reason: event.errorCode
      ? `the call itself failed with ${event.errorCode}; it cannot be acted on: ${reason}`
      : `cannot be acted on: ${reason}`,
    changes: describeChanges(event),
    actions: [],
    error: null,
    remediatedAt: null,
    isLogging: null,
  };
}

/**
 * One event: parse, decide, publish. Resolves to `rejected` (one `warn` line with
 * `outcome: "rejected"`, no AWS call, no alert) for input that is not a CloudTrail tamper record.
 * Throws AlertPublishError only, when the alert could not be published.
 */
export async function handleEvent(raw: unknown, deps: HandlerDeps): Promise<RemediationResult> {
  // The guard (and its EventBridge client) is loaded on its first event: a trail's cold start does not parse it.
  if (isPipelineEvent(raw)) return (await import('./guard.js')).handlePipelineEvent(raw, deps);
  const started = Date.now();
  let event: TamperEvent;
  try {
    event = parseTamperEvent(raw);
  } catch (error) {
    if (error instanceof UnactionableEventError) return report(error.event, unactionableDecision(error), deps, started);
    const reason = error instanceof RejectedEventError ? error.reason : `unexpected parse failure: ${errorText(error)}`;
    deps.log.warn('event rejected', { outcome: 'rejected', reason });
    return rejected(reason);
  }
  return report(event, await remediate(event, deps.settings, deps), deps, started);
}

/** Logs the decision and publishes its alert (except `ignored`). */
async function report(event: TamperEvent, decision: Decision, deps: HandlerDeps, started: number): Promise<RemediationResult> {
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
    trailAccount: event.trail.account,
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
  result.alertMessageId = await publishOrThrow(deps, alert, line);
  (decision.outcome === 'failed' ? deps.log.error : deps.log.info).call(deps.log, 'remediation decided', {
    ...line,
    alertMessageId: result.alertMessageId,
  });
  return result;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

type Unwrapped =
  | { kind: 'eventbridge'; event: unknown }
  | { kind: 'sns'; events: unknown[] }
  | { kind: 'sqs'; records: { id: string; event: unknown }[] };

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
  return isObject(value) && value.Type === 'Notification' && typeof value.Message === 'string' ? parseJson(value.Message) : value;
}

/**
 * Splits Lambda input into events: an SQS batch (`Records[].body`), an SNS notification
 * (`Records[].Sns.Message`), or else one EventBridge event. The batch kind is read from any
 * record that is an object, so a null or non-object record becomes one event of its own (rejected
 * by the parser) instead of failing the whole batch.
 */
export function unwrap(input: unknown): Unwrapped {
  const records = isObject(input) ? input.Records : undefined;
  if (Array.isArray(records) && records.length > 0) {
    const objects = records.filter(isObject);
    if (objects.some((r) => r.eventSource === 'aws:sqs')) {
      return {
        kind: 'sqs',
        records: records.map((r: unknown, i) => ({
          id: isObject(r) && typeof r.messageId === 'string' ? r.messageId : `record-${i}`,
          event: isObject(r) ? unwrapSnsEnvelope(parseJson(r.body)) : r,
        })),
      };
    }
    if (objects.some((r) => r.EventSource === 'aws:sns')) {
      return { kind: 'sns', events: records.map((r: unknown) => (isObject(r) && isObject(r.Sns) ? parseJson(r.Sns.Message) : r)) };
    }
  }
  return { kind: 'eventbridge', event: input };
}

/**
 * The Lambda handler over `getDeps()` (called on every invocation; cache inside it). `context` is Lambda's invocation
 * context: its request id and cold start go on every log line of the invocation. Resolves to one result (EventBridge,
 * one SNS record), several (SNS), or an SQS batch response; throws AlertPublishError when an alert could not be
 * published (EventBridge, SNS), so Lambda retries and the dead-letter queue keep the event.
 */
export function createHandler(getDeps: () => HandlerDeps) {
  return async function handler(input: unknown, context?: Context): Promise<RemediationResult | RemediationResult[] | SqsBatchResult> {
    const deps = getDeps();
    if (context) deps.addContext?.(context);
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
  const logger = options.log ? null : new Logger({ serviceName: 'trailguard-remediator' });
  const clients = new Map<string, CloudTrailClient>();
  const kmsClients = new Map<string, KMSClient>();
  const managementAccounts = new Map<string, Promise<string | null>>();
  return {
    settings,
    log: logger ? powertoolsLog(logger) : options.log!,
    ...(logger ? { addContext: (context: Context) => logger.addContext(context) } : {}),
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
    async kms(account, region) {
      await roles.credentials(account);
      const key = `${account}/${region}`;
      let client = kmsClients.get(key);
      if (!client) {
        const { KMSClient } = await import('@aws-sdk/client-kms');
        client = createClient(KMSClient, { ...base, region, credentials: roles.provider(account) });
        kmsClients.set(key, client);
      }
      return client;
    },
    managementAccountOf(account) {
      let pending = managementAccounts.get(account);
      if (!pending) {
        pending = (async () => {
          await roles.credentials(account);
          const { DescribeOrganizationCommand, OrganizationsClient } = await import('@aws-sdk/client-organizations');
          const organizations = createClient(OrganizationsClient, { ...base, region: homeRegion, credentials: roles.provider(account) });
          try {
            return (await organizations.send(new DescribeOrganizationCommand({}))).Organization?.MasterAccountId ?? null;
          } catch (error) {
            if (errorCode(error) === 'AWSOrganizationsNotInUseException') return null;
            throw error;
          }
        })();
        // A failure is not remembered: the next event asks again.
        pending.catch(() => managementAccounts.delete(account));
        managementAccounts.set(account, pending);
      }
      return pending;
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

/** Powertools Logger as a Log: JSON lines, with the Lambda context once the handler has called `addContext`. */
function powertoolsLog(logger: Logger): Log {
  return {
    info: (message, attributes = {}) => logger.info(message, attributes),
    warn: (message, attributes = {}) => logger.warn(message, attributes),
    error: (message, attributes = {}) => logger.error(message, attributes),
  };
}

/**
 * The deployed function's dependencies, built at module load (Lambda's init phase) when the environment is a deployed
 * remediator's, so that the first event's cold start does not wait for settings and clients. A bad environment does not
 * fail the import: the first invocation throws its ConfigError (naming the variable), as every later one does.
 */
function loadDefaults(): { deps: HandlerDeps } | { error: unknown } {
  try {
    return { deps: createDefaultDeps() };
  } catch (error) {
    return { error };
  }
}

let defaults = process.env.TRAILGUARD_TOPIC_ARN ? loadDefaults() : undefined;

/** The Lambda entry point (`handler`), configured from the environment at module load (or on first use). */
export const handler = createHandler(() => {
  defaults ??= loadDefaults();
  if ('error' in defaults) {
    const { error } = defaults;
    // Not remembered: a fixed environment (a new deployment) is read again.
    defaults = undefined;
    throw error;
  }
  return defaults.deps;
});

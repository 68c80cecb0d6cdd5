// Remediator Lambda handler: unwraps EventBridge, SNS or SQS input, decides per event, publishes one alert.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { KMSClient } from '@aws-sdk/client-kms';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { alertAttributes, alertSubject, buildAlert, type Alert, type Outcome } from '#core/alert.js';
import { RoleCredentialsCache } from '#core/aws/assume-role.js';
import { createClient, endpointFromEnv, type ClientOptions } from '#core/aws/clients.js';
import { RejectedEventError, errorCode, errorText } from '#core/errors.js';
import type { DeliveryFinding } from '#core/delivery.js';
import type { Log } from '#core/log.js';
import { parseTamperEvent, UnactionableEventError, type TamperEvent } from '#core/tamper-event.js';
import { isImpairmentEvent } from '#core/impairment-event.js';
import { isPipelineEvent } from '#core/pipeline-event.js';
import { canaryFromTheFuture, isCanaryEvent, isSweepMessage, parseCanaryEvent, parseSweepMessage } from '#core/sweep.js';
import type { SweepDeps } from './sweep.js';
import type { ImpairmentDeps } from './impairment/common.js';
import type { StorageDeps } from './impairment/storage-common.js';
import { describeChanges, remediate, type Decision, type RemediateDeps } from './remediate.js';
import { publishOrThrow, rejectedResult } from './alerting.js';
import { loadSettings, type RemediatorSettings } from './settings.js';

export type { Log } from '#core/log.js';

export interface HandlerDeps extends RemediateDeps, ImpairmentDeps, StorageDeps {
  settings: RemediatorSettings;
  /** Publishes the alert; resolves to the SNS message id. */
  publish(alert: Alert): Promise<string>;
  log: Log;
  /**
   * Binds an invocation's Lambda context to every log line that follows (request id, cold start, function name and
   * ARN): Powertools `Logger.addContext`. Unset when `log` is not a Powertools Logger (tests, local runners).
   */
  addContext?(context: Context): void;
  /**
   * The sweep's dependencies (state table, member EventBridge clients, the sweep queue), created on first use: only
   * canary events and sweep messages need them. Unset: a canary or sweep message is rejected with that reason.
   */
  sweep?(): SweepDeps | Promise<SweepDeps>;
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
  /** SNS message id of the `delivery-failing` alert, when the trail's status after remediation reported delivery errors. */
  deliveryAlertMessageId?: string;
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
  // The guard, the sweep and the impairment families (and their SDK clients) are loaded on their first event: a
  // trail's cold start, the one that matters most, does not parse them.
  if (isPipelineEvent(raw)) return (await import('./guard.js')).handlePipelineEvent(raw, deps);
  if (isCanaryEvent(raw)) return handleCanary(raw, deps);
  // The rest of the log-impairment family (the trail's bucket, key and log group; CloudTrail Lake; Organizations).
  if (isImpairmentEvent(raw)) return (await import('./impairment/index.js')).handleImpairmentEvent(raw, deps);
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

/**
 * A canary that came back through a member's forwarding rule: its arrival is recorded in `trailguard-state` (the next
 * sweep checks it). A malformed canary, or one vouching for another account, is `rejected`. Not alerted either way.
 * Throws when the table cannot be written, so the event is retried rather than the member-region reported broken.
 */
async function handleCanary(raw: unknown, deps: HandlerDeps): Promise<RemediationResult> {
  let arrival: ReturnType<typeof parseCanaryEvent>;
  try {
    arrival = parseCanaryEvent(raw);
  } catch (error) {
    const reason = error instanceof RejectedEventError ? error.reason : errorText(error);
    deps.log.warn('event rejected', { outcome: 'rejected', reason });
    return rejected(reason);
  }
  if (canaryFromTheFuture(arrival.sentAt, deps.now())) {
    // One forged canary dated ahead would be the newest for ever, so every later canary check would pass.
    const reason = `canary: detail.sentAt ${arrival.sentAt} is in the future: no sweep sent it`;
    deps.log.warn('event rejected', { outcome: 'rejected', reason, account: arrival.account, region: arrival.region });
    return rejected(reason);
  }
  if (!deps.sweep) {
    deps.log.warn('event rejected', { outcome: 'rejected', reason: 'canary received, but the sweep is not configured here' });
    return rejected('canary received, but the sweep is not configured here');
  }
  await (await deps.sweep()).state.recordCanary(arrival, deps.now());
  deps.log.info('canary arrived', { account: arrival.account, region: arrival.region, sweepId: arrival.sweepId, sentAt: arrival.sentAt });
  // TrailGuard's own event: `ignored` (no alert), as its own restorations are.
  return {
    ...rejected(''),
    outcome: 'ignored',
    account: arrival.account,
    region: arrival.region,
    eventId: arrival.eventId,
    reason: 'canary arrival recorded',
  };
}

const MEMBERS_TTL_MS = 5 * 60_000;
const memberLists = new WeakMap<SweepDeps, { at: number; list: Promise<Set<string>> }>();

/** Whether `account` is one the planner sweeps; the list is kept a few minutes per container and read again on a miss. */
async function isMember(sweep: SweepDeps, account: string): Promise<boolean> {
  const read = () => {
    const entry = { at: Date.now(), list: sweep.members().then((m) => new Set(m)) };
    entry.list.catch(() => memberLists.delete(sweep));
    memberLists.set(sweep, entry);
    return entry.list;
  };
  const cached = memberLists.get(sweep);
  const fresh = cached && Date.now() - cached.at < MEMBERS_TTL_MS ? cached : null;
  if (fresh && (await fresh.list).has(account)) return true;
  return (await read()).has(account);
}

/**
 * One message of `trailguard-sweep`: `plan` runs the planner, `account` a worker. A malformed message throws
 * RejectedEventError naming the field (Powertools reports it as a batch item failure, so it ends in the sweep DLQ).
 */
export async function handleSweepMessage(body: unknown, deps: HandlerDeps): Promise<unknown> {
  const message = parseSweepMessage(body);
  if (!deps.sweep) throw new RejectedEventError('sweep message received, but the sweep is not configured here');
  const sweep = await deps.sweep();
  const { planSweep, sweepAccount } = await import('./sweep.js');
  if (message.action === 'plan') return planSweep(sweep, message.sweepId);
  // The queue also takes messages from the Slack app's role (Refresh): a worker sweeps (and repairs with the
  // remediation role) only an account the planner would have listed.
  if (!(await isMember(sweep, message.account)))
    throw new RejectedEventError(`sweep message: account: ${message.account} is not a member account swept by TrailGuard`);
  const result = await sweepAccount(message, sweep);
  deps.log.info('account swept', {
    sweepId: result.sweepId,
    account: result.account,
    findings: result.findings.length,
    unrepaired: result.unrepaired,
  });
  return result;
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
  if (decision.delivery && decision.delivery.length > 0) {
    result.deliveryAlertMessageId = await publishDeliveryAlert(event, decision, decision.delivery, deps, line);
  }
  return result;
}

/**
 * A second alert, `delivery-failing`, when the trail's status after the remediation reports that
 * CloudTrail cannot deliver: a trail that logs into a bucket it cannot write to is as blind as a
 * stopped one, whatever the remediation's own outcome. Its id is the event's, suffixed, so it is
 * neither merged with nor deduplicated against the remediation alert. Throws AlertPublishError.
 */
async function publishDeliveryAlert(
  event: TamperEvent,
  decision: Decision,
  findings: DeliveryFinding[],
  deps: HandlerDeps,
  line: Record<string, unknown>,
): Promise<string> {
  const error = findings.map((f) => f.message).join('; ');
  const alert = buildAlert(
    { ...event, id: `${event.id}:delivery-failing` },
    {
      outcome: 'delivery-failing',
      isLogging: decision.isLogging,
      remediatedAt: null,
      error,
      actions: [],
      changes: findings.map((f) => `${f.field}: ${f.error}`),
      reason: `after handling ${event.eventName}, GetTrailStatus reports that ${error}; fix the bucket policy, key or log group the trail writes to`,
    },
  );
  const messageId = await publishOrThrow(deps, alert, { ...line, outcome: 'delivery-failing' });
  deps.log.error('delivery failing', { ...line, outcome: 'delivery-failing', delivery: findings, alertMessageId: messageId });
  return messageId;
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
        if (unwrapped.records.length > 0 && unwrapped.records.every((r) => isSweepMessage(r.event))) {
          // The sweep queue: Powertools reports each failed record back, so one bad account does not redo the batch.
          const { BatchProcessor, EventType, processPartialResponse } = await import('@aws-lambda-powertools/batch');
          const processor = new BatchProcessor(EventType.SQS);
          const record = async (r: SQSRecord) => handleSweepMessage(JSON.parse(r.body), deps);
          const out = await processPartialResponse(input as SQSEvent, record, processor, {
            ...(context ? { context } : {}),
            throwOnFullBatchFailure: false,
          });
          return { batchItemFailures: out.batchItemFailures, results: [] };
        }
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
  // One client per account and region, on the role's cached credentials; S3 is addressed by path when an endpoint
  // (an emulator, a VPC endpoint) stands in for AWS, where bucket host names do not resolve.
  const memberClients = new Map<string, unknown>();
  const pathStyle = (base.endpoint ?? endpointFromEnv(env)) !== undefined;
  // Each service's SDK is loaded on first use (`load`), so a trail's cold start does not parse it.
  async function memberClient<C>(
    service: string,
    load: () => Promise<new (config: never) => C>,
    account: string,
    region: string,
    extra: object = {},
  ): Promise<C> {
    await roles.credentials(account);
    const key = `${service}/${account}/${region}`;
    let client = memberClients.get(key) as C | undefined;
    if (!client) {
      const Client = await load();
      client = createClient(Client as never, { ...base, region, credentials: roles.provider(account) }, extra) as C;
      memberClients.set(key, client);
    }
    return client;
  }
  const managementAccounts = new Map<string, Promise<string | null>>();
  let sweepDeps: SweepDeps | undefined;
  const deps: HandlerDeps = {
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
    s3: (account, region) =>
      memberClient(
        's3',
        async () => (await import('@aws-sdk/client-s3')).S3Client,
        account,
        region,
        pathStyle ? { forcePathStyle: true } : {},
      ),
    logs: (account, region) =>
      memberClient('logs', async () => (await import('@aws-sdk/client-cloudwatch-logs')).CloudWatchLogsClient, account, region),
    organizations: (account) =>
      memberClient('organizations', async () => (await import('@aws-sdk/client-organizations')).OrganizationsClient, account, homeRegion),
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
  // Only a function deployed with the sweep (TRAILGUARD_SWEEP, written by apply) reads its table and queue.
  if (env.TRAILGUARD_SWEEP) {
    const eventsClients = new Map<string, EventBridgeClient>();
    // The member role, through the same credentials cache as CloudTrail: one AssumeRole per account.
    const events = async (account: string, region: string) => {
      await roles.credentials(account);
      const key = `${account}/${region}`;
      let client = eventsClients.get(key);
      if (!client) {
        const { EventBridgeClient } = await import('@aws-sdk/client-eventbridge');
        eventsClients.set(key, (client = createClient(EventBridgeClient, { ...base, region, credentials: roles.provider(account) })));
      }
      return client;
    };
    deps.sweep = async () =>
      (sweepDeps ??= (await import('./sweep-deps.js')).createDefaultSweepDeps(deps, env, { events, clientOptions: base }));
  }
  return deps;
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

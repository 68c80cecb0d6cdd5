// The alert contract (trailguard.alert/v1): the SNS message the remediator publishes and the Slack app reads.
import { z } from 'zod';
import { ACCOUNT_ID, REGION } from './arn.js';
import { WATCHED_EVENTS } from './config.js';
import { CENTRAL_CALLS, PIPELINE_CALLS, type PipelineEvent, SCHEDULE_CALLS } from './pipeline-event.js';
import type { ImpairmentEvent, StorageEvent, StorageResource } from './impairment-event.js';
import type { TamperEvent } from './tamper-event.js';

export const ALERT_SCHEMA = 'trailguard.alert/v1';

export const OUTCOMES = [
  'restarted',
  'restored',
  'recreated',
  'already-compliant',
  'allowed',
  'blocked',
  'alert-only',
  'failed',
  'ignored',
  'rejected',
  /** Someone changed TrailGuard's own member rules or roles; restored or not, it is alerted. */
  'pipeline-tampered',
  /** A member-region's canary did not arrive by the next sweep, or TrailGuard's member rules there are missing or broken. */
  'pipeline-broken',
  /** The trail logs, but GetTrailStatus reports a delivery error (S3, digest or CloudWatch Logs). */
  'delivery-failing',
  /** A finding alerted earlier is gone: `resolves` names that alert's id, so the Slack message can be updated. */
  'resolved',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What produced an alert: a tamper record (`event`), the scheduled sweep (`sweep`), or a canary that did not arrive (`canary`). */
export const TRIGGERS = ['event', 'sweep', 'canary'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** `eventName` of an alert no CloudTrail call produced (a delivery error, an overdue canary, a resolved finding). */
export const SWEEP_EVENT_NAME = 'TrailGuardSweep';

const ActorSchema = z.looseObject({
  arn: z.string(),
  type: z.string(),
  sourceIp: z.string().nullable(),
  userAgent: z.string().nullable(),
  issuerArn: z.string().nullable().optional(),
});

/** The fields every alert carries, whatever it is about. */
const AlertBaseSchema = z.looseObject({
  schema: z.literal(ALERT_SCHEMA),
  id: z.string().min(1).max(256),
  account: z.string().regex(ACCOUNT_ID),
  region: z.string().regex(REGION),
  actor: ActorSchema,
  eventTime: z.string(),
  remediatedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** What TrailGuard did, in order (`StartLogging`, `UpdateTrail: s3BucketName`...). */
  actions: z.array(z.string()).default([]),
  /** What the tamper call changed, as far as the event tells (`s3BucketName -> attacker-owned-bucket`). */
  changes: z.array(z.string()).default([]),
  /** The tamper call's own error when it failed (outcome `blocked`). */
  callError: z.object({ code: z.string(), message: z.string().nullable() }).nullable().default(null),
  /** Why TrailGuard decided as it did (`cannot be acted on: detail.requestParameters is absent...`); absent in older alerts. */
  reason: z.string().nullable().default(null),
  /** What produced the alert; older alerts, all from tamper records, lack it. */
  trigger: z.enum(TRIGGERS).default('event'),
  /** On a `resolved` alert: the id of the alert whose finding is gone (update that message). Null otherwise. */
  resolves: z.string().min(1).max(256).nullable().default(null),
  /** On a canary alert: the last canary that did arrive from this member-region (ISO-8601), or null if none ever did. */
  lastCanaryAt: z.string().nullable().optional(),
});

/** An alert about a trail (the alert as it has always been). */
export const AlertSchema = AlertBaseSchema.extend({
  eventName: z.union([z.enum(WATCHED_EVENTS), z.literal(SWEEP_EVENT_NAME)]),
  /** `account` owns the trail (an organization trail: the management account); absent in older alerts. */
  trail: z.looseObject({ name: z.string().min(1), arn: z.string().startsWith('arn:'), account: z.string().regex(ACCOUNT_ID).optional() }),
  outcome: z.enum(OUTCOMES).exclude(['ignored', 'rejected']),
  isLogging: z.boolean().nullable(),
  /**
   * Log-impairment alerts only: what the call touched (the bucket the trail delivers to, its KMS key, its log group;
   * `type` `s3-bucket`, `kms-key`, `log-group`) and whether TrailGuard put it back (true), could not or would not
   * (false), or had nothing to put back (null). `trail` is then the watched trail that uses it.
   */
  resource: z
    .looseObject({ type: z.string().min(1), name: z.string().min(1), arn: z.string().startsWith('arn:'), restored: z.boolean().nullable() })
    .optional(),
});
export type TrailAlert = z.output<typeof AlertSchema>;

/** What a pipeline alert is about (`resource.type`). */
export const PIPELINE_RESOURCE_TYPES = [
  'event-rule',
  'iam-role',
  'scheduler-schedule',
  'dynamodb-table',
  'event-bus',
  'lambda-function',
  'event-source-mapping',
  'sqs-queue',
] as const;

/**
 * An alert about TrailGuard's own pipeline (outcome `pipeline-tampered`, or `blocked` when the
 * call failed): the same fields as a trail alert, except that `trail` is null, `eventName` is the
 * EventBridge or IAM call, and `resource` says which rule or role and whether it was restored.
 */
export const PipelineAlertSchema = AlertBaseSchema.extend({
  eventName: z.union([z.enum([...PIPELINE_CALLS, ...SCHEDULE_CALLS, ...CENTRAL_CALLS]), z.literal(SWEEP_EVENT_NAME)]),
  trail: z.null(),
  resource: z.looseObject({
    /**
     * `scheduler-schedule`: the sweep itself (`trailguard-sweep`) could not run; `dynamodb-table`: `trailguard-state` is
     * unusable; `event-bus`, `lambda-function`, `event-source-mapping`, `sqs-queue`: the central account's own chain.
     */
    type: z.enum(PIPELINE_RESOURCE_TYPES),
    name: z.string().min(1),
    arn: z.string().startsWith('arn:'),
    /** true: put back to its desired definition and verified; false: not (roles: `apply` repairs them; or the repair failed); null: nothing to restore. */
    restored: z.boolean().nullable(),
  }),
  outcome: z.enum(['pipeline-tampered', 'blocked', 'pipeline-broken', 'resolved']),
  isLogging: z.null(),
});
export type PipelineAlert = z.output<typeof PipelineAlertSchema>;

/**
 * What a log-impairment alert is about (`resource.type`), one line per type: a CloudTrail Lake event
 * data store, an account's membership of the organization, the organization's CloudTrail set-up
 * (trusted access, delegated administrator).
 */
export const IMPAIRMENT_RESOURCE_TYPES = ['event-data-store', 'account', 'organization'] as const;
export type ImpairmentResourceType = (typeof IMPAIRMENT_RESOURCE_TYPES)[number];

/**
 * An alert about a watched call that is not on a trail (DESIGN.md "Alert", additive): `trail` is
 * null and `resource` names what was impaired (an event data store ARN, an account id...) and
 * whether it was put back. `arn` is null where the thing has none the record tells.
 */
export const ImpairmentAlertSchema = AlertBaseSchema.extend({
  eventName: z.enum(WATCHED_EVENTS),
  trail: z.null(),
  resource: z.looseObject({
    type: z.enum(IMPAIRMENT_RESOURCE_TYPES),
    name: z.string().min(1),
    arn: z.string().startsWith('arn:').nullable(),
    /** true: put back and verified; false: not put back; null: nothing TrailGuard could put back. */
    restored: z.boolean().nullable(),
  }),
  outcome: z.enum(OUTCOMES).exclude(['ignored', 'rejected', 'pipeline-tampered']),
  isLogging: z.boolean().nullable(),
});
export type ImpairmentAlert = z.output<typeof ImpairmentAlertSchema>;

/** Every alert on the topic: a trail alert, or (`trail: null`) a pipeline or log-impairment alert. */
export const AnyAlertSchema = z.union([AlertSchema, PipelineAlertSchema, ImpairmentAlertSchema]);
export type Alert = TrailAlert | PipelineAlert | ImpairmentAlert;

/** What the alert is about: the trail, TrailGuard's rule or role, or the impaired resource. Keys incidents and titles. */
export function alertTarget(alert: Alert): {
  type: 'trail' | (typeof PIPELINE_RESOURCE_TYPES)[number] | ImpairmentResourceType;
  name: string;
  arn: string;
} {
  return alert.trail
    ? { type: 'trail', ...alert.trail }
    : { type: alert.resource.type, name: alert.resource.name, arn: alert.resource.arn ?? alert.resource.name };
}

export interface AlertFacts {
  outcome: Exclude<Outcome, 'ignored' | 'rejected'>;
  isLogging: boolean | null;
  remediatedAt: string | null;
  error: string | null;
  actions: string[];
  changes: string[];
  /** Why, in one sentence: goes into the alert's `reason`. */
  reason?: string | null;
}

/** The fields a trail alert and a pipeline alert fill the same way: who, where, when, what was done and why. */
function alertBase(
  event: TamperEvent | PipelineEvent | ImpairmentEvent,
  facts: Pick<AlertFacts, 'remediatedAt' | 'error' | 'actions' | 'changes' | 'reason'>,
) {
  return {
    schema: ALERT_SCHEMA,
    id: event.id,
    account: event.account,
    region: event.region,
    actor: {
      arn: event.actor.arn,
      type: event.actor.type,
      sourceIp: event.actor.sourceIp,
      userAgent: event.actor.userAgent,
      issuerArn: event.actor.issuerArn,
    },
    eventTime: event.eventTime,
    remediatedAt: facts.remediatedAt,
    error: facts.error,
    actions: facts.actions,
    changes: facts.changes,
    callError: event.errorCode ? { code: event.errorCode, message: event.errorMessage } : null,
    reason: facts.reason ?? null,
    trigger: 'event' as Trigger,
    resolves: null,
  } as const;
}

export function buildAlert(event: TamperEvent, facts: AlertFacts): TrailAlert {
  return {
    ...alertBase(event, facts),
    eventName: event.eventName,
    trail: { ...event.trail },
    outcome: facts.outcome,
    isLogging: facts.isLogging,
  };
}

/**
 * The alert for a log-impairment call (DESIGN.md "Alert", additive): a trail alert whose `trail` is the watched trail
 * that delivers to or encrypts with `resource`, and whose `resource` says what was touched and whether it was put back.
 */
export function buildStorageAlert(
  event: StorageEvent,
  trail: TrailAlert['trail'],
  resource: StorageResource,
  facts: AlertFacts & { restored: boolean | null },
): TrailAlert {
  return {
    ...alertBase(event, facts),
    eventName: event.eventName,
    trail: { ...trail },
    outcome: facts.outcome,
    isLogging: facts.isLogging,
    resource: { type: resource.type, name: resource.name, arn: resource.arn, restored: facts.restored },
  };
}

export interface PipelineAlertFacts {
  outcome: 'pipeline-tampered' | 'blocked';
  resourceArn: string;
  restored: boolean | null;
  remediatedAt: string | null;
  error: string | null;
  actions: string[];
  changes: string[];
  /** Why: the same sentence as the log line's `reason`. */
  reason?: string;
}

/**
 * The pipeline alert for a guard event (DESIGN.md "Alert", additive): `trail: null`, `isLogging: null`,
 * `resource` naming the rule (`arn:<partition>:events:<region>:<account>:rule/<name>`) or role and whether it was restored.
 */
export function buildPipelineAlert(event: PipelineEvent, facts: PipelineAlertFacts): PipelineAlert {
  return {
    ...alertBase(event, facts),
    eventName: event.eventName,
    trail: null,
    resource: { type: event.resource.kind, name: event.resource.name, arn: facts.resourceArn, restored: facts.restored },
    outcome: facts.outcome,
    isLogging: null,
  };
}

/**
 * The alert for a log-impairment call (`trail: null`, `resource` naming what was impaired and whether
 * it was put back). Its `eventName` is the call (`StopEventDataStoreIngestion`, `LeaveOrganization`...).
 */
export function buildImpairmentAlert(
  event: ImpairmentEvent,
  facts: AlertFacts,
  resource: { type: ImpairmentResourceType; name: string; arn: string | null; restored: boolean | null },
): ImpairmentAlert {
  if (facts.outcome === 'pipeline-tampered') throw new TypeError('pipeline-tampered is not an impairment outcome');
  return {
    ...alertBase(event, facts),
    eventName: event.eventName,
    trail: null,
    resource: { ...resource },
    outcome: facts.outcome,
    isLogging: facts.isLogging,
  };
}

/** SNS message attributes: subscribers filter on these without parsing the body. */
export function alertAttributes(alert: Alert): Record<'outcome' | 'account' | 'eventName', { DataType: 'String'; StringValue: string }> {
  return {
    outcome: { DataType: 'String', StringValue: alert.outcome },
    account: { DataType: 'String', StringValue: alert.account },
    eventName: { DataType: 'String', StringValue: alert.eventName },
  };
}

/** E-mail subject: ASCII, at most 100 characters (SNS limits). */
export function alertSubject(alert: Alert): string {
  const subject = `TrailGuard ${alert.outcome}: ${alert.eventName} on ${alertTarget(alert).name} in ${alert.account}/${alert.region}`;
  return subject.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

/** Reads an alert from an SNS message body; throws a ZodError on anything else. */
export function parseAlert(body: string): Alert {
  return AnyAlertSchema.parse(JSON.parse(body));
}

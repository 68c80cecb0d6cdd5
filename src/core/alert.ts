// The alert contract (trailguard.alert/v1): the SNS message the remediator publishes and the Slack app reads.
import { z } from 'zod';
import { ACCOUNT_ID, REGION } from './arn.js';
import { WATCHED_EVENTS } from './config.js';
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
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const AlertSchema = z.looseObject({
  schema: z.literal(ALERT_SCHEMA),
  id: z.string().min(1).max(256),
  eventName: z.enum(WATCHED_EVENTS),
  account: z.string().regex(ACCOUNT_ID),
  region: z.string().regex(REGION),
  /** `account` owns the trail (an organization trail: the management account); absent in older alerts. */
  trail: z.looseObject({ name: z.string().min(1), arn: z.string().startsWith('arn:'), account: z.string().regex(ACCOUNT_ID).optional() }),
  actor: z.looseObject({
    arn: z.string(),
    type: z.string(),
    sourceIp: z.string().nullable(),
    userAgent: z.string().nullable(),
    issuerArn: z.string().nullable().optional(),
  }),
  eventTime: z.string(),
  outcome: z.enum(OUTCOMES).exclude(['ignored', 'rejected']),
  isLogging: z.boolean().nullable(),
  remediatedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** What TrailGuard did, in order (`StartLogging`, `UpdateTrail: s3BucketName`...). */
  actions: z.array(z.string()).default([]),
  /** What the tamper call changed, as far as the event tells (`s3BucketName -> attacker-owned-bucket`). */
  changes: z.array(z.string()).default([]),
  /** The tamper call's own error when it failed (outcome `blocked`). */
  callError: z.object({ code: z.string(), message: z.string().nullable() }).nullable().default(null),
  /** Why TrailGuard decided as it did (`cannot be acted on: detail.requestParameters is absent...`). */
  reason: z.string().nullable().default(null),
});
export type Alert = z.output<typeof AlertSchema>;

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

export function buildAlert(event: TamperEvent, facts: AlertFacts): Alert {
  return {
    schema: ALERT_SCHEMA,
    id: event.id,
    eventName: event.eventName,
    account: event.account,
    region: event.region,
    trail: { ...event.trail },
    actor: {
      arn: event.actor.arn,
      type: event.actor.type,
      sourceIp: event.actor.sourceIp,
      userAgent: event.actor.userAgent,
      issuerArn: event.actor.issuerArn,
    },
    eventTime: event.eventTime,
    outcome: facts.outcome,
    isLogging: facts.isLogging,
    remediatedAt: facts.remediatedAt,
    error: facts.error,
    actions: facts.actions,
    changes: facts.changes,
    callError: event.errorCode ? { code: event.errorCode, message: event.errorMessage } : null,
    reason: facts.reason ?? null,
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
  const subject = `TrailGuard ${alert.outcome}: ${alert.eventName} on ${alert.trail.name} in ${alert.account}/${alert.region}`;
  return subject.replace(/[^\x20-\x7e]/g, '?').slice(0, 100);
}

/** Reads an alert from an SNS message body; throws a ZodError on anything else. */
export function parseAlert(body: string): Alert {
  return AlertSchema.parse(JSON.parse(body));
}

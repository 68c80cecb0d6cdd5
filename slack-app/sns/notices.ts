// The notices SNS deliveries give rise to: an unreadable message from the topic, the subscription lost or unconfirmed.
import { createHash } from 'node:crypto';
import { z, ZodError } from 'zod';
import { errorText } from '#core/errors.js';
import type { Notice } from '../store/types.js';
import type { AlarmState } from '../views/alarm.js';
import { EXCERPT_CHARS } from '../views/notice.js';

/** Issues named in a schema problem: enough to tell what changed, short enough for one Slack field. */
const MAX_ISSUES = 3;

type Issue = { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] };

/**
 * Why a message is not a `trailguard.alert/v1` alert, naming the fields (`outcome: Invalid option: expected one of
 * …`). The alert schema is a union (trail, pipeline, impairment alert): the branch with the fewest problems is the one
 * the message meant, so its issues are the ones named. Not JSON at all: the parser's message.
 */
export function schemaProblem(error: unknown): string {
  if (error instanceof SyntaxError) return `not JSON: ${error.message}`;
  if (!(error instanceof ZodError)) return errorText(error);
  let issues = error.issues as Issue[];
  while (issues.length === 1 && issues[0]!.code === 'invalid_union' && issues[0]!.errors?.length) {
    const prefix = issues[0]!.path;
    const closest = [...issues[0]!.errors].sort((a, b) => a.length - b.length)[0]!;
    issues = closest.map((i) => ({ ...i, path: [...prefix, ...i.path] }));
  }
  const named = issues.slice(0, MAX_ISSUES).map((i) => `${i.path.map(String).join('.') || '(message)'}: ${i.message}`);
  return issues.length > MAX_ISSUES ? `${named.join('; ')}; and ${issues.length - MAX_ISSUES} more` : named.join('; ');
}

/** The SNS fields a notice about an unreadable message needs (HTTP body or Lambda record alike). */
export interface SnsDelivery {
  messageId: string | undefined;
  topic: string;
  subject: string | undefined | null;
  timestamp: string | undefined;
  message: string;
}

/**
 * The notice for a verified message from the topic that is not a readable alert (a newer schema, an outcome this app
 * does not know, text another publisher sent): shown, never dropped. Its id is the SNS MessageId (or a hash of the
 * message when there is none), so SNS's redeliveries post it once.
 */
export function unreadableNotice(delivery: SnsDelivery, error: unknown, now: Date): Notice {
  const key = delivery.messageId || createHash('sha256').update(delivery.message).digest('hex').slice(0, 32);
  return {
    id: `unreadable-alert#${key}`,
    kind: 'unreadable-alert',
    topic: delivery.topic,
    at: delivery.timestamp && Number.isFinite(Date.parse(delivery.timestamp)) ? delivery.timestamp : now.toISOString(),
    subject: delivery.subject ?? null,
    error: schemaProblem(error),
    // A little more than is shown, so the view's clip marks the cut with "…".
    excerpt: delivery.message.slice(0, EXCERPT_CHARS + 1),
  };
}

/**
 * CloudWatch's alarm notification (CloudWatch User Guide, "Using Amazon CloudWatch alarms", the SNS message): the fields
 * shown; the rest (Trigger, actions) is CloudWatch's and may grow. Loose so that a new field never makes it unreadable.
 */
const AlarmNotificationSchema = z.looseObject({
  AlarmName: z.string().min(1),
  NewStateValue: z.string().min(1),
  NewStateReason: z.string(),
  StateChangeTime: z.string().optional(),
  OldStateValue: z.string().nullish(),
  AlarmDescription: z.string().nullish(),
  AWSAccountId: z.string().nullish(),
  AlarmArn: z.string().nullish(),
});

/** CloudWatch writes `2026-11-29T19:00:12.345+0000`: an offset without a colon, which ISO-8601 parsers refuse. */
function isoTime(text: string | undefined): string | null {
  if (!text) return null;
  const ms = Date.parse(text.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/**
 * The notice for a CloudWatch alarm notification on the topic (TrailGuard's watchdog alarms, see NAMES.alarms), or null
 * when the message is not one (then it is unreadable). Its id is `cloudwatch-alarm#<SNS MessageId>`, so SNS's
 * redeliveries post it once; `at` is the alarm's StateChangeTime, else SNS's Timestamp, else `now`.
 */
export function alarmNotice(delivery: SnsDelivery, now: Date): Notice | null {
  let parsed: z.infer<typeof AlarmNotificationSchema>;
  try {
    const result = AlarmNotificationSchema.safeParse(JSON.parse(delivery.message));
    if (!result.success) return null;
    parsed = result.data;
  } catch {
    return null;
  }
  const key = delivery.messageId || createHash('sha256').update(delivery.message).digest('hex').slice(0, 32);
  const region = /^arn:[\w-]+:cloudwatch:([a-z0-9-]+):/.exec(parsed.AlarmArn ?? '')?.[1] ?? null;
  const alarm: AlarmState = {
    name: parsed.AlarmName,
    state: parsed.NewStateValue,
    previousState: parsed.OldStateValue ?? null,
    reason: parsed.NewStateReason,
    description: parsed.AlarmDescription ?? null,
    account: parsed.AWSAccountId ?? null,
    region,
  };
  return {
    id: `cloudwatch-alarm#${key}`,
    kind: 'cloudwatch-alarm',
    topic: delivery.topic,
    at: isoTime(parsed.StateChangeTime) ?? isoTime(delivery.timestamp) ?? now.toISOString(),
    alarm,
  };
}

/**
 * The notice for a verified message from the topic that is not a TrailGuard alert: a CloudWatch alarm notification
 * (`alarmNotice`), else an unreadable alert (`unreadableNotice`, with `error`, why it is not an alert).
 */
export function topicNotice(delivery: SnsDelivery, error: unknown, now: Date): Notice {
  return alarmNotice(delivery, now) ?? unreadableNotice(delivery, error, now);
}

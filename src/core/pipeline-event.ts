// The guard-event model: CloudTrail records of calls that touch TrailGuard's own member rules and roles, and the sweep's schedule.
import { z } from 'zod';
import { ACCOUNT_ID, REGION } from './arn.js';
import { RejectedEventError } from './errors.js';

/**
 * EventBridge calls on a rule that name it in `requestParameters.name` (CloudTrail logs the API's
 * request members in lowerCamelCase: `DeleteRule {name, force}`, `DisableRule {name}`,
 * `PutRule {name, eventPattern, state, eventBusName}`).
 */
export const RULE_NAME_CALLS = ['DeleteRule', 'DisableRule', 'PutRule'] as const;
/** EventBridge target calls name the rule in `requestParameters.rule` (`PutTargets {rule, targets}`, `RemoveTargets {rule, ids}`). */
export const RULE_TARGET_CALLS = ['PutTargets', 'RemoveTargets'] as const;
/** IAM calls on a role name it in `requestParameters.roleName`. IAM is global: EventBridge gets them in the partition's global region only. */
export const ROLE_CALLS = [
  'DeleteRole',
  'UpdateAssumeRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
] as const;
export const PIPELINE_CALLS = [...RULE_NAME_CALLS, ...RULE_TARGET_CALLS, ...ROLE_CALLS] as const;
/**
 * EventBridge Scheduler calls on a schedule: the sweep's `trailguard-sweep` in the central account. They name it in
 * `requestParameters.name` and its group in `groupName` (`UpdateSchedule {name, groupName, state, target, ...}`,
 * `DeleteSchedule {name, groupName}`); only the central account's `trailguard-sweep-guard` rule forwards them.
 */
export const SCHEDULE_CALLS = ['UpdateSchedule', 'DeleteSchedule'] as const;
export type ScheduleCall = (typeof SCHEDULE_CALLS)[number];
export type PipelineCall = (typeof PIPELINE_CALLS)[number];
/** Every call a guard event may carry: on TrailGuard's member rules and roles, or on its sweep schedule. */
export type GuardCall = PipelineCall | ScheduleCall;

/** Name prefix of every TrailGuard rule and role (`trailguard-forward`, `trailguard-forwarder`...). */
export const OWN_PREFIX = 'trailguard-';

const Str = z.string().min(1).max(2048);

const DetailSchema = z.looseObject({
  eventSource: z.enum(['events.amazonaws.com', 'iam.amazonaws.com', 'scheduler.amazonaws.com']),
  eventName: z.enum([...PIPELINE_CALLS, ...SCHEDULE_CALLS]),
  // Display fields are read tolerantly (absent, empty, of another type, too long: clipped), as on the
  // trail path: a caller chooses its userAgent, and a real guard record must never end `rejected`.
  eventTime: z.unknown().optional(),
  eventID: z.unknown().optional(),
  awsRegion: z.string().regex(REGION),
  // Optional in CloudTrail's record contents reference; when present it must agree with the envelope.
  recipientAccountId: z.string().regex(ACCOUNT_ID).optional(),
  userIdentity: z.looseObject({
    type: z.unknown().optional(),
    arn: Str.optional(),
    principalId: Str.optional(),
    invokedBy: Str.optional(),
    sessionContext: z.looseObject({ sessionIssuer: z.looseObject({ arn: Str.optional() }).optional() }).optional(),
  }),
  sourceIPAddress: z.unknown().optional(),
  userAgent: z.unknown().optional(),
  requestParameters: z.record(z.string(), z.unknown()).nullable().optional(),
  errorCode: z.unknown().optional(),
  errorMessage: z.unknown().optional(),
});

/** A display string, clipped; null when absent, empty or not a string. */
function display(value: unknown, max: number): string | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  return value.length <= max ? value : `${value.slice(0, max)}…[truncated ${value.length - max} characters]`;
}

const EnvelopeSchema = z.looseObject({
  id: Str,
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  source: z.enum(['aws.events', 'aws.iam', 'aws.scheduler']),
  account: z.string().regex(ACCOUNT_ID),
  region: z.string().regex(REGION),
  detail: DetailSchema,
});

export type PipelineResourceKind = 'event-rule' | 'iam-role' | 'scheduler-schedule';

export interface PipelineEvent {
  /** CloudTrail eventID: the alert id. */
  id: string;
  eventName: GuardCall;
  eventTime: string;
  account: string;
  /** Where the call was made: the rule's region; for IAM, the partition's global region. */
  region: string;
  resource: {
    kind: PipelineResourceKind;
    name: string;
    /** Event bus of a rule (`default` when the call named none); null for a role or a schedule. */
    bus: string | null;
    /** Schedule group of a schedule (`default` when the call named none); absent otherwise. */
    group?: string;
  };
  actor: { arn: string; type: string; issuerArn: string | null; sourceIp: string | null; userAgent: string | null };
  errorCode: string | null;
  errorMessage: string | null;
  requestParameters: Record<string, unknown>;
}

/** Cheap test the remediator's dispatch uses: the envelope claims to be an EventBridge, IAM or Scheduler API call. */
export function isPipelineEvent(raw: unknown): boolean {
  const source = (raw as { source?: unknown } | null)?.source;
  return source === 'aws.events' || source === 'aws.iam' || source === 'aws.scheduler';
}

/** The envelope `source` EventBridge gives each service's CloudTrail records. */
const SOURCE_OF: Record<string, string> = {
  'events.amazonaws.com': 'aws.events',
  'iam.amazonaws.com': 'aws.iam',
  'scheduler.amazonaws.com': 'aws.scheduler',
};
const SCHEDULE_NAME = /^[0-9a-zA-Z-_.]{1,64}$/;

const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

function resourceOf(eventName: GuardCall, eventSource: string, params: Record<string, unknown>): PipelineEvent['resource'] {
  const isSchedule = (SCHEDULE_CALLS as readonly string[]).includes(eventName);
  if (isSchedule !== (eventSource === 'scheduler.amazonaws.com')) {
    throw new RejectedEventError(`detail.eventName ${eventName} is not a call of detail.eventSource ${eventSource}`);
  }
  if (isSchedule) {
    const { name, groupName } = params;
    if (typeof name !== 'string' || !SCHEDULE_NAME.test(name)) {
      throw new RejectedEventError(`detail.requestParameters.name: expected a schedule name for ${eventName}`);
    }
    if (groupName !== undefined && (typeof groupName !== 'string' || !SCHEDULE_NAME.test(groupName))) {
      throw new RejectedEventError('detail.requestParameters.groupName: expected a schedule group name');
    }
    return { kind: 'scheduler-schedule', name, bus: null, group: typeof groupName === 'string' ? groupName : 'default' };
  }
  const isRole = (ROLE_CALLS as readonly string[]).includes(eventName);
  if (isRole !== (eventSource === 'iam.amazonaws.com')) {
    throw new RejectedEventError(`detail.eventName ${eventName} is not a call of detail.eventSource ${eventSource}`);
  }
  const key = isRole ? 'roleName' : (RULE_TARGET_CALLS as readonly string[]).includes(eventName) ? 'rule' : 'name';
  const value = params[key];
  if (typeof value !== 'string' || !(isRole ? ROLE_NAME : RULE_NAME).test(value)) {
    throw new RejectedEventError(
      `detail.requestParameters.${key}: expected ${isRole ? 'an IAM role name' : 'an EventBridge rule name'} for ${eventName}`,
    );
  }
  if (isRole) return { kind: 'iam-role', name: value, bus: null };
  const bus = params.eventBusName;
  if (bus !== undefined && (typeof bus !== 'string' || bus.length === 0)) {
    throw new RejectedEventError('detail.requestParameters.eventBusName: expected an event bus name or ARN');
  }
  // A bus may be named by ARN; the rule's bus is its last path segment.
  return { kind: 'event-rule', name: value, bus: typeof bus === 'string' ? bus.split('/').pop()! : 'default' };
}

/**
 * Parses a guard event (an EventBridge envelope of a CloudTrail record from `events.amazonaws.com`
 * or `iam.amazonaws.com`). Throws RejectedEventError, naming the bad field's path, for anything
 * malformed, inconsistent or not one of PIPELINE_CALLS.
 */
export function parsePipelineEvent(raw: unknown): PipelineEvent {
  const result = EnvelopeSchema.safeParse(raw);
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first?.path.length ? first.path.join('.') : '(root)';
    throw new RejectedEventError(`not a guard event: ${where}: ${first?.message ?? 'invalid'}`);
  }
  const envelope = result.data;
  const { detail } = envelope;
  const expectedSource = SOURCE_OF[detail.eventSource];
  if (envelope.source !== expectedSource) {
    throw new RejectedEventError(`source ${envelope.source} does not match detail.eventSource ${detail.eventSource}`);
  }
  if (detail.recipientAccountId !== undefined && envelope.account !== detail.recipientAccountId) {
    throw new RejectedEventError(
      `envelope account ${envelope.account} does not match detail.recipientAccountId ${detail.recipientAccountId}`,
    );
  }
  if (envelope.region !== detail.awsRegion) {
    throw new RejectedEventError(`envelope region ${envelope.region} does not match detail.awsRegion ${detail.awsRegion}`);
  }
  const params = detail.requestParameters ?? {};
  const identity = detail.userIdentity;
  const issuerArn = identity.sessionContext?.sessionIssuer?.arn ?? null;
  const arn = identity.arn ?? issuerArn ?? identity.invokedBy ?? identity.principalId;
  if (!arn) throw new RejectedEventError('detail.userIdentity names no principal (arn, invokedBy or principalId)');
  return {
    id: display(detail.eventID, 256) ?? envelope.id,
    eventName: detail.eventName,
    eventTime: display(detail.eventTime, 64) ?? display(envelope.time, 64) ?? '',
    account: envelope.account,
    region: envelope.region,
    resource: resourceOf(detail.eventName, detail.eventSource, params),
    actor: {
      arn,
      type: display(identity.type, 256) ?? 'Unknown',
      issuerArn,
      sourceIp: display(detail.sourceIPAddress, 1024),
      userAgent: display(detail.userAgent, 1024),
    },
    errorCode: display(detail.errorCode, 256),
    errorMessage: display(detail.errorMessage, 4096),
    requestParameters: params,
  };
}

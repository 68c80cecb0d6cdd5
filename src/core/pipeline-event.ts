// The guard-event model: CloudTrail records of calls that touch TrailGuard's own member rules and roles, the sweep's
// schedule, and the central account's own chain (its rules, bus, remediator function and its mappings, queues).
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
/**
 * EventBridge calls on a bus's resource policy: they name the bus in `requestParameters.eventBusName` (absent: the
 * default bus). Removing the grant on `trailguard` cuts every member off the central bus.
 */
export const BUS_CALLS = ['PutPermission', 'RemovePermission'] as const;
/**
 * Lambda calls that stop or redirect the remediator, by API action name. CloudTrail records Lambda's calls with the
 * API version appended (`UpdateEventSourceMapping20150331v2`, `DeleteEventSourceMapping20150331`,
 * `PutFunctionConcurrency20171031`, `DeleteFunction20150331`, `UpdateFunctionConfiguration20150331v2`): patterns
 * match the action name as a prefix, and the parser strips the version. `RemovePermission` is also EventBridge's
 * (BUS_CALLS): `detail.eventSource` tells them apart.
 */
export const FUNCTION_CALLS = [
  'PutFunctionConcurrency',
  'DeleteFunction',
  'UpdateFunctionConfiguration',
  // Code that does nothing, and (direct delivery) the rules' invoke permissions removed, stop it as surely.
  'UpdateFunctionCode',
  'RemovePermission',
] as const;
/** Lambda calls on an event source mapping: `requestParameters.uUID` names it; the function is in `functionName` or `responseElements.functionArn`. */
export const MAPPING_CALLS = ['UpdateEventSourceMapping', 'DeleteEventSourceMapping'] as const;
/** SQS calls that empty, delete or re-wire a queue; they name it by `requestParameters.queueUrl`. */
export const QUEUE_CALLS = ['SetQueueAttributes', 'DeleteQueue', 'PurgeQueue'] as const;
/** Calls on the central account's own chain besides its rules: forwarded by the central `trailguard-central-guard` rule. */
export const CENTRAL_CALLS = [
  ...BUS_CALLS,
  // RemovePermission is in BUS_CALLS already.
  ...(['PutFunctionConcurrency', 'DeleteFunction', 'UpdateFunctionConfiguration', 'UpdateFunctionCode'] as const),
  ...MAPPING_CALLS,
  ...QUEUE_CALLS,
] as const;
export type CentralCall = (typeof CENTRAL_CALLS)[number];
/** Every call a guard event may carry: on TrailGuard's member rules and roles, its sweep schedule, or its central chain. */
export type GuardCall = PipelineCall | ScheduleCall | CentralCall;

/** Name prefix of every TrailGuard rule and role (`trailguard-forward`, `trailguard-forwarder`...). */
export const OWN_PREFIX = 'trailguard-';

const Str = z.string().min(1).max(2048);

/** Lambda's recorded names carry the API version (`DeleteFunction20150331`): the action name is what precedes it. */
const LAMBDA_VERSION = /^([A-Za-z]+?)(\d{8}(?:v\d+)?)?$/;

/** The API action name of a recorded eventName: Lambda's version suffix removed, other services' names as they are. */
export function actionName(eventSource: unknown, eventName: unknown): unknown {
  if (eventSource !== 'lambda.amazonaws.com' || typeof eventName !== 'string') return eventName;
  return LAMBDA_VERSION.exec(eventName)?.[1] ?? eventName;
}

const DetailSchema = z.looseObject({
  eventSource: z.enum([
    'events.amazonaws.com',
    'iam.amazonaws.com',
    'scheduler.amazonaws.com',
    'lambda.amazonaws.com',
    'sqs.amazonaws.com',
  ]),
  eventName: z.enum([...PIPELINE_CALLS, ...SCHEDULE_CALLS, ...CENTRAL_CALLS]),
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
  responseElements: z.record(z.string(), z.unknown()).nullable().optional(),
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
  source: z.enum(['aws.events', 'aws.iam', 'aws.scheduler', 'aws.lambda', 'aws.sqs']),
  account: z.string().regex(ACCOUNT_ID),
  region: z.string().regex(REGION),
  detail: DetailSchema,
});

export type PipelineResourceKind =
  | 'event-rule'
  | 'iam-role'
  | 'scheduler-schedule'
  | 'event-bus'
  | 'lambda-function'
  | 'event-source-mapping'
  | 'sqs-queue';

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
    /** Function of an event source mapping (its name), when the record tells it; absent otherwise. */
    functionName?: string;
  };
  actor: { arn: string; type: string; issuerArn: string | null; sourceIp: string | null; userAgent: string | null };
  errorCode: string | null;
  errorMessage: string | null;
  requestParameters: Record<string, unknown>;
}

const GUARD_SOURCES: readonly unknown[] = ['aws.events', 'aws.iam', 'aws.scheduler', 'aws.lambda', 'aws.sqs'];

/** Cheap test the remediator's dispatch uses: the envelope claims to be an EventBridge, IAM, Scheduler, Lambda or SQS API call. */
export function isPipelineEvent(raw: unknown): boolean {
  return GUARD_SOURCES.includes((raw as { source?: unknown } | null)?.source);
}

/** The envelope `source` EventBridge gives each service's CloudTrail records. */
const SOURCE_OF: Record<string, string> = {
  'events.amazonaws.com': 'aws.events',
  'iam.amazonaws.com': 'aws.iam',
  'scheduler.amazonaws.com': 'aws.scheduler',
  'lambda.amazonaws.com': 'aws.lambda',
  'sqs.amazonaws.com': 'aws.sqs',
};

/** The services that have each call: a record whose eventSource is another is inconsistent. */
function servicesOf(eventName: GuardCall): string[] {
  const is = (calls: readonly string[]) => calls.includes(eventName);
  if (is(SCHEDULE_CALLS)) return ['scheduler.amazonaws.com'];
  if (is(ROLE_CALLS)) return ['iam.amazonaws.com'];
  if (is(QUEUE_CALLS)) return ['sqs.amazonaws.com'];
  const out: string[] = [];
  if (is(FUNCTION_CALLS) || is(MAPPING_CALLS)) out.push('lambda.amazonaws.com');
  if (!is(FUNCTION_CALLS) || is(BUS_CALLS)) out.push('events.amazonaws.com');
  return out;
}

const FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;
/**
 * The function name of Lambda's `FunctionName` forms (name, `account:function:name`, ARN; each may end in
 * `:qualifier`), as Lambda's API reference lists them; undefined when the value is none of these.
 */
export function functionNameOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const parts = value.split(':');
  const at = parts.indexOf('function');
  const name = at >= 0 ? parts[at + 1] : parts[0];
  return name !== undefined && FUNCTION_NAME.test(name) ? name : undefined;
}

const QUEUE_NAME = /^[a-zA-Z0-9_-]{1,80}(\.fifo)?$/;
/** The account and queue name of an SQS queue URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`, or a legacy host). */
export function queueOfUrl(value: unknown): { account: string; name: string } | undefined {
  if (typeof value !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const [, account, name, ...rest] = url.pathname.split('/');
  if (rest.length > 0 || !account || !ACCOUNT_ID.test(account) || !name || !QUEUE_NAME.test(name)) return undefined;
  return { account, name };
}
const SCHEDULE_NAME = /^[0-9a-zA-Z-_.]{1,64}$/;

const RULE_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

function resourceOf(
  eventName: GuardCall,
  eventSource: string,
  params: Record<string, unknown>,
  response: Record<string, unknown>,
): PipelineEvent['resource'] {
  if (!servicesOf(eventName).includes(eventSource)) {
    throw new RejectedEventError(`detail.eventName ${eventName} is not a call of detail.eventSource ${eventSource}`);
  }
  const isSchedule = (SCHEDULE_CALLS as readonly string[]).includes(eventName);
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
  if (eventSource === 'lambda.amazonaws.com' && (FUNCTION_CALLS as readonly string[]).includes(eventName)) {
    const name = functionNameOf(params.functionName);
    if (!name)
      throw new RejectedEventError(`detail.requestParameters.functionName: expected a Lambda function name or ARN for ${eventName}`);
    return { kind: 'lambda-function', name, bus: null };
  }
  if ((MAPPING_CALLS as readonly string[]).includes(eventName)) {
    const { uUID } = params;
    if (typeof uUID !== 'string' || !/^[0-9a-fA-F-]{1,64}$/.test(uUID)) {
      throw new RejectedEventError(`detail.requestParameters.uUID: expected an event source mapping UUID for ${eventName}`);
    }
    // DeleteEventSourceMapping's request names only the mapping; the function is in the response.
    const functionName = functionNameOf(params.functionName) ?? functionNameOf(response.functionArn);
    return { kind: 'event-source-mapping', name: uUID, bus: null, ...(functionName ? { functionName } : {}) };
  }
  if ((QUEUE_CALLS as readonly string[]).includes(eventName)) {
    const queue = queueOfUrl(params.queueUrl);
    if (!queue) throw new RejectedEventError(`detail.requestParameters.queueUrl: expected an SQS queue URL for ${eventName}`);
    return { kind: 'sqs-queue', name: queue.name, bus: null };
  }
  if ((BUS_CALLS as readonly string[]).includes(eventName)) {
    const bus = params.eventBusName;
    if (bus !== undefined && (typeof bus !== 'string' || bus.length === 0)) {
      throw new RejectedEventError('detail.requestParameters.eventBusName: expected an event bus name or ARN');
    }
    const name = typeof bus === 'string' ? bus.split('/').pop()! : 'default';
    return { kind: 'event-bus', name, bus: name };
  }
  const isRole = (ROLE_CALLS as readonly string[]).includes(eventName);
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
 * Parses a guard event (an EventBridge envelope of a CloudTrail record from `events.amazonaws.com`,
 * `iam.amazonaws.com`, `scheduler.amazonaws.com`, `lambda.amazonaws.com` or `sqs.amazonaws.com`; CloudTrail record
 * contents reference). `eventName` is the API action (Lambda's version suffix removed). Throws RejectedEventError,
 * naming the bad field's path, for anything malformed, inconsistent or not one of the guard calls.
 */
export function parsePipelineEvent(raw: unknown): PipelineEvent {
  const detail0 = (raw as { detail?: Record<string, unknown> } | null)?.detail;
  const named =
    detail0 && typeof detail0 === 'object'
      ? { ...(raw as object), detail: { ...detail0, eventName: actionName(detail0.eventSource, detail0.eventName) } }
      : raw;
  const result = EnvelopeSchema.safeParse(named);
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
    resource: resourceOf(detail.eventName, detail.eventSource, params, detail.responseElements ?? {}),
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

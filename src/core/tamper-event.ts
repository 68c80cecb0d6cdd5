// The tamper-event model: an EventBridge envelope of a CloudTrail record, checked and reduced to what the remediator needs.
import { z } from 'zod';
import { ACCOUNT_ID, REGION, isKnownRegion, partitionOf, splitTrailArn, trailArn } from './arn.js';
import { TRAIL_EVENTS, type TrailEvent } from './config.js';
import { RejectedEventError, TrailGuardError } from './errors.js';
import { trailNameProblem } from './trail-name.js';

/**
 * The strict part of an event: only what a decision needs (what happened, to which account, in
 * which region). Every other field of the CloudTrail record is read tolerantly below, because
 * the record contents reference lets CloudTrail leave fields out, send them empty, or truncate
 * them (marking the record `omitted: true`), and a real tamper record must never be dropped.
 */
export const EnvelopeSchema = z.looseObject({
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  source: z.literal('aws.cloudtrail'),
  account: z.string().regex(ACCOUNT_ID),
  region: z.string().regex(REGION),
  detail: z.looseObject({
    eventSource: z.literal('cloudtrail.amazonaws.com'),
    eventName: z.string(),
    awsRegion: z.string().regex(REGION),
    // Optional in the record contents reference; when present it must agree with the envelope.
    recipientAccountId: z.string().regex(ACCOUNT_ID).optional(),
  }),
});

export interface Actor {
  /** The caller's ARN (an assumed-role session, a user, a root); `unknown <type> principal` when the record names none. */
  arn: string;
  /** CloudTrail userIdentity.type: AssumedRole, IAMUser, Root, AWSService... (`Unknown` when absent). */
  type: string;
  /** The role behind an assumed-role session, when there is one. */
  issuerArn: string | null;
  accountId: string | null;
  sourceIp: string | null;
  userAgent: string | null;
}

export interface TamperEvent {
  /** CloudTrail eventID (else the envelope id): the alert id, stable across redeliveries. */
  id: string;
  eventName: TrailEvent;
  eventTime: string;
  /** The account the tamper call was made in (the envelope account). */
  account: string;
  /** Home region of the trail: where remediation calls go. */
  region: string;
  /** Region the tamper call was made in. */
  eventRegion: string;
  /**
   * The trail. `account` owns it: the account in its ARN (an organization trail belongs to the
   * management account; a delegated administrator may name it too), else the event's account.
   */
  trail: { name: string; arn: string; account: string };
  actor: Actor;
  errorCode: string | null;
  errorMessage: string | null;
  requestParameters: Record<string, unknown>;
  responseElements: Record<string, unknown>;
}

/**
 * A real CloudTrail tamper record that names no usable trail (no identifier, a name CloudTrail
 * forbids, an ARN of another partition, an unknown region, a home region that contradicts a
 * successful call). Nothing may be called in AWS for it, yet it must be alerted: `event` holds
 * what the record tells, with a best-effort trail for the alert, and `reason` says what is wrong.
 */
export class UnactionableEventError extends TrailGuardError {
  constructor(
    readonly reason: string,
    readonly event: TamperEvent,
  ) {
    super(`event cannot be acted on: ${reason}`);
  }
}

// Display fields go into the alert (SNS allows 256 KB, Slack 3,000 characters a field): keep them bounded.
const DISPLAY_MAX = 1024;
const MESSAGE_MAX = 4096;

export function clip(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max)}…[truncated ${value.length - max} characters]`;
}

export function text(value: unknown, max?: number): string | null {
  if (typeof value !== 'string' || value.length === 0) return null;
  return max === undefined ? value : clip(value, max);
}

export function record(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** The caller as the record names it (CloudTrail "userIdentity element"); display fields are clipped, ARNs never. */
export function describeActor(detail: Record<string, unknown>): Actor {
  const identity = record(detail.userIdentity) ?? {};
  const type = text(identity.type, 256) ?? 'Unknown';
  const issuerArn = text(record(record(identity.sessionContext)?.sessionIssuer)?.arn);
  const accountId = text(identity.accountId);
  return {
    // arn and issuerArn are matched against the allow list and TrailGuard's own role: never clipped.
    arn:
      text(identity.arn) ??
      issuerArn ??
      text(identity.invokedBy, DISPLAY_MAX) ??
      text(identity.principalId, DISPLAY_MAX) ??
      `unknown ${type} principal`,
    type,
    issuerArn,
    accountId: accountId && ACCOUNT_ID.test(accountId) ? accountId : null,
    sourceIp: text(detail.sourceIPAddress, DISPLAY_MAX),
    userAgent: text(detail.userAgent, DISPLAY_MAX),
  };
}

type TrailResolution = { trail: TamperEvent['trail']; region: string } | { problem: string };

/** Which trail the call concerned, and its home region; or why the record does not tell. */
function resolveTrail(
  eventName: TrailEvent,
  detail: Record<string, unknown>,
  account: string,
  awsRegion: string,
  failed: boolean,
): TrailResolution {
  const key = eventName === 'PutEventSelectors' ? 'trailName' : 'name';
  const field = `detail.requestParameters.${key}`;
  const params = record(detail.requestParameters);
  if (!params) {
    const omitted = detail.omitted === true ? ' (CloudTrail marked the record omitted: oversize content was truncated)' : '';
    return { problem: `detail.requestParameters is absent${omitted}: cannot tell which trail ${eventName} concerned` };
  }
  const reference = params[key];
  if (typeof reference !== 'string' || reference.length === 0) {
    return { problem: `${field} is missing: cannot tell which trail ${eventName} concerned` };
  }
  const shown = JSON.stringify(clip(reference, 200));
  if (!reference.startsWith('arn:')) {
    const problem = trailNameProblem(reference);
    if (problem) return { problem: `${field}: ${problem}, got ${shown}` };
    return { trail: { name: reference, arn: trailArn(awsRegion, account, reference), account }, region: awsRegion };
  }
  const arn = splitTrailArn(reference);
  if (!arn)
    return { problem: `${field} ${shown} is not a CloudTrail trail ARN (arn:<partition>:cloudtrail:<region>:<account>:trail/<name>)` };
  const { partition, region, account: owner, name } = arn;
  const nameProblem = trailNameProblem(name);
  if (nameProblem) return { problem: `${field}: ${nameProblem}, got ${shown}` };
  if (!isKnownRegion(region)) return { problem: `${field} names region ${region}, which is not a known AWS region` };
  const callPartition = partitionOf(awsRegion);
  if (partition !== callPartition || partitionOf(region) !== partition) {
    return { problem: `${field} is in partition ${partition}, but the call was made in ${awsRegion} (partition ${callPartition})` };
  }
  // CloudTrail accepts StopLogging, DeleteTrail, UpdateTrail and PutEventSelectors only in the
  // trail's home region; a success elsewhere cannot come from CloudTrail (a failure is just blocked).
  if (region !== awsRegion && !failed) {
    return {
      problem: `${field} names home region ${region}, but the call succeeded in ${awsRegion}: CloudTrail accepts it only in the home region`,
    };
  }
  return { trail: { name, arn: reference, account: owner }, region };
}

function rejectShape(error: z.ZodError): never {
  const first = error.issues[0];
  const where = first?.path.length ? first.path.join('.') : '(root)';
  throw new RejectedEventError(`not a CloudTrail API-call envelope: ${where}: ${first?.message ?? 'invalid'}`);
}

/**
 * Parses and cross-checks an EventBridge "AWS API Call via CloudTrail" event (the record fields
 * follow CloudTrail's "record contents" and "userIdentity element" references).
 *
 * Returns the TamperEvent when the remediator can act on it. Throws:
 * - `UnactionableEventError` for a real CloudTrail record of a watched call that names no usable
 *   trail (its `event` and `reason` go into an alert; nothing is called in AWS);
 * - `RejectedEventError` for anything that is not such a record at all (another source, service or
 *   call, no account or region, an envelope contradicting its record), naming the bad field.
 * It throws nothing else, whatever `raw` is.
 */
export function parseTamperEvent(raw: unknown): TamperEvent {
  const result = EnvelopeSchema.safeParse(raw);
  if (!result.success) rejectShape(result.error);
  const envelope = result.data;
  const detail = envelope.detail as Record<string, unknown> & typeof envelope.detail;
  if (!(TRAIL_EVENTS as readonly string[]).includes(detail.eventName)) {
    throw new RejectedEventError(`detail.eventName ${clip(detail.eventName, 100)} is not a tamper call TrailGuard handles`);
  }
  const eventName = detail.eventName as TrailEvent;
  if (detail.recipientAccountId !== undefined && envelope.account !== detail.recipientAccountId) {
    throw new RejectedEventError(
      `envelope account ${envelope.account} does not match detail.recipientAccountId ${detail.recipientAccountId}`,
    );
  }
  if (envelope.region !== detail.awsRegion) {
    throw new RejectedEventError(`envelope region ${envelope.region} does not match detail.awsRegion ${detail.awsRegion}`);
  }
  const account = envelope.account;
  const awsRegion = detail.awsRegion;
  const errorCode = text(detail.errorCode, 256);
  const base = {
    id: text(detail.eventID, 256) ?? text(envelope.id, 256) ?? `unidentified-${eventName}-${account}-${awsRegion}`,
    eventName,
    eventTime: text(detail.eventTime, 64) ?? text(envelope.time, 64) ?? '',
    account,
    eventRegion: awsRegion,
    actor: describeActor(detail),
    errorCode,
    errorMessage: text(detail.errorMessage, MESSAGE_MAX),
    requestParameters: record(detail.requestParameters) ?? {},
    responseElements: record(detail.responseElements) ?? {},
  };
  const resolved: TrailResolution = isKnownRegion(awsRegion)
    ? resolveTrail(eventName, detail, account, awsRegion, errorCode !== null)
    : { problem: `detail.awsRegion ${awsRegion} is not a region this TrailGuard release knows (upgrade TrailGuard if AWS launched it)` };
  if ('problem' in resolved) {
    throw new UnactionableEventError(resolved.problem, {
      ...base,
      region: awsRegion,
      trail: displayTrail(eventName, base.requestParameters, account, awsRegion),
    });
  }
  return { ...base, region: resolved.region, trail: resolved.trail };
}

/** The trail as the record names it, for an alert only: it is never used to call AWS. */
function displayTrail(eventName: TrailEvent, params: Record<string, unknown>, account: string, region: string): TamperEvent['trail'] {
  const reference = params[eventName === 'PutEventSelectors' ? 'trailName' : 'name'];
  const name = typeof reference === 'string' && reference.length > 0 ? clip(reference, 256) : '(unknown)';
  const arn = name.startsWith('arn:') ? name : `arn:${partitionOf(region)}:cloudtrail:${region}:${account}:trail/${name}`;
  const owner = /^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(arn)?.[1] ?? account;
  return { name, arn, account: owner };
}

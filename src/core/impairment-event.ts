// The log-impairment event model: a CloudTrail record of a call on what a trail delivers to or encrypts with (its S3
// bucket, its KMS key, its CloudWatch Logs group), reduced to the resource it touched.
import { z } from 'zod';
import { ACCOUNT_ID, isKnownRegion, partitionOf, REGION } from './arn.js';
import { EVENT_SOURCES, type WatchedEvent } from './config.js';
import { RejectedEventError } from './errors.js';
import { type Actor, clip, describeActor, record, text } from './tamper-event.js';

/** The impairment calls of this module's families, each with the resource type it touches. */
export const IMPAIRMENT_RESOURCES = {
  PutBucketLifecycle: 's3-bucket',
  PutBucketLifecycleConfiguration: 's3-bucket',
  PutBucketPolicy: 's3-bucket',
  DeleteBucketPolicy: 's3-bucket',
  DeleteBucket: 's3-bucket',
  DisableKey: 'kms-key',
  ScheduleKeyDeletion: 'kms-key',
  PutKeyPolicy: 'kms-key',
  DeleteLogGroup: 'log-group',
} as const satisfies Partial<Record<WatchedEvent, string>>;
export type ImpairmentCall = keyof typeof IMPAIRMENT_RESOURCES;
export type ImpairmentResourceType = (typeof IMPAIRMENT_RESOURCES)[ImpairmentCall];

export interface ImpairmentResource {
  type: ImpairmentResourceType;
  /** Bucket name, key id, or log group name, as the record names it. */
  name: string;
  arn: string;
}

export interface ImpairmentEvent {
  /** CloudTrail eventID (else the envelope id): the alert id. */
  id: string;
  eventName: ImpairmentCall;
  eventSource: string;
  eventTime: string;
  /** The account the call was made in: the one that holds the resource. */
  account: string;
  /** Region of the call: the bucket's, key's or log group's region. */
  region: string;
  actor: Actor;
  errorCode: string | null;
  errorMessage: string | null;
  requestParameters: Record<string, unknown>;
  /** The resource the call touched; null when the record does not name it (then `problem` says why). */
  resource: ImpairmentResource | null;
  problem: string | null;
}

const EnvelopeSchema = z.looseObject({
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  source: z.string(),
  account: z.string().regex(ACCOUNT_ID),
  region: z.string().regex(REGION),
  detail: z.looseObject({
    eventSource: z.string(),
    eventName: z.string(),
    awsRegion: z.string().regex(REGION),
    recipientAccountId: z.string().regex(ACCOUNT_ID).optional(),
  }),
});

const isImpairmentCall = (name: unknown): name is ImpairmentCall => typeof name === 'string' && Object.hasOwn(IMPAIRMENT_RESOURCES, name);

/** True for an "AWS API Call via CloudTrail" record of one of the impairment calls above: it goes to this model, not the trail one. */
export function isImpairmentEvent(raw: unknown): boolean {
  const detail = record(record(raw)?.detail);
  return (
    record(raw)?.['detail-type'] === 'AWS API Call via CloudTrail' &&
    isImpairmentCall(detail?.eventName) &&
    detail?.eventSource === EVENT_SOURCES[detail.eventName as ImpairmentCall]
  );
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// KMS key ids are UUIDs, multi-Region keys `mrk-` and 32 hex digits; DisableKey and friends take a key id or key ARN only.
const KEY_ID = /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const KEY_ARN = /^arn:([\w-]+):kms:([a-z0-9-]+):(\d{12}):key\/([\w-]+)$/;
const LOG_GROUP = /^[\w\-./#]{1,512}$/;

/** The resource the record names, in the form IAM and the trail use; or why it names none. */
function resourceOf(
  eventName: ImpairmentCall,
  params: Record<string, unknown>,
  account: string,
  region: string,
): ImpairmentResource | { problem: string } {
  const p = partitionOf(region);
  const type = IMPAIRMENT_RESOURCES[eventName];
  const key = type === 's3-bucket' ? 'bucketName' : type === 'kms-key' ? 'keyId' : 'logGroupName';
  const field = `detail.requestParameters.${key}`;
  const value = params[key];
  if (typeof value !== 'string' || value.length === 0)
    return { problem: `${field} is missing: cannot tell which ${type} ${eventName} concerned` };
  const shown = JSON.stringify(clip(value, 200));
  switch (type) {
    case 's3-bucket':
      return BUCKET.test(value)
        ? { type, name: value, arn: `arn:${p}:s3:::${value}` }
        : { problem: `${field} ${shown} is not an S3 bucket name` };
    case 'kms-key': {
      if (KEY_ID.test(value)) return { type, name: value, arn: `arn:${p}:kms:${region}:${account}:key/${value}` };
      const arn = KEY_ARN.exec(value);
      // A key ARN of another account or region cannot be what this account's call disabled.
      if (arn && arn[1] === p && arn[2] === region && arn[3] === account) return { type, name: arn[4]!, arn: value };
      return { problem: `${field} ${shown} is not a key id or key ARN of ${account} in ${region}` };
    }
    case 'log-group':
      return LOG_GROUP.test(value)
        ? { type, name: value, arn: `arn:${p}:logs:${region}:${account}:log-group:${value}` }
        : { problem: `${field} ${shown} is not a CloudWatch Logs log group name` };
  }
}

/**
 * Parses an EventBridge "AWS API Call via CloudTrail" event of an impairment call (record fields per CloudTrail's
 * "record contents" reference). EventBridge sets `source` to `aws.<service>` (`aws.s3`, `aws.kms`, `aws.logs`);
 * `aws.cloudtrail` is accepted too, as replay tools (Stratus Red Team's detections, case 16) send it.
 * Returns the event, with `resource: null` and a `problem` when the record does not name a usable resource (it is
 * still alerted). Throws RejectedEventError, naming the bad field, for anything else; nothing else, whatever `raw` is.
 */
export function parseImpairmentEvent(raw: unknown): ImpairmentEvent {
  const result = EnvelopeSchema.safeParse(raw);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new RejectedEventError(
      `not a CloudTrail API-call envelope: ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`,
    );
  }
  const envelope = result.data;
  const detail = envelope.detail as Record<string, unknown> & typeof envelope.detail;
  const eventName = detail.eventName;
  if (!isImpairmentCall(eventName))
    throw new RejectedEventError(`detail.eventName ${clip(eventName, 100)} is not a call TrailGuard handles`);
  const eventSource = EVENT_SOURCES[eventName];
  if (detail.eventSource !== eventSource) {
    throw new RejectedEventError(
      `detail.eventSource ${clip(detail.eventSource, 100)} does not record ${eventName} (expected ${eventSource})`,
    );
  }
  const service = `aws.${eventSource.split('.')[0]}`;
  if (envelope.source !== service && envelope.source !== 'aws.cloudtrail') {
    throw new RejectedEventError(
      `source ${clip(envelope.source, 100)} does not match detail.eventSource ${eventSource} (expected ${service})`,
    );
  }
  if (detail.recipientAccountId !== undefined && envelope.account !== detail.recipientAccountId) {
    throw new RejectedEventError(
      `envelope account ${envelope.account} does not match detail.recipientAccountId ${detail.recipientAccountId}`,
    );
  }
  if (envelope.region !== detail.awsRegion) {
    throw new RejectedEventError(`envelope region ${envelope.region} does not match detail.awsRegion ${detail.awsRegion}`);
  }
  const { account } = envelope;
  const region = detail.awsRegion;
  const params = record(detail.requestParameters) ?? {};
  const resolved: ImpairmentResource | { problem: string } = !isKnownRegion(region)
    ? { problem: `detail.awsRegion ${region} is not a region this TrailGuard release knows (upgrade TrailGuard if AWS launched it)` }
    : record(detail.requestParameters)
      ? resourceOf(eventName, params, account, region)
      : {
          problem: `detail.requestParameters is absent${detail.omitted === true ? ' (CloudTrail marked the record omitted)' : ''}: cannot tell which resource ${eventName} concerned`,
        };
  return {
    id: text(detail.eventID, 256) ?? text(envelope.id, 256) ?? `unidentified-${eventName}-${account}-${region}`,
    eventName,
    eventSource,
    eventTime: text(detail.eventTime, 64) ?? text(envelope.time, 64) ?? '',
    account,
    region,
    actor: describeActor(detail),
    errorCode: text(detail.errorCode, 256),
    errorMessage: text(detail.errorMessage, 4096),
    requestParameters: params,
    resource: 'problem' in resolved ? null : resolved,
    problem: 'problem' in resolved ? resolved.problem : null,
  };
}

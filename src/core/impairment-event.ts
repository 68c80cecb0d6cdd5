// The log-impairment model: a CloudTrail record of a watched call that is not on a trail (Lake, Organizations, and the
// trail's bucket, key and log group), checked and reduced to what a family module under lambda/impairment/ needs.
import { z } from 'zod';
import { ACCOUNT_ID, isKnownRegion, partitionOf, REGION } from './arn.js';
import { isTrailEvent, type TrailEvent, WATCHED_EVENT_SOURCES, type WatchedEvent } from './config.js';
import { RejectedEventError } from './errors.js';
import { clip, describeActor, record, text, type Actor } from './tamper-event.js';

/** A watched call that the trail path does not handle. */
export type ImpairmentCall = Exclude<WatchedEvent, TrailEvent>;

/** The names `lambda/impairment/` handles: every watched call except the four trail calls. */
export const IMPAIRMENT_CALLS = (Object.keys(WATCHED_EVENT_SOURCES) as WatchedEvent[]).filter(
  (name): name is ImpairmentCall => !isTrailEvent(name),
);

/**
 * The calls on what a trail delivers to or encrypts with (its S3 bucket, its KMS key, its CloudWatch Logs group), each
 * with the resource type it touches: their records are matched to the watched trail that uses the resource.
 */
export const STORAGE_RESOURCES = {
  PutBucketLifecycle: 's3-bucket',
  PutBucketLifecycleConfiguration: 's3-bucket',
  PutBucketPolicy: 's3-bucket',
  DeleteBucketPolicy: 's3-bucket',
  DeleteBucket: 's3-bucket',
  DisableKey: 'kms-key',
  ScheduleKeyDeletion: 'kms-key',
  PutKeyPolicy: 'kms-key',
  DeleteLogGroup: 'log-group',
  PutRetentionPolicy: 'log-group',
  DeleteImportedKeyMaterial: 'kms-key',
} as const satisfies Partial<Record<ImpairmentCall, string>>;
export type StorageCall = keyof typeof STORAGE_RESOURCES;
export type StorageResourceType = (typeof STORAGE_RESOURCES)[StorageCall];

/** True for the calls on a trail's bucket, key or log group. */
export const isStorageCall = (name: unknown): name is StorageCall => typeof name === 'string' && Object.hasOwn(STORAGE_RESOURCES, name);

/** The bucket, key or log group a storage call touched, in the form IAM and the trail use. */
export interface StorageResource {
  type: StorageResourceType;
  /** Bucket name, key id, or log group name, as the record names it. */
  name: string;
  arn: string;
}

export interface ImpairmentEvent {
  /** CloudTrail eventID (else the envelope id): the alert id, stable across redeliveries. */
  id: string;
  eventName: ImpairmentCall;
  /** `detail.eventSource`, always the one `WATCHED_EVENT_SOURCES` lists for `eventName`. */
  eventSource: string;
  eventTime: string;
  /** The account the call was made in. */
  account: string;
  /** The region the call was made in (Organizations records its calls in us-east-1). */
  region: string;
  actor: Actor;
  errorCode: string | null;
  errorMessage: string | null;
  requestParameters: Record<string, unknown>;
  responseElements: Record<string, unknown>;
  /** Storage calls only: the resource the call touched; null when the record does not name it (then `problem` says why). */
  resource: StorageResource | null;
  problem: string | null;
}

/** A record of a call on a trail's bucket, key or log group. */
export type StorageEvent = ImpairmentEvent & { eventName: StorageCall };

const EnvelopeSchema = z.looseObject({
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  // EventBridge gives API-call events the service's source (aws.organizations); TrailGuard's cases carry aws.cloudtrail.
  source: z.string().regex(/^aws\.[a-z0-9-]+$/, 'expected an AWS service source such as aws.cloudtrail'),
  account: z.string().regex(ACCOUNT_ID),
  region: z.string().regex(REGION),
  detail: z.looseObject({
    eventSource: z.string(),
    eventName: z.string(),
    awsRegion: z.string().regex(REGION),
    recipientAccountId: z.string().regex(ACCOUNT_ID).optional(),
  }),
});

/** True when `raw` claims to be a record of an impairment call (whether or not it then parses). */
export function isImpairmentEvent(raw: unknown): boolean {
  const name = record(record(raw)?.detail)?.eventName;
  return typeof name === 'string' && (IMPAIRMENT_CALLS as readonly string[]).includes(name);
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// KMS key ids are UUIDs, multi-Region keys `mrk-` and 32 hex digits; DisableKey and friends take a key id or key ARN only.
const KEY_ID = /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const KEY_ARN = /^arn:([\w-]+):kms:([a-z0-9-]+):(\d{12}):key\/([\w-]+)$/;
const LOG_GROUP = /^[\w\-./#]{1,512}$/;

/** The resource a storage call's record names, in the form IAM and the trail use; or why it names none. */
function storageResourceOf(
  eventName: StorageCall,
  params: Record<string, unknown>,
  account: string,
  region: string,
): StorageResource | { problem: string } {
  const p = partitionOf(region);
  const type = STORAGE_RESOURCES[eventName];
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

/** A storage call's resource (or why the record names none); null/null for the other impairment calls. */
function resolveStorage(
  eventName: ImpairmentCall,
  detail: Record<string, unknown>,
  account: string,
  region: string,
): { resource: StorageResource | null; problem: string | null } {
  if (!isStorageCall(eventName)) return { resource: null, problem: null };
  const params = record(detail.requestParameters);
  const resolved: StorageResource | { problem: string } = !isKnownRegion(region)
    ? { problem: `detail.awsRegion ${region} is not a region this TrailGuard release knows (upgrade TrailGuard if AWS launched it)` }
    : params
      ? storageResourceOf(eventName, params, account, region)
      : {
          problem: `detail.requestParameters is absent${detail.omitted === true ? ' (CloudTrail marked the record omitted)' : ''}: cannot tell which resource ${eventName} concerned`,
        };
  return 'problem' in resolved ? { resource: null, problem: resolved.problem } : { resource: resolved, problem: null };
}

/**
 * Parses an EventBridge "AWS API Call via CloudTrail" event of an impairment call (record fields per
 * CloudTrail's "record contents" reference). Throws `RejectedEventError`, naming the bad field, for
 * anything else: another call, an `eventSource` that is not the one recording this call (a forged
 * or misrouted record), `source` of another service, or an envelope that contradicts its record.
 */
export function parseImpairmentEvent(raw: unknown): ImpairmentEvent {
  const result = EnvelopeSchema.safeParse(raw);
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first?.path.length ? first.path.join('.') : '(root)';
    throw new RejectedEventError(`not a CloudTrail API-call envelope: ${where}: ${first?.message ?? 'invalid'}`);
  }
  const envelope = result.data;
  const detail = envelope.detail as Record<string, unknown> & typeof envelope.detail;
  if (!(IMPAIRMENT_CALLS as readonly string[]).includes(detail.eventName)) {
    throw new RejectedEventError(`detail.eventName ${clip(detail.eventName, 100)} is not a log-impairment call TrailGuard handles`);
  }
  const eventName = detail.eventName as ImpairmentCall;
  const eventSource = WATCHED_EVENT_SOURCES[eventName];
  if (detail.eventSource !== eventSource) {
    throw new RejectedEventError(
      `detail.eventSource ${clip(detail.eventSource, 100)} does not record ${eventName} (CloudTrail records it as ${eventSource})`,
    );
  }
  const service = `aws.${eventSource.split('.')[0]}`;
  if (envelope.source !== 'aws.cloudtrail' && envelope.source !== service) {
    throw new RejectedEventError(`source ${envelope.source} does not match detail.eventSource ${eventSource} (expected ${service})`);
  }
  if (detail.recipientAccountId !== undefined && envelope.account !== detail.recipientAccountId) {
    throw new RejectedEventError(
      `envelope account ${envelope.account} does not match detail.recipientAccountId ${detail.recipientAccountId}`,
    );
  }
  if (envelope.region !== detail.awsRegion) {
    throw new RejectedEventError(`envelope region ${envelope.region} does not match detail.awsRegion ${detail.awsRegion}`);
  }
  return {
    id: text(detail.eventID, 256) ?? text(envelope.id, 256) ?? `unidentified-${eventName}-${envelope.account}-${detail.awsRegion}`,
    eventName,
    eventSource,
    eventTime: text(detail.eventTime, 64) ?? text(envelope.time, 64) ?? '',
    account: envelope.account,
    region: detail.awsRegion,
    actor: describeActor(detail),
    errorCode: text(detail.errorCode, 256),
    errorMessage: text(detail.errorMessage, 4096),
    requestParameters: record(detail.requestParameters) ?? {},
    responseElements: record(detail.responseElements) ?? {},
    ...resolveStorage(eventName, detail, envelope.account, detail.awsRegion),
  };
}

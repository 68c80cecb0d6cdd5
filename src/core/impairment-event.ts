// The log-impairment model: a CloudTrail record of a watched call that is not on a trail (Lake, Organizations, and the
// trail's bucket, key and log group), checked and reduced to what a family module under lambda/impairment/ needs.
import { z } from 'zod';
import { ACCOUNT_ID, REGION } from './arn.js';
import { isTrailEvent, type TrailEvent, WATCHED_EVENT_SOURCES, type WatchedEvent } from './config.js';
import { RejectedEventError } from './errors.js';
import { clip, describeActor, record, text, type Actor } from './tamper-event.js';

/** A watched call that the trail path does not handle. */
export type ImpairmentCall = Exclude<WatchedEvent, TrailEvent>;

/** The names `lambda/impairment/` handles: every watched call except the four trail calls. */
export const IMPAIRMENT_CALLS = (Object.keys(WATCHED_EVENT_SOURCES) as WatchedEvent[]).filter(
  (name): name is ImpairmentCall => !isTrailEvent(name),
);

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
}

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
  };
}

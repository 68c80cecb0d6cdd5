// The tamper-event model: an EventBridge envelope of a CloudTrail record, checked and reduced to what the remediator needs.
import { z } from 'zod';
import { ACCOUNT_ID, REGION, parseTrailArn, trailArn } from './arn.js';
import { WATCHED_EVENTS, type WatchedEvent } from './config.js';
import { RejectedEventError } from './errors.js';

const Str = z.string().min(1).max(2048);

const UserIdentitySchema = z.looseObject({
  type: Str,
  arn: Str.optional(),
  principalId: Str.optional(),
  accountId: z.string().regex(ACCOUNT_ID).optional(),
  userName: Str.optional(),
  invokedBy: Str.optional(),
  sessionContext: z
    .looseObject({
      sessionIssuer: z.looseObject({ type: Str.optional(), arn: Str.optional(), userName: Str.optional() }).optional(),
    })
    .optional(),
});

const DetailSchema = z.looseObject({
  eventSource: z.literal('cloudtrail.amazonaws.com'),
  eventName: Str,
  eventTime: z.iso.datetime({ offset: true }),
  eventID: Str,
  awsRegion: z.string().regex(REGION),
  recipientAccountId: z.string().regex(ACCOUNT_ID),
  userIdentity: UserIdentitySchema,
  sourceIPAddress: Str.optional(),
  userAgent: z.string().max(4096).optional(),
  requestParameters: z.record(z.string(), z.unknown()).nullable().optional(),
  responseElements: z.record(z.string(), z.unknown()).nullable().optional(),
  errorCode: Str.optional(),
  errorMessage: z.string().max(8192).optional(),
});

export const EnvelopeSchema = z.looseObject({
  version: z.string().optional(),
  id: Str,
  'detail-type': z.literal('AWS API Call via CloudTrail'),
  source: z.literal('aws.cloudtrail'),
  account: z.string().regex(ACCOUNT_ID),
  region: z.string().regex(REGION),
  time: Str.optional(),
  detail: DetailSchema,
});

export interface Actor {
  /** The caller's ARN (an assumed-role session, a user, a root). */
  arn: string;
  /** CloudTrail userIdentity.type: AssumedRole, IAMUser, Root, AWSService... */
  type: string;
  /** The role behind an assumed-role session, when there is one. */
  issuerArn: string | null;
  accountId: string | null;
  sourceIp: string | null;
  userAgent: string | null;
}

export interface TamperEvent {
  /** CloudTrail eventID: the alert id, stable across redeliveries. */
  id: string;
  eventName: WatchedEvent;
  eventTime: string;
  account: string;
  /** Home region of the trail: where remediation calls go. */
  region: string;
  /** Region the tamper call was made in. */
  eventRegion: string;
  trail: { name: string; arn: string };
  actor: Actor;
  errorCode: string | null;
  errorMessage: string | null;
  requestParameters: Record<string, unknown>;
  responseElements: Record<string, unknown>;
}

function trailReference(eventName: WatchedEvent, params: Record<string, unknown>): string {
  const key = eventName === 'PutEventSelectors' ? 'trailName' : 'name';
  const value = params[key];
  if (typeof value !== 'string' || value.length === 0) {
    throw new RejectedEventError(`detail.requestParameters.${key} is missing: cannot tell which trail ${eventName} concerned`);
  }
  return value;
}

function describeActor(identity: z.infer<typeof UserIdentitySchema>, detail: z.infer<typeof DetailSchema>): Actor {
  const issuerArn = identity.sessionContext?.sessionIssuer?.arn ?? null;
  const arn = identity.arn ?? issuerArn ?? identity.invokedBy ?? identity.principalId;
  if (!arn) throw new RejectedEventError('detail.userIdentity names no principal (arn, invokedBy or principalId)');
  return {
    arn,
    type: identity.type,
    issuerArn,
    accountId: identity.accountId ?? null,
    sourceIp: detail.sourceIPAddress ?? null,
    userAgent: detail.userAgent ?? null,
  };
}

/**
 * Parses and cross-checks an event. Throws RejectedEventError (and nothing else) for anything
 * malformed, inconsistent, or not one of the tamper calls TrailGuard handles.
 */
export function parseTamperEvent(raw: unknown): TamperEvent {
  let envelope: z.infer<typeof EnvelopeSchema>;
  try {
    const result = EnvelopeSchema.safeParse(raw);
    if (!result.success) {
      const first = result.error.issues[0];
      const where = first?.path.length ? first.path.join('.') : '(root)';
      throw new RejectedEventError(`not a CloudTrail API-call envelope: ${where}: ${first?.message ?? 'invalid'}`);
    }
    envelope = result.data;
  } catch (error) {
    if (error instanceof RejectedEventError) throw error;
    throw new RejectedEventError(`unreadable event (${error instanceof Error ? error.name : typeof error})`);
  }
  const { detail } = envelope;
  if (!(WATCHED_EVENTS as readonly string[]).includes(detail.eventName)) {
    throw new RejectedEventError(`eventName ${detail.eventName} is not a tamper call TrailGuard handles`);
  }
  const eventName = detail.eventName as WatchedEvent;
  if (envelope.account !== detail.recipientAccountId) {
    throw new RejectedEventError(
      `envelope account ${envelope.account} does not match detail.recipientAccountId ${detail.recipientAccountId}`,
    );
  }
  if (envelope.region !== detail.awsRegion) {
    throw new RejectedEventError(`envelope region ${envelope.region} does not match detail.awsRegion ${detail.awsRegion}`);
  }
  const params = detail.requestParameters ?? {};
  const reference = trailReference(eventName, params);
  let name = reference;
  let region = detail.awsRegion;
  if (reference.startsWith('arn:')) {
    const arn = parseTrailArn(reference);
    if (!arn) throw new RejectedEventError(`trail reference ${JSON.stringify(reference.slice(0, 200))} is not a trail ARN`);
    if (arn.account !== envelope.account) {
      throw new RejectedEventError(`trail ARN account ${arn.account} does not match event account ${envelope.account}`);
    }
    ({ name, region } = arn);
  } else if (!/^[A-Za-z0-9._-]{3,128}$/.test(reference)) {
    throw new RejectedEventError(`trail name ${JSON.stringify(reference.slice(0, 200))} is not a valid trail name`);
  }
  return {
    id: detail.eventID,
    eventName,
    eventTime: detail.eventTime,
    account: envelope.account,
    region,
    eventRegion: detail.awsRegion,
    trail: { name, arn: reference.startsWith('arn:') ? reference : trailArn(region, envelope.account, name) },
    actor: describeActor(detail.userIdentity, detail),
    errorCode: detail.errorCode ?? null,
    errorMessage: detail.errorMessage ?? null,
    requestParameters: params,
    responseElements: detail.responseElements ?? {},
  };
}

// CloudTrail reads and writes the remediator, the CLI and the Slack app share.
import {
  CreateTrailCommand,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
  type CloudTrailClient,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { partitionOf } from '../arn.js';
import { isKmsAlias, type TrailBaseline } from '../config.js';
import { type DeliveryFinding, deliveryFindings } from '../delivery.js';
import { errorCode } from '../errors.js';
import { normalizeSelectors, type Selectors } from '../event-selectors.js';

export interface TrailStatus {
  isLogging: boolean;
  latestDeliveryTime: Date | null;
  latestDeliveryError: string | null;
  /** Every delivery failure GetTrailStatus reports (S3, digest, CloudWatch Logs): `deliveryFindings`. */
  delivery: DeliveryFinding[];
}

export function isNotFound(error: unknown): boolean {
  return ['TrailNotFoundException', 'CloudTrailARNInvalidException'].includes(errorCode(error));
}

export async function startLogging(client: CloudTrailClient, trail: string): Promise<void> {
  await client.send(new StartLoggingCommand({ Name: trail }));
}

export async function getTrailStatus(client: CloudTrailClient, trail: string): Promise<TrailStatus> {
  const out = await client.send(new GetTrailStatusCommand({ Name: trail }));
  return {
    isLogging: out.IsLogging === true,
    latestDeliveryTime: out.LatestDeliveryTime ?? null,
    latestDeliveryError: out.LatestDeliveryError || null,
    delivery: deliveryFindings(out),
  };
}

/**
 * Every trail CloudTrail DescribeTrails reports in the client's region, shadow trails included (multi-region trails
 * homed elsewhere, and organization trails the account can see). DescribeTrails is not paginated. Errors propagate.
 */
export async function describeTrails(client: CloudTrailClient): Promise<Trail[]> {
  const { trailList = [] } = await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  return trailList;
}

/** The trail's settings, or null when it does not exist. */
export async function getTrail(client: CloudTrailClient, trail: string): Promise<Trail | null> {
  try {
    return (await client.send(new GetTrailCommand({ Name: trail }))).Trail ?? null;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** Where a trail lives: its home region and the account that owns it (its ARN's account). */
export interface TrailLocation {
  region: string;
  account: string;
}

/**
 * A baseline in the forms CloudTrail reports (GetTrail): bucket name, key ARN, topic ARN,
 * log-group ARN without `:*`. Unset optional fields are not enforced.
 */
export interface ResolvedBaseline {
  s3BucketName: string;
  isMultiRegionTrail: boolean;
  includeGlobalServiceEvents: boolean;
  enableLogFileValidation: boolean;
  s3KeyPrefix?: string;
  kmsKeyId?: string;
  snsTopicName?: string;
  cloudWatchLogsLogGroupArn?: string;
  cloudWatchLogsRoleArn?: string;
  isOrganizationTrail?: boolean;
}

/** `arn:aws:s3:::bucket` or `bucket` -> `bucket` (CloudTrail's S3BucketName is the name). */
export function s3BucketNameOf(value: string): string {
  return value.replace(/^arn:[\w-]+:s3:::/, '');
}

/** CloudTrail reports a log group's ARN with `:*`; either form names the same group. */
export function logGroupArnOf(value: string): string {
  return value.replace(/:\*$/, '');
}

/** A topic name names a topic of the trail's own account and region (CloudTrail API reference, CreateTrail.SnsTopicName). */
export function topicArnOf(value: string, where: TrailLocation): string {
  return value.startsWith('arn:') ? value : `arn:${partitionOf(where.region)}:sns:${where.region}:${where.account}:${value}`;
}

/**
 * The key ARN CloudTrail reports for a KmsKeyId (CloudTrail API reference, Trail.KmsKeyId: "the
 * value is a fully specified ARN to a KMS key"). A key ARN is itself; a key id (or `mrk-` id)
 * names a key of the trail's account and region; an alias is resolved by `describeKey`
 * (kms:DescribeKey, which accepts alias names and alias ARNs, cross-account only by ARN).
 */
export async function kmsKeyArnOf(value: string, where: TrailLocation, describeKey: (keyId: string) => Promise<string>): Promise<string> {
  if (isKmsAlias(value)) return describeKey(value);
  if (value.startsWith('arn:')) return value;
  return `arn:${partitionOf(where.region)}:kms:${where.region}:${where.account}:key/${value}`;
}

/**
 * The baseline in CloudTrail's reported forms, for `baselineDrift`. Calls `describeKey` only
 * when `kmsKeyId` is an alias; its errors (AccessDenied, NotFound) propagate: a key TrailGuard
 * cannot resolve is never silently taken as matching or as drift.
 */
export async function resolveBaseline(
  baseline: TrailBaseline,
  where: TrailLocation,
  describeKey: (keyId: string) => Promise<string>,
): Promise<ResolvedBaseline> {
  return {
    s3BucketName: s3BucketNameOf(baseline.s3BucketName),
    isMultiRegionTrail: baseline.isMultiRegionTrail,
    includeGlobalServiceEvents: baseline.includeGlobalServiceEvents,
    enableLogFileValidation: baseline.enableLogFileValidation,
    ...(baseline.s3KeyPrefix !== undefined ? { s3KeyPrefix: baseline.s3KeyPrefix } : {}),
    ...(baseline.kmsKeyId !== undefined ? { kmsKeyId: await kmsKeyArnOf(baseline.kmsKeyId, where, describeKey) } : {}),
    ...(baseline.snsTopicName !== undefined ? { snsTopicName: topicArnOf(baseline.snsTopicName, where) } : {}),
    ...(baseline.cloudWatchLogsLogGroupArn !== undefined
      ? { cloudWatchLogsLogGroupArn: logGroupArnOf(baseline.cloudWatchLogsLogGroupArn) }
      : {}),
    ...(baseline.cloudWatchLogsRoleArn !== undefined ? { cloudWatchLogsRoleArn: baseline.cloudWatchLogsRoleArn } : {}),
    ...(baseline.isOrganizationTrail !== undefined ? { isOrganizationTrail: baseline.isOrganizationTrail } : {}),
  };
}

/** CreateTrail/UpdateTrail parameters: the baseline as written (CloudTrail accepts every form the schema does), the bucket by name. */
function baselineParameters(baseline: TrailBaseline) {
  return {
    S3BucketName: s3BucketNameOf(baseline.s3BucketName),
    IsMultiRegionTrail: baseline.isMultiRegionTrail,
    IncludeGlobalServiceEvents: baseline.includeGlobalServiceEvents,
    EnableLogFileValidation: baseline.enableLogFileValidation,
    ...(baseline.s3KeyPrefix !== undefined ? { S3KeyPrefix: baseline.s3KeyPrefix } : {}),
    ...(baseline.kmsKeyId !== undefined ? { KmsKeyId: baseline.kmsKeyId } : {}),
    ...(baseline.snsTopicName !== undefined ? { SnsTopicName: baseline.snsTopicName } : {}),
    ...(baseline.cloudWatchLogsLogGroupArn !== undefined ? { CloudWatchLogsLogGroupArn: baseline.cloudWatchLogsLogGroupArn } : {}),
    ...(baseline.cloudWatchLogsRoleArn !== undefined ? { CloudWatchLogsRoleArn: baseline.cloudWatchLogsRoleArn } : {}),
    ...(baseline.isOrganizationTrail !== undefined ? { IsOrganizationTrail: baseline.isOrganizationTrail } : {}),
  };
}

/**
 * Creates the baseline's trail. With `isOrganizationTrail: true` this must run in the
 * management account or a CloudTrail delegated administrator (CloudTrail API reference,
 * CreateTrail.IsOrganizationTrail); elsewhere AWS refuses it.
 */
export async function createTrail(client: CloudTrailClient, baseline: TrailBaseline): Promise<void> {
  await client.send(new CreateTrailCommand({ Name: baseline.name, ...baselineParameters(baseline) }));
}

/**
 * Baseline fields whose value differs on the trail, both sides in CloudTrail's reported forms
 * (`resolveBaseline`); fields the baseline leaves unset are not enforced.
 */
export function baselineDrift(wanted: ResolvedBaseline, trail: Trail, where: TrailLocation): string[] {
  const topic = trail.SnsTopicARN ?? (trail.SnsTopicName ? topicArnOf(trail.SnsTopicName, where) : undefined);
  const actual: Record<keyof ResolvedBaseline, unknown> = {
    s3BucketName: trail.S3BucketName,
    isMultiRegionTrail: trail.IsMultiRegionTrail ?? false,
    includeGlobalServiceEvents: trail.IncludeGlobalServiceEvents ?? false,
    enableLogFileValidation: trail.LogFileValidationEnabled ?? false,
    s3KeyPrefix: trail.S3KeyPrefix,
    kmsKeyId: trail.KmsKeyId,
    snsTopicName: topic,
    cloudWatchLogsLogGroupArn: trail.CloudWatchLogsLogGroupArn ? logGroupArnOf(trail.CloudWatchLogsLogGroupArn) : undefined,
    cloudWatchLogsRoleArn: trail.CloudWatchLogsRoleArn,
    isOrganizationTrail: trail.IsOrganizationTrail ?? false,
  };
  return (Object.keys(actual) as (keyof ResolvedBaseline)[]).filter((key) => wanted[key] !== undefined && wanted[key] !== actual[key]);
}

/**
 * Brings the trail to the baseline. With `isOrganizationTrail` set this must run in the
 * management account: only it can convert a trail to or from an organization trail
 * (CloudTrail API reference, UpdateTrail.IsOrganizationTrail).
 */
export async function updateTrailToBaseline(client: CloudTrailClient, trail: string, baseline: TrailBaseline): Promise<void> {
  await client.send(new UpdateTrailCommand({ Name: trail, ...baselineParameters(baseline) }));
}

export async function getEventSelectors(client: CloudTrailClient, trail: string): Promise<Selectors> {
  const out = await client.send(new GetEventSelectorsCommand({ TrailName: trail }));
  return normalizeSelectors(out as unknown as Record<string, unknown>);
}

export async function putEventSelectors(client: CloudTrailClient, trail: string, selectors: Selectors): Promise<void> {
  await client.send(
    new PutEventSelectorsCommand(
      selectors.advancedEventSelectors.length > 0
        ? { TrailName: trail, AdvancedEventSelectors: selectors.advancedEventSelectors }
        : { TrailName: trail, EventSelectors: selectors.eventSelectors },
    ),
  );
}

/**
 * ARNs of the trails homed in the client's region (CloudTrail DescribeTrails without shadow trails:
 * a multi-region trail is listed only in its home region), the account's own and, for a delegated
 * administrator or the management account, the organization trails it may manage.
 */
export async function trailsHomedHere(client: CloudTrailClient): Promise<string[]> {
  const { trailList = [] } = await client.send(new DescribeTrailsCommand({ includeShadowTrails: false }));
  return trailList.flatMap((t) => (t.TrailARN ? [t.TrailARN] : []));
}

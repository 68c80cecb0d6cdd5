// CloudTrail reads and writes the remediator, the CLI and the Slack app share.
import {
  CreateTrailCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
  type CloudTrailClient,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import type { TrailBaseline } from '../config.js';
import { errorCode } from '../errors.js';
import { normalizeSelectors, type Selectors } from '../event-selectors.js';

export interface TrailStatus {
  isLogging: boolean;
  latestDeliveryTime: Date | null;
  latestDeliveryError: string | null;
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
  };
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

function baselineParameters(baseline: TrailBaseline) {
  return {
    S3BucketName: baseline.s3BucketName,
    IsMultiRegionTrail: baseline.isMultiRegionTrail,
    IncludeGlobalServiceEvents: baseline.includeGlobalServiceEvents,
    EnableLogFileValidation: baseline.enableLogFileValidation,
    ...(baseline.s3KeyPrefix !== undefined ? { S3KeyPrefix: baseline.s3KeyPrefix } : {}),
    ...(baseline.kmsKeyId !== undefined ? { KmsKeyId: baseline.kmsKeyId } : {}),
    ...(baseline.snsTopicName !== undefined ? { SnsTopicName: baseline.snsTopicName } : {}),
    ...(baseline.cloudWatchLogsLogGroupArn !== undefined ? { CloudWatchLogsLogGroupArn: baseline.cloudWatchLogsLogGroupArn } : {}),
    ...(baseline.cloudWatchLogsRoleArn !== undefined ? { CloudWatchLogsRoleArn: baseline.cloudWatchLogsRoleArn } : {}),
  };
}

export async function createTrail(client: CloudTrailClient, baseline: TrailBaseline): Promise<void> {
  await client.send(new CreateTrailCommand({ Name: baseline.name, ...baselineParameters(baseline) }));
}

/** Baseline fields whose value differs on the trail (absent optional fields are not enforced). */
export function baselineDrift(baseline: TrailBaseline, trail: Trail): string[] {
  const actual: Record<string, unknown> = {
    s3BucketName: trail.S3BucketName,
    isMultiRegionTrail: trail.IsMultiRegionTrail,
    includeGlobalServiceEvents: trail.IncludeGlobalServiceEvents,
    enableLogFileValidation: trail.LogFileValidationEnabled,
    s3KeyPrefix: trail.S3KeyPrefix,
    kmsKeyId: trail.KmsKeyId,
    snsTopicName: trail.SnsTopicName,
    cloudWatchLogsLogGroupArn: trail.CloudWatchLogsLogGroupArn,
    cloudWatchLogsRoleArn: trail.CloudWatchLogsRoleArn,
  };
  return Object.keys(actual).filter((key) => {
    const wanted = (baseline as Record<string, unknown>)[key];
    return wanted !== undefined && wanted !== (actual[key] ?? (typeof wanted === 'boolean' ? false : undefined));
  });
}

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

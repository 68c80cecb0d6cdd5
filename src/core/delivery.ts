// Delivery failures GetTrailStatus reports: the trail logs, yet its log files (or digests, or CloudWatch Logs events) never arrive.

/** The GetTrailStatus fields delivery is read from, as CloudTrail names them (CloudTrail API reference, GetTrailStatus). */
export interface TrailDeliveryStatus {
  IsLogging?: boolean | undefined;
  LatestDeliveryError?: string | undefined;
  LatestDeliveryTime?: Date | undefined;
  LatestDigestDeliveryError?: string | undefined;
  LatestDigestDeliveryTime?: Date | undefined;
  LatestCloudWatchLogsDeliveryError?: string | undefined;
  LatestCloudWatchLogsDeliveryTime?: Date | undefined;
}

/** Where delivery fails: the log files in S3, the digest files (log file validation), or the CloudWatch Logs group. */
export type DeliveryChannel = 's3' | 'digest' | 'cloudwatch-logs';

/** One delivery failure: what cannot be delivered, the error CloudTrail reports, and the last delivery that worked. */
export interface DeliveryFinding {
  kind: 'delivery-failing';
  channel: DeliveryChannel;
  /** The GetTrailStatus field that reports it (`LatestDeliveryError`...). */
  field: 'LatestDeliveryError' | 'LatestDigestDeliveryError' | 'LatestCloudWatchLogsDeliveryError';
  /** CloudTrail's error text as reported (`AccessDenied`, `NoSuchBucket`, `KMS.DisabledException`...). */
  error: string;
  /** The last successful delivery on this channel, ISO-8601; null when CloudTrail reports none. */
  lastDeliveredAt: string | null;
  /** The finding in one sentence for the alert. */
  message: string;
}

const CHANNELS = [
  {
    channel: 's3',
    field: 'LatestDeliveryError',
    time: 'LatestDeliveryTime',
    what: 'log files to its S3 bucket: nothing it records is kept',
  },
  {
    channel: 'digest',
    field: 'LatestDigestDeliveryError',
    time: 'LatestDigestDeliveryTime',
    what: 'digest files to its S3 bucket: log file integrity can no longer be validated',
  },
  {
    channel: 'cloudwatch-logs',
    field: 'LatestCloudWatchLogsDeliveryError',
    time: 'LatestCloudWatchLogsDeliveryTime',
    what: 'events to its CloudWatch Logs group: alarms and metric filters on it see nothing',
  },
] as const;

/**
 * The delivery failures a GetTrailStatus response reports, one per channel with an error; empty
 * when every channel delivers. Pure: the remediator calls it after every remediation and the sweep
 * with what it read. SNS notification errors are not included: they lose no log. CloudTrail gives
 * no time for an error, so an error it still reports counts, even when an older delivery worked.
 */
export function deliveryFindings(status: TrailDeliveryStatus): DeliveryFinding[] {
  return CHANNELS.flatMap(({ channel, field, time, what }) => {
    const error = status[field];
    if (typeof error !== 'string' || error.trim() === '') return [];
    const last = status[time];
    const lastDeliveredAt = last instanceof Date && !Number.isNaN(last.getTime()) ? last.toISOString() : null;
    const since = lastDeliveredAt ? ` (last delivered ${lastDeliveredAt})` : ' (no delivery on record)';
    return [
      { kind: 'delivery-failing', channel, field, error, lastDeliveredAt, message: `CloudTrail cannot deliver ${what}: ${error}${since}` },
    ];
  });
}

// A CloudWatch metric alarm: the watchdogs outside the remediator (NAMES.alarms), which say in Slack what the remediator
// cannot say itself (it is throttled to 0, failing, or its queue mapping is disabled), through `trailguard-alerts`.
import { DesiredStateError, type KindSpec, type ResourceBase } from './kind.js';

/** A metric dimension as CloudWatch's PutMetricAlarm takes it (`QueueName`, `FunctionName`). */
export interface AlarmDimension {
  name: string;
  value: string;
}

export interface CloudWatchAlarmResource extends ResourceBase {
  kind: 'cloudwatch-alarm';
  /** AlarmDescription: what the alarm means and what to do, shown in the console and in the notification. */
  description: string;
  /** Namespace and MetricName (`AWS/SQS` `ApproximateNumberOfMessagesVisible`, `AWS/Lambda` `Throttles`). */
  namespace: string;
  metricName: string;
  dimensions: AlarmDimension[];
  /** Statistic: `Sum` or `Maximum`. */
  statistic: 'Sum' | 'Maximum';
  /** Period in seconds: a multiple of 60 (CloudWatch's rule for metrics of standard resolution). */
  period: number;
  /** EvaluationPeriods, and DatapointsToAlarm (the same: every period of the range must breach). */
  evaluationPeriods: number;
  threshold: number;
  comparisonOperator: 'GreaterThanThreshold' | 'LessThanThreshold';
  /**
   * TreatMissingData: `notBreaching` for counts that are absent when nothing happens (a DLQ, Throttles), `breaching`
   * for the heartbeat (no sweep message taken from the queue is the failure itself).
   */
  treatMissingData: 'breaching' | 'notBreaching';
  /** AlarmActions and OKActions: the alerts topic ARN, so both the alarm and its recovery reach Slack. */
  topicArn: string;
}

/**
 * CloudWatch's limit on an alarm's evaluation range (Period × EvaluationPeriods) for periods of an hour or more: 7 days
 * (CloudWatch User Guide, "Evaluating an alarm"); under an hour the range is at most one day.
 */
const MAX_RANGE_SECONDS = 7 * 86_400;
const MAX_SHORT_RANGE_SECONDS = 86_400;

export const cloudWatchAlarm: KindSpec<CloudWatchAlarmResource> = {
  kind: 'cloudwatch-alarm',
  tagged: true,
  // `actionsEnabled: true` so that DisableAlarmActions (the alarm stays, and says nothing) is drift, as is a removed
  // action or a raised threshold; the fields are those DescribeAlarms reports for a metric alarm.
  desiredFields: (r) => ({
    namespace: r.namespace,
    metricName: r.metricName,
    dimensions: [...r.dimensions].sort((a, b) => a.name.localeCompare(b.name)),
    statistic: r.statistic,
    period: r.period,
    evaluationPeriods: r.evaluationPeriods,
    datapointsToAlarm: r.evaluationPeriods,
    threshold: r.threshold,
    comparisonOperator: r.comparisonOperator,
    treatMissingData: r.treatMissingData,
    actionsEnabled: true,
    alarmActions: [r.topicArn],
    okActions: [r.topicArn],
  }),
  check(resources) {
    for (const r of resources) {
      const range = r.period * r.evaluationPeriods;
      const max = r.period >= 3600 ? MAX_RANGE_SECONDS : MAX_SHORT_RANGE_SECONDS;
      if (r.period % 60 !== 0 || r.period < 60 || range > max)
        throw new DesiredStateError(
          `cloudwatch-alarm ${r.name} (${r.account} ${r.region}): a period of ${r.period} s over ${r.evaluationPeriods} periods ` +
            `is not an alarm CloudWatch accepts (a multiple of 60 s, at most ${max / 86_400} day(s) in all); ` +
            'sweep.schedule: choose a rate of at most 3 days',
        );
    }
  },
};

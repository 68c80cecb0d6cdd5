// A CloudWatch metric alarm, AWS half: DescribeAlarms by name and the alarm's tags; PutMetricAlarm with every setting
// (it replaces the whole alarm, so an update re-enables actions and restores the SNS actions and the threshold at once).
import { CloudWatchClient, DescribeAlarmsCommand, ListTagsForResourceCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchAlarmResource } from '../../kinds/cloudwatch-alarm.js';
import { managedIn, TAG_LIST } from './common.js';
import type { KindIo } from './kind.js';

export const cloudWatchAlarmIo: KindIo<CloudWatchAlarmResource> = {
  // PutMetricAlarm with Tags also needs cloudwatch:TagResource (CloudWatch API Reference, PutMetricAlarm "Tags").
  actions: {
    read: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource'],
    write: ['cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'],
  },

  /**
   * DescribeAlarms (AlarmNames, metric alarms only) mapped to the fields of `cloudWatchAlarm.desiredFields`; the
   * `trailguard:managed` tag from ListTagsForResource on the alarm ARN says whether TrailGuard owns it.
   */
  async read(resource, { accounts, account, region }) {
    const cloudwatch = await accounts.client(CloudWatchClient, account, region);
    const out = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [resource.name], AlarmTypes: ['MetricAlarm'] }));
    const alarm = out.MetricAlarms?.find((a) => a.AlarmName === resource.name);
    if (!alarm?.AlarmArn) return { exists: false };
    const tags = await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }));
    return {
      exists: true,
      managed: managedIn(tags.Tags),
      fields: {
        namespace: alarm.Namespace ?? null,
        metricName: alarm.MetricName ?? null,
        dimensions: (alarm.Dimensions ?? [])
          .map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' }))
          .sort((a, b) => a.name.localeCompare(b.name)),
        statistic: alarm.Statistic ?? null,
        period: alarm.Period ?? null,
        evaluationPeriods: alarm.EvaluationPeriods ?? null,
        // Unset, CloudWatch alarms on EvaluationPeriods of EvaluationPeriods: the same alarm, so the same value.
        datapointsToAlarm: alarm.DatapointsToAlarm ?? alarm.EvaluationPeriods ?? null,
        threshold: alarm.Threshold ?? null,
        comparisonOperator: alarm.ComparisonOperator ?? null,
        // CloudWatch's default when unset (CloudWatch User Guide, "Configuring how alarms treat missing data").
        treatMissingData: alarm.TreatMissingData ?? 'missing',
        actionsEnabled: alarm.ActionsEnabled ?? null,
        alarmActions: [...(alarm.AlarmActions ?? [])].sort(),
        okActions: [...(alarm.OKActions ?? [])].sort(),
      },
    };
  },

  async apply(resource, { accounts, account, region, create }) {
    const cloudwatch = await accounts.client(CloudWatchClient, account, region);
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: resource.name,
        AlarmDescription: resource.description,
        Namespace: resource.namespace,
        MetricName: resource.metricName,
        Dimensions: resource.dimensions.map((d) => ({ Name: d.name, Value: d.value })),
        Statistic: resource.statistic,
        Period: resource.period,
        EvaluationPeriods: resource.evaluationPeriods,
        DatapointsToAlarm: resource.evaluationPeriods,
        Threshold: resource.threshold,
        ComparisonOperator: resource.comparisonOperator,
        TreatMissingData: resource.treatMissingData,
        ActionsEnabled: true,
        AlarmActions: [resource.topicArn],
        OKActions: [resource.topicArn],
        // CloudWatch ignores Tags when the alarm exists; a tagged alarm is the only kind apply updates.
        ...(create ? { Tags: TAG_LIST } : {}),
      }),
    );
  },
};

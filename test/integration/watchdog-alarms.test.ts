// The watchdog alarms outside the remediator (review rv2: a remediator throttled to 0, failing, or with its queue
// mapping disabled cannot report its own death): apply creates them in the central account, each telling
// trailguard-alerts, plan is then clean, and the ways someone silences an alarm (delete it, take its SNS action away,
// DisableAlarmActions) are drift that apply repairs. Moto over HTTP with the real SDK; accounts 8400000000xx only.
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  DisableAlarmActionsCommand,
  ListTagsForResourceCommand,
  type MetricAlarm,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import pLimit from 'p-limit';
import { describe, expect, inject, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { validateConfig } from '#core/config.js';
import { NAMES } from '#core/names.js';
import type { Mode } from '#core/pipeline.js';
import { failureMessage } from '../../src/action/report.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../support/aws.js';

const REGION = 'us-east-1';
const CENTRAL = '840000000020';
const MEMBER = '840000000021';
const TOPIC = `arn:aws:sns:${REGION}:${CENTRAL}:trailguard-alerts`;
const code = loadRemediatorCode();
const A = NAMES.alarms;

function run(world: MotoWorld, mode: Mode) {
  const accounts = new Accounts({
    region: REGION,
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 'trailguard-alarms',
    credentials: CENTRAL_CREDENTIALS,
    endpoint: world.endpoint,
    limit: pLimit(4),
  });
  const config = validateConfig({
    version: 1,
    central: { account: CENTRAL, region: REGION },
    members: { accounts: [{ id: MEMBER }], regions: [REGION] },
    remediator: { delivery: 'queue' },
    alerts: { endpoint: 'https://trailguard.example.com/sns' },
    sweep: { schedule: 'rate(1 hour)' },
  });
  return runPipeline({ config, mode, accounts, code, sleep: async () => undefined });
}

const alarmChanges = (report: Awaited<ReturnType<typeof run>>) =>
  report.changes
    .filter((c) => c.kind === 'cloudwatch-alarm')
    .map((c) => ({ name: c.name, action: c.action, fields: [...(c.fields ?? [])].sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));

async function alarms(cloudwatch: CloudWatchClient): Promise<Map<string, MetricAlarm>> {
  const out = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'trailguard-' }));
  return new Map((out.MetricAlarms ?? []).map((a) => [a.AlarmName!, a]));
}

describe('watchdog alarms: apply deploys them outside the remediator, plan sees them silenced', () => {
  it('apply creates every alarm telling trailguard-alerts; plan is clean; deleted, unrouted or disabled is drift apply repairs', async () => {
    const world = new MotoWorld(inject('motoEndpoint'));
    const cloudwatch = await world.memberClient(CloudWatchClient, CENTRAL, REGION);

    const applied = await run(world, 'apply');
    expect(failureMessage(applied)).toBeNull();

    const created = await alarms(cloudwatch);
    expect([...created.keys()].sort()).toEqual([A.dlq, A.sweepDlq, A.alertsDlq, A.throttles, A.errors, A.sweepMissing, A.eventsAge].sort());
    for (const alarm of created.values()) {
      expect(alarm).toMatchObject({ ActionsEnabled: true, AlarmActions: [TOPIC], OKActions: [TOPIC] });
      const tags = await cloudwatch.send(new ListTagsForResourceCommand({ ResourceARN: alarm.AlarmArn }));
      expect(tags.Tags).toContainEqual({ Key: 'trailguard:managed', Value: 'true' });
    }
    expect(created.get(A.dlq)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: 'trailguard-dlq' }],
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(created.get(A.throttles)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Throttles',
      Dimensions: [{ Name: 'FunctionName', Value: 'trailguard-remediator' }],
    });
    // Twice the hourly schedule, and silence is the failure.
    expect(created.get(A.sweepMissing)).toMatchObject({
      MetricName: 'NumberOfMessagesDeleted',
      Dimensions: [{ Name: 'QueueName', Value: 'trailguard-sweep' }],
      Period: 3600,
      EvaluationPeriods: 2,
      TreatMissingData: 'breaching',
    });
    expect(created.get(A.eventsAge)).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 300 });

    const clean = await run(world, 'plan');
    expect(alarmChanges(clean)).toEqual([]);
    expect(clean.drift).toBe(false);

    // Three ways to silence a watchdog: delete it; keep it but take its SNS action away (and raise its threshold);
    // DisableAlarmActions, which leaves every setting in place.
    await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: [A.dlq] }));
    const throttles = created.get(A.throttles)!;
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: A.throttles,
        Namespace: throttles.Namespace,
        MetricName: throttles.MetricName,
        Dimensions: throttles.Dimensions,
        Statistic: throttles.Statistic,
        Period: throttles.Period,
        EvaluationPeriods: throttles.EvaluationPeriods,
        DatapointsToAlarm: throttles.DatapointsToAlarm,
        Threshold: 1_000_000,
        ComparisonOperator: throttles.ComparisonOperator,
        TreatMissingData: throttles.TreatMissingData,
        AlarmActions: [],
        OKActions: [TOPIC],
      }),
    );
    await cloudwatch.send(new DisableAlarmActionsCommand({ AlarmNames: [A.sweepDlq] }));

    const tampered = await run(world, 'plan');
    expect(tampered.drift).toBe(true);
    // A drift check (plan with failOnDrift, as on a schedule) fails naming each silenced alarm.
    const failure = failureMessage(tampered, { failOnDrift: true }) ?? 'plan passed';
    for (const name of [A.dlq, A.throttles, A.sweepDlq]) expect(failure).toContain(name);
    expect(alarmChanges(tampered)).toEqual(
      [
        { name: A.dlq, action: 'create', fields: [] },
        { name: A.throttles, action: 'update', fields: ['alarmActions', 'threshold'] },
        { name: A.sweepDlq, action: 'update', fields: ['actionsEnabled'] },
      ].sort((a, b) => a.name.localeCompare(b.name)),
    );

    const repaired = await run(world, 'apply');
    expect(failureMessage(repaired)).toBeNull();
    const after = await alarms(cloudwatch);
    expect(after.get(A.dlq)).toMatchObject({ ActionsEnabled: true, AlarmActions: [TOPIC] });
    expect(after.get(A.throttles)).toMatchObject({ Threshold: 0, AlarmActions: [TOPIC], OKActions: [TOPIC] });
    expect(after.get(A.sweepDlq)).toMatchObject({ ActionsEnabled: true });
    const replanned = await run(world, 'plan');
    expect(alarmChanges(replanned)).toEqual([]);
    expect(replanned.drift).toBe(false);
  });
});

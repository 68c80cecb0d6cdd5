// The watchdog alarms apply is to deploy outside the remediator (review rv2: a remediator throttled to 0 is seen by no
// one): which alarms each config gets, what each watches, and that every one tells the alerts topic.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';
import { watchdogAlarms, watchdogAlarmsArn } from '#core/desired-state.js';
import { cloudWatchAlarm } from '#core/kinds/cloudwatch-alarm.js';
import { DesiredStateError } from '#core/kinds/kind.js';
import { NAMES } from '#core/names.js';

const CENTRAL = '111111111111';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
const base = { version: 1, central: { account: CENTRAL, region: 'us-east-1' }, members: { accounts: [{ id: '222222222222' }] } };
const byName = (alarms: ReturnType<typeof watchdogAlarms>) => new Map(alarms.map((a) => [a.name, a]));

describe('watchdog alarms', () => {
  it('the default config: both dead-letter queues, the remediator throttled or failing, and the sweep missing, all to the alerts topic', () => {
    const alarms = watchdogAlarms(validateConfig(base));

    expect(alarms.map((a) => a.name).sort()).toEqual(
      [NAMES.alarms.dlq, NAMES.alarms.sweepDlq, NAMES.alarms.throttles, NAMES.alarms.errors, NAMES.alarms.sweepMissing].sort(),
    );
    for (const a of alarms) {
      expect(a).toMatchObject({ account: CENTRAL, region: 'us-east-1', kind: 'cloudwatch-alarm', topicArn: TOPIC });
      expect(a.name).toMatch(/^trailguard-/);
      expect(cloudWatchAlarm.desiredFields(a)).toMatchObject({ actionsEnabled: true, alarmActions: [TOPIC], okActions: [TOPIC] });
    }
    const dlq = byName(alarms).get(NAMES.alarms.dlq)!;
    expect(dlq).toMatchObject({
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: [{ name: 'QueueName', value: 'trailguard-dlq' }],
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
    });
    expect(byName(alarms).get(NAMES.alarms.throttles)).toMatchObject({
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      dimensions: [{ name: 'FunctionName', value: 'trailguard-remediator' }],
      statistic: 'Sum',
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
    });
    expect(byName(alarms).get(NAMES.alarms.errors)).toMatchObject({ namespace: 'AWS/Lambda', metricName: 'Errors' });
  });

  it('the sweep heartbeat: no message taken from trailguard-sweep over twice the schedule, and silence is breaching', () => {
    const alarm = byName(watchdogAlarms(validateConfig({ ...base, sweep: { schedule: 'rate(1 hour)' } }))).get(NAMES.alarms.sweepMissing);

    expect(alarm).toMatchObject({
      namespace: 'AWS/SQS',
      metricName: 'NumberOfMessagesDeleted',
      dimensions: [{ name: 'QueueName', value: 'trailguard-sweep' }],
      statistic: 'Sum',
      period: 3600,
      evaluationPeriods: 2,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
    });
  });

  it('no schedule, no heartbeat; a weekly cron is not bounded (as the planner gap check) and gets none either', () => {
    const none = watchdogAlarms(validateConfig({ ...base, sweep: { schedule: null } }));
    const weekly = watchdogAlarms(validateConfig({ ...base, sweep: { schedule: 'cron(0 3 ? * MON *)' } }));

    expect(none.map((a) => a.name)).not.toContain(NAMES.alarms.sweepMissing);
    expect(weekly.map((a) => a.name)).not.toContain(NAMES.alarms.sweepMissing);
  });

  it('a schedule too long for an alarm CloudWatch accepts is refused before any AWS call, naming sweep.schedule', () => {
    expect(() => watchdogAlarms(validateConfig({ ...base, sweep: { schedule: 'rate(5 days)' } }))).toThrow(DesiredStateError);
    expect(() => watchdogAlarms(validateConfig({ ...base, sweep: { schedule: 'rate(5 days)' } }))).toThrow(/sweep\.schedule/);
    expect(() => watchdogAlarms(validateConfig({ ...base, sweep: { schedule: 'rate(3 days)' } }))).not.toThrow();
  });

  it('queue delivery adds the age of the oldest tamper record on trailguard-events; an HTTPS endpoint adds its DLQ', () => {
    const alarms = byName(
      watchdogAlarms(
        validateConfig({ ...base, remediator: { delivery: 'queue' }, alerts: { endpoint: 'https://alerts.example.com/sns' } }),
      ),
    );

    expect(alarms.get(NAMES.alarms.eventsAge)).toMatchObject({
      metricName: 'ApproximateAgeOfOldestMessage',
      dimensions: [{ name: 'QueueName', value: 'trailguard-events' }],
      threshold: 300,
      comparisonOperator: 'GreaterThanThreshold',
    });
    expect(alarms.get(NAMES.alarms.alertsDlq)).toMatchObject({ dimensions: [{ name: 'QueueName', value: 'trailguard-alerts-dlq' }] });
    expect(byName(watchdogAlarms(validateConfig(base))).has(NAMES.alarms.eventsAge)).toBe(false);
  });

  it('what plan compares: a disabled action, a removed SNS action or a raised threshold differ from the desired fields', () => {
    const alarm = watchdogAlarms(validateConfig(base))[0]!;
    const desired = JSON.stringify(cloudWatchAlarm.desiredFields(alarm));

    for (const tampered of [
      { ...alarm, threshold: 1000 },
      { ...alarm, metricName: 'NumberOfMessagesSent' },
      { ...alarm, topicArn: 'x' },
    ])
      expect(JSON.stringify(cloudWatchAlarm.desiredFields(tampered))).not.toBe(desired);
    expect(cloudWatchAlarm.desiredFields(alarm)).toHaveProperty('actionsEnabled', true);
  });
});

describe('the alarms the alerts topic lets publish', () => {
  it('are every watchdog alarm and no other, in the central account and region, in its partition', () => {
    const config = validateConfig(base);
    const pattern = watchdogAlarmsArn(config);
    const glob = new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '*' ? '.*' : `\\${c}`))}$`);

    for (const a of watchdogAlarms(validateConfig({ ...base, remediator: { delivery: 'queue' } })))
      expect(`arn:aws:cloudwatch:us-east-1:${CENTRAL}:alarm:${a.name}`).toMatch(glob);
    expect(`arn:aws:cloudwatch:us-east-1:${CENTRAL}:alarm:someone-else`).not.toMatch(glob);
    expect(`arn:aws:cloudwatch:us-east-1:999999999999:alarm:trailguard-dlq-messages`).not.toMatch(glob);
    expect(watchdogAlarmsArn(validateConfig({ ...base, central: { account: CENTRAL, region: 'cn-north-1' } }))).toMatch(/^arn:aws-cn:/);
  });
});

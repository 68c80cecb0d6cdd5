// A sweep that never runs cannot report itself: disabling or deleting its EventBridge Scheduler schedule must alert
// (the CloudTrail record of the call, through the central account's own guard rule), and the planner that does run
// after a gap says the previous sweep is too old.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadPipelineEnvironment } from '../../lambda/guard.js';
import { createDefaultDeps, createHandler } from '../../lambda/remediator.js';
import { planSweep, type SweepDeps } from '../../lambda/sweep.js';
import { type Alert, parseAlert, type PipelineAlert } from '#core/alert.js';
import type { StateTable } from '#core/aws/state-table.js';
import { validateConfig } from '#core/config.js';
import { desiredState, remediatorEnvironment, scheduleGuardPattern } from '#core/desired-state.js';
import { parsePipelineEvent } from '#core/pipeline-event.js';
import { scheduleIntervalMs } from '#core/sweep.js';
import { memoryState, sweepSettings } from '../support/memory-state.js';
import { recordingLog } from '../support/recording-log.js';

const CENTRAL = '111111111111';
const REGION = 'us-east-1';
const SWEEP_QUEUE = `arn:aws:sqs:${REGION}:${CENTRAL}:trailguard-sweep`;
const sns = mockClient(SNSClient);
const raw = {
  version: 1,
  central: { account: CENTRAL, region: REGION },
  members: { accounts: [{ id: '222222222222' }], regions: [REGION] },
};
const config = validateConfig(raw);

/** The CloudTrail record of an EventBridge Scheduler call in the central account, as its default bus receives it. */
function scheduleEvent(
  eventName: 'UpdateSchedule' | 'DeleteSchedule',
  o: { role?: string; params?: Record<string, unknown>; name?: string } = {},
) {
  const role = o.role ?? 'AdminAccess';
  const name = o.name ?? 'trailguard-sweep';
  return {
    version: '0',
    id: 'ev-1',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.scheduler',
    account: CENTRAL,
    time: '2026-11-20T10:01:00Z',
    region: REGION,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${CENTRAL}:assumed-role/${role}/jdoe`,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${CENTRAL}:role/${role}` } },
      },
      eventTime: '2026-11-20T10:01:00Z',
      eventSource: 'scheduler.amazonaws.com',
      eventName,
      awsRegion: REGION,
      sourceIPAddress: '203.0.113.24',
      userAgent: 'aws-cli/2.22.4',
      requestParameters:
        eventName === 'DeleteSchedule'
          ? { name, groupName: 'default', ...o.params }
          : {
              name,
              groupName: 'default',
              scheduleExpression: 'rate(15 minutes)',
              state: 'DISABLED',
              target: { arn: SWEEP_QUEUE, roleArn: `arn:aws:iam::${CENTRAL}:role/trailguard-sweep-scheduler` },
              ...o.params,
            },
      eventID: 'cafe-1',
      recipientAccountId: CENTRAL,
    },
  };
}

function handler() {
  const deps = createDefaultDeps({
    env: { AWS_REGION: REGION, ...remediatorEnvironment(config) },
    log: recordingLog(),
    clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } },
  });
  // No EventBridge call is expected for a schedule: a client that is never answered would show one.
  const guard = {
    pipeline: loadPipelineEnvironment(remediatorEnvironment(config)),
    events: async () => new EventBridgeClient({ region: REGION }),
  };
  const handle = createHandler(() => ({ ...deps, guard }));
  return (event: unknown) => handle(event) as Promise<{ outcome: string }>;
}
const published = () => sns.commandCalls(PublishCommand).map((c) => parseAlert(c.args[0].input.Message!) as PipelineAlert);

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
});

describe('the sweep schedule tampered with', () => {
  it('parses a Scheduler record naming the schedule and its group', () => {
    expect(parsePipelineEvent(scheduleEvent('UpdateSchedule'))).toMatchObject({
      eventName: 'UpdateSchedule',
      account: CENTRAL,
      resource: { kind: 'scheduler-schedule', name: 'trailguard-sweep', bus: null },
    });
  });

  it.each([
    ['disabled', 'UpdateSchedule' as const, {}, /schedule trailguard-sweep disabled/],
    ['deleted', 'DeleteSchedule' as const, {}, /schedule trailguard-sweep deleted/],
    [
      'pointed elsewhere',
      'UpdateSchedule' as const,
      { state: 'ENABLED', target: { arn: 'arn:aws:sqs:us-east-1:999999999999:x' } },
      /target/,
    ],
  ])('%s: pipeline-tampered, naming the schedule and how to restore it', async (_label, call, params, change) => {
    const result = await handler()(scheduleEvent(call, { params }));

    expect(result.outcome).toBe('pipeline-tampered');
    const [alert] = published();
    expect(alert).toMatchObject({
      outcome: 'pipeline-tampered',
      account: CENTRAL,
      resource: {
        type: 'scheduler-schedule',
        name: 'trailguard-sweep',
        arn: `arn:aws:scheduler:${REGION}:${CENTRAL}:schedule/default/trailguard-sweep`,
        restored: false,
      },
    });
    expect(alert!.changes.join('; ')).toMatch(change);
    expect(alert!.reason).toContain('trailguard apply');
  });

  it("apply's own UpdateSchedule back to the desired schedule is not alerted", async () => {
    const result = await handler()(
      scheduleEvent('UpdateSchedule', { role: 'OrganizationAccountAccessRole', params: { state: 'ENABLED' } }),
    );

    expect(result.outcome).toBe('ignored');
    expect(published()).toEqual([]);
  });

  it('the deploy role disabling it is alerted like anyone', async () => {
    expect((await handler()(scheduleEvent('UpdateSchedule', { role: 'OrganizationAccountAccessRole' }))).outcome).toBe('pipeline-tampered');
  });

  it('a failed attempt is blocked, and alerted', async () => {
    const event = scheduleEvent('DeleteSchedule');
    const result = await handler()({ ...event, detail: { ...event.detail, errorCode: 'AccessDenied' } });

    expect(result.outcome).toBe('blocked');
    expect(published()).toHaveLength(1);
  });

  it('apply watches the schedule: a rule on the central default bus forwards these calls to the remediator', () => {
    const resources = desiredState(config, { members: ['222222222222'], codeSha256: 'sha' });
    const rule = resources.find((r) => r.kind === 'event-rule' && r.name === 'trailguard-sweep-guard');

    expect(rule).toMatchObject({
      account: CENTRAL,
      region: REGION,
      bus: 'default',
      pattern: scheduleGuardPattern(),
      targets: [{ Arn: `arn:aws:lambda:${REGION}:${CENTRAL}:function:trailguard-remediator` }],
    });
    expect(resources).toContainEqual(
      expect.objectContaining({
        kind: 'lambda-permission',
        sourceArn: `arn:aws:events:${REGION}:${CENTRAL}:rule/trailguard-sweep-guard`,
      }),
    );
    // No schedule: the rule stays, as the watch on its twin trailguard-central-guard (the chain after the schedule).
    const none = desiredState(validateConfig({ ...raw, sweep: { schedule: null } }), { members: ['222222222222'], codeSha256: 'sha' });
    expect(none.some((r) => r.name === 'trailguard-sweep-guard')).toBe(true);
  });
});

describe('the planner notices a sweep gap', () => {
  let state: ReturnType<typeof memoryState>;
  let alerts: Alert[];
  const T0 = new Date('2026-01-01T12:00:00.000Z');
  function deps(schedule: string | null, minutesSinceLast: number | null): SweepDeps {
    state = memoryState();
    alerts = [];
    if (minutesSinceLast !== null)
      state.setLatest({
        sweepId: 'old',
        startedAt: new Date(T0.getTime() - minutesSinceLast * 60_000).toISOString(),
        accounts: 1,
        findings: 0,
      });
    return {
      settings: sweepSettings({ topicArn: `arn:aws:sns:${REGION}:${CENTRAL}:trailguard-alerts` }),
      log: recordingLog(),
      now: () => T0,
      cloudtrail: async () => {
        throw new Error('unused');
      },
      events: async () => {
        throw new Error('unused');
      },
      async publish(alert) {
        alerts.push(alert);
        return 'm';
      },
      state: state as unknown as StateTable,
      members: async () => ['222222222222'],
      enqueue: async () => {},
      sweep: {
        regions: [REGION],
        centralBusArn: `arn:aws:events:${REGION}:${CENTRAL}:event-bus/trailguard`,
        canaryGraceMs: 60_000,
        schedule,
      },
    };
  }

  it('alerts pipeline-broken naming the schedule when the previous sweep is older than twice the schedule', async () => {
    await planSweep(deps('rate(15 minutes)', 45));

    expect(alerts).toEqual([
      expect.objectContaining({
        outcome: 'pipeline-broken',
        trigger: 'sweep',
        account: CENTRAL,
        resource: expect.objectContaining({ type: 'scheduler-schedule', name: 'trailguard-sweep' }),
      }),
    ]);
    expect((alerts[0] as PipelineAlert).reason).toContain(new Date(T0.getTime() - 45 * 60_000).toISOString());
    // The sweep itself still runs.
    expect(await state.latestSweep()).toMatchObject({ startedAt: T0.toISOString() });
  });

  it.each([
    ['within twice the schedule', 'rate(15 minutes)', 29],
    ['the first sweep ever', 'rate(15 minutes)', null],
    ['no schedule (sweeps run by hand)', null, 600],
    ['a daily cron, 30 hours ago', 'cron(0 6 * * ? *)', 30 * 60],
  ])('is quiet %s', async (_label, schedule, minutes) => {
    await planSweep(deps(schedule, minutes));

    expect(alerts).toEqual([]);
  });

  it('a daily cron three days ago is a gap', async () => {
    await planSweep(deps('cron(0 6 * * ? *)', 3 * 24 * 60));

    expect(alerts).toHaveLength(1);
  });
});

describe('scheduleIntervalMs', () => {
  it.each([
    ['rate(15 minutes)', 15 * 60_000],
    ['rate(1 hour)', 3_600_000],
    ['rate(2 days)', 2 * 86_400_000],
    ['cron(0/15 * * * ? *)', 86_400_000],
    ['cron(0 6 ? * MON *)', null],
    ['cron(0 6 1 * ? *)', null],
  ])('%s', (expression, ms) => {
    expect(scheduleIntervalMs(expression)).toBe(ms);
  });
});

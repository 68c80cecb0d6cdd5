// Sweep blind spots on moto (review r11): what the worker must find with the real SDK against a real emulator, beyond
// the trails an account lists. Driven through the remediator's own sweep dependencies (createDefaultDeps).
import { CloudTrailClient, DeleteTrailCommand, GetTrailCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetScheduleCommand, SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDefaultDeps, createHandler } from '../../lambda/remediator.js';
import { planSweep, sweepAccount, type SweepDeps } from '../../lambda/sweep.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { AnyAlertSchema, type Alert } from '#core/alert.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { StateTable } from '#core/aws/state-table.js';
import { validateConfig } from '#core/config.js';
import { remediatorEnvironment } from '#core/desired-state.js';
import { FOUND_MISSING_BY_SWEEP } from '#core/sweep.js';
import { MotoWorld, receiveAll, testAccounts } from '../support/aws.js';
import { recordingLog } from '../support/recording-log.js';

// Accounts of this file only (moto is shared and keeps state per account).
const CENTRAL = '740000000010';
const MEMBER = '740000000011';
const REGION = 'us-east-1';
const BUCKET = `audit-${MEMBER}`;
const config = validateConfig({
  version: 1,
  central: { account: CENTRAL, region: REGION },
  members: { accounts: [{ id: MEMBER }], regions: [REGION] },
  remediator: { delivery: 'queue' },
  trails: [{ name: 'audit', s3BucketName: BUCKET, isMultiRegionTrail: true, isOrganizationTrail: false }],
  sweep: { schedule: 'rate(15 minutes)' },
});

let world: MotoWorld;
let sqs: SQSClient;
let inboxUrl: string;
let sweep: SweepDeps;
let handler: (event: unknown) => Promise<unknown>;
let n = 0;

async function queueUrl(name: string): Promise<string> {
  return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
}

async function alerts(): Promise<Alert[]> {
  return (await receiveAll(sqs, inboxUrl)).map((e) => AnyAlertSchema.parse(JSON.parse(e.Message)));
}

function sweepMember() {
  n += 1;
  return sweepAccount(
    {
      trailguard: 'sweep',
      action: 'account',
      sweepId: `blind-${n}`,
      account: MEMBER,
      regions: [REGION],
      startedAt: new Date().toISOString(),
    },
    sweep,
  );
}

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  await world.createLoggingTrail(MEMBER, REGION, 'audit', BUCKET, true);
  const accounts = testAccounts(world, REGION);
  const report = await runPipeline({ config, mode: 'apply', accounts, code: loadRemediatorCode(), sleep: async () => undefined });
  expect(report.errors).toEqual([]);

  const central = await world.credentialsFor(CENTRAL);
  sqs = world.client(SQSClient, REGION, central);
  inboxUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'blind-spots-inbox' }))).QueueUrl!;
  const inboxArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: inboxUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
  const topicArn = `arn:aws:sns:${REGION}:${CENTRAL}:trailguard-alerts`;
  await world.client(SNSClient, REGION, central).send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: inboxArn }));
  const deps = createDefaultDeps({
    env: { AWS_REGION: REGION, ...remediatorEnvironment(config, [MEMBER]) },
    log: recordingLog(),
    clientOptions: { endpoint: world.endpoint, credentials: central },
  });
  sweep = await deps.sweep!();
  const handle = createHandler(() => deps);
  handler = (event) => handle(event);
  await sweepMember();
  await alerts();
});

/** The CloudTrail record of a Scheduler call on the sweep schedule, as the central account's default bus receives it. */
function scheduleRecord(eventName: 'UpdateSchedule' | 'DeleteSchedule') {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${CENTRAL}:assumed-role/AdminAccess/mallory`,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${CENTRAL}:role/AdminAccess` } },
    },
    eventTime: new Date().toISOString(),
    eventSource: 'scheduler.amazonaws.com',
    eventName,
    awsRegion: REGION,
    sourceIPAddress: '203.0.113.9',
    userAgent: 'aws-cli/2.22.4',
    requestParameters: { name: 'trailguard-sweep', groupName: 'default', ...(eventName === 'UpdateSchedule' ? { state: 'DISABLED' } : {}) },
    eventID: `sched-${eventName}`,
    recipientAccountId: CENTRAL,
  };
}

describe('sweep blind spots on moto', () => {
  it('a baseline trail deleted with no event delivered is recreated by the next sweep, logging, with one alert', async () => {
    const cloudtrail = await world.memberClient(CloudTrailClient, MEMBER, REGION);
    await cloudtrail.send(new DeleteTrailCommand({ Name: 'audit' }));

    const result = await sweepMember();

    expect(result.findings).toEqual([expect.objectContaining({ kind: 'missing', outcome: 'recreated', repaired: true })]);
    expect((await cloudtrail.send(new GetTrailCommand({ Name: 'audit' }))).Trail).toMatchObject({
      S3BucketName: BUCKET,
      IsMultiRegionTrail: true,
    });
    expect((await cloudtrail.send(new GetTrailStatusCommand({ Name: 'audit' }))).IsLogging).toBe(true);
    const sent = await alerts();
    expect(sent).toEqual([expect.objectContaining({ trigger: 'sweep', outcome: 'recreated', account: MEMBER, eventName: 'DeleteTrail' })]);
    expect(sent[0]!.reason).toContain(FOUND_MISSING_BY_SWEEP);

    await sweepMember();
    expect(await alerts()).toEqual([]);
  });

  it('disabling the sweep schedule is alerted at once: the central default bus forwards its record to the remediator', async () => {
    const central = await world.credentialsFor(CENTRAL);
    const scheduler = world.client(SchedulerClient, REGION, central);
    const schedule = await scheduler.send(new GetScheduleCommand({ Name: 'trailguard-sweep' }));
    await scheduler.send(
      new UpdateScheduleCommand({
        Name: 'trailguard-sweep',
        ScheduleExpression: schedule.ScheduleExpression!,
        FlexibleTimeWindow: schedule.FlexibleTimeWindow!,
        Target: schedule.Target!,
        State: 'DISABLED',
      }),
    );
    // Moto records no CloudTrail: the call's record is put on the central default bus, where EventBridge would deliver it.
    const bus = world.client(EventBridgeClient, REGION, central);
    const put = await bus.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'aws.scheduler', DetailType: 'AWS API Call via CloudTrail', Detail: JSON.stringify(scheduleRecord('UpdateSchedule')) },
        ],
      }),
    );
    expect(put.FailedEntryCount).toBe(0);

    // (The queue also holds the earlier sweeps' canaries, forwarded back by the member.)
    const events = ((await receiveAll(sqs, await queueUrl('trailguard-events'))) as unknown as Record<string, unknown>[]).filter(
      (e) => e.source === 'aws.scheduler',
    );
    expect(events).toHaveLength(1);
    // Moto drops the envelope's account (DESIGN.md "Testing"): restored from the record, as real EventBridge keeps it.
    const result = (await handler({ ...events[0], account: CENTRAL, region: REGION })) as { outcome: string };

    expect(result.outcome).toBe('pipeline-tampered');
    expect(await alerts()).toEqual([
      expect.objectContaining({
        outcome: 'pipeline-tampered',
        account: CENTRAL,
        resource: expect.objectContaining({ type: 'scheduler-schedule', name: 'trailguard-sweep', restored: false }),
      }),
    ]);
  });

  it('the planner that runs after a gap of more than twice the schedule alerts it, naming the schedule', async () => {
    const central = await world.credentialsFor(CENTRAL);
    const state = new StateTable(world.client(DynamoDBClient, REGION, central), 'trailguard-state');
    const lastRun = new Date(Date.now() - 60 * 60_000).toISOString();
    await state.startSweep({ sweepId: 'before-the-gap', startedAt: lastRun, accounts: 1 });

    await planSweep(sweep);

    expect(await alerts()).toEqual([
      expect.objectContaining({
        outcome: 'pipeline-broken',
        trigger: 'sweep',
        resource: expect.objectContaining({ type: 'scheduler-schedule', name: 'trailguard-sweep' }),
        reason: expect.stringContaining(lastRun),
      }),
    ]);
    // The next planner, on time, is quiet.
    await planSweep(sweep);
    expect(await alerts()).toEqual([]);
  });
});

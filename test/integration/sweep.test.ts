// The sweep on moto, end to end (issue 11 "Done when"): apply, then schedule message -> trailguard-sweep -> planner ->
// one message per member -> workers (the remediator handler, driven by the runner that plays Lambda's SQS integration)
// -> canaries on the members' default buses -> forwarding rules -> central bus -> trailguard-events -> arrival recorded.
import { CloudTrailClient, GetTrailStatusCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteRuleCommand, DescribeRuleCommand, EventBridgeClient, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { stringify } from 'yaml';
import { main } from '../../src/cli.js';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { LambdaSqsRunner } from '../../scripts/demo/lambda-runner.js';
import { createDefaultDeps, createHandler } from '../../lambda/remediator.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { AnyAlertSchema, type Alert } from '#core/alert.js';
import { Accounts } from '#core/aws/accounts.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { StateTable } from '#core/aws/state-table.js';
import { validateConfig } from '#core/config.js';
import { pipelineEnvironment, sweepEnvironment } from '#core/desired-state.js';
import { FOUND_OFF_BY_SWEEP, START_SWEEP_MESSAGE } from '#core/sweep.js';
import { CENTRAL_CREDENTIALS, MotoWorld, receiveAll } from '../support/aws.js';
import { recordingLog } from '../support/recording-log.js';

// Accounts of this file only (moto is shared and keeps state per account).
const CENTRAL = '640000000000';
const MEMBERS = ['640000000001', '640000000002'];
const REGIONS = ['us-east-1', 'eu-west-1'];
const config = validateConfig({
  version: 1,
  central: { account: CENTRAL, region: 'us-east-1' },
  members: { accounts: MEMBERS.map((id) => ({ id })), regions: REGIONS },
  // Moto cannot invoke Lambda: the runner plays the mappings of both queues (DESIGN.md "Testing").
  remediator: { delivery: 'queue' },
  sweep: { schedule: 'rate(15 minutes)', concurrency: 4 },
  // The test's inbox reads the alerts: a subscription made by hand, accepted (any other is a conflict).
  alerts: { acceptedSubscriptions: [{ protocol: 'sqs', endpoint: `arn:aws:sqs:us-east-1:${CENTRAL}:sweep-test-inbox` }] },
});

let world: MotoWorld;
let sqs: SQSClient;
let inboxUrl: string;
let sweepRunner: LambdaSqsRunner;
let eventsRunner: LambdaSqsRunner;
let state: StateTable;
const code = loadRemediatorCode();

function apply() {
  const accounts = new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 'trailguard-test',
    credentials: CENTRAL_CREDENTIALS,
    endpoint: world.endpoint,
    limit: pLimit(8),
  });
  return runPipeline({ config, mode: 'apply', accounts, code, sleep: async () => undefined });
}

async function queueUrl(name: string): Promise<string> {
  return (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
}

/** Every alert published since the last call. */
async function alerts(): Promise<Alert[]> {
  return (await receiveAll(sqs, inboxUrl)).map((e) => AnyAlertSchema.parse(JSON.parse(e.Message)));
}

/** What the schedule does every 15 minutes, then the mappings until both queues are empty: one whole sweep. */
async function sweep(): Promise<void> {
  await sqs.send(
    new SendMessageCommand({ QueueUrl: await queueUrl('trailguard-sweep'), MessageBody: JSON.stringify(START_SWEEP_MESSAGE) }),
  );
  for (let idle = 0; idle < 2; ) {
    const handed = (await sweepRunner.pollOnce()) + (await eventsRunner.pollOnce());
    idle = handed === 0 ? idle + 1 : 0;
  }
}

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  const central = await world.credentialsFor(CENTRAL);
  for (const member of MEMBERS)
    for (const region of REGIONS) await world.createLoggingTrail(member, region, 'audit', `audit-${member}-${region}`);
  const report = await apply();
  expect(report.errors).toEqual([]);

  sqs = world.client(SQSClient, 'us-east-1', central);
  const sns = world.client(SNSClient, 'us-east-1', central);
  const inbox = await sqs.send(new CreateQueueCommand({ QueueName: 'sweep-test-inbox' }));
  inboxUrl = inbox.QueueUrl!;
  const inboxArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: inboxUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
  const topicArn = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: inboxArn }));

  const deps = createDefaultDeps({
    env: {
      AWS_REGION: 'us-east-1',
      TRAILGUARD_TOPIC_ARN: topicArn,
      TRAILGUARD_PIPELINE: JSON.stringify(pipelineEnvironment(config)),
      // The runner drains the canaries before the next sweep, so no grace is needed here.
      TRAILGUARD_SWEEP: JSON.stringify({ ...sweepEnvironment(config, MEMBERS), canaryGraceSeconds: 0 }),
    },
    log: recordingLog(),
    clientOptions: { endpoint: world.endpoint, credentials: central },
  });
  const handler = createHandler(() => deps) as (event: unknown, context: unknown) => Promise<unknown>;
  sweepRunner = new LambdaSqsRunner({ sqs, queueUrl: await queueUrl('trailguard-sweep'), handler, batchSize: 1 });
  eventsRunner = new LambdaSqsRunner({ sqs, queueUrl: await queueUrl('trailguard-events'), handler });
  await sweepRunner.start();
  await sweepRunner.stop();
  await eventsRunner.start();
  await eventsRunner.stop();
  state = new StateTable(world.client(DynamoDBClient, 'us-east-1', central), 'trailguard-state');
});

describe('the sweep on moto', () => {
  it('apply creates the schedule, the queue mapping with bounded concurrency, and the state table', async () => {
    const central = await world.credentialsFor(CENTRAL);
    const schedule = await world.client(SchedulerClient, 'us-east-1', central).send(new GetScheduleCommand({ Name: 'trailguard-sweep' }));
    expect(schedule).toMatchObject({
      ScheduleExpression: 'rate(15 minutes)',
      Target: { Arn: `arn:aws:sqs:us-east-1:${CENTRAL}:trailguard-sweep`, Input: JSON.stringify(START_SWEEP_MESSAGE) },
    });
    const { EventSourceMappings = [] } = await world
      .client(LambdaClient, 'us-east-1', central)
      .send(new ListEventSourceMappingsCommand({ FunctionName: 'trailguard-remediator' }));
    expect(EventSourceMappings.find((m) => m.EventSourceArn?.endsWith(':trailguard-sweep'))).toMatchObject({
      BatchSize: 1,
      ScalingConfig: { MaximumConcurrency: 4 },
    });
    expect((await apply()).drift).toBe(false);
  });

  it('a healthy organization sweeps with zero alerts twice in a row, and every canary comes back', async () => {
    await sweep();
    await sweep();

    expect(await alerts()).toEqual([]);
    expect(await state.latestSweep()).toMatchObject({ accounts: 2, findings: 0, finishedAt: expect.any(String) });
    for (const member of MEMBERS)
      for (const region of REGIONS) {
        expect(await state.canary(member, region)).toMatchObject({ lastSeenAt: expect.any(String) });
        const status = await state.status(member, region);
        expect(status?.rows).toEqual([expect.objectContaining({ trail: 'audit', isLogging: true })]);
      }
  });

  it('a trail stopped with no event delivered is restarted by the next sweep, with one trigger: sweep alert', async () => {
    const [member] = MEMBERS;
    const cloudtrail = await world.memberClient(CloudTrailClient, member!, 'eu-west-1');
    await cloudtrail.send(new StopLoggingCommand({ Name: 'audit' }));

    await sweep();

    expect((await cloudtrail.send(new GetTrailStatusCommand({ Name: 'audit' }))).IsLogging).toBe(true);
    const sent = await alerts();
    expect(sent).toEqual([
      expect.objectContaining({ trigger: 'sweep', outcome: 'restarted', account: member, region: 'eu-west-1', isLogging: true }),
    ]);
    expect(sent[0]!.reason).toContain(FOUND_OFF_BY_SWEEP);
    await sweep();
    expect(await alerts()).toEqual([]);
  });

  it('a forwarding rule deleted with no event yields pipeline-broken (rule, then canary) once each, apply repairs it, and both resolve', async () => {
    const member = MEMBERS[1]!;
    const events = await world.memberClient(EventBridgeClient, member, 'eu-west-1');
    await events.send(new RemoveTargetsCommand({ Rule: 'trailguard-forward', Ids: ['trailguard-central-bus'] }));
    await events.send(new DeleteRuleCommand({ Name: 'trailguard-forward' }));
    const lastArrived = (await state.canary(member, 'eu-west-1'))!.lastSeenAt;

    await sweep();
    expect((await alerts()).map((a) => [a.outcome, a.trigger, a.account, a.region, a.trail ? null : a.resource.name])).toEqual([
      ['pipeline-broken', 'sweep', member, 'eu-west-1', 'trailguard-forward'],
    ]);

    // The canary of the sweep before went nowhere: one canary alert naming the last canary seen; the rule is not re-alerted.
    await sweep();
    const canary = await alerts();
    expect(canary).toEqual([
      expect.objectContaining({ outcome: 'pipeline-broken', trigger: 'canary', account: member, region: 'eu-west-1' }),
    ]);
    expect(canary[0]).toMatchObject({ lastCanaryAt: lastArrived });
    expect(canary[0]!.reason).toContain(`last canary seen: ${lastArrived}`);
    await sweep();
    expect(await alerts()).toEqual([]);

    const repaired = await apply();
    expect(repaired.errors).toEqual([]);
    expect((await events.send(new DescribeRuleCommand({ Name: 'trailguard-forward' }))).State).toBe('ENABLED');

    // The rule is back at once; the path is proven again only by a canary sent after the repair.
    await sweep();
    const first = await alerts();
    expect(first.map((a) => [a.outcome, a.trail ? null : a.resource.name])).toEqual([['resolved', 'trailguard-forward']]);
    await sweep();
    const second = await alerts();
    expect(second).toEqual([expect.objectContaining({ outcome: 'resolved', resolves: canary[0]!.id })]);
    await sweep();
    expect(await alerts()).toEqual([]);
  });

  it('trailguard sweep runs the same sweep from a laptop: exit 0 when it repaired everything, 1 when something is left', async () => {
    const central = await world.credentialsFor(CENTRAL);
    const dir = mkdtempSync(join(tmpdir(), 'tg-sweep-'));
    const file = join(dir, 'trailguard.yml');
    writeFileSync(
      file,
      stringify({
        version: 1,
        central: { account: CENTRAL, region: 'us-east-1' },
        members: { accounts: MEMBERS.map((id) => ({ id })), regions: REGIONS },
        remediator: { delivery: 'queue' },
        sweep: { schedule: 'rate(15 minutes)', concurrency: 4 },
      }),
    );
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: world.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: central.accessKeyId,
      AWS_SECRET_ACCESS_KEY: central.secretAccessKey,
      AWS_SESSION_TOKEN: central.sessionToken,
    });
    const run = async (...argv: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await main(['sweep', '--config', file, ...argv], {
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        tty: false,
        env: process.env,
      });
      return { code, stdout, stderr };
    };
    const member = MEMBERS[0]!;
    const cloudtrail = await world.memberClient(CloudTrailClient, member, 'us-east-1');
    await cloudtrail.send(new StopLoggingCommand({ Name: 'audit' }));

    const repaired = await run();

    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toMatch(new RegExp(`${member} +us-east-1 +not-logging .* restarted +yes +yes`));
    expect((await cloudtrail.send(new GetTrailStatusCommand({ Name: 'audit' }))).IsLogging).toBe(true);
    expect(await alerts()).toEqual([expect.objectContaining({ trigger: 'sweep', outcome: 'restarted', account: member })]);

    const events = await world.memberClient(EventBridgeClient, member, 'us-east-1');
    await events.send(new RemoveTargetsCommand({ Rule: 'trailguard-guard', Ids: ['trailguard-central-bus'] }));
    await events.send(new DeleteRuleCommand({ Name: 'trailguard-guard' }));

    const broken = await run('--json');

    expect(broken.code).toBe(1);
    const findings = (
      JSON.parse(broken.stdout) as { results: { findings: { kind: string; resource: string; repaired: boolean }[] }[] }
    ).results.flatMap((r) => r.findings);
    expect(findings).toContainEqual(expect.objectContaining({ kind: 'rule', resource: 'trailguard-guard', repaired: false }));
    expect((await alerts()).map((a) => a.outcome)).toEqual(['pipeline-broken']);
    expect((await apply()).errors).toEqual([]);
  });
});

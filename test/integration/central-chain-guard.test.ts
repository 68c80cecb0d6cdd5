// The central account's own chain on moto: what apply deploys on the central default bus forwards calls on TrailGuard's
// central rules and mappings to the remediator's queue (each once), and the remediator answers each with one
// pipeline-tampered alert. (Moto's buses do not honour a rule's DISABLED state; real EventBridge does, which is why a
// call on one guard rule is matched by the other one only.)
import { DisableRuleCommand, EventBridgeClient, PutEventsCommand, PutRuleCommand } from '@aws-sdk/client-eventbridge';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDefaultDeps, createHandler } from '../../lambda/remediator.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { type Alert, AnyAlertSchema } from '#core/alert.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { validateConfig } from '#core/config.js';
import { remediatorEnvironment } from '#core/desired-state.js';
import { MotoWorld, receiveAll, testAccounts } from '../support/aws.js';
import { recordingLog } from '../support/recording-log.js';

// Accounts of this file only (moto is shared and keeps state per account).
const CENTRAL = '830000000001';
const MEMBER = '830000000002';
const REGION = 'us-east-1';
const config = validateConfig({
  version: 1,
  central: { account: CENTRAL, region: REGION },
  members: { accounts: [{ id: MEMBER }], regions: [REGION] },
  // Moto cannot invoke a Lambda target (DESIGN.md "Testing"): the rules deliver to trailguard-events.
  remediator: { delivery: 'queue' },
});

let world: MotoWorld;
let sqs: SQSClient;
let bus: EventBridgeClient;
let inboxUrl: string;
let handler: (event: unknown) => Promise<unknown>;

async function alerts(): Promise<Alert[]> {
  return (await receiveAll(sqs, inboxUrl)).map((e) => AnyAlertSchema.parse(JSON.parse(e.Message)));
}

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  const accounts = testAccounts(world, REGION);
  const report = await runPipeline({ config, mode: 'apply', accounts, code: loadRemediatorCode(), sleep: async () => undefined });
  expect(report.errors).toEqual([]);

  const central = await world.credentialsFor(CENTRAL);
  sqs = world.client(SQSClient, REGION, central);
  bus = world.client(EventBridgeClient, REGION, central);
  inboxUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'central-chain-inbox' }))).QueueUrl!;
  const inboxArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: inboxUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
  await world
    .client(SNSClient, REGION, central)
    .send(new SubscribeCommand({ TopicArn: `arn:aws:sns:${REGION}:${CENTRAL}:trailguard-alerts`, Protocol: 'sqs', Endpoint: inboxArn }));
  const deps = createDefaultDeps({
    env: { AWS_REGION: REGION, ...remediatorEnvironment(config, [MEMBER]) },
    log: recordingLog(),
    clientOptions: { endpoint: world.endpoint, credentials: central },
  });
  const handle = createHandler(() => deps);
  handler = (event) => handle(event);
});

/** The CloudTrail record of a call by someone in the central account, as its default bus receives it. */
function record(eventSource: string, eventName: string, requestParameters: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${CENTRAL}:assumed-role/AdminAccess/mallory`,
      sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${CENTRAL}:role/AdminAccess` } },
    },
    eventTime: new Date().toISOString(),
    eventSource,
    eventName,
    awsRegion: REGION,
    sourceIPAddress: '203.0.113.9',
    userAgent: 'aws-cli/2.22.4',
    requestParameters,
    eventID: `central-${eventName}`,
    recipientAccountId: CENTRAL,
    ...extra,
  };
}

/**
 * Puts the record on the central default bus (moto records no CloudTrail: this is where EventBridge would deliver it),
 * then hands what reached trailguard-events to the remediator as its SQS mapping would; resolves to the outcomes.
 */
async function deliver(source: string, detail: ReturnType<typeof record>): Promise<string[]> {
  const put = await bus.send(
    new PutEventsCommand({ Entries: [{ Source: source, DetailType: 'AWS API Call via CloudTrail', Detail: JSON.stringify(detail) }] }),
  );
  expect(put.FailedEntryCount).toBe(0);
  const queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: 'trailguard-events' }))).QueueUrl!;
  const delivered = (await receiveAll(sqs, queueUrl)) as unknown as Record<string, unknown>[];
  const outcomes: string[] = [];
  // Moto drops the envelope's account (DESIGN.md "Testing"): restored from the record, as real EventBridge keeps it.
  for (const event of delivered)
    outcomes.push(((await handler({ ...event, account: CENTRAL, region: REGION })) as { outcome: string }).outcome);
  return outcomes;
}

describe("the central account's own chain on moto", () => {
  it('DeleteEventSourceMapping, which names the function only in its response, reaches the remediator, with one alert', async () => {
    const uuid = 'a1b2c3d4-0000-0000-0000-000000000000';
    const outcomes = await deliver(
      'aws.lambda',
      record(
        'lambda.amazonaws.com',
        'DeleteEventSourceMapping20150331',
        { uUID: uuid },
        { responseElements: { uUID: uuid, functionArn: `arn:aws:lambda:${REGION}:${CENTRAL}:function:trailguard-remediator` } },
      ),
    );

    expect(outcomes).toEqual(['pipeline-tampered']);
    expect(await alerts()).toEqual([
      expect.objectContaining({
        eventName: 'DeleteEventSourceMapping',
        resource: expect.objectContaining({ type: 'event-source-mapping', name: uuid, restored: false }),
      }),
    ]);
  });

  it('DisableRule on trailguard-sweep-guard reaches the remediator through trailguard-central-guard, with one alert', async () => {
    await bus.send(new DisableRuleCommand({ Name: 'trailguard-sweep-guard' }));

    const outcomes = await deliver('aws.events', record('events.amazonaws.com', 'DisableRule', { name: 'trailguard-sweep-guard' }));

    expect(outcomes).toEqual(['pipeline-tampered']);
    expect(await alerts()).toEqual([
      expect.objectContaining({
        outcome: 'pipeline-tampered',
        account: CENTRAL,
        trail: null,
        eventName: 'DisableRule',
        resource: expect.objectContaining({
          type: 'event-rule',
          name: 'trailguard-sweep-guard',
          arn: `arn:aws:events:${REGION}:${CENTRAL}:rule/trailguard-sweep-guard`,
          restored: false,
        }),
        reason: expect.stringContaining('trailguard apply restores it'),
      }),
    ]);
  });

  it('a PutRule narrowing trailguard-tamper to the canary reaches the remediator, with one alert', async () => {
    const narrowed = '{"source":["trailguard.canary"]}';
    await bus.send(new PutRuleCommand({ Name: 'trailguard-tamper', EventBusName: 'trailguard', EventPattern: narrowed, State: 'ENABLED' }));

    const outcomes = await deliver(
      'aws.events',
      record('events.amazonaws.com', 'PutRule', {
        name: 'trailguard-tamper',
        eventBusName: 'trailguard',
        eventPattern: narrowed,
        state: 'ENABLED',
      }),
    );

    expect(outcomes).toEqual(['pipeline-tampered']);
    expect(await alerts()).toEqual([
      expect.objectContaining({
        outcome: 'pipeline-tampered',
        eventName: 'PutRule',
        resource: expect.objectContaining({
          type: 'event-rule',
          name: 'trailguard-tamper',
          arn: `arn:aws:events:${REGION}:${CENTRAL}:rule/trailguard/trailguard-tamper`,
          restored: false,
        }),
      }),
    ]);
  });
});

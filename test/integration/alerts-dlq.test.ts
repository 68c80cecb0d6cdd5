// The alerts topic's HTTPS subscription (the Slack app) gets a dead-letter queue: apply creates the queue, lets only
// the topic send to it, and sets the subscription's RedrivePolicy; plan sees a removed policy and apply puts it back.
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import pLimit from 'p-limit';
import { describe, expect, inject, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { validateConfig } from '#core/config.js';
import type { Mode } from '#core/pipeline.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../support/aws.js';

const CENTRAL = '690000000400';
const MEMBER = '690000000401';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
const DLQ = `arn:aws:sqs:us-east-1:${CENTRAL}:trailguard-alerts-dlq`;
const code = loadRemediatorCode();

function run(world: MotoWorld, mode: Mode, endpoint: string | null) {
  const accounts = new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 'trailguard-test',
    credentials: CENTRAL_CREDENTIALS,
    endpoint: world.endpoint,
    limit: pLimit(4),
  });
  const config = validateConfig({
    version: 1,
    central: { account: CENTRAL, region: 'us-east-1' },
    members: { accounts: [{ id: MEMBER }], regions: ['us-east-1'] },
    alerts: { endpoint },
  });
  return runPipeline({ config, mode, accounts, code, sleep: async () => undefined });
}

describe("the Slack app's SNS subscription has a dead-letter queue", () => {
  it('apply creates the queue (only the topic may send) and the RedrivePolicy; a removed policy is drift that apply repairs', async () => {
    const world = new MotoWorld(inject('motoEndpoint'));
    const sns = await world.memberClient(SNSClient, CENTRAL, 'us-east-1');
    const sqs = await world.memberClient(SQSClient, CENTRAL, 'us-east-1');
    const subscription = async () => {
      const subs = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }));
      return subs.Subscriptions!.find((s) => s.Protocol === 'https')!;
    };
    const redrive = async () => {
      const out = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: (await subscription()).SubscriptionArn! }));
      return out.Attributes?.RedrivePolicy ? (JSON.parse(out.Attributes.RedrivePolicy) as { deadLetterTargetArn?: string }) : null;
    };

    const created = await run(world, 'apply', 'https://trailguard.example.com/sns');
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'trailguard-alerts-dlq' }));
    const queue = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy', 'MessageRetentionPeriod'] }));
    const afterCreate = await redrive();
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn: (await subscription()).SubscriptionArn!,
        AttributeName: 'RedrivePolicy',
        AttributeValue: '',
      }),
    );
    const planned = await run(world, 'plan', 'https://trailguard.example.com/sns');
    const repaired = await run(world, 'apply', 'https://trailguard.example.com/sns');

    expect(created.errors).toEqual([]);
    expect(afterCreate).toEqual({ deadLetterTargetArn: DLQ });
    const policy = JSON.parse(queue.Attributes!.Policy!) as { Statement: Record<string, unknown>[] };
    expect(policy.Statement).toEqual([
      {
        Sid: 'AlertsTopicOnly',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: DLQ,
        Condition: { ArnEquals: { 'aws:SourceArn': TOPIC } },
      },
    ]);
    expect(queue.Attributes!.MessageRetentionPeriod).toBe('1209600');
    expect(planned.drift).toBe(true);
    expect(planned.changes.map((c) => `${c.account} ${c.kind} ${c.name}: ${c.reason}`)).toEqual([
      `${CENTRAL} sns-topic trailguard-alerts: update: subscriptionDeadLetterQueue`,
    ]);
    expect(repaired.errors).toEqual([]);
    expect(await redrive()).toEqual({ deadLetterTargetArn: DLQ });
    expect((await run(world, 'plan', 'https://trailguard.example.com/sns')).drift).toBe(false);
  });
});

// With slack.deploy: lambda, an alert SNS could not hand to the Slack function, or that failed every Lambda async retry,
// ends in trailguard-alerts-dlq (the HTTPS path's queue): the subscription's RedrivePolicy and the function's on-failure
// destination point there, removing either is drift that apply repairs, and plan fails while the queue holds anything.
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { DeleteFunctionEventInvokeConfigCommand, GetFunctionEventInvokeConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  GetSubscriptionAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SetSubscriptionAttributesCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { describe, expect, inject, it } from 'vitest';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { validateConfig } from '#core/config.js';
import type { Mode } from '#core/pipeline.js';
import { failureMessage } from '../../src/action/report.js';
import { loadRemediatorCode, loadSlackLambdaBundle } from '../../src/action/remediator-code.js';
import { MotoWorld, testAccounts } from '../support/aws.js';

const CENTRAL = '780000000001';
const MEMBER = '780000000002';
const REGION = 'us-east-1';
const TOPIC = `arn:aws:sns:${REGION}:${CENTRAL}:trailguard-alerts`;
const DLQ = `arn:aws:sqs:${REGION}:${CENTRAL}:trailguard-alerts-dlq`;
const code = loadRemediatorCode();
const slackBundle = loadSlackLambdaBundle();
const config = validateConfig({
  version: 1,
  central: { account: CENTRAL, region: REGION },
  members: { accounts: [{ id: MEMBER }], regions: [REGION] },
  slack: {
    channel: 'C0123456789',
    deploy: 'lambda',
    secrets: { botToken: 'ssm:/trailguard/slack/bot-token', signingSecret: 'ssm:/trailguard/slack/signing-secret' },
  },
  sweep: { schedule: null },
});

function run(world: MotoWorld, mode: Mode) {
  const accounts = testAccounts(world, REGION);
  return runPipeline({ config, mode, accounts, code, slackBundle, sleep: async () => undefined });
}

const brief = (report: Awaited<ReturnType<typeof run>>) => report.changes.map((c) => `${c.kind} ${c.name}: ${c.reason}`);

describe('slack.deploy: lambda keeps every alert the Slack function did not take', () => {
  it('apply gives the subscription a RedrivePolicy and the function an on-failure destination, both trailguard-alerts-dlq; removing either is drift that apply repairs; a parked alert fails plan', async () => {
    const world = new MotoWorld(inject('motoEndpoint'));
    const sns = await world.memberClient(SNSClient, CENTRAL, REGION);
    const sqs = await world.memberClient(SQSClient, CENTRAL, REGION);
    const lambda = await world.memberClient(LambdaClient, CENTRAL, REGION);
    const iam = await world.memberClient(IAMClient, CENTRAL, REGION);
    const subscriptionArn = async () =>
      (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }))).Subscriptions!.find((s) => s.Protocol === 'lambda')!
        .SubscriptionArn!;
    const redrive = async () => {
      const out = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: await subscriptionArn() }));
      return out.Attributes?.RedrivePolicy ? (JSON.parse(out.Attributes.RedrivePolicy) as unknown) : null;
    };
    const onFailure = async () =>
      (await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: 'trailguard-slack' }))).DestinationConfig?.OnFailure
        ?.Destination;

    // Act 1: apply from nothing.
    const created = await run(world, 'apply');

    expect(created.errors).toEqual([]);
    expect(created.drift).toBe(false);
    expect(await redrive()).toEqual({ deadLetterTargetArn: DLQ });
    expect(await onFailure()).toBe(DLQ);
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'trailguard-alerts-dlq' }));
    const queue = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['Policy', 'MessageRetentionPeriod'] }));
    expect(queue.Attributes!.MessageRetentionPeriod).toBe('1209600');
    // SNS may send there for the alerts topic only; the function sends with its own role (same account).
    expect(JSON.parse(queue.Attributes!.Policy!)).toMatchObject({
      Statement: [{ Principal: { Service: 'sns.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': TOPIC } } }],
    });
    const rolePolicy = JSON.parse(
      decodeURIComponent(
        (await iam.send(new GetRolePolicyCommand({ RoleName: 'trailguard-slack', PolicyName: 'trailguard-slack' }))).PolicyDocument!,
      ),
    ) as { Statement: { Action: unknown; Resource: unknown }[] };
    // Only SendMessage, only on that queue.
    expect(rolePolicy.Statement.filter((s) => [s.Resource].flat().includes(DLQ)).map((s) => s.Action)).toEqual(['sqs:SendMessage']);

    // Act 2: someone drops the redrive policy and the on-failure destination.
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn: await subscriptionArn(),
        AttributeName: 'RedrivePolicy',
        AttributeValue: '',
      }),
    );
    await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: 'trailguard-slack' }));
    const planned = await run(world, 'plan');
    const repaired = await run(world, 'apply');

    expect(brief(planned).sort()).toEqual([
      'lambda-function trailguard-slack: update: onFailure',
      'sns-subscription trailguard-slack: update: deadLetterQueue',
    ]);
    expect(planned.drift).toBe(true);
    expect(repaired.errors).toEqual([]);
    expect(await redrive()).toEqual({ deadLetterTargetArn: DLQ });
    expect(await onFailure()).toBe(DLQ);
    expect(brief(await run(world, 'plan'))).toEqual([]);

    // Act 3: an alert the function never took waits in the queue.
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ Type: 'Notification', Message: '{}' }) }));
    const parked = await run(world, 'plan');

    expect(failureMessage(parked) ?? 'plan passed').toMatch(/1 message in trailguard-alerts-dlq/);
  });
});

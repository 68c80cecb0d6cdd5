// The deployed Slack app's delivery paths: what makes them deliver nothing must be drift or a failed apply, never ok.
import { GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { StateReader } from '#core/aws/readers.js';
import { applyChange } from '#core/aws/writers.js';
import { validateConfig } from '#core/config.js';
import { desiredState } from '#core/desired-state.js';
import { kindSpec } from '#core/kinds/index.js';
import { planChanges } from '#core/plan.js';

const sts = mockClient(STSClient);
const sns = mockClient(SNSClient);
const lambda = mockClient(LambdaClient);
afterAll(() => {
  sts.restore();
  sns.restore();
  lambda.restore();
});
const CENTRAL = '111111111111';
const MEMBER = '222222222222';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
const FUNCTION = `arn:aws:lambda:us-east-1:${CENTRAL}:function:trailguard-slack`;

const slack = { channel: 'C0123456789', deploy: 'lambda', secrets: { botToken: 'ssm:/tg/bot', signingSecret: 'ssm:/tg/signing' } };
function desired(extra: object = {}) {
  const config = validateConfig({
    version: 1,
    central: { account: CENTRAL, region: 'us-east-1' },
    members: { accounts: [{ id: MEMBER }] },
    slack,
    ...extra,
  });
  return desiredState(config, { members: [MEMBER], codeSha256: 'abc', slackCodeSha256: 'def' });
}
const accounts = () =>
  new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 't',
    credentials: { accessKeyId: 'a', secretAccessKey: 's' },
  });

beforeEach(() => {
  sts.reset();
  sns.reset();
  lambda.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: CENTRAL });
});

describe('the Slack function’s subscription to the alerts topic', () => {
  it('a Lambda subscription pending confirmation is drift (it delivers nothing), not ok', async () => {
    const subscription = desired().find((r) => r.kind === 'sns-subscription')!;
    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [{ TopicArn: TOPIC, Protocol: 'lambda', Endpoint: FUNCTION, SubscriptionArn: 'PendingConfirmation', Owner: CENTRAL }],
    });

    const observed = await new StateReader(accounts(), 'us-east-1').read(subscription);
    const changes = planChanges([subscription], new Map([[subscription.key, observed]]));

    expect(changes).toEqual([expect.objectContaining({ action: 'update', fields: ['confirmed'] })]);
  });

  it('a subscription of the topic to another function is not the Slack app’s: its own is missing (create)', async () => {
    const subscription = desired().find((r) => r.kind === 'sns-subscription')!;
    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [{ TopicArn: TOPIC, Protocol: 'lambda', Endpoint: `${FUNCTION}-evil`, SubscriptionArn: `${TOPIC}:1`, Owner: CENTRAL }],
    });

    const observed = await new StateReader(accounts(), 'us-east-1').read(subscription);

    expect(planChanges([subscription], new Map([[subscription.key, observed]]))).toEqual([expect.objectContaining({ action: 'create' })]);
  });
});

describe('apply waits for an HTTPS endpoint to confirm its subscription', () => {
  const topicChange = () => {
    const topic = desired({ slack: undefined, alerts: { endpoint: 'https://trailguard.example.com/sns' } }).find(
      (r) => r.kind === 'sns-topic',
    )!;
    return {
      topic,
      change: { key: topic.key, account: CENTRAL, region: 'us-east-1', kind: 'sns-topic' as const, name: topic.name },
    };
  };

  it('fails naming the endpoint when it never confirms, instead of leaving a subscription that delivers nothing', async () => {
    const { topic, change } = topicChange();
    sns.on(CreateTopicCommand).resolves({ TopicArn: TOPIC });
    sns.on(SubscribeCommand).resolves({ SubscriptionArn: `${TOPIC}:abc` });
    sns.on(GetSubscriptionAttributesCommand).resolves({ Attributes: { PendingConfirmation: 'true' } });
    let pauses = 0;

    const outcome = applyChange(
      { ...change, action: 'update', reason: 'update: httpsSubscription', fields: ['httpsSubscription'] },
      topic,
      { exists: true, managed: true, fields: {} },
      { accounts: accounts(), homeRegion: 'us-east-1', code: Buffer.from(''), sleep: async () => void (pauses += 1) },
    );

    await expect(outcome).rejects.toThrow(/trailguard\.example\.com\/sns did not confirm its subscription .* within 60 s/);
    expect(pauses).toBe(19);
  });

  it('returns once the endpoint has confirmed', async () => {
    const { topic, change } = topicChange();
    sns.on(CreateTopicCommand).resolves({ TopicArn: TOPIC });
    // A new topic's policy, into which apply merges the statement letting the watchdog alarms publish.
    sns.on(GetTopicAttributesCommand).resolves({ Attributes: { TopicArn: TOPIC } });
    sns.on(SubscribeCommand).resolves({ SubscriptionArn: `${TOPIC}:abc` });
    sns
      .on(GetSubscriptionAttributesCommand)
      .resolvesOnce({ Attributes: { PendingConfirmation: 'true' } })
      .resolves({ Attributes: { PendingConfirmation: 'false' } });
    let pauses = 0;

    await applyChange(
      { ...change, action: 'create', reason: 'create', fields: [] },
      topic,
      { exists: false },
      { accounts: accounts(), homeRegion: 'us-east-1', code: Buffer.from(''), sleep: async () => void (pauses += 1) },
    );

    expect(pauses).toBe(1);
    expect(sns.commandCalls(SubscribeCommand)[0]!.args[0].input).toMatchObject({ Protocol: 'https', ReturnSubscriptionArn: true });
  });
});

describe('the Slack function’s resource policy', () => {
  it('a statement TrailGuard did not write on trailguard-slack (anyone may invoke it with forged SNS records) is a conflict', async () => {
    const resources = desired();
    const central = resources.filter((r) => r.account === CENTRAL);
    lambda.on(GetPolicyCommand, { FunctionName: 'trailguard-remediator' }).resolves({ Policy: JSON.stringify({ Statement: [] }) });
    lambda.on(GetPolicyCommand, { FunctionName: 'trailguard-slack' }).resolves({
      Policy: JSON.stringify({
        Statement: [{ Sid: 'open', Effect: 'Allow', Principal: '*', Action: 'lambda:InvokeFunction', Resource: FUNCTION }],
      }),
    });

    const foreign = await new StateReader(accounts(), 'us-east-1').foreignFunctionStatements(CENTRAL, 'us-east-1', central);
    const [conflict] = planChanges([], new Map(), foreign);

    expect(kindSpec('lambda-permission').describeConflict!(conflict!)).toMatch(
      /^statement open of the trailguard-slack function policy not written by TrailGuard .*: whoever it admits can invoke trailguard-slack/,
    );
    expect(planChanges([], new Map(), foreign)).toEqual([
      expect.objectContaining({
        kind: 'lambda-permission',
        name: 'open',
        action: 'conflict',
        reason: expect.stringContaining('trailguard-slack'),
      }),
    ]);
  });
});

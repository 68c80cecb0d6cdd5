// Reads that span pages: an answer on the second page counts as much as one on the first (recorded SDK answers).
import { CloudTrailClient, ListTrailsCommand } from '@aws-sdk/client-cloudtrail';
import {
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { listTrails, StateReader } from '#core/aws/readers.js';
import { validateConfig } from '#core/config.js';
import { desiredState, watchdogAlarmsArn } from '#core/desired-state.js';
import { alarmsPublishStatement } from '#core/kinds/sns-topic.js';
import { planChanges } from '#core/plan.js';

const CENTRAL = '111111111111';
const ENDPOINT = 'https://trailguard.example.com/sns';
const sts = mockClient(STSClient);
const sns = mockClient(SNSClient);
const cloudtrail = mockClient(CloudTrailClient);
const accounts = () =>
  new Accounts({ region: 'us-east-1', roleName: 'r', sessionName: 's', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

beforeEach(() => {
  sts.reset();
  sns.reset();
  cloudtrail.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: CENTRAL });
});

describe('the alerts topic read', () => {
  it('finds the HTTPS subscription on a later page of ListSubscriptionsByTopic, so plan shows no drift', async () => {
    const config = validateConfig({
      version: 1,
      central: { account: CENTRAL, region: 'us-east-1' },
      members: { accounts: [{ id: '222222222222' }] },
      alerts: { endpoint: ENDPOINT },
    });
    const topic = desiredState(config, { members: ['222222222222'], codeSha256: 'x' }).find((r) => r.kind === 'sns-topic')!;
    const arn = `arn:aws:sns:us-east-1:${CENTRAL}:${topic.name}`;
    // The policy apply wrote: TrailGuard's statement for its watchdog alarms, so only the subscriptions are in question.
    const Policy = JSON.stringify({ Statement: [alarmsPublishStatement(arn, watchdogAlarmsArn(config), CENTRAL)] });
    sns.on(GetTopicAttributesCommand).resolves({ Attributes: { TopicArn: arn, SignatureVersion: '2', Policy } });
    sns.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'trailguard:managed', Value: 'true' }] });
    // SNS answers 100 subscriptions a page; e-mail subscribers added by hand fill the first one.
    const emails = Array.from({ length: 100 }, (_, i) => ({
      Protocol: 'email',
      Endpoint: `oncall-${i}@example.com`,
      TopicArn: arn,
      SubscriptionArn: `${arn}:e${i}`,
    }));
    sns
      .on(ListSubscriptionsByTopicCommand, { TopicArn: arn, NextToken: undefined })
      .resolves({ Subscriptions: emails, NextToken: 'page-2' })
      .on(ListSubscriptionsByTopicCommand, { TopicArn: arn, NextToken: 'page-2' })
      .resolves({ Subscriptions: [{ Protocol: 'https', Endpoint: ENDPOINT, TopicArn: arn, SubscriptionArn: `${arn}:h` }] });
    sns.on(GetSubscriptionAttributesCommand, { SubscriptionArn: `${arn}:h` }).resolves({
      Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:${CENTRAL}:trailguard-alerts-dlq` }) },
    });

    const observed = await new StateReader(accounts(), 'us-east-1').read(topic);

    expect(observed).toMatchObject({ exists: true, fields: { httpsSubscription: ENDPOINT } });
    expect(planChanges([topic], new Map([[topic.key, observed]]), [])).toEqual([]);
  });
});

describe('listTrails', () => {
  it('lists the trails of every page of ListTrails', async () => {
    cloudtrail
      .on(ListTrailsCommand, { NextToken: undefined })
      .resolves({
        Trails: [{ Name: 'a', TrailARN: `arn:aws:cloudtrail:us-east-1:${CENTRAL}:trail/a`, HomeRegion: 'us-east-1' }],
        NextToken: 't2',
      })
      .on(ListTrailsCommand, { NextToken: 't2' })
      .resolves({ Trails: [{ Name: 'b', TrailARN: `arn:aws:cloudtrail:ap-south-1:${CENTRAL}:trail/b`, HomeRegion: 'ap-south-1' }] });

    const trails = await listTrails(accounts(), CENTRAL, 'us-east-1');

    expect(trails.map((t) => `${t.name}@${t.homeRegion}`)).toEqual(['a@us-east-1', 'b@ap-south-1']);
  });
});

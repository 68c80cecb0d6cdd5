// Issue 13: with slack.deploy: lambda, apply deploys the Slack app (function, role, store, URL, topic subscription, drain
// schedule) in the central account on moto; a second plan is clean; each tampering is drift and the next apply repairs it.
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, GetRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  DeleteFunctionUrlConfigCommand,
  GetFunctionCommand,
  GetFunctionUrlConfigCommand,
  GetPolicyCommand,
  LambdaClient,
  RemovePermissionCommand,
  UpdateFunctionConfigurationCommand,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import { GetScheduleCommand, SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import { ListSubscriptionsByTopicCommand, SetSubscriptionAttributesCommand, SNSClient, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { describe, expect, inject, it } from 'vitest';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { validateConfig } from '#core/config.js';
import type { Mode } from '#core/pipeline.js';
import { loadRemediatorCode, loadSlackLambdaBundle } from '../../src/action/remediator-code.js';
import { MotoWorld, testAccounts } from '../support/aws.js';

const CENTRAL = '710000000301';
const MEMBER = '710000000302';
const REGION = 'us-east-1';
const TOPIC = `arn:aws:sns:${REGION}:${CENTRAL}:trailguard-alerts`;
const FUNCTION = `arn:aws:lambda:${REGION}:${CENTRAL}:function:trailguard-slack`;
const code = loadRemediatorCode();
const slackBundle = loadSlackLambdaBundle();
const config = validateConfig({
  version: 1,
  central: { account: CENTRAL, region: REGION },
  members: { accounts: [{ id: MEMBER }], regions: [REGION] },
  slack: {
    channel: 'C0123456789',
    responders: ['U0123456789'],
    deploy: 'lambda',
    secrets: { botToken: 'ssm:/trailguard/slack/bot-token', signingSecret: 'secretsmanager:trailguard/slack-signing' },
  },
  sweep: { schedule: null },
});

function run(world: MotoWorld, mode: Mode) {
  const accounts = testAccounts(world, REGION);
  return runPipeline({ config, mode, accounts, code, slackBundle, sleep: async () => undefined });
}

const summary = (report: Awaited<ReturnType<typeof run>>) =>
  report.changes.filter((c) => c.account === CENTRAL).map((c) => `${c.kind} ${c.name}: ${c.reason}`);

describe('apply deploys the Slack app with slack.deploy: lambda', () => {
  it('creates every piece from nothing, plans clean, sees each tampering as drift and repairs it', async () => {
    const world = new MotoWorld(inject('motoEndpoint'));
    const lambda = await world.memberClient(LambdaClient, CENTRAL, REGION);
    const sns = await world.memberClient(SNSClient, CENTRAL, REGION);
    const scheduler = await world.memberClient(SchedulerClient, CENTRAL, REGION);
    const dynamodb = await world.memberClient(DynamoDBClient, CENTRAL, REGION);
    const iam = await world.memberClient(IAMClient, CENTRAL, REGION);
    const memberIam = await world.memberClient(IAMClient, MEMBER, REGION);
    const lambdaSubscription = async () =>
      (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC }))).Subscriptions?.find((s) => s.Protocol === 'lambda');

    // Act 1: apply from nothing.
    const created = await run(world, 'apply');

    expect(created.errors).toEqual([]);
    expect(created.drift).toBe(false);
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName: 'trailguard-slack' }));
    expect(fn.Configuration).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: `arn:aws:iam::${CENTRAL}:role/trailguard-slack`,
    });
    const environment = fn.Configuration!.Environment!.Variables!;
    expect(environment).toMatchObject({
      SLACK_BOT_TOKEN_PARAM: 'ssm:/trailguard/slack/bot-token',
      SLACK_SIGNING_SECRET_PARAM: 'secretsmanager:trailguard/slack-signing',
      TRAILGUARD_TABLE: 'trailguard-slack',
      TRAILGUARD_SLACK_CHANNEL: 'C0123456789',
      TRAILGUARD_TOPIC_ARN: TOPIC,
    });
    expect(Object.keys(environment)).not.toContain('SLACK_BOT_TOKEN');
    expect(Object.keys(environment)).not.toContain('SLACK_SIGNING_SECRET');
    const url = await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'trailguard-slack' }));
    expect(url.AuthType).toBe('NONE');
    expect(created.slackUrl).toBe(`${url.FunctionUrl!.replace(/\/$/, '')}/slack/events`);
    expect(await lambdaSubscription()).toMatchObject({ Endpoint: FUNCTION });
    const statements = (
      JSON.parse((await lambda.send(new GetPolicyCommand({ FunctionName: 'trailguard-slack' }))).Policy!) as {
        Statement: { Sid: string; Principal: unknown; Action: string }[];
      }
    ).Statement;
    expect(statements.map((s) => [s.Sid, s.Principal, s.Action]).sort()).toEqual([
      ['trailguard-slack-alerts', { Service: 'sns.amazonaws.com' }, 'lambda:InvokeFunction'],
      ['trailguard-slack-url', '*', 'lambda:InvokeFunctionUrl'],
      ['trailguard-slack-url-invoke', '*', 'lambda:InvokeFunction'],
    ]);
    const schedule = await scheduler.send(new GetScheduleCommand({ Name: 'trailguard-slack-drain' }));
    expect(schedule).toMatchObject({ ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' });
    expect(schedule.Target?.Arn).toBe(FUNCTION);
    const table = (await dynamodb.send(new DescribeTableCommand({ TableName: 'trailguard-slack' }))).Table!;
    expect(table.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(table.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual(['byParent', 'byState', 'byTime', 'byTrail']);
    const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: 'trailguard-slack' }));
    expect(ttl.TimeToLiveDescription).toMatchObject({ AttributeName: 'expiresAt', TimeToLiveStatus: 'ENABLED' });
    const policy = JSON.parse(
      decodeURIComponent(
        (await iam.send(new GetRolePolicyCommand({ RoleName: 'trailguard-slack', PolicyName: 'trailguard-slack' }))).PolicyDocument!,
      ),
    ) as { Statement: { Sid: string; Action: unknown; Resource: unknown }[] };
    expect(policy.Statement.find((s) => s.Sid === 'ReadSlackParameters')?.Resource).toEqual([
      `arn:aws:ssm:${REGION}:${CENTRAL}:parameter/trailguard/slack/bot-token`,
    ]);
    expect(policy.Statement.find((s) => s.Sid === 'ReadSlackSecrets')?.Resource).toEqual([
      `arn:aws:secretsmanager:${REGION}:${CENTRAL}:secret:trailguard/slack-signing-??????`,
    ]);
    // The members' read-only role trusts the deployed function's role (Re-check, /trail-status).
    const reader = await memberIam.send(new GetRoleCommand({ RoleName: 'TrailGuardReader' }));
    expect(decodeURIComponent(reader.Role!.AssumeRolePolicyDocument!)).toContain(`arn:aws:iam::${CENTRAL}:role/trailguard-slack`);

    // Act 2: a second plan finds nothing to do.
    const clean = await run(world, 'plan');

    expect(summary(clean)).toEqual([]);
    expect(clean.drift).toBe(false);
    expect(clean.slackUrl).toBe(created.slackUrl);

    // Act 3: an attacker shuts Slack out (IAM auth on the URL), points the secrets elsewhere, widens the role, stops the
    // drain, filters every alert out of the subscription and removes the topic's right to invoke the function.
    await lambda.send(new UpdateFunctionUrlConfigCommand({ FunctionName: 'trailguard-slack', AuthType: 'AWS_IAM' }));
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'trailguard-slack',
        Environment: { Variables: { ...environment, SLACK_BOT_TOKEN_PARAM: 'ssm:/attacker/token' } },
      }),
    );
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: 'trailguard-slack',
        PolicyName: 'trailguard-slack',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }),
      }),
    );
    await scheduler.send(
      new UpdateScheduleCommand({
        Name: 'trailguard-slack-drain',
        ScheduleExpression: 'rate(1 minute)',
        State: 'DISABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: schedule.Target!,
      }),
    );
    await sns.send(
      new SetSubscriptionAttributesCommand({
        SubscriptionArn: (await lambdaSubscription())!.SubscriptionArn!,
        AttributeName: 'FilterPolicy',
        AttributeValue: JSON.stringify({ outcome: ['never'] }),
      }),
    );
    await lambda.send(new RemovePermissionCommand({ FunctionName: 'trailguard-slack', StatementId: 'trailguard-slack-alerts' }));

    const tampered = await run(world, 'plan');

    expect(tampered.drift).toBe(true);
    expect(summary(tampered).sort()).toEqual([
      'iam-role trailguard-slack: update: inline policy trailguard-slack',
      'lambda-function trailguard-slack: update: environment',
      'lambda-permission trailguard-slack-alerts: create',
      'lambda-url trailguard-slack: update: authType',
      'scheduler-schedule trailguard-slack-drain: update: state',
      'sns-subscription trailguard-slack: update: filterPolicy',
    ]);
    // The plan names the changed variable, never a value.
    const envDiff = tampered.changes.find((c) => c.kind === 'lambda-function' && c.name === 'trailguard-slack')!.diff!;
    expect(JSON.stringify(envDiff)).not.toContain('attacker');

    const repaired = await run(world, 'apply');

    expect(repaired.errors).toEqual([]);
    expect(repaired.drift).toBe(false);
    expect((await lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: 'trailguard-slack' }))).AuthType).toBe('NONE');
    expect((await scheduler.send(new GetScheduleCommand({ Name: 'trailguard-slack-drain' }))).State).toBe('ENABLED');
    expect(summary(await run(world, 'plan'))).toEqual([]);

    // Act 4: the function URL and the subscription deleted: Slack and the alerts no longer reach the app.
    await lambda.send(new DeleteFunctionUrlConfigCommand({ FunctionName: 'trailguard-slack' }));
    await sns.send(new UnsubscribeCommand({ SubscriptionArn: (await lambdaSubscription())!.SubscriptionArn! }));

    const deleted = await run(world, 'plan');

    expect(deleted.drift).toBe(true);
    expect(summary(deleted).sort()).toEqual(['lambda-url trailguard-slack: create', 'sns-subscription trailguard-slack: create']);
    expect(deleted.slackUrl).toBeUndefined();

    const recreated = await run(world, 'apply');

    expect(recreated.errors).toEqual([]);
    expect(await lambdaSubscription()).toMatchObject({ Endpoint: FUNCTION });
    expect(recreated.slackUrl).toMatch(/^https:\/\/.+\/slack\/events$/);
    expect(summary(await run(world, 'plan'))).toEqual([]);
  }, 120_000);
});

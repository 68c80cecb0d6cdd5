// Review r2: ways to hand TrailGuard forged input that the plan never looks at.
import { GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, ListTagsForResourceCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { StateReader } from '#core/aws/readers.js';
import { validateConfig } from '#core/config.js';
import { desiredState, type Resource, watchdogAlarmsArn } from '#core/desired-state.js';
import { alarmsPublishStatement } from '#core/kinds/sns-topic.js';
import { planChanges } from '#core/plan.js';

const sts = mockClient(STSClient);
const lambda = mockClient(LambdaClient);
const sns = mockClient(SNSClient);
const CENTRAL = '521111111111';
const MEMBER = '522222222222';

function setup() {
  sts.on(GetCallerIdentityCommand).resolves({ Account: CENTRAL });
  const config = validateConfig({
    version: 1,
    central: { account: CENTRAL, region: 'us-east-1' },
    members: { accounts: [{ id: MEMBER }], regions: ['us-east-1'] },
  });
  const desired = desiredState(config, { members: [MEMBER], codeSha256: 'abc' });
  // The statement apply merges into the topic policy so the watchdog alarms can publish: TrailGuard's own, never foreign.
  const alarmsStatement = alarmsPublishStatement(`arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`, watchdogAlarmsArn(config), CENTRAL);
  const accounts = new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 't',
    credentials: { accessKeyId: 'a', secretAccessKey: 's' },
  });
  return { desired, reader: new StateReader(accounts, 'us-east-1'), alarmsStatement };
}

beforeEach(() => {
  sts.reset();
  lambda.reset();
  sns.reset();
});

describe('review: the remediator function policy', () => {
  // An extra statement in the remediator's resource policy lets anyone (here every AWS principal) invoke it with a
  // hand-made CloudTrail record: forged alerts in Slack, AssumeRole into every member, StartLogging/UpdateTrail calls.
  // The reader looks only at TrailGuard's two Sids, so the plan is green.
  // Fixed: as for the bus policy, every statement of the function policy whose Sid is not TrailGuard's is a conflict
  // (plan and apply fail), naming its principal.
  it('a foreign statement letting everyone invoke trailguard-remediator is reported', async () => {
    const { desired, reader } = setup();
    const permissions = desired.filter((r): r is Extract<Resource, { kind: 'lambda-permission' }> => r.kind === 'lambda-permission');
    const statement = (sid: string, sourceArn: string) => ({
      Sid: sid,
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'lambda:InvokeFunction',
      Resource: `arn:aws:lambda:us-east-1:${CENTRAL}:function:trailguard-remediator`,
      Condition: { ArnLike: { 'AWS:SourceArn': sourceArn } },
    });
    lambda.on(GetPolicyCommand).resolves({
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          ...permissions.map((p) => statement(p.name, p.sourceArn!)),
          {
            Sid: 'debug',
            Effect: 'Allow',
            Principal: '*',
            Action: 'lambda:InvokeFunction',
            Resource: `arn:aws:lambda:us-east-1:${CENTRAL}:function:trailguard-remediator`,
          },
        ],
      }),
    });

    const observed = new Map(await Promise.all(permissions.map(async (p) => [p.key, await reader.read(p)] as const)));
    const foreign = await reader.foreignFunctionStatements(CENTRAL, 'us-east-1', desired);
    const changes = planChanges(permissions, observed, foreign);

    expect(changes).toEqual([expect.objectContaining({ kind: 'lambda-permission', name: 'debug', action: 'conflict' })]);
  });
});

describe('review: the alerts topic policy', () => {
  // `sns:Publish` for everyone on trailguard-alerts: anyone can post SNS-signed, correctly-topic'd alerts that the Slack
  // app verifies and shows ("restarted", "allowed" ...), or drown the channel. The reader never reads the topic policy.
  // Fixed: the reader reads `Policy` from GetTopicAttributes (already called) and reports as drift (`update:
  // publishers`) any Allow of sns:Publish (or sns:* / *) to a principal outside the central account without an
  // AWS:SourceOwner/SourceAccount condition naming it. Apply does not rewrite the policy: the drift stays and fails it.
  // Since: such a statement (any action, for anyone outside the account) is a conflict naming its Sid, as a foreign
  // statement on the bus or a function policy is (src/core/aws/kinds/sns-topic.ts `foreignTopicAccess`).
  it('a topic policy letting everyone publish to trailguard-alerts is a conflict', async () => {
    const { desired, reader, alarmsStatement } = setup();
    const topic = desired.find((r) => r.kind === 'sns-topic')!;
    const arn = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
    sns.on(GetTopicAttributesCommand).resolves({
      Attributes: {
        TopicArn: arn,
        SignatureVersion: '2',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [alarmsStatement, { Sid: 'open', Effect: 'Allow', Principal: { AWS: '*' }, Action: 'SNS:Publish', Resource: arn }],
        }),
      },
    });
    sns.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'trailguard:managed', Value: 'true' }] });
    sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [] });

    const changes = planChanges(
      [topic],
      new Map([[topic.key, await reader.read(topic)]]),
      await reader.foreignTopicAccess(CENTRAL, 'us-east-1', desired),
    );

    expect(changes).toEqual([expect.objectContaining({ action: 'conflict', kind: 'sns-topic', name: 'open' })]);
  });

  it('SNS’s default topic policy (owner-only, by AWS:SourceOwner) beside TrailGuard’s alarms statement is neither drift nor foreign (control)', async () => {
    const { desired, reader, alarmsStatement } = setup();
    const topic = desired.find((r) => r.kind === 'sns-topic')!;
    const arn = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
    const defaultPolicy = {
      Version: '2008-10-17',
      Id: '__default_policy_ID',
      Statement: [
        {
          Sid: '__default_statement_ID',
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: [
            'SNS:GetTopicAttributes',
            'SNS:SetTopicAttributes',
            'SNS:AddPermission',
            'SNS:RemovePermission',
            'SNS:DeleteTopic',
            'SNS:Subscribe',
            'SNS:ListSubscriptionsByTopic',
            'SNS:Publish',
          ],
          Resource: arn,
          Condition: { StringEquals: { 'AWS:SourceOwner': CENTRAL } },
        },
        alarmsStatement,
      ],
    };
    sns
      .on(GetTopicAttributesCommand)
      .resolves({ Attributes: { TopicArn: arn, SignatureVersion: '2', Policy: JSON.stringify(defaultPolicy) } });
    sns.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'trailguard:managed', Value: 'true' }] });
    sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [] });

    expect(
      planChanges(
        [topic],
        new Map([[topic.key, await reader.read(topic)]]),
        await reader.foreignTopicAccess(CENTRAL, 'us-east-1', desired),
      ),
    ).toEqual([]);
  });
});

describe('review: the alerts subscription', () => {
  // With `alerts.endpoint` set, the plan checks that an https subscription to it exists, but a subscription still
  // `PendingConfirmation` delivers nothing (the Slack app refused to confirm it, or an attacker unsubscribed and
  // re-subscribed the endpoint). The plan reads it as in place.
  // Fixed (issue 13): the reader reports a pending subscription as `<endpoint> (pending confirmation)`, drift on
  // httpsSubscription; apply re-subscribes and waits up to 60 s for the endpoint to confirm, failing with "did not
  // confirm" otherwise (test/unit/slack-deploy-drift.test.ts), so a first apply is not failed by a slow confirmation.
  it('an https subscription pending confirmation is drift, not ok', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: CENTRAL });
    const config = validateConfig({
      version: 1,
      central: { account: CENTRAL, region: 'us-east-1' },
      members: { accounts: [{ id: MEMBER }], regions: ['us-east-1'] },
      alerts: { endpoint: 'https://trailguard.example.com/sns' },
    });
    const topic = desiredState(config, { members: [MEMBER], codeSha256: 'abc' }).find((r) => r.kind === 'sns-topic')!;
    const arn = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
    const Policy = JSON.stringify({ Statement: [alarmsPublishStatement(arn, watchdogAlarmsArn(config), CENTRAL)] });
    sns.on(GetTopicAttributesCommand).resolves({ Attributes: { TopicArn: arn, SignatureVersion: '2', Policy } });
    sns.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'trailguard:managed', Value: 'true' }] });
    sns.on(ListSubscriptionsByTopicCommand).resolves({
      Subscriptions: [
        {
          TopicArn: arn,
          Protocol: 'https',
          Endpoint: 'https://trailguard.example.com/sns',
          SubscriptionArn: 'PendingConfirmation',
          Owner: CENTRAL,
        },
      ],
    });
    const accounts = new Accounts({
      region: 'us-east-1',
      roleName: 'OrganizationAccountAccessRole',
      sessionName: 't',
      credentials: { accessKeyId: 'a', secretAccessKey: 's' },
    });

    const changes = planChanges([topic], new Map([[topic.key, await new StateReader(accounts, 'us-east-1').read(topic)]]));

    expect(changes).toEqual([expect.objectContaining({ action: 'update', fields: ['httpsSubscription'] })]);
  });
});

// The watchdog alarms publish to trailguard-alerts only if the topic policy lets CloudWatch do so: TrailGuard's own
// statement TrailGuardCloudWatchAlarms (pinned to the central account and to the trailguard-* alarms) is written by
// apply, is not reported as a foreign grant, and removing or widening it is drift that apply repairs while leaving every
// statement it does not own in place. Moto over HTTP with the real SDK; accounts 8400000000xx only.
import { AddPermissionCommand, GetTopicAttributesCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, inject, it } from 'vitest';
import { foreignTopicAccess } from '#core/aws/kinds/sns-topic.js';
import { StateReader } from '#core/aws/readers.js';
import { applyChange } from '#core/aws/writers.js';
import type { SnsTopicResource } from '#core/kinds/sns-topic.js';
import { planChanges } from '#core/plan.js';
import { MotoWorld, testAccounts } from '../support/aws.js';
import type { Accounts } from '#core/aws/accounts.js';

const REGION = 'us-east-1';
const CENTRAL = '840000000010';
const OUTSIDER = '840000000099';
const TOPIC_ARN = `arn:aws:sns:${REGION}:${CENTRAL}:trailguard-alerts`;
const ALARMS = `arn:aws:cloudwatch:${REGION}:${CENTRAL}:alarm:trailguard-*`;

const topic: SnsTopicResource = {
  key: `${CENTRAL}/${REGION}/sns-topic/trailguard-alerts`,
  account: CENTRAL,
  region: REGION,
  name: 'trailguard-alerts',
  kind: 'sns-topic',
  httpsEndpoint: null,
  signatureVersion: '2',
  deadLetterQueueArn: null,
  knownSubscriptions: [],
  cloudWatchAlarmsArn: ALARMS,
};

function accountsFor(world: MotoWorld): Accounts {
  return testAccounts(world, REGION);
}

/** What plan says about the topic: its changes and its foreign grants, as a run reads them. */
async function plan(accounts: Accounts) {
  const observed = await new StateReader(accounts, REGION).read(topic);
  const changes = planChanges([topic], new Map([[topic.key, observed]]));
  const foreign = await foreignTopicAccess(topic, { accounts, account: CENTRAL, region: REGION });
  return { observed, changes, foreign };
}

async function apply(accounts: Accounts) {
  const { observed, changes } = await plan(accounts);
  for (const change of changes)
    await applyChange(change, topic, observed, { accounts, homeRegion: REGION, code: Buffer.from('zip'), sleep: async () => undefined });
}

const statements = async (sns: SNSClient) => {
  const out = await sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC_ARN }));
  return (JSON.parse(out.Attributes!.Policy!) as { Statement: Record<string, unknown>[] }).Statement;
};
const setStatements = (sns: SNSClient, Statement: unknown[]) =>
  sns.send(
    new SetTopicAttributesCommand({
      TopicArn: TOPIC_ARN,
      AttributeName: 'Policy',
      AttributeValue: JSON.stringify({ Version: '2012-10-17', Statement }),
    }),
  );

describe("the alerts topic lets TrailGuard's alarms publish, and only them", () => {
  it('apply writes the statement, plan is clean and calls it no foreign grant; removed or widened, it is drift apply repairs, keeping the rest', async () => {
    const world = new MotoWorld(inject('motoEndpoint'));
    const accounts = accountsFor(world);
    const sns = await world.memberClient(SNSClient, CENTRAL, REGION);

    // Create.
    await apply(accounts);
    const created = await statements(sns);
    const own = created.find((s) => s.Sid === 'TrailGuardCloudWatchAlarms');
    expect(own).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: TOPIC_ARN,
      Condition: { ArnLike: { 'aws:SourceArn': ALARMS }, StringEquals: { 'aws:SourceAccount': CENTRAL } },
    });
    // SNS's default statement is kept beside it.
    expect(created.length).toBeGreaterThan(1);
    const clean = await plan(accounts);
    expect(clean.changes).toEqual([]);
    expect(clean.foreign).toEqual([]);

    // Someone removes TrailGuard's statement (the alarms go silent) and adds a grant for another account.
    await setStatements(
      sns,
      created.filter((s) => s.Sid !== 'TrailGuardCloudWatchAlarms'),
    );
    await sns.send(new AddPermissionCommand({ TopicArn: TOPIC_ARN, Label: 'share', AWSAccountId: [OUTSIDER], ActionName: ['Publish'] }));
    const removed = await plan(accounts);
    expect(removed.changes.map((c) => ({ action: c.action, fields: c.fields }))).toEqual([
      { action: 'update', fields: ['cloudWatchAlarmsPublish'] },
    ]);
    expect(removed.foreign.map((f) => f.name)).toEqual(['share']);

    await apply(accounts);
    const repaired = await statements(sns);
    expect(repaired.map((s) => s.Sid)).toEqual(expect.arrayContaining(['TrailGuardCloudWatchAlarms', 'share']));
    expect((await plan(accounts)).changes).toEqual([]);

    // Someone widens it: any account's alarms (no aws:SourceAccount) may now publish forged alarms.
    await setStatements(
      sns,
      repaired.map((s) =>
        s.Sid === 'TrailGuardCloudWatchAlarms' ? { ...s, Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:cloudwatch:*' } } } : s,
      ),
    );
    const widened = await plan(accounts);
    expect(widened.changes.map((c) => c.fields)).toEqual([['cloudWatchAlarmsPublish']]);
    expect(widened.foreign.map((f) => f.name).sort()).toEqual(['TrailGuardCloudWatchAlarms', 'share']);

    await apply(accounts);
    const after = await plan(accounts);
    expect(after.changes).toEqual([]);
    expect(after.foreign.map((f) => f.name)).toEqual(['share']);
  });
});

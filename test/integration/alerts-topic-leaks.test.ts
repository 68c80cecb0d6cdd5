// Alerts name actors, accounts and resources: reconnaissance for an attacker. A subscription of trailguard-alerts that
// TrailGuard did not configure, or a topic-policy statement letting another account subscribe or publish, is a conflict
// that fails plan and apply (never deleted, never hidden), with and without Slack, in both slack.deploy modes.
import { AddPermissionCommand, ListSubscriptionsByTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { describe, expect, inject, it } from 'vitest';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { validateConfig } from '#core/config.js';
import type { Mode } from '#core/pipeline.js';
import { failureMessage } from '../../src/action/report.js';
import { loadRemediatorCode, loadSlackLambdaBundle } from '../../src/action/remediator-code.js';
import { MotoWorld, testAccounts } from '../support/aws.js';

const REGION = 'us-east-1';
const OUTSIDER = '780000000099';
const code = loadRemediatorCode();
const slackBundle = loadSlackLambdaBundle();
const lambdaSlack = {
  channel: 'C0123456789',
  deploy: 'lambda',
  secrets: { botToken: 'ssm:/trailguard/slack/bot-token', signingSecret: 'ssm:/trailguard/slack/signing-secret' },
};

/** Each mode in its own central account (moto keeps state per account). */
const MODES = [
  { label: 'without Slack', central: '780000000011', extra: {} },
  {
    label: 'slack.deploy: server with alerts.endpoint',
    central: '780000000021',
    extra: { alerts: { endpoint: 'https://trailguard.example.com/sns' }, slack: { channel: 'C0123456789' } },
  },
  { label: 'slack.deploy: lambda', central: '780000000031', extra: { slack: lambdaSlack } },
] as const;

function run(world: MotoWorld, mode: Mode, central: string, extra: object) {
  const accounts = testAccounts(world, REGION);
  const config = validateConfig({
    version: 1,
    central: { account: central, region: REGION },
    members: { accounts: [{ id: `${central.slice(0, -1)}2` }], regions: [REGION] },
    sweep: { schedule: null },
    ...extra,
  });
  return runPipeline({ config, mode, accounts, code, slackBundle, sleep: async () => undefined });
}

describe('a subscription or topic-policy statement TrailGuard did not configure leaks alerts: a conflict', () => {
  for (const { label, central, extra } of MODES) {
    it(`every foreign subscription and cross-account grant fails plan and apply, named without secrets, and is left in place (${label})`, async () => {
      const world = new MotoWorld(inject('motoEndpoint'));
      const sns = await world.memberClient(SNSClient, central, REGION);
      const TopicArn = `arn:aws:sns:${REGION}:${central}:trailguard-alerts`;
      const created = await run(world, 'apply', central, extra);
      expect(created.errors).toEqual([]);
      expect(failureMessage(await run(world, 'plan', central, extra))).toBeNull();

      // Act: someone's webhook (credentials, a token and, as Slack's webhooks do, a secret path in the URL), a mailbox, another account's queue and function,
      // and a topic-policy grant letting another account subscribe.
      const leaks = [
        { Protocol: 'https', Endpoint: 'https://collector:hunter2@collector.example.net/services/T0/B0/pathS3cret?token=s3cr3t' },
        { Protocol: 'email', Endpoint: 'recon@example.net' },
        { Protocol: 'sqs', Endpoint: `arn:aws:sqs:${REGION}:${OUTSIDER}:exfil` },
        { Protocol: 'lambda', Endpoint: `arn:aws:lambda:${REGION}:${OUTSIDER}:function:exfil` },
      ];
      for (const leak of leaks) await sns.send(new SubscribeCommand({ TopicArn, ...leak }));
      await sns.send(new AddPermissionCommand({ TopicArn, Label: 'share-alerts', AWSAccountId: [OUTSIDER], ActionName: ['Subscribe'] }));
      const planned = await run(world, 'plan', central, extra);
      const applied = await run(world, 'apply', central, extra);

      expect(planned.conflicts.map((c) => `${c.kind} ${c.name}`).sort()).toEqual(
        [
          'sns-subscription email recon@example.net',
          'sns-subscription https https://***@collector.example.net/***?***',
          `sns-subscription lambda arn:aws:lambda:${REGION}:${OUTSIDER}:function:exfil`,
          `sns-subscription sqs arn:aws:sqs:${REGION}:${OUTSIDER}:exfil`,
          'sns-topic share-alerts',
        ].sort(),
      );
      const message = failureMessage(planned) ?? 'plan passed';
      expect(message).toContain(
        `${central} ${REGION}: subscription https https://***@collector.example.net/***?*** of trailguard-alerts not configured by TrailGuard`,
      );
      expect(message).toMatch(/statement share-alerts of the trailguard-alerts topic policy not written by TrailGuard .*780000000099/);
      expect(message).not.toMatch(/hunter2|s3cr3t|pathS3cret|collector:/);
      // Never deleted: apply fails on them too, and they are still there.
      expect(applied.conflicts).toHaveLength(5);
      expect(failureMessage(applied)).not.toBeNull();
      const endpoints = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn }))).Subscriptions!.map((s) => s.Endpoint);
      expect(endpoints).toEqual(expect.arrayContaining(leaks.map((l) => l.Endpoint)));
    });
  }

  it('a subscription the config lists in alerts.acceptedSubscriptions is not reported (control)', async () => {
    const world = new MotoWorld(inject('motoEndpoint'));
    const central = '780000000041';
    const mailbox = { protocol: 'email', endpoint: 'oncall@example.com' };
    const sns = await world.memberClient(SNSClient, central, REGION);
    const extra = { alerts: { acceptedSubscriptions: [mailbox] } };
    expect((await run(world, 'apply', central, extra)).errors).toEqual([]);
    await sns.send(
      new SubscribeCommand({
        TopicArn: `arn:aws:sns:${REGION}:${central}:trailguard-alerts`,
        Protocol: 'email',
        Endpoint: mailbox.endpoint,
      }),
    );

    const planned = await run(world, 'plan', central, extra);

    expect(planned.conflicts).toEqual([]);
    expect(failureMessage(planned)).toBeNull();
  });
});

// Review rv1: the Slack app's HTTPS subscription (slack.deploy: server, alerts.endpoint) next to another HTTPS one.
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { describe, expect, inject, it } from 'vitest';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { validateConfig } from '#core/config.js';
import type { Mode } from '#core/pipeline.js';
import { MotoWorld, testAccounts } from '../support/aws.js';

const CENTRAL = '790000000701';
const MEMBER = '790000000702';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
const ENDPOINT = 'https://trailguard.example.com/sns';
const code = loadRemediatorCode();

function run(world: MotoWorld, mode: Mode, endpoint: string | null) {
  const accounts = testAccounts(world, 'us-east-1');
  const config = validateConfig({
    version: 1,
    central: { account: CENTRAL, region: 'us-east-1' },
    members: { accounts: [{ id: MEMBER }], regions: ['us-east-1'] },
    // The pager below is a subscription the team made and accepts (without it, it is a conflict: see alerts-topic-leaks).
    alerts: { endpoint, acceptedSubscriptions: [{ protocol: 'https', endpoint: PAGER }] },
  });
  return runPipeline({ config, mode, accounts, code, sleep: async () => undefined });
}

const PAGER = 'https://events.pager.example.net/integration/x';

describe('review rv1: the alerts topic with an HTTPS subscription of someone else', () => {
  // The on-call team subscribes its paging service's HTTPS webhook to trailguard-alerts (the README invites hand-added
  // subscriptions). The topic's reader took the FIRST https subscription as TrailGuard's: plan then reports
  // `httpsSubscription` drift on every run and apply's Subscribe (of the app's endpoint, which exists) never clears it,
  // so plan fails forever and the operator learns to ignore the one field that says the app's subscription is pending
  // or gone; its pending and dead-letter state was read from the pager's subscription. Without alerts.endpoint, the
  // same webhook was drift too. Fixed: the reader picks the subscription whose endpoint is alerts.endpoint (and the
  // pager, listed in alerts.acceptedSubscriptions, is neither drift nor a conflict).
  it('apply converges and plan is clean with a hand-added HTTPS subscription listed before the app’s', async () => {
    const world = new MotoWorld(inject('motoEndpoint'));
    const sns = await world.memberClient(SNSClient, CENTRAL, 'us-east-1');
    expect((await run(world, 'apply', null)).errors).toEqual([]);
    await sns.send(new SubscribeCommand({ TopicArn: TOPIC, Protocol: 'https', Endpoint: PAGER }));

    const subscribed = await run(world, 'apply', ENDPOINT);
    const planned = await run(world, 'plan', ENDPOINT);

    expect(subscribed.errors).toEqual([]);
    expect(planned.changes.map((c) => `${c.kind} ${c.name}: ${c.reason}`)).toEqual([]);
    expect(planned.drift).toBe(false);
  });

  it('without alerts.endpoint, a hand-added HTTPS webhook is not drift', async () => {
    const world = new MotoWorld(inject('motoEndpoint'));
    const sns = await world.memberClient(SNSClient, '790000000703', 'us-east-1');
    const run3 = (mode: Mode) => {
      const accounts = testAccounts(world, 'us-east-1');
      const config = validateConfig({
        version: 1,
        central: { account: '790000000703', region: 'us-east-1' },
        members: { accounts: [{ id: '790000000704' }], regions: ['us-east-1'] },
      });
      return runPipeline({ config, mode, accounts, code, sleep: async () => undefined });
    };
    expect((await run3('apply')).errors).toEqual([]);
    await sns.send(
      new SubscribeCommand({
        TopicArn: 'arn:aws:sns:us-east-1:790000000703:trailguard-alerts',
        Protocol: 'https',
        Endpoint: 'https://events.pager.example.net/integration/y',
      }),
    );

    const planned = await run3('plan');

    expect(planned.changes.map((c) => `${c.kind} ${c.name}: ${c.reason}`)).toEqual([]);
  });
});

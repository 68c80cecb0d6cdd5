// Reads that span pages, on moto: SNS answers ListSubscriptionsByTopic 100 at a time, and TrailGuard's HTTPS
// subscription may come after any number of subscriptions someone added by hand.
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import pLimit from 'p-limit';
import { describe, expect, inject, it } from 'vitest';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { Accounts } from '#core/aws/accounts.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { validateConfig } from '#core/config.js';
import type { Mode } from '#core/pipeline.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../support/aws.js';

const CENTRAL = '620000000001';
const MEMBER = '620000000002';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
const ENDPOINT = 'https://trailguard.example.com/sns';
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

describe('the alerts topic with more than a page of subscriptions', () => {
  it('finds its HTTPS subscription behind 100 hand-added ones: apply converges and plan finds no drift', async () => {
    const world = new MotoWorld(inject('motoEndpoint'));
    const sns = await world.memberClient(SNSClient, CENTRAL, 'us-east-1');
    const first = await run(world, 'apply', null);
    // The on-call team subscribes its mailboxes by hand, ahead of TrailGuard's HTTPS endpoint.
    for (let i = 0; i < 100; i += 1)
      await sns.send(new SubscribeCommand({ TopicArn: TOPIC, Protocol: 'email', Endpoint: `oncall-${i}@example.com` }));

    const subscribed = await run(world, 'apply', ENDPOINT);
    const planned = await run(world, 'plan', ENDPOINT);

    expect(first.errors).toEqual([]);
    expect(subscribed.errors).toEqual([]);
    expect(subscribed.drift).toBe(false);
    expect(planned.changes.map((c) => `${c.kind} ${c.name}: ${c.reason}`)).toEqual([]);
    expect(planned.drift).toBe(false);
  });
});

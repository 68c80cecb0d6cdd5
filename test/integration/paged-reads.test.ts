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
/** The on-call mailboxes, accepted in the config: otherwise each is a subscription TrailGuard did not configure (a conflict). */
const MAILBOXES = Array.from({ length: 100 }, (_, i) => ({ protocol: 'email', endpoint: `oncall-${i}@example.com` }));

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
    alerts: { endpoint, acceptedSubscriptions: MAILBOXES },
  });
  return runPipeline({ config, mode, accounts, code, sleep: async () => undefined });
}

describe('the alerts topic with more than a page of subscriptions', () => {
  it('finds its HTTPS subscription behind 100 hand-added ones: apply converges and plan finds no drift', async () => {
    const world = new MotoWorld(inject('motoEndpoint'));
    const sns = await world.memberClient(SNSClient, CENTRAL, 'us-east-1');
    const first = await run(world, 'apply', null);
    // The on-call team subscribes its mailboxes by hand, ahead of TrailGuard's HTTPS endpoint.
    for (const mailbox of MAILBOXES)
      await sns.send(new SubscribeCommand({ TopicArn: TOPIC, Protocol: 'email', Endpoint: mailbox.endpoint }));

    const subscribed = await run(world, 'apply', ENDPOINT);
    const planned = await run(world, 'plan', ENDPOINT);

    expect(first.errors).toEqual([]);
    expect(subscribed.errors).toEqual([]);
    expect(subscribed.drift).toBe(false);
    expect(planned.changes.map((c) => `${c.kind} ${c.name}: ${c.reason}`)).toEqual([]);
    expect(planned.drift).toBe(false);
    expect(planned.conflicts).toEqual([]);
  });
  it('reports a subscription nobody accepted even when it comes after a page of accepted ones', async () => {
    const world = new MotoWorld(inject('motoEndpoint'));
    const sns = await world.memberClient(SNSClient, CENTRAL, 'us-east-1');
    await sns.send(new SubscribeCommand({ TopicArn: TOPIC, Protocol: 'email', Endpoint: 'recon@example.net' }));

    const planned = await run(world, 'plan', ENDPOINT);

    expect(planned.conflicts.map((c) => `${c.kind} ${c.name}`)).toEqual(['sns-subscription email recon@example.net']);
  });
});

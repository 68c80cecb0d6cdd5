// Review (r13): the alerts topic's HTTPS subscription (the Slack app) has a dead-letter queue, trailguard-alerts-dlq.
// An alert lands there when SNS gave up delivering it to the Slack app (the app down or answering 5xx longer than SNS
// retries): nobody was shown it. Is anyone told?
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import pLimit from 'p-limit';
import { describe, expect, inject, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { validateConfig } from '#core/config.js';
import type { Mode } from '#core/pipeline.js';
import { failureMessage } from '../../src/action/report.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../support/aws.js';

const CENTRAL = '639000000100';
const MEMBER = '639000000101';
const code = loadRemediatorCode();

function run(world: MotoWorld, mode: Mode) {
  const accounts = new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 'trailguard-review',
    credentials: CENTRAL_CREDENTIALS,
    endpoint: world.endpoint,
    limit: pLimit(4),
  });
  const config = validateConfig({
    version: 1,
    central: { account: CENTRAL, region: 'us-east-1' },
    members: { accounts: [{ id: MEMBER }], regions: ['us-east-1'] },
    alerts: { endpoint: 'https://trailguard.example.com/sns' },
  });
  return runPipeline({ config, mode, accounts, code, sleep: async () => undefined });
}

describe('review (r13): an alert SNS could not deliver to the Slack app', () => {
  // The pipeline judges the depth of trailguard-dlq only (pipeline.ts deadLetterDepths: `resource.name !== NAMES.dlq`).
  // An alert parked in trailguard-alerts-dlq (SNS gave up on the Slack app) is an alert no responder saw, yet plan,
  // status and the Action stay green: the queue only keeps it for 14 days, then it is gone.
  it('a plan after apply fails, naming trailguard-alerts-dlq, when an undelivered alert waits in it', async () => {
    const world = new MotoWorld(inject('motoEndpoint'));
    expect(failureMessage(await run(world, 'apply'))).toBeNull();
    const sqs = await world.memberClient(SQSClient, CENTRAL, 'us-east-1');
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'trailguard-alerts-dlq' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify({ Type: 'Notification', Message: '{}' }) }));

    const plan = await run(world, 'plan');

    expect(failureMessage(plan) ?? 'plan passed').toMatch(/trailguard-alerts-dlq/);
  });
});

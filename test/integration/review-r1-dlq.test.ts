// Review r1: an event the remediator could not handle (its alert could not be published, or it crashed) ends in
// trailguard-dlq after Lambda's retries. README: "the event is retried, never lost". But nothing reads that queue.
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import pLimit from 'p-limit';
import { validateConfig } from '#core/config.js';
import type { Mode } from '#core/pipeline.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { failureMessage } from '../../src/action/report.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { startAwsProxy, type AwsProxy } from '../support/aws-proxy.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../support/aws.js';

const CENTRAL = '510000000100';
const MEMBER = '510000000101';

let world: MotoWorld;
let proxy: AwsProxy;
const code = loadRemediatorCode();

function run(mode: Mode) {
  const accounts = new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 'trailguard-review',
    credentials: CENTRAL_CREDENTIALS,
    endpoint: proxy.endpoint,
    limit: pLimit(4),
  });
  const config = validateConfig({
    version: 1,
    central: { account: CENTRAL, region: 'us-east-1' },
    members: { accounts: [{ id: MEMBER, name: 'member' }], regions: ['us-east-1'] },
    trails: [{ name: 'org-audit', s3BucketName: 'central-trail-logs' }],
  });
  return runPipeline({ config, mode, accounts, code, sleep: async () => undefined });
}

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  proxy = await startAwsProxy({ target: world.endpoint });
});

afterAll(async () => proxy?.close());

describe('review r1: a tamper event parked in the dead-letter queue', () => {
  // A StopLogging whose alert could not be published (SNS outage, a topic policy or KMS key broken)
  // is retried by Lambda, then parked in trailguard-dlq: logging may be off, nobody was alerted, and
  // `trailguard plan` (and status) stay green because the queue's depth is read but never judged.
  // Suggested fix: plan/status report ApproximateNumberOfMessages(+NotVisible) > 0 on trailguard-dlq
  // (and the events queue's DLQ with delivery: queue) as a failure naming the queue; and/or a
  // CloudWatch alarm on the queue depth that publishes to a second channel.
  it('a plan after apply fails, naming trailguard-dlq, when a tamper event waits in it', async () => {
    expect(failureMessage(await run('apply'))).toBeNull();
    const sqs = await world.memberClient(SQSClient, CENTRAL, 'us-east-1');
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'trailguard-dlq' }));
    await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: JSON.stringify({
          source: 'aws.cloudtrail',
          'detail-type': 'AWS API Call via CloudTrail',
          account: MEMBER,
          region: 'us-east-1',
          detail: { eventName: 'StopLogging' },
        }),
      }),
    );

    const plan = await run('plan');

    expect(failureMessage(plan) ?? 'plan passed').toMatch(/trailguard-dlq/);
  });
});

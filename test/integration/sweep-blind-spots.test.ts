// Sweep blind spots on moto (review r11): what the worker must find with the real SDK against a real emulator, beyond
// the trails an account lists. Driven through the remediator's own sweep dependencies (createDefaultDeps).
import { CloudTrailClient, DeleteTrailCommand, GetTrailCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import pLimit from 'p-limit';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { createDefaultDeps } from '../../lambda/remediator.js';
import { sweepAccount, type SweepDeps } from '../../lambda/sweep.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { AnyAlertSchema, type Alert } from '#core/alert.js';
import { Accounts } from '#core/aws/accounts.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { validateConfig } from '#core/config.js';
import { remediatorEnvironment } from '#core/desired-state.js';
import { FOUND_MISSING_BY_SWEEP } from '#core/sweep.js';
import { CENTRAL_CREDENTIALS, MotoWorld, receiveAll } from '../support/aws.js';
import { recordingLog } from '../support/recording-log.js';

// Accounts of this file only (moto is shared and keeps state per account).
const CENTRAL = '740000000010';
const MEMBER = '740000000011';
const REGION = 'us-east-1';
const BUCKET = `audit-${MEMBER}`;
const config = validateConfig({
  version: 1,
  central: { account: CENTRAL, region: REGION },
  members: { accounts: [{ id: MEMBER }], regions: [REGION] },
  remediator: { delivery: 'queue' },
  trails: [{ name: 'audit', s3BucketName: BUCKET, isMultiRegionTrail: true, isOrganizationTrail: false }],
  sweep: { schedule: 'rate(15 minutes)' },
});

let world: MotoWorld;
let sqs: SQSClient;
let inboxUrl: string;
let sweep: SweepDeps;
let n = 0;

async function alerts(): Promise<Alert[]> {
  return (await receiveAll(sqs, inboxUrl)).map((e) => AnyAlertSchema.parse(JSON.parse(e.Message)));
}

function sweepMember() {
  n += 1;
  return sweepAccount(
    {
      trailguard: 'sweep',
      action: 'account',
      sweepId: `blind-${n}`,
      account: MEMBER,
      regions: [REGION],
      startedAt: new Date().toISOString(),
    },
    sweep,
  );
}

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  await world.createLoggingTrail(MEMBER, REGION, 'audit', BUCKET, true);
  const accounts = new Accounts({
    region: REGION,
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 'trailguard-test',
    credentials: CENTRAL_CREDENTIALS,
    endpoint: world.endpoint,
    limit: pLimit(4),
  });
  const report = await runPipeline({ config, mode: 'apply', accounts, code: loadRemediatorCode(), sleep: async () => undefined });
  expect(report.errors).toEqual([]);

  const central = await world.credentialsFor(CENTRAL);
  sqs = world.client(SQSClient, REGION, central);
  inboxUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'blind-spots-inbox' }))).QueueUrl!;
  const inboxArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: inboxUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
  const topicArn = `arn:aws:sns:${REGION}:${CENTRAL}:trailguard-alerts`;
  await world.client(SNSClient, REGION, central).send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: inboxArn }));
  const deps = createDefaultDeps({
    env: { AWS_REGION: REGION, ...remediatorEnvironment(config, [MEMBER]) },
    log: recordingLog(),
    clientOptions: { endpoint: world.endpoint, credentials: central },
  });
  sweep = await deps.sweep!();
  await sweepMember();
  await alerts();
});

describe('sweep blind spots on moto', () => {
  it('a baseline trail deleted with no event delivered is recreated by the next sweep, logging, with one alert', async () => {
    const cloudtrail = await world.memberClient(CloudTrailClient, MEMBER, REGION);
    await cloudtrail.send(new DeleteTrailCommand({ Name: 'audit' }));

    const result = await sweepMember();

    expect(result.findings).toEqual([expect.objectContaining({ kind: 'missing', outcome: 'recreated', repaired: true })]);
    expect((await cloudtrail.send(new GetTrailCommand({ Name: 'audit' }))).Trail).toMatchObject({
      S3BucketName: BUCKET,
      IsMultiRegionTrail: true,
    });
    expect((await cloudtrail.send(new GetTrailStatusCommand({ Name: 'audit' }))).IsLogging).toBe(true);
    const sent = await alerts();
    expect(sent).toEqual([expect.objectContaining({ trigger: 'sweep', outcome: 'recreated', account: MEMBER, eventName: 'DeleteTrail' })]);
    expect(sent[0]!.reason).toContain(FOUND_MISSING_BY_SWEEP);

    await sweepMember();
    expect(await alerts()).toEqual([]);
  });
});

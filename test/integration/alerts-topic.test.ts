// The alerts topic against moto: apply creates it with SignatureVersion 2, and plan/apply see and repair a downgrade to 1.
import { GetTopicAttributesCommand, SetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, inject, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import pLimit from 'p-limit';
import { validateConfig } from '#core/config.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import type { Mode } from '#core/pipeline.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../support/aws.js';

const CENTRAL = '460000000000';
const MEMBER = '460000000001';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
const code = loadRemediatorCode();

function run(world: MotoWorld, mode: Mode) {
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
  });
  return runPipeline({ config, mode, accounts, code, sleep: async () => undefined });
}

describe('the alerts topic signs with SignatureVersion 2', () => {
  it('apply creates it so; a topic set back to version 1 is drift that apply repairs', async () => {
    const world = new MotoWorld(inject('motoEndpoint'));
    const sns = await world.memberClient(SNSClient, CENTRAL, 'us-east-1');
    const signatureVersion = async () => (await sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC }))).Attributes?.SignatureVersion;

    const created = await run(world, 'apply');
    const afterCreate = await signatureVersion();
    await sns.send(new SetTopicAttributesCommand({ TopicArn: TOPIC, AttributeName: 'SignatureVersion', AttributeValue: '1' }));
    const planned = await run(world, 'plan');
    const repaired = await run(world, 'apply');
    const afterRepair = await signatureVersion();

    expect(created.errors).toEqual([]);
    expect(afterCreate).toBe('2');
    expect(planned.drift).toBe(true);
    expect(planned.changes.map((c) => `${c.account} ${c.kind} ${c.name}: ${c.reason}`)).toEqual([
      `${CENTRAL} sns-topic trailguard-alerts: update: signatureVersion`,
    ]);
    expect(repaired.errors).toEqual([]);
    expect(afterRepair).toBe('2');
    expect((await run(world, 'plan')).drift).toBe(false);
  });
});

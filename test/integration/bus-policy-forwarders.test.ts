// The central bus policy against moto: EventBridge accepts the statement admitting only the members' forwarder roles, a policy
// of an earlier version that admitted every principal of a member is drift that apply replaces, and events forwarded
// by the member rules (through trailguard-forwarder) still reach the central rule.
import {
  DescribeEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutPermissionCommand,
  RemovePermissionCommand,
} from '@aws-sdk/client-eventbridge';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { validateConfig } from '#core/config.js';
import type { Mode } from '#core/pipeline.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { MotoWorld, receiveAll, testAccounts } from '../support/aws.js';
import { loadFixture, retarget } from '../support/fixtures.js';

// Accounts of this file only: moto is shared with the other integration files.
const CENTRAL = '740000000000';
const MEMBERS = ['740000000001', '740000000002'];
const REGION = 'us-east-1';

let world: MotoWorld;
const code = loadRemediatorCode();
const config = validateConfig({
  version: 1,
  central: { account: CENTRAL, region: REGION },
  members: { accounts: MEMBERS.map((id) => ({ id })), regions: [REGION] },
  // Moto cannot invoke a Lambda target: the central rule feeds the events queue, whose messages the test reads.
  remediator: { delivery: 'queue' },
  sweep: { schedule: null },
});

function run(mode: Mode) {
  const accounts = testAccounts(world, REGION);
  return runPipeline({ config, mode, accounts, code, sleep: async () => undefined });
}

async function busPolicy(): Promise<{ Sid: string; Principal: unknown; Condition?: unknown }[]> {
  const events = await world.memberClient(EventBridgeClient, CENTRAL, REGION);
  const bus = await events.send(new DescribeEventBusCommand({ Name: 'trailguard' }));
  return (JSON.parse(bus.Policy ?? '{}') as { Statement?: { Sid: string; Principal: unknown }[] }).Statement ?? [];
}

const brief = (changes: { kind: string; name: string; action: string }[]) => changes.map((c) => `${c.kind} ${c.name}: ${c.action}`).sort();

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  const report = await run('apply');
  expect(report.errors).toEqual([]);
});

describe('central bus policy in moto', () => {
  it("is accepted by EventBridge and admits exactly the members' forwarder roles", async () => {
    expect(await busPolicy()).toEqual([
      expect.objectContaining({
        Sid: 'trailguard-members',
        Principal: { AWS: MEMBERS.map((m) => `arn:aws:iam::${m}:root`) },
        Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/trailguard-forwarder' } },
      }),
    ]);
    expect((await run('plan')).changes).toEqual([]);
  });

  it('an earlier wide policy (every principal of each member) is drift in plan, and apply replaces it', async () => {
    const events = await world.memberClient(EventBridgeClient, CENTRAL, REGION);
    await events.send(new RemovePermissionCommand({ EventBusName: 'trailguard', StatementId: 'trailguard-members' }));
    for (const member of MEMBERS) {
      await events.send(
        new PutPermissionCommand({
          EventBusName: 'trailguard',
          Action: 'events:PutEvents',
          Principal: member,
          StatementId: `trailguard-${member}`,
        }),
      );
    }

    const plan = await run('plan');

    expect(plan.drift).toBe(true);
    expect(brief(plan.changes)).toEqual([
      'bus-permission trailguard-740000000001: delete',
      'bus-permission trailguard-740000000002: delete',
      'bus-permission trailguard-members: create',
    ]);
    const apply = await run('apply');
    expect(apply.drift).toBe(false);
    expect((await busPolicy()).map((s) => s.Sid)).toEqual(['trailguard-members']);
    expect((await busPolicy()).every((s) => JSON.stringify(s.Condition).includes(':role/trailguard-forwarder'))).toBe(true);
    expect((await run('plan')).changes).toEqual([]);
  });

  it('a tamper event on a member bus is still forwarded to the central rule', async () => {
    const member = await world.memberClient(EventBridgeClient, MEMBERS[1]!, REGION);
    const event = retarget(loadFixture('stop-logging'), { account: MEMBERS[1]!, region: REGION });
    const out = await member.send(
      new PutEventsCommand({ Entries: [{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail) }] }),
    );
    expect(out.FailedEntryCount).toBe(0);

    const sqs = await world.memberClient(SQSClient, CENTRAL, REGION);
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'trailguard-events' }));
    const arrived = (await receiveAll(sqs, QueueUrl!)) as unknown as { detail?: { eventName?: string } }[];
    expect(arrived.map((e) => e.detail?.eventName)).toEqual(['StopLogging']);
  });
});

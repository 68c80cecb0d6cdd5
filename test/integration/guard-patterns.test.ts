// The member rules' patterns, matched by a real EventBridge implementation (moto): each guard event shape reaches
// exactly the rule that must forward it, and nothing about other rules or roles leaves the account.
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { forwardPattern, guardPattern } from '#core/desired-state.js';
import { PIPELINE_CALLS, ROLE_CALLS, type PipelineCall } from '#core/pipeline-event.js';
import { MotoWorld, receiveAll } from '../support/aws.js';
import { guardEvent } from '../support/guard-events.js';
import { loadFixture, retarget, type Envelope } from '../support/fixtures.js';

// Accounts of this file only: moto is shared with the other integration files.
const ACCOUNT = '440000000001';
const REGION = 'us-east-1';

let world: MotoWorld;
let events: EventBridgeClient;
let sqs: SQSClient;
const queues: Record<'trailguard-forward' | 'trailguard-guard', string> = { 'trailguard-forward': '', 'trailguard-guard': '' };

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  events = await world.memberClient(EventBridgeClient, ACCOUNT, REGION);
  sqs = await world.memberClient(SQSClient, ACCOUNT, REGION);
  const patterns = {
    'trailguard-forward': forwardPattern(['StopLogging', 'DeleteTrail']),
    'trailguard-guard': guardPattern('TrailGuardRemediator'),
  };
  for (const [rule, pattern] of Object.entries(patterns) as [keyof typeof queues, object][]) {
    // Each rule delivers to a queue of its own instead of the central bus, so that what it matched can be read back.
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${rule}-matches` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await events.send(new PutRuleCommand({ Name: rule, EventPattern: JSON.stringify(pattern), State: 'ENABLED' }));
    await events.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: 'matches', Arn: Attributes!.QueueArn! }] }));
    queues[rule] = QueueUrl!;
  }
});

/** Puts one event on the default bus; resolves to the member rules that matched it. */
async function matchedBy(event: Envelope): Promise<string[]> {
  const out = await events.send(
    new PutEventsCommand({ Entries: [{ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail) }] }),
  );
  expect(out.FailedEntryCount).toBe(0);
  const matched: string[] = [];
  for (const [rule, url] of Object.entries(queues)) if ((await receiveAll(sqs, url)).length > 0) matched.push(rule);
  return matched;
}

const isRole = (call: PipelineCall) => (ROLE_CALLS as readonly string[]).includes(call);

describe('member rule patterns on a real bus', () => {
  it.each(PIPELINE_CALLS.filter((c) => !isRole(c)).map((c) => [c]))(
    '%s on trailguard-forward is forwarded by the guard only',
    async (call) => {
      expect(await matchedBy(guardEvent(call, { account: ACCOUNT, name: 'trailguard-forward' }))).toEqual(['trailguard-guard']);
    },
  );

  it.each(PIPELINE_CALLS.filter((c) => !isRole(c)).map((c) => [c]))(
    '%s on trailguard-guard is forwarded by the forward rule only',
    async (call) => {
      expect(await matchedBy(guardEvent(call, { account: ACCOUNT, name: 'trailguard-guard' }))).toEqual(['trailguard-forward']);
    },
  );

  it.each(
    ROLE_CALLS.flatMap((c) => [
      [c, 'trailguard-forwarder'],
      [c, 'TrailGuardRemediator'],
    ]),
  )('%s on %s is forwarded by the guard', async (call, role) => {
    expect(await matchedBy(guardEvent(call, { account: ACCOUNT, name: role }))).toEqual(['trailguard-guard']);
  });

  it('forwards nothing about other rules and roles, and the tamper calls only through the forward rule', async () => {
    expect(await matchedBy(guardEvent('DeleteRule', { account: ACCOUNT, name: 'billing-nightly' }))).toEqual([]);
    expect(await matchedBy(guardEvent('PutTargets', { account: ACCOUNT, name: 'trailguard-forward-copy' }))).toEqual([]);
    expect(await matchedBy(guardEvent('PutRolePolicy', { account: ACCOUNT, name: 'AppRole' }))).toEqual([]);
    expect(await matchedBy(retarget(loadFixture('stop-logging'), { account: ACCOUNT, region: REGION }))).toEqual(['trailguard-forward']);
  });
});

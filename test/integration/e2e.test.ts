// End to end, the demo's chain: member bus -> forwarding rule -> central bus and rule -> queue -> remediator bundle ->
// trail back -> SNS -> Slack app -> message -> signed Acknowledge -> /trail-status. Every hop is asserted.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DemoWorld, RESPONDER } from '../../scripts/demo/world.js';
import { forwardPattern } from '#core/desired-state.js';
import { WATCHED_EVENTS } from '#core/config.js';

let demo: DemoWorld;

beforeAll(async () => {
  demo = await DemoWorld.create({ dir: mkdtempSync(join(tmpdir(), 'tg-e2e-')), motoEndpoint: inject('motoEndpoint') });
  await demo.createOrganization();
  demo.writeConfig();
  const apply = await demo.trailguard('apply');
  expect(apply.code, apply.stderr).toBe(0);
  await demo.startServices();
});

afterAll(async () => demo?.stop());

describe('the whole chain', () => {
  it('a stopped trail in eu-west-1 is restarted, alerted once, acknowledged, and the organization is healthy', async () => {
    demo.startClock();
    const event = await demo.stopTrail('payments-prod', 'eu-west-1');
    const id = event.detail.eventID as string;

    expect((await demo.trailState('payments-prod', 'eu-west-1')).isLogging).toBe(false);
    const handled = await demo.waitFor('the remediator', () => demo.results.find((r) => r.result.eventId === id));
    expect(demo.hops.map((h) => h.what)).toContainEqual(
      expect.stringMatching(/^event reached trailguard-events: forwarded by trailguard-forward, matched trailguard-tamper/),
    );
    expect(handled.result).toMatchObject({
      outcome: 'restarted',
      account: demo.member('payments-prod').id,
      region: 'eu-west-1',
      trail: 'eu-audit',
      isLogging: true,
    });
    expect(await demo.trailState('payments-prod', 'eu-west-1')).toEqual({ exists: true, isLogging: true });

    const incident = await demo.waitFor('the Slack message', async () => {
      const i = await demo.app.services.store.get(id);
      return i?.state === 'posted' ? i : undefined;
    });
    expect(demo.deliveries.filter((d) => d.alert.id === id)).toEqual([expect.objectContaining({ status: 200 })]);
    const posts = demo.slack.ok('chat.postMessage').filter((c) => !c.args.thread_ts && JSON.stringify(c.args).includes(id));
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(posts[0]!.args)).toContain('payments-prod');

    expect(await demo.acknowledge(id)).toBe(200);
    expect(await demo.waitFor('the acknowledgement', async () => (await demo.app.services.store.get(id))?.acknowledgedBy)).toBe(RESPONDER);
    await demo.waitFor('the message update', () =>
      demo.slack.ok('chat.update').find((c) => c.args.ts === incident.ts && JSON.stringify(c.args).includes('Acknowledged by')),
    );

    const status = await demo.trailStatus();
    expect(status).toMatchObject({ response_type: 'ephemeral', text: 'CloudTrail: organization healthy' });
    expect(JSON.stringify(status)).toContain('6 of 6');
  });

  it('a deleted trail is recreated from the baseline and logs again', async () => {
    const event = await demo.deleteTrail('data-platform', 'us-east-1');
    const id = event.detail.eventID as string;

    expect((await demo.trailState('data-platform', 'us-east-1')).exists).toBe(false);
    const handled = await demo.waitFor('the remediator', () => demo.results.find((r) => r.result.eventId === id));

    expect(handled.result).toMatchObject({ outcome: 'recreated', trail: 'org-audit', region: 'us-east-1' });
    expect(await demo.trailState('data-platform', 'us-east-1')).toEqual({ exists: true, isLogging: true });
    await demo.waitFor('the Slack message', async () => (await demo.app.services.store.get(id))?.state === 'posted');
    expect(demo.slack.ok('chat.postMessage').filter((c) => JSON.stringify(c.args).includes('recreated'))).not.toHaveLength(0);
    expect((await demo.trailguard('plan')).code).toBe(0);
  });

  it('a deleted forwarding rule is put back through trailguard-guard, so the StopLogging that follows is still repaired; both are alerted', async () => {
    demo.startClock();
    const [removeTargets, deleteRule] = await demo.deleteForwardRule('sandbox', 'eu-west-1');
    const ruleIds = [removeTargets!, deleteRule!].map((e) => e.detail.eventID as string);
    expect(await demo.memberRule('sandbox', 'eu-west-1', 'trailguard-forward')).toBeNull();

    const handled = await demo.waitFor('the guard events', () => {
      const found = ruleIds.map((id) => demo.results.find((r) => r.result.eventId === id));
      return found.every(Boolean) ? found.map((f) => f!.result) : undefined;
    });
    // Moto delivers the guard's copy to the central bus; the runner restores the envelope's account and region from the record.
    expect(demo.hops.map((h) => h.what)).toContainEqual(
      expect.stringMatching(
        /^event reached trailguard-events: forwarded by trailguard-guard, matched trailguard-guard on the central bus \(DeleteRule\)/,
      ),
    );
    expect(handled.map((r) => [r.outcome, r.resource?.name, r.account, r.region])).toEqual([
      ['pipeline-tampered', 'trailguard-forward', demo.member('sandbox').id, 'eu-west-1'],
      ['pipeline-tampered', 'trailguard-forward', demo.member('sandbox').id, 'eu-west-1'],
    ]);
    expect(handled.some((r) => r.resource?.restored === true)).toBe(true);
    const rule = await demo.memberRule('sandbox', 'eu-west-1', 'trailguard-forward');
    expect(rule).toMatchObject({
      state: 'ENABLED',
      pattern: forwardPattern(WATCHED_EVENTS),
      targets: [{ Id: 'trailguard-central-bus', RoleArn: `arn:aws:iam::${demo.member('sandbox').id}:role/trailguard-forwarder` }],
    });

    // Only the restored rule can carry this event to the remediator.
    const stop = await demo.stopTrail('sandbox', 'eu-west-1');
    const stopId = stop.detail.eventID as string;
    const restarted = await demo.waitFor('the remediator', () => demo.results.find((r) => r.result.eventId === stopId));
    expect(restarted.result).toMatchObject({ outcome: 'restarted', trail: 'eu-audit', isLogging: true });
    expect(await demo.trailState('sandbox', 'eu-west-1')).toEqual({ exists: true, isLogging: true });

    // Every attacker call is one alert on the topic and one incident in the Slack app; the rule's alert says what and whether restored.
    for (const id of [...ruleIds, stopId])
      await demo.waitFor(
        `the alert ${id}`,
        async () => (await demo.app.services.store.get(id)) !== null && (await demo.app.services.store.get(id)) !== undefined,
      );
    const alerts = demo.deliveries.filter((d) => [...ruleIds, stopId].includes(d.alert.id)).map((d) => d.alert);
    expect(alerts.map((a) => a.outcome).sort()).toEqual(['pipeline-tampered', 'pipeline-tampered', 'restarted']);
    expect(alerts.find((a) => a.id === ruleIds[0])).toMatchObject({
      trail: null,
      resource: {
        type: 'event-rule',
        name: 'trailguard-forward',
        arn: `arn:aws:events:eu-west-1:${demo.member('sandbox').id}:rule/trailguard-forward`,
      },
    });
    await demo.waitFor('the Slack message', () =>
      demo.slack
        .ok('chat.postMessage')
        .find((c) => JSON.stringify(c.args).includes('pipeline-tampered') && JSON.stringify(c.args).includes('trailguard-forward')),
    );
    expect((await demo.trailguard('plan')).code).toBe(0);
  });
});

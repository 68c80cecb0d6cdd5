// Review r2 (found while reviewing the planner; the remediator is outside this review's area, so not fixed here):
// README, Security model: "whoever holds the deploy role still cannot delete, disable or retarget a rule unseen".
// The deploy role (or the remediation role) calls PutTargets on trailguard-forward keeping Id, Arn and RoleArn but
// adding `Input`: every tamper record is replaced by a constant before it reaches the central bus. The guard's
// readRule() (lambda/guard.ts) keeps only Id/Arn/RoleArn of each target, so it finds the rule "as desired" and
// ignores the call: no alert, no repair, and from then on nothing this rule forwards can be acted on.
// Suggested fix: in readRule keep Input, InputPath and InputTransformer (as src/core/aws/readers.ts now does), so the
// rule differs, is put back with PutTargets and alerted.
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDefaultGuardDeps, type PipelineResult } from '../../lambda/guard.js';
import { createDefaultDeps, createHandler } from '../../lambda/remediator.js';
import { validateConfig } from '#core/config.js';
import { memberRules, remediatorEnvironment } from '#core/desired-state.js';
import { guardEvent } from '../support/guard-events.js';
import { recordingLog } from '../support/recording-log.js';

const sts = mockClient(STSClient);
const events = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);

const config = validateConfig({
  version: 1,
  central: { account: '111111111111', region: 'us-east-1' },
  members: { accounts: [{ id: '222222222222' }], regions: ['us-east-1'] },
});
const env = { AWS_REGION: 'us-east-1', ...remediatorEnvironment(config) };
const forward = memberRules(
  {
    centralBusArn: 'arn:aws:events:us-east-1:111111111111:event-bus/trailguard',
    watch: config.watch,
    regions: config.members.regions,
    remediationRole: 'TrailGuardRemediator',
  },
  '222222222222',
).find((r) => r.name === 'trailguard-forward' && r.region === 'us-east-1')!;
const guard = memberRules(
  {
    centralBusArn: 'arn:aws:events:us-east-1:111111111111:event-bus/trailguard',
    watch: config.watch,
    regions: config.members.regions,
    remediationRole: 'TrailGuardRemediator',
  },
  '222222222222',
).find((r) => r.name === 'trailguard-guard' && r.region === 'us-east-1')!;

beforeEach(() => {
  sts.reset();
  events.reset();
  sns.reset();
  sts.on(AssumeRoleCommand).resolves({
    Credentials: { AccessKeyId: 'ASIAMEMBER', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3_600_000) },
  });
  sns.on(PublishCommand).resolves({ MessageId: 'm' });
  // Each member rule as desired, except trailguard-forward's target, which rewrites every event until PutTargets replaces it.
  for (const rule of [forward, guard]) {
    events
      .on(DescribeRuleCommand, { Name: rule.name })
      .resolves({ Name: rule.name, EventPattern: JSON.stringify(rule.pattern), State: 'ENABLED' });
    events.on(ListTargetsByRuleCommand, { Rule: rule.name }).resolves({ Targets: rule.targets });
  }
  events
    .on(ListTargetsByRuleCommand, { Rule: forward.name })
    .resolvesOnce({ Targets: forward.targets.map((t) => ({ ...t, Input: '{"nothing":"to see"}' })) })
    .resolves({ Targets: forward.targets });
  events.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });
});

function handle(event: unknown) {
  const base = createDefaultDeps({
    env,
    log: recordingLog(),
    clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'c' } },
  });
  const deps = { ...base, guard: createDefaultGuardDeps(base, env) };
  return createHandler(() => deps)(event) as Promise<PipelineResult>;
}

describe('review: the guard on a forward target rewritten by Input', () => {
  it('a PutTargets by the deploy role that adds Input is alerted and repaired, not ignored', async () => {
    const result = await handle(guardEvent('PutTargets', { actorRole: 'OrganizationAccountAccessRole' }));

    expect(result.outcome).toBe('pipeline-tampered');
    expect(events.commandCalls(PutTargetsCommand).map((c) => c.args[0].input.Rule)).toEqual(['trailguard-forward']);
  });

  it('the same call by anyone else is repaired (restored: true), not "still as desired" (restored: null)', async () => {
    const result = await handle(guardEvent('PutTargets'));

    expect(result).toMatchObject({ outcome: 'pipeline-tampered', resource: { restored: true } });
  });
});

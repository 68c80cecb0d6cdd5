// Review r1: guard records (calls on trailguard-forward / trailguard-guard) that end `rejected`, a log line only.
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
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
const cloudtrail = mockClient(CloudTrailClient);

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

function setup() {
  const log = recordingLog();
  const base = createDefaultDeps({
    env,
    log,
    clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } },
  });
  const deps = { ...base, guard: createDefaultGuardDeps(base, env) };
  const handler = createHandler(() => deps);
  return { log, handle: (event: unknown) => handler(event) as Promise<PipelineResult> };
}

beforeEach(() => {
  sts.reset();
  events.reset();
  sns.reset();
  sts.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIAMEMBER',
      SecretAccessKey: 'member-secret',
      SessionToken: 'token',
      Expiration: new Date(Date.now() + 3_600_000),
    },
  });
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
  // The attacker deleted trailguard-forward: DescribeRule finds nothing until the remediator puts it back.
  let exists = false;
  events.on(DescribeRuleCommand).callsFake(() => {
    if (!exists) throw Object.assign(new Error('Rule trailguard-forward does not exist.'), { name: 'ResourceNotFoundException' });
    return { Name: forward.name, EventPattern: JSON.stringify(forward.pattern), State: 'ENABLED' };
  });
  events.on(ListTargetsByRuleCommand).callsFake(() => ({ Targets: exists ? forward.targets : [] }));
  events.on(PutRuleCommand).callsFake(() => {
    exists = true;
    return {};
  });
  events.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });
  events.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 });
});

describe("review r1: a guard record that is real but not in the parser's strict shape", () => {
  // The userAgent of a call is chosen by the caller (every SDK and the CLI let it be set). The guard
  // parser required it to be at most 4,096 characters: DeleteRule trailguard-forward with a longer
  // user agent was `rejected` (one warn line), so the forward rule stayed deleted and nobody was
  // alerted; every later StopLogging in that account and region then went unseen. The trail path
  // clips display fields instead (README "Which records are acted on").
  it('a DeleteRule of trailguard-forward with a 5,000-character userAgent is repaired and alerted, not rejected', async () => {
    const event = guardEvent('DeleteRule');
    event.detail.userAgent = `aws-cli/2.22.4 ${'x'.repeat(5000)}`;
    const { handle } = setup();

    const result = await handle(event);

    expect(result.outcome).toBe('pipeline-tampered');
    expect(result.resource).toMatchObject({ name: 'trailguard-forward', restored: true });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('a DeleteRule with a long errorMessage (it failed) is still alerted as blocked', async () => {
    const event = guardEvent('DeleteRule', { errorCode: 'AccessDenied' });
    event.detail.errorMessage = 'x'.repeat(9000);
    const { handle } = setup();

    expect((await handle(event)).outcome).toBe('blocked');
  });

  // recipientAccountId is optional in CloudTrail's record contents reference; the trail path accepts
  // its absence, the guard path rejected the record: the deleted rule was neither repaired nor alerted.
  it('a DeleteRule record without recipientAccountId is repaired and alerted', async () => {
    const event = guardEvent('DeleteRule');
    delete event.detail.recipientAccountId;
    const { handle } = setup();

    const result = await handle(event);

    expect(result.outcome).toBe('pipeline-tampered');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });
});

describe("review r1: a blind window opened and closed by TrailGuard's deploy role", () => {
  // roles.deploy defaults to OrganizationAccountAccessRole, the organization's admin role. Its calls
  // on a member rule were `ignored` (no alert) whenever the rule was as desired when the remediator
  // read it. DisableRule trailguard-forward, StopLogging, EnableRule (not watched) takes under a
  // second; the guard event reaches the remediator later, finds the rule enabled again and ignores
  // it. The StopLogging was never forwarded: logging stays off and nothing at all is alerted.
  it.each([
    ['DisableRule', {}],
    ['DeleteRule', {}],
    ['RemoveTargets', { ids: ['trailguard-central-bus'] }],
    ['PutTargets', { targets: [{ id: 'trailguard-central-bus', arn: 'arn:aws:events:us-east-1:999999999999:event-bus/attacker' }] }],
    ['PutRule', { eventPattern: '{"source":["nothing"]}', state: 'ENABLED' }],
  ] as const)(
    'alerts a deploy-role %s that took the rule away from its definition, even when the rule is back by the time it is read',
    async (call, params) => {
      const { handle } = setup();
      // The rule is already back (re-enabled, re-targeted or re-put) when the remediator reads it.
      events.on(DescribeRuleCommand).resolves({ Name: forward.name, EventPattern: JSON.stringify(forward.pattern), State: 'ENABLED' });
      events.on(ListTargetsByRuleCommand).resolves({ Targets: forward.targets });

      const result = await handle(guardEvent(call, { actorRole: 'OrganizationAccountAccessRole', params }));

      expect(result.outcome).toBe('pipeline-tampered');
      expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    },
  );

  it('still lets the deploy role converge silently with calls towards the definition (apply)', async () => {
    const { handle } = setup();
    events.on(DescribeRuleCommand).resolves({ Name: forward.name, EventPattern: JSON.stringify(forward.pattern), State: 'ENABLED' });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: forward.targets });
    const lower = forward.targets.map((t) => ({ id: t.Id, arn: t.Arn, roleArn: t.RoleArn }));

    expect(
      (
        await handle(
          guardEvent('PutRule', {
            actorRole: 'OrganizationAccountAccessRole',
            params: { eventPattern: JSON.stringify(forward.pattern), state: 'ENABLED' },
          }),
        )
      ).outcome,
    ).toBe('ignored');
    expect(
      (await handle(guardEvent('PutTargets', { actorRole: 'OrganizationAccountAccessRole', params: { targets: lower } }))).outcome,
    ).toBe('ignored');
    expect(
      (await handle(guardEvent('RemoveTargets', { actorRole: 'OrganizationAccountAccessRole', params: { ids: ['stranger'] } }))).outcome,
    ).toBe('ignored');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 0);
  });
});

describe('review r1: what was missed while the forward rule was down', () => {
  // Anyone (not only the deploy role) can open a window: DisableRule trailguard-forward, StopLogging,
  // EnableRule. The guard event is alerted as pipeline-tampered with restored: null ("the rule is
  // still as desired"), but the StopLogging was never forwarded, so it is never remediated: the trail
  // stays off and the alert does not say a tamper call may have been missed. Suggested fix: after a
  // guard event on trailguard-forward, re-check the baseline trails of that account and region
  // (GetTrailStatus, GetEventSelectors, baseline drift) and remediate as for a tamper event; or at
  // least say in the alert's reason that tamper calls in the window were not seen.
  it('re-checks the baseline trails of the account and region after the forward rule was disabled', async () => {
    cloudtrail.reset();
    const trail = 'arn:aws:cloudtrail:us-east-1:222222222222:trail/org-audit';
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [{ Name: 'org-audit', TrailARN: trail, HomeRegion: 'us-east-1' }] });
    cloudtrail
      .on(GetEventSelectorsCommand)
      .resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }] });
    cloudtrail.on(GetTrailStatusCommand).resolvesOnce({ IsLogging: false }).resolves({ IsLogging: true });
    cloudtrail.on(StartLoggingCommand).resolves({});
    events.on(DescribeRuleCommand).resolves({ Name: forward.name, EventPattern: JSON.stringify(forward.pattern), State: 'ENABLED' });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: forward.targets });
    const log = recordingLog();
    const trailEnv = { ...env, TRAILGUARD_TRAILS: JSON.stringify([{ name: 'org-audit', s3BucketName: 'central-trail-logs' }]) };
    const base = createDefaultDeps({
      env: trailEnv,
      log,
      clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } },
    });
    const handler = createHandler(() => ({ ...base, guard: createDefaultGuardDeps(base, trailEnv) }));

    const result = (await handler(guardEvent('DisableRule'))) as { outcome: string; reason: string; actions: string[] };

    expect(cloudtrail).toHaveReceivedCommandWith(StartLoggingCommand, { Name: trail });
    expect(result.outcome).toBe('pipeline-tampered');
    expect(result.actions).toContain('StartLogging: org-audit');
    expect(result.reason).toMatch(/were not forwarded.*org-audit was not logging: restarted/);
  });
});

describe("review r1: failed calls made with TrailGuard's remediation role", () => {
  // The trail path reports a failed tamper call made with TrailGuard's own role as `blocked` (someone
  // holds the role). The guard path ignored every failed call of that role, even a DeleteRule or
  // DisableRule that TrailGuard never makes (and that its role may not make): a probe with stolen
  // role credentials left no alert.
  it.each(['DeleteRule', 'DisableRule'] as const)('alerts a failed %s made with the remediation role as blocked', async (call) => {
    const { handle } = setup();

    const result = await handle(guardEvent(call, { actorRole: 'TrailGuardRemediator', errorCode: 'AccessDeniedException' }));

    expect(result.outcome).toBe('blocked');
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('still ignores its own failed repair call towards the definition', async () => {
    const { handle } = setup();
    const own = forward.targets.map((t) => ({ id: t.Id, arn: t.Arn, roleArn: t.RoleArn }));

    expect(
      (
        await handle(
          guardEvent('PutTargets', { actorRole: 'TrailGuardRemediator', errorCode: 'ThrottlingException', params: { targets: own } }),
        )
      ).outcome,
    ).toBe('ignored');
  });
});

describe('review r1: the other member rule of the region', () => {
  // DisableRule trailguard-guard (forwarded by trailguard-forward), then at once DeleteRule
  // trailguard-forward: the second call is watched only by the disabled guard, so it is never
  // forwarded. The remediator re-enabled the guard and alerted "rule restored (state)", an alert that
  // reads as resolved, while trailguard-forward stayed deleted and every later StopLogging in the
  // region went unseen until the next apply.
  it('puts trailguard-forward back too when it finds it gone while repairing trailguard-guard, and says so', async () => {
    const guardRule = memberRules(
      {
        centralBusArn: 'arn:aws:events:us-east-1:111111111111:event-bus/trailguard',
        watch: config.watch,
        regions: config.members.regions,
        remediationRole: 'TrailGuardRemediator',
      },
      '222222222222',
    ).find((r) => r.name === 'trailguard-guard' && r.region === 'us-east-1')!;
    const rules: Record<string, { pattern: unknown; state: string; targets: unknown[] }> = {
      'trailguard-guard': { pattern: guardRule.pattern, state: 'DISABLED', targets: guardRule.targets },
    };
    events.on(DescribeRuleCommand).callsFake((input: { Name: string }) => {
      const rule = rules[input.Name];
      if (!rule) throw Object.assign(new Error(`Rule ${input.Name} does not exist.`), { name: 'ResourceNotFoundException' });
      return { Name: input.Name, EventPattern: JSON.stringify(rule.pattern), State: rule.state };
    });
    events.on(ListTargetsByRuleCommand).callsFake((input: { Rule: string }) => ({ Targets: rules[input.Rule]?.targets ?? [] }));
    events.on(PutRuleCommand).callsFake((input: { Name: string; EventPattern: string; State: string }) => {
      rules[input.Name] = { targets: [], ...rules[input.Name], pattern: JSON.parse(input.EventPattern), state: input.State };
      return {};
    });
    events.on(PutTargetsCommand).callsFake((input: { Rule: string; Targets: unknown[] }) => {
      rules[input.Rule]!.targets = input.Targets;
      return { FailedEntryCount: 0 };
    });
    const { handle } = setup();

    const result = await handle(guardEvent('DisableRule', { name: 'trailguard-guard' }));

    expect(result).toMatchObject({ outcome: 'pipeline-tampered', resource: { name: 'trailguard-guard', restored: true } });
    expect(rules['trailguard-forward']).toMatchObject({ pattern: forward.pattern, state: 'ENABLED', targets: forward.targets });
    expect(result.reason).toMatch(/trailguard-forward was not as desired either \(missing\) and is restored/);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    // The alert itself says so (the pipeline alert had no reason field at all).
    const alert = JSON.parse(sns.commandCalls(PublishCommand)[0]!.args[0].input.Message!) as { reason?: string; actions: string[] };
    expect(alert.reason).toMatch(/trailguard-forward was not as desired either/);
    expect(alert.actions).toContain('trailguard-forward: PutRule: recreated');
  });
});

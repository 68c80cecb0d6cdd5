// The pipeline protects itself: guard events parsed per shape, member rules repaired, every change alerted.
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
import { createDefaultGuardDeps, loadPipelineEnvironment, type PipelineResult } from '../../lambda/guard.js';
import { createDefaultDeps, createHandler } from '../../lambda/remediator.js';
import { parseAlert, type PipelineAlert } from '#core/alert.js';
import { validateConfig } from '#core/config.js';
import {
  centralGuardPattern,
  desiredState,
  forwardPattern,
  guardPattern,
  memberRules,
  remediatorEnvironment,
  type RuleResource,
} from '#core/desired-state.js';
import { PIPELINE_CALLS, parsePipelineEvent, type PipelineCall } from '#core/pipeline-event.js';
import { guardEvent } from '../support/guard-events.js';
import { recordingLog } from '../support/recording-log.js';

const ROLE_CALLS = new Set<string>([
  'DeleteRole',
  'UpdateAssumeRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePermissionsBoundary',
  'DeleteRolePermissionsBoundary',
]);

describe('parsePipelineEvent: one guard event shape per call', () => {
  it.each(PIPELINE_CALLS.map((c) => [c]))('%s names the rule or role it touched', (call: PipelineCall) => {
    const event = parsePipelineEvent(guardEvent(call, { region: ROLE_CALLS.has(call) ? 'us-east-1' : 'eu-west-1' }));

    expect(event).toMatchObject({
      eventName: call,
      account: '222222222222',
      region: ROLE_CALLS.has(call) ? 'us-east-1' : 'eu-west-1',
      resource: ROLE_CALLS.has(call)
        ? { kind: 'iam-role', name: 'trailguard-forwarder', bus: null }
        : { kind: 'event-rule', name: 'trailguard-forward', bus: 'default' },
      actor: { arn: 'arn:aws:sts::222222222222:assumed-role/AdminAccess/jdoe', issuerArn: 'arn:aws:iam::222222222222:role/AdminAccess' },
    });
  });

  it('reads the bus of a rule named on another bus, by name or ARN', () => {
    expect(
      parsePipelineEvent(guardEvent('DeleteRule', { params: { eventBusName: 'arn:aws:events:us-east-1:222222222222:event-bus/other' } }))
        .resource.bus,
    ).toBe('other');
  });

  it.each([
    [
      'PutTargets without rule',
      guardEvent('PutTargets', { params: { rule: undefined } }),
      /detail\.requestParameters\.rule: expected an EventBridge rule name/,
    ],
    [
      'DeleteRole without roleName',
      guardEvent('DeleteRole', { params: { roleName: 42 } }),
      /detail\.requestParameters\.roleName: expected an IAM role name/,
    ],
    [
      'an IAM call claimed by EventBridge',
      { ...guardEvent('DeleteRole'), source: 'aws.events' },
      /source aws\.events does not match detail\.eventSource iam\.amazonaws\.com/,
    ],
    [
      'a rule call from iam.amazonaws.com',
      (() => {
        const e = guardEvent('DeleteRule');
        e.detail.eventSource = 'iam.amazonaws.com';
        e.source = 'aws.iam';
        return e;
      })(),
      /DeleteRule is not a call of detail\.eventSource iam\.amazonaws\.com/,
    ],
    [
      'another account in the envelope',
      { ...guardEvent('DisableRule'), account: '333333333333' },
      /envelope account 333333333333 does not match detail\.recipientAccountId 222222222222/,
    ],
    [
      'a call the guard does not watch',
      (() => {
        const e = guardEvent('PutRule');
        e.detail.eventName = 'EnableRule';
        return e;
      })(),
      /detail\.eventName/,
    ],
  ])('rejects %s, naming the field', (_what, raw, message) => {
    expect(() => parsePipelineEvent(raw)).toThrow(message);
  });
});

describe('trailguard-guard in the desired state', () => {
  const raw = {
    version: 1,
    central: { account: '111111111111', region: 'us-east-1' },
    members: { accounts: [{ id: '222222222222' }], regions: ['eu-west-1'] },
  };
  const config = validateConfig(raw);
  const all = desiredState(config, { members: ['222222222222'], codeSha256: 'sha' });

  it('exists in us-east-1, where IAM events arrive, even when us-east-1 is not watched (and the forward rule is not there)', () => {
    const member = all.filter((r) => r.account === '222222222222' && r.kind === 'event-rule').map((r) => `${r.region}/${r.name}`);

    expect(member.sort()).toEqual(['eu-west-1/trailguard-forward', 'eu-west-1/trailguard-guard', 'us-east-1/trailguard-guard']);
  });

  it('follows the partition: IAM events of aws-us-gov arrive in us-gov-west-1', () => {
    const rules = memberRules(
      {
        centralBusArn: 'arn:aws-us-gov:events:us-gov-east-1:111111111111:event-bus/trailguard',
        watch: ['StopLogging'],
        regions: ['us-gov-east-1'],
        remediationRole: 'TrailGuardRemediator',
      },
      '222222222222',
    );

    expect(rules.filter((r) => r.name === 'trailguard-guard').map((r) => r.region)).toEqual(['us-gov-east-1', 'us-gov-west-1']);
    expect(rules[0]!.targets[0]!.RoleArn).toBe('arn:aws-us-gov:iam::222222222222:role/trailguard-forwarder');
  });

  it('watches the other rule by exact name, TrailGuard roles by prefix plus the remediation role, within PutRule’s 4096-character pattern limit', () => {
    const text = JSON.stringify(guardPattern('TrailGuardRemediator'));
    const forward = JSON.stringify(forwardPattern(['StopLogging']));

    expect(text).toContain('"requestParameters":{"name":["trailguard-forward"]}');
    expect(text).toContain('"requestParameters":{"rule":["trailguard-forward"]}');
    expect(text).not.toContain('trailguard-guard');
    expect(forward).toContain('"requestParameters":{"name":["trailguard-guard"]}');
    expect(forward).not.toContain('"trailguard-forward"');
    expect(text).toContain('"roleName":[{"prefix":"trailguard-"},"TrailGuardRemediator"]');
    expect(JSON.stringify(centralGuardPattern('TrailGuardRemediator')).length).toBeLessThan(4096);
    expect(JSON.stringify(guardPattern('trailguard-remediation'))).not.toContain('"trailguard-remediation"');
  });

  it('has a central twin on the TrailGuard bus that feeds the remediator, and the queue accepts both rules', () => {
    const queued = desiredState(validateConfig({ ...raw, remediator: { delivery: 'queue' } }), {
      members: ['222222222222'],
      codeSha256: 'sha',
    });
    const central = queued.find((r) => r.key === '111111111111/us-east-1/event-rule/trailguard-guard') as RuleResource;
    const queue = queued.find((r) => r.key === '111111111111/us-east-1/sqs-queue/trailguard-events');

    expect(central).toMatchObject({
      bus: 'trailguard',
      pattern: centralGuardPattern('TrailGuardRemediator'),
      targets: [{ Arn: 'arn:aws:sqs:us-east-1:111111111111:trailguard-events' }],
    });
    expect(queue?.kind === 'sqs-queue' && JSON.parse(queue.attributes.Policy!).Statement[0].Condition.ArnEquals['aws:SourceArn']).toEqual([
      'arn:aws:events:us-east-1:111111111111:rule/trailguard/trailguard-tamper',
      'arn:aws:events:us-east-1:111111111111:rule/trailguard/trailguard-guard',
      // The central default bus's guard rules (the sweep schedule; the central chain).
      'arn:aws:events:us-east-1:111111111111:rule/trailguard-sweep-guard',
      'arn:aws:events:us-east-1:111111111111:rule/trailguard-central-guard',
    ]);
  });
});

const sts = mockClient(STSClient);
const events = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);

const config = validateConfig({
  version: 1,
  central: { account: '111111111111', region: 'us-east-1' },
  members: { accounts: [{ id: '222222222222' }], regions: ['us-east-1', 'eu-west-1'] },
});
const env = { AWS_REGION: 'us-east-1', ...remediatorEnvironment(config) };
const desired = (name: string, region: string) =>
  memberRules(
    {
      centralBusArn: 'arn:aws:events:us-east-1:111111111111:event-bus/trailguard',
      watch: config.watch,
      regions: config.members.regions,
      remediationRole: 'TrailGuardRemediator',
    },
    '222222222222',
  ).find((r) => r.name === name && r.region === region)!;

/** EventBridge as a tiny in-memory account: DescribeRule/ListTargets read it, PutRule/PutTargets/RemoveTargets write it. */
function memberEventBridge(
  initial: Record<string, { pattern: unknown; state: string; targets: { Id: string; Arn: string; RoleArn?: string }[] }>,
) {
  const rules = structuredClone(initial);
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
  events.on(PutTargetsCommand).callsFake((input: { Rule: string; Targets: { Id: string; Arn: string }[] }) => {
    const rule = rules[input.Rule]!;
    rule.targets = [...rule.targets.filter((t) => !input.Targets.some((n) => n.Id === t.Id)), ...input.Targets];
    return { FailedEntryCount: 0 };
  });
  events.on(RemoveTargetsCommand).callsFake((input: { Rule: string; Ids: string[] }) => {
    rules[input.Rule]!.targets = rules[input.Rule]!.targets.filter((t) => !input.Ids.includes(t.Id));
    return { FailedEntryCount: 0 };
  });
  return rules;
}
const asDesired = (r: RuleResource) => ({
  pattern: r.pattern,
  state: 'ENABLED',
  targets: r.targets.map((t) => ({ Id: t.Id, Arn: t.Arn, RoleArn: t.RoleArn! })),
});

function setup(overrides: Record<string, string | undefined> = {}) {
  const log = recordingLog();
  const base = createDefaultDeps({
    env: { ...env, ...overrides },
    log,
    clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } },
  });
  const deps = { ...base, guard: createDefaultGuardDeps(base, { ...env, ...overrides }) };
  const handler = createHandler(() => deps);
  return { log, handle: (event: unknown) => handler(event) as Promise<PipelineResult> };
}
const published = () =>
  sns.commandCalls(PublishCommand).map((c) => ({
    alert: parseAlert(c.args[0].input.Message!) as PipelineAlert,
    attributes: c.args[0].input.MessageAttributes,
    subject: c.args[0].input.Subject,
  }));

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
});

describe('the remediator on guard events', () => {
  it('puts a deleted trailguard-forward back (pattern, state, targets through the forwarder role) and alerts pipeline-tampered', async () => {
    const rules = memberEventBridge({ 'trailguard-guard': asDesired(desired('trailguard-guard', 'eu-west-1')) });
    const { handle } = setup();

    const result = await handle(guardEvent('DeleteRule', { region: 'eu-west-1' }));

    expect(result).toMatchObject({
      outcome: 'pipeline-tampered',
      account: '222222222222',
      region: 'eu-west-1',
      resource: { type: 'event-rule', name: 'trailguard-forward', restored: true },
    });
    expect(rules['trailguard-forward']).toEqual(asDesired(desired('trailguard-forward', 'eu-west-1')));
    expect(events.commandCalls(PutRuleCommand)[0]!.args[0].input).toMatchObject({
      Name: 'trailguard-forward',
      State: 'ENABLED',
      Tags: [{ Key: 'trailguard:managed', Value: 'true' }],
    });
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input.RoleArn).toBe('arn:aws:iam::222222222222:role/TrailGuardRemediator');
    const [{ alert, attributes, subject }] = published() as [ReturnType<typeof published>[number]];
    expect(alert).toMatchObject({
      outcome: 'pipeline-tampered',
      eventName: 'DeleteRule',
      trail: null,
      resource: {
        type: 'event-rule',
        name: 'trailguard-forward',
        arn: 'arn:aws:events:eu-west-1:222222222222:rule/trailguard-forward',
        restored: true,
      },
      changes: ['rule trailguard-forward deleted'],
      isLogging: null,
    });
    expect(alert.remediatedAt).not.toBeNull();
    expect(attributes?.outcome?.StringValue).toBe('pipeline-tampered');
    expect(subject).toBe('TrailGuard pipeline-tampered: DeleteRule on trailguard-forward in 222222222222/eu-west-1');
  });

  it.each([
    ['DisableRule', { state: 'DISABLED' }],
    ['RemoveTargets', { targets: [] }],
    ['PutTargets', { targets: [{ Id: 'trailguard-central-bus', Arn: 'arn:aws:events:us-east-1:999999999999:event-bus/attacker' }] }],
    ['PutTargets', { targets: 'extra' }],
    ['PutRule', { pattern: { source: ['aws.cloudtrail'], 'detail-type': ['nothing-matches'] } }],
  ] as const)('after %s, restores the guard rule to its definition and alerts (%j)', async (call, damage) => {
    const want = asDesired(desired('trailguard-guard', 'us-east-1'));
    const damaged =
      'targets' in damage && damage.targets === 'extra'
        ? { ...want, targets: [...want.targets, { Id: 'copy', Arn: 'arn:aws:events:us-east-1:999999999999:event-bus/attacker' }] }
        : { ...want, ...damage };
    const rules = memberEventBridge({ 'trailguard-guard': damaged as ReturnType<typeof asDesired> });
    const { handle } = setup();

    const result = await handle(guardEvent(call, { name: 'trailguard-guard' }));

    expect(result.resource).toMatchObject({ name: 'trailguard-guard', restored: true });
    expect(rules['trailguard-guard']).toEqual(want);
    expect(published().map((p) => p.alert.outcome)).toEqual(['pipeline-tampered']);
  });

  it('lets the deploy role converge a rule silently, but alerts and restores when it deletes one', async () => {
    const rules = memberEventBridge({ 'trailguard-forward': asDesired(desired('trailguard-forward', 'us-east-1')) });
    const { handle, log } = setup();

    // apply's PutRule carries the rule's own pattern (review r1: a call away from it is never ignored).
    const converged = await handle(
      guardEvent('PutRule', {
        actorRole: 'OrganizationAccountAccessRole',
        params: { eventPattern: JSON.stringify(desired('trailguard-forward', 'us-east-1').pattern) },
      }),
    );
    expect(converged.outcome).toBe('ignored');
    expect(published()).toEqual([]);
    expect(log.lines.find((l) => l.message === 'guard decided')?.attributes.reason).toMatch(/deploy role and the rule is as desired/);

    delete rules['trailguard-forward'];
    const deleted = await handle(guardEvent('DeleteRule', { actorRole: 'OrganizationAccountAccessRole' }));
    expect(deleted).toMatchObject({ outcome: 'pipeline-tampered', resource: { restored: true } });
    expect(published().map((p) => p.alert.actor.arn)).toEqual([
      'arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/session',
    ]);
  });

  it('ignores its own repair (no loop), but never the same call by an administrator', async () => {
    memberEventBridge({ 'trailguard-forward': asDesired(desired('trailguard-forward', 'us-east-1')) });
    const { handle } = setup();

    // The remediator's own PutTargets names the central bus (review r1: a call away from it is never ignored).
    const own = desired('trailguard-forward', 'us-east-1').targets.map((t) => ({ id: t.Id, arn: t.Arn, roleArn: t.RoleArn }));
    expect((await handle(guardEvent('PutTargets', { actorRole: 'TrailGuardRemediator', params: { targets: own } }))).outcome).toBe(
      'ignored',
    );
    expect(await handle(guardEvent('PutTargets'))).toMatchObject({ outcome: 'pipeline-tampered', resource: { restored: null } });
    expect(published().map((p) => p.alert.resource.restored)).toEqual([null]);
  });

  it('never answers its own non-converging repair with another repair (no loop), but alerts it once', async () => {
    memberEventBridge({ 'trailguard-forward': { ...asDesired(desired('trailguard-forward', 'us-east-1')), state: 'DISABLED' } });
    const { handle } = setup();

    const result = await handle(guardEvent('PutRule', { actorRole: 'TrailGuardRemediator' }));

    expect(result).toMatchObject({
      outcome: 'pipeline-tampered',
      resource: { restored: false },
      error: "TrailGuard's own change left the rule not as desired: state",
    });
    expect([...events.commandCalls(PutRuleCommand), ...events.commandCalls(PutTargetsCommand)]).toHaveLength(0);
    expect(published()).toHaveLength(1);
  });

  it.each([
    'DeleteRole',
    'UpdateAssumeRolePolicy',
    'PutRolePolicy',
    'DeleteRolePolicy',
    'AttachRolePolicy',
    'DetachRolePolicy',
    'PutRolePermissionsBoundary',
    'DeleteRolePermissionsBoundary',
  ] as const)('alerts %s on a TrailGuard role as not restored (apply repairs roles), without touching EventBridge', async (call) => {
    const { handle } = setup();

    const result = await handle(guardEvent(call, { name: 'TrailGuardRemediator' }));

    expect(result).toMatchObject({
      outcome: 'pipeline-tampered',
      resource: {
        type: 'iam-role',
        name: 'TrailGuardRemediator',
        arn: 'arn:aws:iam::222222222222:role/TrailGuardRemediator',
        restored: false,
      },
    });
    expect(events.calls()).toHaveLength(0);
    expect(published()[0]!.alert.changes[0]).toContain('TrailGuardRemediator');
  });

  it('reports a denied attempt on a rule as blocked, and a repair it could not make as not restored with the error', async () => {
    memberEventBridge({});
    events
      .on(PutRuleCommand)
      .rejects(Object.assign(new Error('not authorized to perform events:PutRule'), { name: 'AccessDeniedException' }));
    const { handle } = setup();

    expect(await handle(guardEvent('DeleteRule', { errorCode: 'AccessDenied' }))).toMatchObject({
      outcome: 'blocked',
      resource: { restored: null },
    });
    const failed = await handle(guardEvent('DeleteRule'));

    expect(failed).toMatchObject({ outcome: 'pipeline-tampered', resource: { restored: false } });
    expect(failed.error).toMatch(/^AccessDeniedException repairing trailguard-forward in 222222222222\/us-east-1/);
    expect(published().map((p) => [p.alert.outcome, p.alert.callError?.code ?? null])).toEqual([
      ['blocked', 'AccessDenied'],
      ['pipeline-tampered', null],
    ]);
  });

  it('still alerts, as not restored, when the remediator was deployed without TRAILGUARD_PIPELINE', async () => {
    memberEventBridge({});
    const { handle } = setup({ TRAILGUARD_PIPELINE: undefined });

    const result = await handle(guardEvent('DeleteRule'));

    expect(result).toMatchObject({ outcome: 'pipeline-tampered', resource: { restored: false } });
    expect(result.error).toMatch(/TRAILGUARD_PIPELINE is missing or invalid/);
    expect(events.commandCalls(PutRuleCommand)).toHaveLength(0);
  });

  it('does not restore a trailguard-* rule it does not manage (another bus, an unwatched region), but alerts it', async () => {
    memberEventBridge({});
    const { handle } = setup();

    const otherBus = await handle(guardEvent('DeleteRule', { params: { eventBusName: 'custom' } }));
    const unwatched = await handle(guardEvent('DeleteRule', { region: 'ap-south-1' }));

    expect([otherBus, unwatched].map((r) => [r.outcome, r.resource?.restored])).toEqual([
      ['pipeline-tampered', null],
      ['pipeline-tampered', null],
    ]);
    expect(events.commandCalls(PutRuleCommand)).toHaveLength(0);
  });

  it('names the bad field of TRAILGUARD_PIPELINE', () => {
    expect(() => loadPipelineEnvironment({ TRAILGUARD_PIPELINE: '{"watch":[],"regions":["eu-west-1"],"deployRole":"Deploy"}' })).toThrow(
      /^TRAILGUARD_PIPELINE\.watch: /,
    );
    expect(() =>
      loadPipelineEnvironment({ TRAILGUARD_PIPELINE: '{"watch":["StopLogging"],"regions":["eu-west-1"],"deployRole":"no spaces"}' }),
    ).toThrow(/^TRAILGUARD_PIPELINE\.deployRole: /);
    expect(() => loadPipelineEnvironment({ TRAILGUARD_PIPELINE: '{' })).toThrow('TRAILGUARD_PIPELINE: expected JSON');
  });

  it('rejects a malformed guard event without any AWS call or alert', async () => {
    const { handle } = setup();

    const result = await handle({ ...guardEvent('DeleteRule'), account: 'nope' });

    expect(result).toMatchObject({ outcome: 'rejected', reason: expect.stringMatching(/^not a guard event: account/) });
    expect([...events.calls(), ...sns.calls(), ...sts.calls()]).toHaveLength(0);
  });
});

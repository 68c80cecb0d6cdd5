// Issue 14: a member region's rules are read from one EventBridge ListRules (NamePrefix trailguard-) instead of a
// DescribeRule each; every page counts, a role too old for ListRules still plans, and other errors still fail.
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { StateReader } from '#core/aws/readers.js';
import { validateConfig } from '#core/config.js';
import { desiredState, type Resource } from '#core/desired-state.js';
import { planChanges } from '#core/plan.js';

const sts = mockClient(STSClient);
const events = mockClient(EventBridgeClient);
afterAll(() => {
  sts.restore();
  events.restore();
});

const MEMBER = '222222222222';

type Rule = Extract<Resource, { kind: 'event-rule' }>;

function setup() {
  const config = validateConfig({
    version: 1,
    central: { account: '111111111111', region: 'us-east-1' },
    members: { accounts: [{ id: MEMBER }], regions: ['us-east-1'] },
  });
  const rules = desiredState(config, { members: [MEMBER], codeSha256: 'abc' }).filter(
    (r): r is Rule => r.kind === 'event-rule' && r.account === MEMBER,
  );
  // The caller acts in the member with its own credentials here: no AssumeRole in the way of the reader.
  sts.on(GetCallerIdentityCommand).resolves({ Account: MEMBER });
  const accounts = new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 't',
    credentials: { accessKeyId: 'a', secretAccessKey: 's' },
  });
  const reader = new StateReader(accounts, 'us-east-1');
  // Targets and tags exactly as desired: whether a rule is drift then depends on the rule itself only.
  for (const rule of rules) {
    events.on(ListTargetsByRuleCommand, { Rule: rule.name }).resolves({ Targets: rule.targets as never });
  }
  events.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'trailguard:managed', Value: 'true' }] });
  return { rules, reader };
}

const listed = (rule: Rule, state: 'ENABLED' | 'DISABLED' = 'ENABLED') => ({
  Name: rule.name,
  State: state,
  EventPattern: JSON.stringify(rule.pattern),
});
const plan = async (reader: StateReader, rules: Rule[]) =>
  planChanges(rules, new Map(await Promise.all(rules.map(async (r) => [r.key, await reader.read(r)] as const))));

beforeEach(() => {
  sts.reset();
  events.reset();
});

describe('a region rules from one ListRules', () => {
  it('both member rules of a region cost one ListRules and no DescribeRule, and read as in place', async () => {
    const { rules, reader } = setup();
    expect(rules.map((r) => r.name).sort()).toEqual(['trailguard-forward', 'trailguard-guard']);
    events.on(ListRulesCommand).resolves({ Rules: rules.map((r) => listed(r)) });

    const changes = await plan(reader, rules);

    expect(changes).toEqual([]);
    expect(events.commandCalls(ListRulesCommand).map((c) => c.args[0].input)).toEqual([
      { NamePrefix: 'trailguard-', EventBusName: 'default' },
    ]);
    expect(events.commandCalls(DescribeRuleCommand)).toHaveLength(0);
  });

  it('a rule on the second page of ListRules is found; one missing from every page is planned as a create', async () => {
    const { rules, reader } = setup();
    const [forward, guard] = [rules.find((r) => r.name === 'trailguard-forward')!, rules.find((r) => r.name === 'trailguard-guard')!];
    events
      .on(ListRulesCommand)
      .resolvesOnce({ Rules: [{ Name: 'trailguard-fake', State: 'ENABLED', EventPattern: '{}' }], NextToken: 'page-2' })
      .resolvesOnce({ Rules: [listed(forward, 'DISABLED')] });

    const changes = await plan(reader, rules);

    expect(changes.map((c) => `${c.name}: ${c.reason}`).sort()).toEqual([`${forward.name}: update: state`, `${guard.name}: create`]);
    expect(events.commandCalls(ListRulesCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
  });

  it('a deploy role without events:ListRules (made from an older policy) still plans, from DescribeRule', async () => {
    const { rules, reader } = setup();
    events
      .on(ListRulesCommand)
      .rejects(Object.assign(new Error('not authorized to perform: events:ListRules'), { name: 'AccessDeniedException' }));
    for (const rule of rules) events.on(DescribeRuleCommand, { Name: rule.name }).resolves(listed(rule, 'DISABLED'));

    const changes = await plan(reader, rules);

    expect(changes.map((c) => `${c.name}: ${c.reason}`).sort()).toEqual([
      'trailguard-forward: update: state',
      'trailguard-guard: update: state',
    ]);
  });

  it('an account the run is done with is let go: its listing is not kept, and a later read lists again', async () => {
    const { rules, reader } = setup();
    events.on(ListRulesCommand).resolves({ Rules: rules.map((r) => listed(r)) });
    await plan(reader, rules);

    reader.forget(MEMBER);
    events.on(ListRulesCommand).resolves({ Rules: [] });
    const changes = await plan(reader, rules);

    expect(changes.map((c) => `${c.name}: ${c.reason}`).sort()).toEqual(['trailguard-forward: create', 'trailguard-guard: create']);
    expect(events.commandCalls(ListRulesCommand)).toHaveLength(2);
  });

  it('any other ListRules error fails the read of both rules (an unreadable region is never "in place")', async () => {
    const { rules, reader } = setup();
    events.on(ListRulesCommand).rejects(Object.assign(new Error('bad request'), { name: 'ValidationException' }));

    for (const rule of rules) await expect(reader.read(rule)).rejects.toThrow('bad request');
    expect(events.commandCalls(DescribeRuleCommand)).toHaveLength(0);
  });
});

// `trailguard sweep` judges the canary with the config's sweep.canaryGraceSeconds, as the scheduled sweep does.
import { CloudTrailClient, DescribeTrailsCommand, ListTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { sweepAccount } from '../../lambda/sweep.js';
import { cliSweepDeps } from '../../src/sweep-command.js';
import type { Alert } from '#core/alert.js';
import type { Accounts } from '#core/aws/accounts.js';
import type { StateTable } from '#core/aws/state-table.js';
import { validateConfig } from '#core/config.js';
import { memberRuleSpec, memberRules, remediatorEnvironment } from '#core/desired-state.js';
import { loadSweepEnvironment } from '../../lambda/sweep-deps.js';
import { memoryState } from '../support/memory-state.js';
import { recordingLog } from '../support/recording-log.js';

const MEMBER = '222222222222';
const REGION = 'us-east-1';
const cloudtrail = mockClient(CloudTrailClient);
const events = mockClient(EventBridgeClient);
const accounts = { client: async <C>(Client: new (o: { region: string }) => C, _a: string, region: string) => new Client({ region }) };

function config(sweep: Record<string, unknown> = {}) {
  return validateConfig({
    version: 1,
    central: { account: '111111111111', region: REGION },
    members: { accounts: [{ id: MEMBER }], regions: [REGION] },
    sweep,
  });
}

beforeEach(() => {
  cloudtrail.reset();
  events.reset();
  cloudtrail.on(ListTrailsCommand).resolves({ Trails: [] });
  cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [] });
  // TrailGuard's member rules as apply left them: only the canary can make this sweep non-green.
  for (const rule of memberRules(memberRuleSpec(config()), MEMBER).filter((r) => r.region === REGION)) {
    events.on(DescribeRuleCommand, { Name: rule.name }).resolves({ State: 'ENABLED', EventPattern: JSON.stringify(rule.pattern) });
    events.on(ListTargetsByRuleCommand, { Rule: rule.name }).resolves({ Targets: rule.targets });
  }
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'c1' }] });
});

/** One CLI sweep of MEMBER whose previous canary was sent two minutes ago and has not arrived; returns what it alerted. */
async function sweepTwoMinutesAfterCanary(sweepConfig: Record<string, unknown>): Promise<Alert[]> {
  const state = memoryState();
  const sentAt = new Date(Date.now() - 120_000).toISOString();
  await state.putStatus({ account: MEMBER, region: REGION, sweepId: 's0', checkedAt: sentAt, rows: [], canary: { sentAt, sweepId: 's0' } });
  const c = config(sweepConfig);
  const deps = cliSweepDeps(
    c,
    accounts as unknown as Accounts,
    { regions: [REGION], members: [MEMBER], state: state as unknown as StateTable },
    recordingLog(),
  );
  const published: Alert[] = [];
  deps.publish = async (alert) => {
    published.push(alert);
    return 'm';
  };
  await sweepAccount(
    { trailguard: 'sweep', action: 'account', sweepId: 's1', account: MEMBER, regions: [REGION], startedAt: sentAt },
    deps,
  );
  return published;
}

describe('trailguard sweep: canary grace', () => {
  it('waits sweep.canaryGraceSeconds before calling a canary overdue', async () => {
    expect(await sweepTwoMinutesAfterCanary({ canaryGraceSeconds: 300 })).toEqual([]);
  });

  it('without it, waits the default 60 s (the canary sent two minutes ago is overdue)', async () => {
    expect(await sweepTwoMinutesAfterCanary({})).toEqual([expect.objectContaining({ outcome: 'pipeline-broken', trigger: 'canary' })]);
  });

  it('writes the grace into the remediator environment, where the scheduled sweep reads it', () => {
    const env = remediatorEnvironment(config({ canaryGraceSeconds: 300 }), [MEMBER]);
    expect(loadSweepEnvironment(env).canaryGraceSeconds).toBe(300);
  });

  it('refuses a grace out of range, naming the field', () => {
    expect(() => config({ canaryGraceSeconds: 7200 })).toThrow(/sweep\.canaryGraceSeconds/);
    expect(() => config({ canaryGraceSeconds: -1 })).toThrow(/sweep\.canaryGraceSeconds/);
  });
});

// Review r11: attacks on the scheduled sweep and the canary (forged canaries, blind regions reported as resolved,
// narrowed forwarding rules, deleted baseline trails, sweep messages for non-members). Harness copied from sweep-worker.test.ts.
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHandler, type HandlerDeps } from '../../lambda/remediator.js';
import { sweepAccount, type SweepDeps } from '../../lambda/sweep.js';
import type { Alert } from '#core/alert.js';
import type { StateTable } from '#core/aws/state-table.js';
import { parseAlert } from '#core/alert.js';
import { busStatement, memberRules } from '#core/desired-state.js';
import type { AccountSweepMessage } from '#core/sweep.js';
import { memoryState, sweepSettings } from '../support/memory-state.js';
import { recordingLog } from '../support/recording-log.js';

const ACCOUNT = '222222222222';
const REGION = 'us-east-1';
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-audit`;
const BUS = 'arn:aws:events:us-east-1:111111111111:event-bus/trailguard';
const cloudtrail = mockClient(CloudTrailClient);
const events = mockClient(EventBridgeClient);

let published: Alert[];
let failPublish: boolean;
let state: ReturnType<typeof memoryState>;

function deps(): SweepDeps {
  return {
    settings: sweepSettings(),
    log: recordingLog(),
    now: () => new Date('2026-01-01T00:00:00.000Z'),
    cloudtrail: async () => new CloudTrailClient({ region: REGION }),
    events: async () => new EventBridgeClient({ region: REGION }),
    async publish(alert) {
      if (failPublish) throw new Error('SNS is down');
      published.push(alert);
      return 'm-1';
    },
    state: state as unknown as StateTable,
    members: async () => [ACCOUNT],
    enqueue: async () => {},
    sweep: { regions: [REGION], centralBusArn: BUS, canaryGraceMs: 60_000 },
  };
}

const message: AccountSweepMessage = {
  trailguard: 'sweep',
  action: 'account',
  sweepId: 's1',
  account: ACCOUNT,
  regions: [REGION],
  startedAt: '2026-01-01T00:00:00.000Z',
};

beforeEach(() => {
  published = [];
  failPublish = false;
  state = memoryState();
  cloudtrail.reset();
  events.reset();
  cloudtrail.on(ListTrailsCommand).resolves({ Trails: [{ TrailARN: TRAIL_ARN, HomeRegion: REGION, Name: 'org-audit' }] });
  cloudtrail
    .on(DescribeTrailsCommand)
    .resolves({ trailList: [{ TrailARN: TRAIL_ARN, Name: 'org-audit', HomeRegion: REGION, IsMultiRegionTrail: true }] });
  cloudtrail.on(GetEventSelectorsCommand).resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] });
  events.on(DescribeRuleCommand).resolves({ State: 'ENABLED' });
  events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: 'trailguard-central-bus', Arn: BUS }] });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'c1' }] });
});

const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
function depsAt(now: Date, extra: Partial<SweepDeps> = {}): SweepDeps {
  return { ...deps(), now: () => now, ...extra };
}
function handlerDepsAt(now: Date): HandlerDeps {
  const sweep = depsAt(now);
  return { ...sweep, sweep: () => sweep } as unknown as HandlerDeps;
}
function canaryEvent(detail: Record<string, unknown>) {
  return {
    version: '0',
    id: 'forged-1',
    'detail-type': 'TrailGuard Canary',
    source: 'trailguard.canary',
    account: ACCOUNT,
    time: T0.toISOString(),
    region: REGION,
    resources: [],
    detail,
  };
}

describe('review r11: forged canaries', () => {
  // A member admin puts ONE canary with a far-future sentAt on their own default bus while the forwarding rule still
  // works (or straight onto the central bus). recordCanary keeps the newest sentAt and canaryOverdue compares only
  // `arrived.sentAt < sent.sentAt`, so every later canary check passes: the forwarding rule can then be broken without
  // any pipeline-broken alert, for ever.
  it('a canary dated in the future is rejected and does not hide a broken forwarding path', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    await sweepAccount(message, depsAt(T0)); // sends the canary of s1 at T0

    const handler = createHandler(() => handlerDepsAt(at(1)));
    const result = (await handler(
      canaryEvent({ account: ACCOUNT, region: REGION, sweepId: 'forged', sentAt: '2099-01-01T00:00:00.000Z' }),
    )) as { outcome: string };
    expect(result.outcome).toBe('rejected');

    // The forwarding rule is now broken: the canary of s1 never arrives. The next sweep must say so.
    published = [];
    await sweepAccount({ ...message, sweepId: 's2' }, depsAt(at(15)));
    expect(published).toEqual([expect.objectContaining({ outcome: 'pipeline-broken', trigger: 'canary' })]);
  });

  it('a future-dated canary already in trailguard-state does not vouch for the pipeline', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    await sweepAccount(message, depsAt(T0));
    // Recorded before any fix (or written by hand into the table).
    await state.recordCanary(
      { account: ACCOUNT, region: REGION, sweepId: 'forged', sentAt: '2099-01-01T00:00:00.000Z', eventId: 'x' },
      at(1),
    );
    published = [];
    await sweepAccount({ ...message, sweepId: 's2' }, depsAt(at(15)));
    expect(published).toEqual([expect.objectContaining({ outcome: 'pipeline-broken', trigger: 'canary' })]);
  });
});

describe('review r11: blind is not resolved', () => {
  // An open finding (a trail off the sweep could not restart) is followed by a sweep that cannot read the region at
  // all (the member admin broke the remediation role's trust policy, or CloudTrail throttles). The worker publishes a
  // `resolved` alert "the sweep no longer finds this" for the open finding, although it did not look.
  it('an open finding is not resolved by a sweep that could not read the region', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    events
      .on(DescribeRuleCommand, { Name: 'trailguard-forward' })
      .rejects(Object.assign(new Error('rule missing'), { name: 'ResourceNotFoundException' }));
    await sweepAccount(message, depsAt(T0));
    expect(published).toEqual([expect.objectContaining({ outcome: 'pipeline-broken' })]);

    published = [];
    const denied = async () => {
      throw Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' });
    };
    await sweepAccount({ ...message, sweepId: 's2' }, depsAt(at(15), { cloudtrail: denied, events: denied }));
    expect(published.map((a) => a.outcome)).not.toContain('resolved');
    // The region (and ListTrails) unreadable: pipeline-broken, nothing else.
    expect(published.length).toBeGreaterThan(0);
    expect(new Set(published.map((a) => a.outcome))).toEqual(new Set(['pipeline-broken']));
  });

  // One trail whose GetTrailStatus fails (e.g. the member admin denies cloudtrail:GetTrailStatus on the remediation
  // role) yields no finding at all: no alert, `unrepaired: 0` (so `trailguard sweep` exits 0), and its open
  // not-logging finding is published as `resolved`.
  it('a trail the sweep cannot read is a finding, and its open finding is not resolved', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    cloudtrail.on(StartLoggingCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await sweepAccount(message, depsAt(T0));
    expect(published).toEqual([expect.objectContaining({ trigger: 'sweep', trail: expect.objectContaining({ arn: TRAIL_ARN }) })]);
    const firstOutcome = published[0]!.outcome;
    expect(firstOutcome).not.toBe('resolved');

    published = [];
    cloudtrail.on(GetTrailStatusCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    // Within the canary's grace, so the canary is not what makes this sweep non-green.
    const result = await sweepAccount({ ...message, sweepId: 's2' }, depsAt(at(0.5)));
    expect(published.map((a) => a.outcome)).not.toContain('resolved');
    expect(result.findings).toEqual([expect.objectContaining({ resource: TRAIL_ARN, repaired: false })]);
    expect(result.unrepaired).toBe(1);
    // The alert it publishes is a valid trail alert (the Slack app and subscribers parse it).
    for (const alert of published) expect(() => parseAlert(JSON.stringify(alert))).not.toThrow();
  });
});

describe('review r11: what the sweep does not check', () => {
  // ruleProblem checks only State and the target. The member admin narrows trailguard-forward's EventPattern to the
  // canary alone: the rule stays ENABLED, targets the central bus, the canary keeps arriving, and no tamper event is
  // forwarded any more. The sweep reports nothing. Fix: compare the rule's EventPattern with desired-state's
  // forwardPattern (and the guard rule's) and make a difference a `rule` finding.
  it('a forwarding rule whose pattern no longer matches tampering is a pipeline-broken finding', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    const watch = ['trail'];
    const rules = memberRules({ centralBusArn: BUS, watch, regions: [REGION], remediationRole: 'TrailGuardRemediator' }, ACCOUNT).filter(
      (r) => r.region === REGION,
    );
    for (const rule of rules) {
      events.on(DescribeRuleCommand, { Name: rule.name }).resolves({ State: 'ENABLED', EventPattern: JSON.stringify(rule.pattern) });
      events.on(ListTargetsByRuleCommand, { Rule: rule.name }).resolves({ Targets: rule.targets });
    }
    const sweepSettings = { regions: [REGION], centralBusArn: BUS, canaryGraceMs: 60_000, watch };
    // As apply left them: nothing to report.
    await sweepAccount(message, depsAt(T0, { sweep: sweepSettings }));
    expect(published).toEqual([]);

    // The member admin narrows trailguard-forward to the canary alone.
    events.on(DescribeRuleCommand, { Name: 'trailguard-forward' }).resolves({
      State: 'ENABLED',
      EventPattern: JSON.stringify({ source: ['trailguard.canary'], 'detail-type': ['TrailGuard Canary'] }),
    });
    await sweepAccount({ ...message, sweepId: 's2' }, depsAt(at(0.5), { sweep: sweepSettings }));
    expect(published).toEqual([
      expect.objectContaining({ outcome: 'pipeline-broken', resource: expect.objectContaining({ name: 'trailguard-forward' }) }),
    ]);
    expect(published[0]!.reason).toContain('eventPattern');
  });

  // A trail in the baseline (settings.trails) deleted while the event was missed: the sweep iterates only the trails
  // that exist, so a deleted trail is never a finding: "a trail found off with no event says so" does not hold for
  // the most complete way to turn it off. Fix: per account, a baseline trail absent from DescribeTrails (home region
  // in the swept regions) goes through the DeleteTrail decision (recreate) and is alerted with FOUND_OFF_BY_SWEEP.
  it('a baseline trail that no longer exists is found by the sweep', async () => {
    cloudtrail.on(ListTrailsCommand).resolves({ Trails: [] });
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [] });
    const base = deps();
    const settings = {
      ...base.settings,
      trails: [
        {
          name: 'org-audit',
          s3BucketName: 'audit-logs',
          isMultiRegionTrail: true,
          includeGlobalServiceEvents: true,
          enableLogFileValidation: true,
        },
      ],
    } as SweepDeps['settings'];
    const result = await sweepAccount(message, depsAt(T0, { settings }));
    expect(result.findings.length).toBeGreaterThan(0);
    expect(published.length).toBeGreaterThan(0);
  });
});

describe('review r11: sweep messages', () => {
  // The worker takes `account` from the SQS message and assumes the remediation role there without checking that it
  // is a member (the configured list minus `exclude`, or the Organization). Anyone who can SendMessage to
  // trailguard-sweep can point the remediator (with its write permissions) at an excluded or foreign account.
  // The Slack app's role holds sqs:SendMessage on trailguard-sweep (for Refresh), so a compromised Slack app can too.
  // Fixed: handleSweepMessage rejects an `account` message whose account is not in `members()` (kept 5 minutes).
  it('an account message naming a non-member account is rejected without assuming any role', async () => {
    const visited: string[] = [];
    const sweep = depsAt(T0, {
      members: async () => [ACCOUNT],
      cloudtrail: async (account: string) => {
        visited.push(account);
        return new CloudTrailClient({ region: REGION });
      },
      events: async (account: string) => {
        visited.push(account);
        return new EventBridgeClient({ region: REGION });
      },
    });
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    const handler = createHandler(() => ({ ...sweep, sweep: () => sweep }) as unknown as HandlerDeps);
    const body = JSON.stringify({ ...message, account: '629000000099' });
    const out = (await handler({
      Records: [
        {
          messageId: 'm1',
          receiptHandle: 'r',
          body,
          attributes: {},
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:trailguard-sweep',
          awsRegion: REGION,
        },
      ],
    })) as { batchItemFailures: unknown[] };
    expect(visited).not.toContain('629000000099');
    expect(out.batchItemFailures).toHaveLength(1);
  });
});

function sqsRecord(body: unknown) {
  return {
    Records: [
      {
        messageId: 'm1',
        receiptHandle: 'r',
        body: JSON.stringify(body),
        attributes: {},
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:trailguard-sweep',
        awsRegion: REGION,
      },
    ],
  };
}

describe('review r11: a sweep that does not run', () => {
  // The planner cannot list the members (organizations:ListAccounts denied by an SCP, the Organizations API down, the
  // state table unwritable): planSweep throws, the record is redriven 3 times and lands in trailguard-sweep-dlq. No
  // account is swept, no canary is sent or judged, and nothing is alerted: TrailGuard's backstop is off and it says
  // nothing (no CloudWatch alarm on trailguard-sweep-dlq either; the same holds for a disabled or deleted schedule).
  // Fixed: on the planner's failure a pipeline-broken alert (trigger: sweep) about the central account's schedule is
  // published before rethrowing. A schedule disabled or deleted outright: see sweep-schedule-guard.test.ts (its
  // CloudTrail record is alerted, and the next planner alerts a `sweep/latest` older than twice sweep.schedule).
  it('a planner that cannot list the members publishes an alert, not only a DLQ message', async () => {
    const sweep = depsAt(T0, {
      members: async () => {
        throw Object.assign(new Error('You are not authorized to perform organizations:ListAccounts'), { name: 'AccessDeniedException' });
      },
    });
    const handler = createHandler(() => ({ ...sweep, sweep: () => sweep }) as unknown as HandlerDeps);
    const out = (await handler(sqsRecord({ trailguard: 'sweep', action: 'plan' }))) as { batchItemFailures: unknown[] };
    expect(out.batchItemFailures).toHaveLength(1);
    expect(published).toEqual([expect.objectContaining({ outcome: 'pipeline-broken', trigger: 'sweep' })]);
  });
});

describe('review r11: the canary can be put on the central bus directly', () => {
  // The central bus policy admits `arn:aws:iam::<member>:root` (or any principal of the Organization): any principal
  // of a member with events:PutEvents on it can put a fresh canary ({account: self, region, sweepId, sentAt: now})
  // straight onto the central bus, every 15 minutes, after deleting or narrowing trailguard-forward. The envelope
  // account matches, so parseCanaryEvent accepts it and the member-region looks healthy. README admits the replay;
  // the rule check is the only backstop (now complete for the pattern, see above), but a rule whose target role
  // `trailguard-forwarder` was emptied of its events:PutEvents permission is invisible to it.
  // Fix: let the bus policy admit only each member's forwarder role (Principal arn:aws:iam::<member>:role/
  // trailguard-forwarder; with an Organization, Condition aws:PrincipalArn arn:aws:iam::*:role/trailguard-forwarder),
  // whose trust is events.amazonaws.com only.
  it("the central bus admits only the members' forwarder roles, not every principal of a member", () => {
    const statement = busStatement(
      {
        kind: 'bus-permission',
        key: 'k',
        account: '111111111111',
        region: REGION,
        name: 'trailguard-629000000001',
        bus: 'trailguard',
        principal: '629000000001',
      },
      BUS,
    ) as { Principal: { AWS: string }; Condition: Record<string, Record<string, string>> };
    expect(statement.Principal.AWS).toBe('arn:aws:iam::629000000001:root');
    expect(statement.Condition.ArnLike!['aws:PrincipalArn']).toBe('arn:aws:iam::*:role/trailguard-forwarder');
  });
});

describe('review r11: an unjudged canary is not a healthy one', () => {
  // A canary finding is open (the forwarding path is broken). A sweep that runs within canaryGraceSeconds of the last
  // one (Slack's Refresh button, `trailguard sweep` from a workflow, a redelivered plan) has no canary to judge yet,
  // so the canary is not among its findings, and dedupeFindings publishes `resolved` for it ("the sweep no longer
  // finds this"): the Slack incident turns green although no canary ever came back. The next scheduled sweep alerts it
  // again (a flap). The same happens after one unreadable sweep (its snapshot has no canary to judge).
  it('a sweep with no canary to judge yet does not resolve an open canary finding', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    await sweepAccount(message, depsAt(T0));
    await sweepAccount({ ...message, sweepId: 's2' }, depsAt(at(15)));
    expect(published).toEqual([expect.objectContaining({ outcome: 'pipeline-broken', trigger: 'canary' })]);

    published = [];
    await sweepAccount({ ...message, sweepId: 'refresh' }, depsAt(at(15.5)));
    expect(published).toEqual([]);

    // Still nothing came back: the next sweep does not alert again either (the finding stayed open).
    await sweepAccount({ ...message, sweepId: 's3' }, depsAt(at(30)));
    expect(published).toEqual([]);
  });
});

describe('review r11: organization trails of an account the sweep does not visit', () => {
  // The worker keeps only the trails the swept account owns (ARN account === account). An organization trail is owned
  // by the management account, which is often not a member (a `members` list without it, or `exclude` naming it, as
  // many organizations keep the management account out of automation). Then the organization's trail, the one that
  // logs every account, is never swept: stopped with its StopLogging event lost, no sweep ever says so, although
  // every member sees it as a shadow trail and GetTrailStatus on it works from a member.
  // Fix: per sweep, the shadow organization trails whose owner is not a member are read (GetTrailStatus) from one
  // member in their home region; one found off is a `not-logging` finding (alert-only, or repaired through
  // settings.organization.managementAccount as the event path does).
  it('an organization trail found off from a member is a finding even when the management account is not swept', async () => {
    const orgTrail = `arn:aws:cloudtrail:${REGION}:629000000001:trail/org-trail`;
    cloudtrail.on(ListTrailsCommand).resolves({ Trails: [{ TrailARN: orgTrail, HomeRegion: REGION, Name: 'org-trail' }] });
    cloudtrail.on(DescribeTrailsCommand).resolves({
      trailList: [{ TrailARN: orgTrail, Name: 'org-trail', HomeRegion: REGION, IsMultiRegionTrail: true, IsOrganizationTrail: true }],
    });
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const base = deps();
    const settings = { ...base.settings, organization: { managementAccount: '629000000001', delegatedAdministrators: [] } };
    const result = await sweepAccount(message, depsAt(T0, { settings, members: async () => [ACCOUNT] }));
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'not-logging', resource: orgTrail })]);
    expect(published.length).toBeGreaterThan(0);
  });
});

describe('review r11: the state table as a single point of silence', () => {
  // Every alert of a worker is published after `state.findings()` (the dedupe read). When trailguard-state cannot be
  // read (deleted or its policy changed by someone in the central account, throttled, or the remediator's
  // SweepStateTable grant removed), sweepAccount throws before publishing anything: a trail the sweep found off is
  // restarted (or not) with no alert at all, the message is redriven 3 times and ends in trailguard-sweep-dlq, where
  // nothing watches. Fixed: when the table cannot be read, every finding is published without dedupe (a duplicate
  // beats silence) plus one pipeline-broken about trailguard-state, then the worker throws.
  it('a trail found off is alerted even when trailguard-state cannot be read', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const broken = async () => {
      throw Object.assign(new Error('Requested resource not found'), { name: 'ResourceNotFoundException' });
    };
    const table = {
      ...state,
      findings: broken,
      putFinding: broken,
      putStatus: broken,
      status: broken,
      canary: broken,
      finishAccount: broken,
    };
    const failure = await sweepAccount(message, depsAt(T0, { state: table as unknown as StateTable })).then(
      () => null,
      (error: unknown) => error,
    );
    expect(published.some((a) => a.trigger === 'sweep' && 'trail' in a && a.trail?.arn === TRAIL_ARN)).toBe(true);
    // Then why the alerts may repeat, and a failure so the message is retried once the table is back.
    expect(published).toContainEqual(
      expect.objectContaining({
        outcome: 'pipeline-broken',
        resource: expect.objectContaining({ type: 'dynamodb-table', name: 'trailguard-state' }),
      }),
    );
    expect(String(failure)).toContain('trailguard-state unreadable');
  });
});

// What the sweep must find beyond the trails an account owns and lists: a baseline trail that was deleted (no
// DeleteTrail event came), and an organization trail stopped in a management account the sweep does not visit.
import {
  CloudTrailClient,
  CreateTrailCommand,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
  StartLoggingCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { sweepAccount, type SweepDeps } from '../../lambda/sweep.js';
import { type Alert, parseAlert } from '#core/alert.js';
import type { StateTable } from '#core/aws/state-table.js';
import type { TrailBaseline } from '#core/config.js';
import { type AccountSweepMessage, FOUND_MISSING_BY_SWEEP } from '#core/sweep.js';
import { memoryState, sweepSettings } from '../support/memory-state.js';
import { recordingLog } from '../support/recording-log.js';
import { healthyBucket } from '../support/trail-storage.js';

const ACCOUNT = '222222222222';
const OTHER_MEMBER = '444444444444';
const MANAGEMENT = '333333333333';
const REGION = 'us-east-1';
const BUS = 'arn:aws:events:us-east-1:111111111111:event-bus/trailguard';
const BASELINE: TrailBaseline = {
  name: 'org-audit',
  s3BucketName: 'audit-logs',
  isMultiRegionTrail: true,
  includeGlobalServiceEvents: true,
  enableLogFileValidation: true,
  isOrganizationTrail: false,
};
const OWN_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-audit`;
const ORG_ARN = `arn:aws:cloudtrail:${REGION}:${MANAGEMENT}:trail/org-trail`;
const cloudtrail = mockClient(CloudTrailClient);
const events = mockClient(EventBridgeClient);
const s3 = mockClient(S3Client);

let published: Alert[];
let state: ReturnType<typeof memoryState>;
let visited: string[];

function deps(extra: { trails?: TrailBaseline[]; members?: string[] } = {}): SweepDeps {
  return {
    settings: sweepSettings({ trails: extra.trails ?? [BASELINE] }),
    log: recordingLog(),
    now: () => new Date('2026-01-01T00:00:00.000Z'),
    cloudtrail: async (account) => {
      visited.push(account);
      return new CloudTrailClient({ region: REGION });
    },
    events: async () => new EventBridgeClient({ region: REGION }),
    s3: async () => new S3Client({ region: REGION }),
    async publish(alert) {
      published.push(alert);
      return 'm-1';
    },
    state: state as unknown as StateTable,
    members: async () => extra.members ?? [ACCOUNT],
    enqueue: async () => {},
    sweep: { regions: [REGION], centralBusArn: BUS, canaryGraceMs: 60_000 },
  };
}

const message = (sweepId = 's1'): AccountSweepMessage => ({
  trailguard: 'sweep',
  action: 'account',
  sweepId,
  account: ACCOUNT,
  regions: [REGION],
  startedAt: '2026-01-01T00:00:00.000Z',
});

beforeEach(() => {
  published = [];
  visited = [];
  state = memoryState();
  cloudtrail.reset();
  events.reset();
  s3.reset();
  // The trails' bucket is healthy: these tests are about the trails themselves.
  healthyBucket(s3, 'audit-logs');
  cloudtrail.on(GetEventSelectorsCommand).resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] });
  cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  events.on(DescribeRuleCommand).resolves({ State: 'ENABLED' });
  events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: 'trailguard-central-bus', Arn: BUS }] });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'c1' }] });
});

/** The baseline trail as GetTrail reports it. */
function baselineTrail() {
  return {
    Name: 'org-audit',
    S3BucketName: 'audit-logs',
    IsMultiRegionTrail: true,
    IncludeGlobalServiceEvents: true,
    LogFileValidationEnabled: true,
    IsOrganizationTrail: false,
  };
}

function trailsAre(trails: { arn: string; name: string; org?: boolean }[]) {
  cloudtrail.on(ListTrailsCommand).resolves({ Trails: trails.map((t) => ({ TrailARN: t.arn, Name: t.name, HomeRegion: REGION })) });
  cloudtrail.on(DescribeTrailsCommand).resolves({
    trailList: trails.map((t) => ({
      TrailARN: t.arn,
      Name: t.name,
      HomeRegion: REGION,
      IsMultiRegionTrail: true,
      IsOrganizationTrail: t.org === true,
      S3BucketName: 'audit-logs',
      IncludeGlobalServiceEvents: true,
      LogFileValidationEnabled: true,
    })),
  });
}

describe('sweep: a deleted baseline trail', () => {
  it('is recreated from the baseline and alerted as found missing (no DeleteTrail event came)', async () => {
    trailsAre([]);
    cloudtrail.on(CreateTrailCommand).resolves({ TrailARN: OWN_ARN });
    cloudtrail.on(StartLoggingCommand).resolves({});
    cloudtrail.on(GetTrailCommand).resolves({ Trail: { ...baselineTrail(), TrailARN: OWN_ARN } });

    const result = await sweepAccount(message(), deps());

    expect(cloudtrail.commandCalls(CreateTrailCommand)).toHaveLength(1);
    expect(result.findings).toEqual([
      expect.objectContaining({ kind: 'missing', resource: OWN_ARN, outcome: 'recreated', repaired: true }),
    ]);
    expect(result.unrepaired).toBe(0);
    expect(published).toEqual([
      expect.objectContaining({ outcome: 'recreated', trigger: 'sweep', trail: expect.objectContaining({ arn: OWN_ARN }) }),
    ]);
    expect(published[0]!.reason).toContain(FOUND_MISSING_BY_SWEEP);
    expect(() => parseAlert(JSON.stringify(published[0]))).not.toThrow();
  });

  it('that cannot be recreated is alerted once, stays open, and makes the sweep non-green', async () => {
    trailsAre([]);
    cloudtrail.on(CreateTrailCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    const first = await sweepAccount(message(), deps());
    const second = await sweepAccount(message('s2'), { ...deps(), now: () => new Date('2026-01-01T00:00:30.000Z') });

    expect(first.unrepaired).toBe(1);
    expect(second.unrepaired).toBe(1);
    expect(published).toEqual([expect.objectContaining({ outcome: 'failed', trigger: 'sweep' })]);
  });

  it('is not missing while a trail of that name exists in the account', async () => {
    trailsAre([{ arn: OWN_ARN, name: 'org-audit' }]);
    cloudtrail.on(GetTrailCommand).resolves({ Trail: { ...baselineTrail(), TrailARN: OWN_ARN } });

    const result = await sweepAccount(message(), deps());

    expect(result.findings).toEqual([]);
    expect(cloudtrail.commandCalls(CreateTrailCommand)).toHaveLength(0);
  });

  it('an organization trail of that name (owned by the management account) stands for it', async () => {
    trailsAre([{ arn: `arn:aws:cloudtrail:${REGION}:${MANAGEMENT}:trail/org-audit`, name: 'org-audit', org: true }]);

    const result = await sweepAccount(
      message(),
      deps({ trails: [{ ...BASELINE, isOrganizationTrail: true }], members: [ACCOUNT, MANAGEMENT] }),
    );

    expect(result.findings.filter((f) => f.kind === 'missing')).toEqual([]);
    expect(cloudtrail.commandCalls(CreateTrailCommand)).toHaveLength(0);
  });

  it('is not judged when ListTrails fails (that is its own finding)', async () => {
    trailsAre([]);
    cloudtrail.on(ListTrailsCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));

    const result = await sweepAccount(message(), deps());

    expect(result.findings.map((f) => f.kind)).toEqual(['unreadable']);
    expect(cloudtrail.commandCalls(CreateTrailCommand)).toHaveLength(0);
  });
});

describe('sweep: organization trails of an account it does not visit', () => {
  it('a stopped one is read from one member only: the first, so it is alerted once, not once per member', async () => {
    trailsAre([{ arn: ORG_ARN, name: 'org-trail', org: true }]);
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });

    const other = await sweepAccount({ ...message(), account: OTHER_MEMBER }, deps({ trails: [], members: [OTHER_MEMBER, ACCOUNT] }));
    const first = await sweepAccount(message(), deps({ trails: [], members: [OTHER_MEMBER, ACCOUNT] }));

    expect(other.findings).toEqual([]);
    expect(first.findings).toEqual([expect.objectContaining({ kind: 'not-logging', resource: ORG_ARN, repaired: false })]);
    expect(published).toEqual([expect.objectContaining({ trigger: 'sweep', trail: expect.objectContaining({ arn: ORG_ARN }) })]);
  });

  it('is left to the owner when the owner is itself swept', async () => {
    trailsAre([{ arn: ORG_ARN, name: 'org-trail', org: true }]);
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });

    const result = await sweepAccount(message(), deps({ trails: [], members: [ACCOUNT, MANAGEMENT] }));

    expect(result.findings).toEqual([]);
  });

  it('is repaired through the owner as the event path does (StartLogging with TrailGuard role there)', async () => {
    trailsAre([{ arn: ORG_ARN, name: 'org-trail', org: true }]);
    cloudtrail.on(GetTrailStatusCommand).resolvesOnce({ IsLogging: false }).resolves({ IsLogging: true });
    cloudtrail.on(StartLoggingCommand).resolves({});

    const result = await sweepAccount(message(), deps({ trails: [] }));

    expect(visited).toContain(MANAGEMENT);
    expect(result.findings).toEqual([
      expect.objectContaining({ kind: 'not-logging', resource: ORG_ARN, outcome: 'restarted', repaired: true }),
    ]);
  });
});

describe('which baseline trails an account lacks', () => {
  const listed = [
    { name: 'own', arn: `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/own` },
    { name: 'org', arn: `arn:aws:cloudtrail:${REGION}:${MANAGEMENT}:trail/org` },
  ];
  it.each([
    ['its own trail of that name', { name: 'own' }, []],
    ["another account's (organization) trail of that name", { name: 'org' }, []],
    ["another account's trail, when the baseline pins isOrganizationTrail: false", { name: 'org', isOrganizationTrail: false }, ['org']],
    ['no trail of that name', { name: 'gone', isOrganizationTrail: true }, ['gone']],
  ])('%s', async (_label, baseline, missing) => {
    const { missingBaselineTrails } = await import('#core/sweep.js');
    expect(missingBaselineTrails([baseline], ACCOUNT, listed).map((b) => b.name)).toEqual(missing);
  });
});

describe('the Lambda sweep lists the Organization once per container, not once per account', () => {
  it('members() walks ListAccounts once for many workers', async () => {
    const { ListAccountsCommand, OrganizationsClient } = await import('@aws-sdk/client-organizations');
    const { createDefaultSweepDeps } = await import('../../lambda/sweep-deps.js');
    const organizations = mockClient(OrganizationsClient);
    organizations.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: ACCOUNT, State: 'ACTIVE' },
        { Id: OTHER_MEMBER, State: 'SUSPENDED' },
      ],
    });
    const sweep = createDefaultSweepDeps(
      deps() as never,
      {
        TRAILGUARD_SWEEP: JSON.stringify({ members: 'organization', exclude: [] }),
        TRAILGUARD_PIPELINE: JSON.stringify({ watch: ['StopLogging'], regions: [REGION], deployRole: 'OrganizationAccountAccessRole' }),
      },
      { events: async () => new EventBridgeClient({ region: REGION }) },
    );

    const lists = await Promise.all(Array.from({ length: 5 }, () => sweep.members()));

    expect(lists).toEqual(Array(5).fill([ACCOUNT]));
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(1);
    organizations.restore();
  });
});

describe('sweep: a deleted organization trail of the baseline', () => {
  const orgBaseline = { ...BASELINE, isOrganizationTrail: true };
  function orgDeps(members: string[]) {
    const d = deps({ trails: [orgBaseline], members });
    d.settings = { ...d.settings, organization: { managementAccount: MANAGEMENT, delegatedAdministrators: [] } };
    return d;
  }

  it('is recreated by one worker, not by every member that no longer sees it', async () => {
    trailsAre([]);
    cloudtrail.on(CreateTrailCommand).resolves({});

    const member = await sweepAccount(message(), orgDeps([ACCOUNT, MANAGEMENT]));
    const management = await sweepAccount({ ...message(), account: MANAGEMENT }, orgDeps([ACCOUNT, MANAGEMENT]));

    expect(member.findings.filter((f) => f.kind === 'missing')).toEqual([]);
    expect(management.findings.filter((f) => f.kind === 'missing')).toHaveLength(1);
    expect(cloudtrail.commandCalls(CreateTrailCommand)).toHaveLength(1);
  });

  it('with the management account not swept, the first member judges it', async () => {
    trailsAre([]);
    cloudtrail.on(CreateTrailCommand).resolves({});

    const other = await sweepAccount({ ...message(), account: OTHER_MEMBER }, orgDeps([ACCOUNT, OTHER_MEMBER]));
    const first = await sweepAccount(message(), orgDeps([ACCOUNT, OTHER_MEMBER]));

    expect(other.findings.filter((f) => f.kind === 'missing')).toEqual([]);
    expect(first.findings.filter((f) => f.kind === 'missing')).toHaveLength(1);
  });
});

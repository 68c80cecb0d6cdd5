// The sweep worker and the sweep-queue handler against recorded AWS answers: what moto cannot show (delivery errors,
// an unreadable region, a failed publish, a malformed message in a batch).
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHandler, type HandlerDeps } from '../../lambda/remediator.js';
import { sweepAccount, type SweepDeps } from '../../lambda/sweep.js';
import type { Alert } from '#core/alert.js';
import type { StateTable } from '#core/aws/state-table.js';
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

describe('sweep worker', () => {
  it.each([
    ['LatestDeliveryError', 'AccessDenied'],
    ['LatestDigestDeliveryError', 'NoSuchBucket'],
    ['LatestCloudWatchLogsDeliveryError', 'ResourceNotFoundException'],
  ])(
    'a trail that logs but reports %s is delivery-failing: alerted once, not again while open, resolved when gone',
    async (field, code) => {
      cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true, [field]: code });

      const first = await sweepAccount(message, deps());
      const again = await sweepAccount({ ...message, sweepId: 's2' }, deps());

      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({
        outcome: 'delivery-failing',
        trigger: 'sweep',
        eventName: 'TrailGuardSweep',
        trail: { arn: TRAIL_ARN },
      });
      expect(published[0]!.reason).toContain(`${field}: ${code}`);
      expect(first.unrepaired).toBe(1);
      expect(again.findings).toEqual([expect.objectContaining({ kind: 'delivery-error', alerted: false })]);

      cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
      await sweepAccount({ ...message, sweepId: 's3' }, deps());

      expect(published.map((a) => [a.outcome, a.resolves])).toEqual([
        ['delivery-failing', null],
        ['resolved', published[0]!.id],
      ]);
    },
  );

  it('a region that cannot be read is pipeline-broken (never a silent gap), with the error', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    cloudtrail.on(DescribeTrailsCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));

    const result = await sweepAccount(message, deps());

    expect(result.unrepaired).toBe(1);
    expect(published).toEqual([
      expect.objectContaining({ outcome: 'pipeline-broken', trigger: 'sweep', account: ACCOUNT, region: REGION }),
    ]);
    expect(published[0]!.reason).toContain('User is not authorized');
    expect(state.items.status.get(`${ACCOUNT}#${REGION}`)?.error).toContain('User is not authorized');
  });

  it('a rule that is disabled, or forwards elsewhere, is pipeline-broken naming the rule', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    events.on(DescribeRuleCommand, { Name: 'trailguard-guard' }).resolves({ State: 'DISABLED' });
    events
      .on(ListTargetsByRuleCommand, { Rule: 'trailguard-forward' })
      .resolves({ Targets: [{ Id: 'x', Arn: 'arn:aws:events:us-east-1:999999999999:event-bus/attacker' }] });

    await sweepAccount(message, deps());

    expect(published.map((a) => [a.outcome, a.trail ? null : a.resource.name, a.reason?.split(' in ')[0]])).toEqual([
      ['pipeline-broken', 'trailguard-forward', `trailguard-forward does not target the central bus ${BUS}`],
      ['pipeline-broken', 'trailguard-guard', 'trailguard-guard is DISABLED'],
    ]);
  });

  it('a canary PutEvents refused by EventBridge makes the region pipeline-broken', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException' }] });

    await sweepAccount(message, deps());

    expect(published).toEqual([expect.objectContaining({ outcome: 'pipeline-broken' })]);
    expect(published[0]!.reason).toContain('PutEvents of the canary failed: AccessDeniedException');
  });
});

describe('the sweep queue in the handler (Powertools batch)', () => {
  function handlerDeps(): HandlerDeps {
    // A worker sweeps only member accounts (review r11): 333333333333 is one here.
    const sweep = { ...deps(), members: async () => [ACCOUNT, '333333333333'] };
    return { ...sweep, sweep: () => sweep } as unknown as HandlerDeps;
  }
  const record = (id: string, body: unknown) => ({
    messageId: id,
    receiptHandle: id,
    body: JSON.stringify(body),
    attributes: {},
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:trailguard-sweep',
    awsRegion: REGION,
  });

  it('a malformed message and an account whose alert cannot be published are reported back; the rest of the batch is done', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestDeliveryError: 'AccessDenied' });
    const handler = createHandler(handlerDeps);
    const good = { ...message, account: '333333333333' };
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });

    const out = await handler({
      Records: [record('bad', { trailguard: 'sweep', action: 'account', account: 'x' }), record('ok', good)],
    });

    expect(out).toMatchObject({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(state.items.status.has(`333333333333#${REGION}`)).toBe(true);

    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestDeliveryError: 'AccessDenied' });
    failPublish = true;
    const failed = await handler({ Records: [record('unpublished', message)] });
    expect(failed).toMatchObject({ batchItemFailures: [{ itemIdentifier: 'unpublished' }] });
    // Not recorded as alerted: the redelivered message alerts it.
    expect(state.items.findings.size).toBe(0);
  });
});

describe('sweep worker, trails outside the watched regions', () => {
  it('a member whose trails cannot be listed is pipeline-broken, not only a log line', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    cloudtrail.on(ListTrailsCommand).rejects(Object.assign(new Error('not authorized to ListTrails'), { name: 'AccessDeniedException' }));

    const result = await sweepAccount(message, deps());

    expect(result.unrepaired).toBe(1);
    expect(published).toEqual([expect.objectContaining({ outcome: 'pipeline-broken', account: ACCOUNT, region: REGION })]);
    expect(published[0]!.reason).toContain('ListTrails: not authorized to ListTrails');
  });

  it('a trail homed in a region nobody watches is swept in its home region too', async () => {
    const far = 'arn:aws:cloudtrail:ap-south-1:222222222222:trail/far';
    cloudtrail.on(ListTrailsCommand).resolves({ Trails: [{ TrailARN: far, HomeRegion: 'ap-south-1', Name: 'far' }] });
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });

    const result = await sweepAccount(message, deps());

    expect(result.findings).toEqual([]);
    expect([...state.items.status.keys()].sort()).toEqual([`${ACCOUNT}#ap-south-1`, `${ACCOUNT}#${REGION}`]);
  });
});

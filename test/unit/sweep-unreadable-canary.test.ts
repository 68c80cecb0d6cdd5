// A sweep that cannot read an account must not forget what trailguard-state knows about its canary: the alert and the
// status snapshot keep the last canary seen, and the canary sent before the outage is still judged afterwards.
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand, ListTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { sweepAccount, type SweepDeps } from '../../lambda/sweep.js';
import type { Alert } from '#core/alert.js';
import type { StateTable } from '#core/aws/state-table.js';
import type { AccountSweepMessage } from '#core/sweep.js';
import { memoryState, sweepSettings } from '../support/memory-state.js';
import { recordingLog } from '../support/recording-log.js';

const ACCOUNT = '222222222222';
const REGION = 'us-east-1';
const BUS = 'arn:aws:events:us-east-1:111111111111:event-bus/trailguard';
const cloudtrail = mockClient(CloudTrailClient);
const events = mockClient(EventBridgeClient);
const T0 = new Date('2026-01-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

let published: Alert[];
let state: ReturnType<typeof memoryState>;

const denied = async (): Promise<never> => {
  throw Object.assign(new Error('not authorized to perform sts:AssumeRole'), { name: 'AccessDenied' });
};

function depsAt(now: Date, unreadable = false): SweepDeps {
  return {
    settings: sweepSettings(),
    log: recordingLog(),
    now: () => now,
    cloudtrail: unreadable ? denied : async () => new CloudTrailClient({ region: REGION }),
    events: unreadable ? denied : async () => new EventBridgeClient({ region: REGION }),
    async publish(alert) {
      published.push(alert);
      return 'm-1';
    },
    state: state as unknown as StateTable,
    members: async () => [ACCOUNT],
    enqueue: async () => {},
    sweep: { regions: [REGION], centralBusArn: BUS, canaryGraceMs: 60_000 },
  };
}

const message = (sweepId: string): AccountSweepMessage => ({
  trailguard: 'sweep',
  action: 'account',
  sweepId,
  account: ACCOUNT,
  regions: [REGION],
  startedAt: T0.toISOString(),
});

/** The reason of the alert about the member-region the sweep could not read (there is one about ListTrails too). */
const unreadable = expect.stringContaining(`the sweep could not read ${ACCOUNT} ${REGION}`);

/** The canary put at `sent` arrives at `arrived` (what the remediator records when the forwarding rule delivers it). */
async function canaryArrives(sent: Date, arrived: Date) {
  await state.recordCanary({ account: ACCOUNT, region: REGION, sweepId: 'x', sentAt: sent.toISOString(), eventId: 'e' }, arrived);
}

beforeEach(() => {
  published = [];
  state = memoryState();
  cloudtrail.reset();
  events.reset();
  cloudtrail.on(ListTrailsCommand).resolves({ Trails: [] });
  cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [] });
  cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  events.on(DescribeRuleCommand).resolves({ State: 'ENABLED' });
  events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: 'trailguard-central-bus', Arn: BUS }] });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'c1' }] });
});

describe('sweep of an account it cannot read', () => {
  it('alerts with the last canary seen, and keeps it in the status snapshot', async () => {
    await sweepAccount(message('s1'), depsAt(T0));
    await canaryArrives(T0, at(0.1));

    await sweepAccount(message('s2'), depsAt(at(15), true));

    expect(published).toContainEqual(
      expect.objectContaining({ outcome: 'pipeline-broken', trigger: 'sweep', reason: unreadable, lastCanaryAt: at(0.1).toISOString() }),
    );
    expect(await state.status(ACCOUNT, REGION)).toMatchObject({
      sweepId: 's2',
      error: expect.any(String),
      lastCanaryAt: at(0.1).toISOString(),
    });
  });

  it('says a canary never came back (null) when none did', async () => {
    await sweepAccount(message('s1'), depsAt(T0, true));

    expect(published).toContainEqual(expect.objectContaining({ outcome: 'pipeline-broken', reason: unreadable, lastCanaryAt: null }));
  });

  it('still judges, once readable again, the canary sent before it could not read', async () => {
    await sweepAccount(message('s1'), depsAt(T0));
    await canaryArrives(T0, at(0.1));
    await sweepAccount(message('s2'), depsAt(at(15))); // its canary never comes back
    await sweepAccount(message('s3'), depsAt(at(30), true));
    published = [];

    await sweepAccount(message('s4'), depsAt(at(45)));

    // (With the `resolved` updates of the outage's findings.)
    expect(published.filter((a) => a.outcome !== 'resolved')).toEqual([
      expect.objectContaining({ outcome: 'pipeline-broken', trigger: 'canary', lastCanaryAt: at(0.1).toISOString() }),
    ]);
  });

  it('a readable sweep writes the last canary seen into the snapshot too', async () => {
    await sweepAccount(message('s1'), depsAt(T0));
    await canaryArrives(T0, at(0.1));

    await sweepAccount(message('s2'), depsAt(at(15)));

    expect(await state.status(ACCOUNT, REGION)).toMatchObject({ sweepId: 's2', lastCanaryAt: at(0.1).toISOString() });
  });
});

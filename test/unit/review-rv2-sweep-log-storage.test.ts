// Review rv2: what the sweep never looks at. A lifecycle rule that expires the trail's logs makes no delivery error
// (CloudTrail keeps writing; S3 deletes behind it), so when its PutBucketLifecycleConfiguration record is lost
// (EventBridge delivery is best effort, the README's own reason for the sweep), or the rule predates TrailGuard, the
// logs are destroyed every day and every sweep is green. Harness copied from review-r11-sweep.test.ts.
import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetBucketLifecycleConfigurationCommand, GetBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { sweepAccount, type SweepDeps } from '../../lambda/sweep.js';
import type { Alert } from '#core/alert.js';
import type { StateTable } from '#core/aws/state-table.js';
import type { AccountSweepMessage } from '#core/sweep.js';
import { memoryState } from '../support/memory-state.js';
import { recordingLog } from '../support/recording-log.js';

const ACCOUNT = '222222222222';
const REGION = 'us-east-1';
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/org-audit`;
const BUCKET = 'org-audit-logs';
const BUS = 'arn:aws:events:us-east-1:111111111111:event-bus/trailguard';
const cloudtrail = mockClient(CloudTrailClient);
const events = mockClient(EventBridgeClient);
const s3 = mockClient(S3Client);

let published: Alert[];
let failPublish: boolean;
let state: ReturnType<typeof memoryState>;

function deps(): SweepDeps {
  return {
    settings: {
      topicArn: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts',
      topicRegion: REGION,
      eventDataStores: [],
      remediationRole: 'TrailGuardRemediator',
      externalId: null,
      allow: [],
      trails: [
        {
          name: 'org-audit',
          s3BucketName: BUCKET,
          isMultiRegionTrail: true,
          includeGlobalServiceEvents: true,
          enableLogFileValidation: false,
          retentionDays: 365,
        },
      ],
      organization: null,
    },
    log: recordingLog(),
    now: () => new Date('2026-01-01T00:00:00.000Z'),
    cloudtrail: async () => new CloudTrailClient({ region: REGION }),
    events: async () => new EventBridgeClient({ region: REGION }),
    // The trail's bucket is read with TrailGuard's role in its account, as the remediator's own s3 factory does.
    s3: async () => new S3Client({ region: REGION }),
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
  s3.reset();
  cloudtrail.on(ListTrailsCommand).resolves({ Trails: [{ TrailARN: TRAIL_ARN, HomeRegion: REGION, Name: 'org-audit' }] });
  cloudtrail.on(DescribeTrailsCommand).resolves({
    trailList: [
      {
        TrailARN: TRAIL_ARN,
        Name: 'org-audit',
        HomeRegion: REGION,
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        LogFileValidationEnabled: false,
        S3BucketName: BUCKET,
      },
    ],
  });
  cloudtrail.on(GetEventSelectorsCommand).resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] });
  events.on(DescribeRuleCommand).resolves({ State: 'ENABLED' });
  events.on(ListTargetsByRuleCommand).resolves({ Targets: [{ Id: 'trailguard-central-bus', Arn: BUS }] });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'c1' }] });
});

const T0 = new Date('2026-01-01T00:00:00.000Z');
function depsAt(now: Date, extra: Partial<SweepDeps> = {}): SweepDeps {
  return { ...deps(), now: () => now, ...extra };
}

describe("review rv2: the sweep never reads the trail bucket's lifecycle rules", () => {
  // Stratus Red Team's cloudtrail-lifecycle-rule (case 16) with its record lost: a 1-day expiration on every key of
  // the trail's bucket. The trail logs, GetTrailStatus has no delivery error, the selectors and the rules are fine:
  // the sweep finds nothing, alerts nothing, and S3 deletes each day's logs. The event path would have removed this
  // rule (`restored`); the sweep, which exists for records the event path never got, does not look.
  // Fix: per swept trail whose bucket is in a swept account, read GetBucketLifecycleConfiguration and judge it with
  // decideLifecycle(rules, retentionDays, now, { logKeyPrefixes }) as lambda/impairment/s3.ts does; an expiring rule is
  // a finding (kind e.g. `lifecycle`, resource the bucket), repaired with the event path's decision when the baseline
  // pins retentionDays, else alerted; archiving rules alerted. The same for status/plan.
  it('a 1-day expiration rule on the trail bucket, its record lost, is found by the sweep', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    cloudtrail.on(GetTrailCommand).resolves({
      Trail: {
        TrailARN: TRAIL_ARN,
        Name: 'org-audit',
        HomeRegion: REGION,
        S3BucketName: BUCKET,
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        LogFileValidationEnabled: false,
      },
    });
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({
      Rules: [{ ID: 'nuke', Status: 'Enabled', Filter: { Prefix: '' }, Expiration: { Days: 1 } }],
    });
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify({ Version: '2012-10-17', Statement: [] }) });
    await sweepAccount(message, depsAt(T0));
    const text = JSON.stringify(published);
    expect(published.length).toBeGreaterThan(0);
    expect(text).toContain('nuke');
    expect(text).toContain(BUCKET);
  });
});

// Review r12: CloudTrail Lake, TrailGuard's own-role shortcut. Its UpdateEventDataStore is ignored when every field it
// set equals the value of SOME baseline store, not of the store it changed.
import { GetEventDataStoreCommand, UpdateEventDataStoreCommand } from '@aws-sdk/client-cloudtrail';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadCase } from '../support/cases.js';
import { remediatorHarness } from '../support/remediator-harness.js';

const aws = remediatorHarness();
const STORE = 'arn:aws:cloudtrail:us-east-1:222222222222:eventdatastore/EXAMPLE-ee54-4813-92d5-999aeEXAMPLE';
const case15 = loadCase('15-lake-stop-event-data-store-ingestion');

beforeEach(() => aws.reset());

describe('review r12: UpdateEventDataStore made with TrailGuard role', () => {
  // Baseline: a scratch store kept 7 days, the audit store 2557 days. An UpdateEventDataStore that sets the AUDIT
  // store's retention to 7 days with TrailGuard's role (its session stolen, or a bug in TrailGuard) deletes almost all
  // of the audit store's events, yet it is `ignored` with no alert and no AWS call, because 7 is the scratch store's
  // baseline value. isOwnRestoration compares each field with any baseline store, never the one named in the record.
  // Fixed: decided after GetEventDataStore (the record names the store by ARN, the baseline by name): ignored only when
  // the call wrote that store's own baseline values and the store meets its baseline.
  it("TrailGuard's role shortening the audit store to another store's retention is alerted and undone", async () => {
    const { handle } = aws.setup({
      TRAILGUARD_EVENT_DATA_STORES: JSON.stringify([
        { name: 'scratch-lake', retentionPeriod: 7 },
        { name: 'audit-lake', retentionPeriod: 2557 },
      ]),
    });
    aws.cloudtrail
      .on(GetEventDataStoreCommand)
      .resolvesOnce({ EventDataStoreArn: STORE, Name: 'audit-lake', Status: 'ENABLED', RetentionPeriod: 7 } as never)
      .resolves({ EventDataStoreArn: STORE, Name: 'audit-lake', Status: 'ENABLED', RetentionPeriod: 2557 } as never);
    aws.cloudtrail.on(UpdateEventDataStoreCommand).resolves({});
    const event = structuredClone(case15.event);
    event.detail.eventName = 'UpdateEventDataStore';
    event.detail.requestParameters = { eventDataStore: STORE, retentionPeriod: 7 };
    event.detail.userIdentity.arn = 'arn:aws:sts::222222222222:assumed-role/TrailGuardRemediator/trailguard-remediator';
    event.detail.userIdentity.sessionContext.sessionIssuer.arn = 'arn:aws:iam::222222222222:role/TrailGuardRemediator';

    const result = await handle(event);

    expect(result.outcome).toBe('restored');
    expect(aws.cloudtrail).toHaveReceivedCommandWith(UpdateEventDataStoreCommand, { EventDataStore: STORE, RetentionPeriod: 2557 });
    expect(aws.alerts()).toHaveLength(1);
  });
});

// CloudTrail Lake tampering (issue 12; case 15), handled by the remediator with recorded CloudTrail responses: moto has no Lake.
import {
  GetEventDataStoreCommand,
  RestoreEventDataStoreCommand,
  StartEventDataStoreIngestionCommand,
  UpdateEventDataStoreCommand,
} from '@aws-sdk/client-cloudtrail';
import { beforeEach, describe, expect, it } from 'vitest';
import { eventDataStoreProblems } from '../../lambda/impairment/lake.js';
import { parseConfig } from '#core/config.js';
import { ConfigError } from '#core/errors.js';
import { loadCase } from '../support/cases.js';
import type { Envelope } from '../support/fixtures.js';
import { remediatorHarness } from '../support/remediator-harness.js';

const aws = remediatorHarness();
const STORE = 'arn:aws:cloudtrail:us-east-1:222222222222:eventdatastore/EXAMPLE-ee54-4813-92d5-999aeEXAMPLE';
const case15 = loadCase('15-lake-stop-event-data-store-ingestion');

/** The case's record as another Lake call, with its request parameters. */
function lakeEvent(
  eventName: string,
  requestParameters: Record<string, unknown> = { eventDataStore: STORE },
  extra: Record<string, unknown> = {},
): Envelope {
  const event = structuredClone(case15.event);
  event.detail.eventName = eventName;
  event.detail.requestParameters = requestParameters;
  Object.assign(event.detail, extra);
  return event;
}

function store(status: string, settings: Record<string, unknown> = {}) {
  return {
    EventDataStoreArn: STORE,
    Name: 'audit-lake',
    Status: status,
    RetentionPeriod: 2557,
    TerminationProtectionEnabled: true,
    ...settings,
  } as never;
}

beforeEach(() => aws.reset());

describe('StopEventDataStoreIngestion (case 15)', () => {
  it('starts ingestion again in the member, verifies it, and alerts restarted with the store as the resource', async () => {
    aws.cloudtrail.on(GetEventDataStoreCommand).resolvesOnce(store('STOPPED_INGESTION')).resolves(store('ENABLED'));
    aws.cloudtrail.on(StartEventDataStoreIngestionCommand).resolves({});
    const { handle } = aws.setup();

    const result = await handle(case15.event);

    expect(result).toMatchObject({ outcome: 'restarted', account: '222222222222', isLogging: true, alertMessageId: 'msg-1' });
    expect(aws.assumedRoles()).toEqual(['arn:aws:iam::222222222222:role/TrailGuardRemediator']);
    expect(aws.cloudtrail).toHaveReceivedCommandWith(StartEventDataStoreIngestionCommand, { EventDataStore: STORE });
    const [alert] = aws.alerts();
    expect(alert).toMatchObject({
      eventName: 'StopEventDataStoreIngestion',
      outcome: 'restarted',
      trail: null,
      resource: { type: 'event-data-store', name: 'EXAMPLE-ee54-4813-92d5-999aeEXAMPLE', arn: STORE, restored: true },
      actions: ['GetEventDataStore', 'StartEventDataStoreIngestion', 'GetEventDataStore'],
      actor: { arn: 'arn:aws:sts::222222222222:assumed-role/AdminAccess/attacker-session' },
    });
    expect(alert!.changes.join(' ')).toMatch(/ingestion stopped on event data store EXAMPLE-ee54/);
    expect(alert!.remediatedAt).not.toBeNull();
  });

  it('resolves a bare event data store id to its ARN in the call account and region', async () => {
    aws.cloudtrail.on(GetEventDataStoreCommand).resolvesOnce(store('STOPPED_INGESTION')).resolves(store('ENABLED'));
    const { handle } = aws.setup();

    await handle(lakeEvent('StopEventDataStoreIngestion', { eventDataStore: 'EXAMPLE-ee54-4813-92d5-999aeEXAMPLE' }));

    expect(aws.cloudtrail).toHaveReceivedCommandWith(StartEventDataStoreIngestionCommand, { EventDataStore: STORE });
  });

  it('alerts failed, naming the store, when StartEventDataStoreIngestion is denied', async () => {
    aws.cloudtrail.on(GetEventDataStoreCommand).resolves(store('STOPPED_INGESTION'));
    aws.cloudtrail
      .on(StartEventDataStoreIngestionCommand)
      .rejects(
        Object.assign(new Error('not authorized to perform cloudtrail:StartEventDataStoreIngestion'), { name: 'AccessDeniedException' }),
      );
    const { handle } = aws.setup();

    const result = await handle(case15.event);

    expect(result.outcome).toBe('failed');
    const [alert] = aws.alerts();
    expect(alert).toMatchObject({ outcome: 'failed', resource: { restored: false } });
    expect(alert!.error).toMatch(/AccessDeniedException on StartEventDataStoreIngestion for EXAMPLE-ee54.* in 222222222222\/us-east-1/);
  });

  it('alerts failed when the store still does not ingest after the start call', async () => {
    aws.cloudtrail.on(GetEventDataStoreCommand).resolves(store('STOPPED_INGESTION'));
    const { handle } = aws.setup();

    expect((await handle(case15.event)).outcome).toBe('failed');
    expect(aws.alerts()[0]!.reason).toMatch(/still|reports status STOPPED_INGESTION/);
  });

  it('reports a failed attempt as blocked without calling CloudTrail', async () => {
    const { handle } = aws.setup();

    const result = await handle(
      lakeEvent('StopEventDataStoreIngestion', { eventDataStore: STORE }, { errorCode: 'AccessDenied', errorMessage: 'denied' }),
    );

    expect(result.outcome).toBe('blocked');
    expect(aws.cloudtrail.calls()).toHaveLength(0);
    expect(aws.alerts()[0]).toMatchObject({ outcome: 'blocked', callError: { code: 'AccessDenied' } });
  });

  it('alerts a record that names no event data store instead of dropping it', async () => {
    const { handle } = aws.setup();

    const result = await handle(lakeEvent('StopEventDataStoreIngestion', {}));

    expect(result.outcome).toBe('alert-only');
    expect(aws.alerts()[0]!.reason).toMatch(/requestParameters\.eventDataStore is missing/);
  });

  it('rejects a record whose eventSource is not the service that records the call, with no alert', async () => {
    const { handle, log } = aws.setup();
    const forged = lakeEvent('StopEventDataStoreIngestion');
    forged.detail.eventSource = 's3.amazonaws.com';

    const result = await handle(forged);

    expect(result.outcome).toBe('rejected');
    expect(result.reason).toMatch(/detail\.eventSource s3\.amazonaws\.com does not record StopEventDataStoreIngestion/);
    expect(aws.alerts()).toHaveLength(0);
    expect(log.lines.some((l) => l.level === 'warn')).toBe(true);
  });
});

describe('DeleteEventDataStore', () => {
  it('restores a store pending deletion and verifies it ingests', async () => {
    aws.cloudtrail.on(GetEventDataStoreCommand).resolvesOnce(store('PENDING_DELETION')).resolves(store('ENABLED'));
    aws.cloudtrail.on(RestoreEventDataStoreCommand).resolves({ Status: 'ENABLED' });
    const { handle } = aws.setup();

    const result = await handle(lakeEvent('DeleteEventDataStore'));

    expect(result.outcome).toBe('restored');
    expect(aws.cloudtrail).toHaveReceivedCommandWith(RestoreEventDataStoreCommand, { EventDataStore: STORE });
    expect(aws.alerts()[0]).toMatchObject({ eventName: 'DeleteEventDataStore', resource: { restored: true }, isLogging: true });
  });

  it('alerts when the store is gone beyond its restore window', async () => {
    aws.cloudtrail
      .on(GetEventDataStoreCommand)
      .rejects(Object.assign(new Error('event data store not found'), { name: 'EventDataStoreNotFoundException' }));
    const { handle } = aws.setup();

    const result = await handle(lakeEvent('DeleteEventDataStore'));

    expect(result.outcome).toBe('alert-only');
    expect(aws.cloudtrail).not.toHaveReceivedCommand(RestoreEventDataStoreCommand);
    expect(aws.alerts()[0]).toMatchObject({ isLogging: false, resource: { restored: false } });
    expect(aws.alerts()[0]!.reason).toMatch(/cannot be restored/);
  });
});

describe('UpdateEventDataStore', () => {
  const baseline = JSON.stringify([{ name: 'audit-lake', retentionPeriod: 365, terminationProtectionEnabled: true }]);

  it('puts back the retention floor and termination protection a baseline pins, and verifies them', async () => {
    aws.cloudtrail
      .on(GetEventDataStoreCommand)
      .resolvesOnce(store('ENABLED', { RetentionPeriod: 7, TerminationProtectionEnabled: false }))
      .resolves(store('ENABLED', { RetentionPeriod: 365, TerminationProtectionEnabled: true }));
    const { handle } = aws.setup({ TRAILGUARD_EVENT_DATA_STORES: baseline });

    const result = await handle(
      lakeEvent('UpdateEventDataStore', { eventDataStore: STORE, retentionPeriod: 7, terminationProtectionEnabled: false }),
    );

    expect(result.outcome).toBe('restored');
    expect(aws.cloudtrail).toHaveReceivedCommandWith(UpdateEventDataStoreCommand, {
      EventDataStore: STORE,
      RetentionPeriod: 365,
      TerminationProtectionEnabled: true,
    });
    const [alert] = aws.alerts();
    expect(alert!.changes).toEqual(['retention set to 7 days', 'termination protection switched off: the store can now be deleted']);
    expect(alert!.reason).toMatch(/retention 7 days, below the baseline's 365/);
  });

  it('never shortens a retention longer than the baseline floor', async () => {
    aws.cloudtrail.on(GetEventDataStoreCommand).resolves(store('ENABLED', { RetentionPeriod: 3000 }));
    const { handle } = aws.setup({ TRAILGUARD_EVENT_DATA_STORES: baseline });

    const result = await handle(lakeEvent('UpdateEventDataStore', { eventDataStore: STORE, retentionPeriod: 3000 }));

    expect(result.outcome).toBe('already-compliant');
    expect(aws.cloudtrail).not.toHaveReceivedCommand(UpdateEventDataStoreCommand);
  });

  it('alerts without changing anything when no baseline names the store', async () => {
    aws.cloudtrail.on(GetEventDataStoreCommand).resolves(store('ENABLED', { TerminationProtectionEnabled: false }));
    const { handle } = aws.setup();

    const result = await handle(lakeEvent('UpdateEventDataStore', { eventDataStore: STORE, terminationProtectionEnabled: false }));

    expect(result.outcome).toBe('alert-only');
    expect(aws.cloudtrail).not.toHaveReceivedCommand(UpdateEventDataStoreCommand);
    expect(aws.alerts()[0]!.reason).toMatch(/no baseline names event data store audit-lake/);
  });

  it('alerts a change the baseline does not pin (the event selectors) even after restoring what it pins', async () => {
    aws.cloudtrail
      .on(GetEventDataStoreCommand)
      .resolvesOnce(store('ENABLED', { RetentionPeriod: 30 }))
      .resolves(store('ENABLED', { RetentionPeriod: 365 }));
    const { handle } = aws.setup({ TRAILGUARD_EVENT_DATA_STORES: baseline });

    const result = await handle(
      lakeEvent('UpdateEventDataStore', {
        eventDataStore: STORE,
        retentionPeriod: 30,
        advancedEventSelectors: [{ name: 'none', fieldSelectors: [] }],
      }),
    );

    expect(result.outcome).toBe('alert-only');
    expect(aws.alerts()[0]!.reason).toMatch(/restored retention 30 days.*does not pin: advancedEventSelectors/);
  });

  it("ignores TrailGuard's own restoring call when its record comes back (no alert, no loop)", async () => {
    // The record comes back once the store meets its baseline (review r12: decided on the store the record names).
    aws.cloudtrail.on(GetEventDataStoreCommand).resolves(store('ENABLED', { RetentionPeriod: 365 }));
    const { handle } = aws.setup({ TRAILGUARD_EVENT_DATA_STORES: baseline });
    const own = lakeEvent('UpdateEventDataStore', { eventDataStore: STORE, retentionPeriod: 365 });
    own.detail.userIdentity.arn = 'arn:aws:sts::222222222222:assumed-role/TrailGuardRemediator/trailguard-remediator';
    own.detail.userIdentity.sessionContext.sessionIssuer.arn = 'arn:aws:iam::222222222222:role/TrailGuardRemediator';

    expect((await handle(own)).outcome).toBe('ignored');
    expect(aws.alerts()).toHaveLength(0);
  });
});

describe('event data store baseline and findings', () => {
  it('names the bad field of an eventDataStores baseline', () => {
    const text = `version: 1
central: { account: "111111111111", region: us-east-1 }
members: { accounts: [{ id: "222222222222" }] }
eventDataStores:
  - { name: audit-lake, retentionPeriod: 3 }
  - { name: audit-lake }
`;
    expect(() => parseConfig(text)).toThrow(ConfigError);
    expect(() => parseConfig(text)).toThrow(
      /eventDataStores\[0\]\.retentionPeriod: expected at least 7 days[\s\S]*eventDataStores\[1\]\.name: duplicate/,
    );
  });

  it('lists what the sweep must report about a store, without an event', () => {
    expect(
      eventDataStoreProblems(store('STOPPED_INGESTION', { RetentionPeriod: 30 }), { name: 'audit-lake', retentionPeriod: 90 }),
    ).toEqual(['audit-lake does not ingest events (status STOPPED_INGESTION)', "audit-lake: retention 30 days, below the baseline's 90"]);
    expect(eventDataStoreProblems(store('ENABLED'), { name: 'audit-lake', retentionPeriod: 90 })).toEqual([]);
  });
});

describe('where Lake calls go', () => {
  it("acts in the store's home region and account, which its ARN names, not where the call was made", async () => {
    const elsewhere = 'arn:aws:cloudtrail:eu-west-1:222222222222:eventdatastore/EXAMPLE-ee54-4813-92d5-999aeEXAMPLE';
    aws.cloudtrail.on(GetEventDataStoreCommand).resolvesOnce(store('STOPPED_INGESTION')).resolves(store('ENABLED'));
    const { handle } = aws.setup();

    await handle(lakeEvent('StopEventDataStoreIngestion', { eventDataStore: elsewhere }));

    const call = aws.cloudtrail.commandCalls(StartEventDataStoreIngestionCommand)[0]!;
    expect(call.args[0].input).toEqual({ EventDataStore: elsewhere });
    expect(await (call.thisValue as { config: { region: () => Promise<string> } }).config.region()).toBe('eu-west-1');
  });
});

describe('who made the call', () => {
  it('reports a call by an allowed principal as allowed, without touching the store', async () => {
    const { handle } = aws.setup();
    const breakGlass = lakeEvent('StopEventDataStoreIngestion');
    breakGlass.detail.userIdentity.arn = 'arn:aws:sts::222222222222:assumed-role/BreakGlass/oncall';
    breakGlass.detail.userIdentity.sessionContext.sessionIssuer.arn = 'arn:aws:iam::222222222222:role/BreakGlass';

    const result = await handle(breakGlass);

    expect(result.outcome).toBe('allowed');
    expect(aws.cloudtrail.calls()).toHaveLength(0);
    expect(aws.alerts()[0]!.reason).toMatch(/allow pattern arn:aws:iam::\*:role\/BreakGlass/);
  });
});

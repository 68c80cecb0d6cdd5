// Property: changing any field a decision does not read, in real records (the fixtures and the cases), never changes the outcome.
import {
  CloudTrailClient,
  CreateTrailCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDefaultDeps, handleEvent, type HandlerDeps } from '../../lambda/remediator.js';
import { TRAIL_EVENTS } from '#core/config.js';
import { parseTamperEvent, UnactionableEventError } from '#core/tamper-event.js';
import { loadCases } from '../support/cases.js';
import { FIXTURE_NAMES, loadFixture, type Envelope } from '../support/fixtures.js';
import { recordingLog } from '../support/recording-log.js';

const sts = mockClient(STSClient);
const cloudtrail = mockClient(CloudTrailClient);
const sns = mockClient(SNSClient);
const organizations = mockClient(OrganizationsClient);

const records: { name: string; event: Envelope }[] = [
  ...FIXTURE_NAMES.map((name) => ({ name, event: loadFixture(name) })),
  ...loadCases()
    .filter((c) => (TRAIL_EVENTS as readonly string[]).includes(c.event.detail.eventName))
    .map((c) => ({ name: c.id, event: c.event })),
];

type Path = (string | number)[];

/**
 * What a decision reads: the envelope's kind, account and region, the call, its region, its
 * trail identifier (inside requestParameters, which UpdateTrail and PutEventSelectors also
 * describe), whether it failed, and the two principal ARNs (allow list, TrailGuard's own role).
 * A path is off limits when it is one of these, inside one, or an object that contains one.
 */
const DECISION_PATHS: Path[] = [
  ['source'],
  ['detail-type'],
  ['account'],
  ['region'],
  ['detail', 'eventSource'],
  ['detail', 'eventName'],
  ['detail', 'awsRegion'],
  ['detail', 'recipientAccountId'],
  ['detail', 'requestParameters'],
  ['detail', 'errorCode'],
  ['detail', 'userIdentity', 'arn'],
  ['detail', 'userIdentity', 'sessionContext', 'sessionIssuer', 'arn'],
];

const startsWith = (path: Path, prefix: Path) => prefix.every((key, i) => path[i] === key);
const isFree = (path: Path) => path.length > 0 && !DECISION_PATHS.some((d) => startsWith(path, d) || startsWith(d, path));

function paths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function mutate(event: Envelope, path: Path, replacement: unknown, remove: boolean): Envelope {
  const copy = structuredClone(event);
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  if (remove) delete parent[path.at(-1)!];
  else parent[path.at(-1)!] = replacement;
  return copy;
}

const replacement = fc.oneof(
  fc.anything(),
  fc.constantFrom('', null, 0, false, [], {}, 'x'.repeat(5000), 'arn:aws:iam::222222222222:role/BreakGlass', 'TrailGuardRemediator'),
);

/** A real record with one to four fields a decision does not read removed or replaced. */
const mutatedRecord = fc
  .record({
    record: fc.constantFrom(...records),
    mutations: fc.array(fc.record({ pick: fc.nat(), remove: fc.boolean(), value: replacement }), { minLength: 1, maxLength: 4 }),
  })
  .map(({ record, mutations }) => {
    let event = record.event;
    for (const m of mutations) {
      const free = paths(event).filter(isFree);
      event = mutate(event, free[m.pick % free.length]!, m.value, m.remove);
    }
    return { name: record.name, original: record.event, event };
  });

function decisionView(raw: unknown) {
  try {
    const e = parseTamperEvent(raw);
    return {
      kind: 'event',
      eventName: e.eventName,
      account: e.account,
      region: e.region,
      trail: e.trail,
      errorCode: e.errorCode,
      principals: [e.actor.arn, e.actor.issuerArn],
    };
  } catch (error) {
    return { kind: error instanceof UnactionableEventError ? 'unactionable' : 'rejected', reason: (error as { reason?: string }).reason };
  }
}

let deps: HandlerDeps;

beforeAll(() => {
  sts.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIAMEMBER',
      SecretAccessKey: 'member-secret',
      SessionToken: 'token',
      Expiration: new Date(Date.now() + 3600_000),
    },
  });
  cloudtrail.on(StartLoggingCommand).resolves({});
  cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  cloudtrail.on(GetTrailCommand).resolves({
    Trail: {
      Name: 'org-audit',
      S3BucketName: 'attacker-bucket',
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      LogFileValidationEnabled: true,
    },
  });
  cloudtrail
    .on(GetEventSelectorsCommand)
    .resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }] });
  cloudtrail.on(PutEventSelectorsCommand).resolves({});
  cloudtrail.on(CreateTrailCommand).resolves({});
  cloudtrail.on(UpdateTrailCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-abc123def4', MasterAccountId: '999999999999' } });
  deps = createDefaultDeps({
    env: {
      AWS_REGION: 'us-east-1',
      TRAILGUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts',
      TRAILGUARD_ALLOW: JSON.stringify(['arn:aws:iam::*:role/BreakGlass']),
      TRAILGUARD_TRAILS: JSON.stringify([{ name: 'org-audit', s3BucketName: 'central-trail-logs' }]),
    },
    log: recordingLog(),
    clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } },
  });
});

describe('fields a decision does not read', () => {
  it('every real record is acted on as it stands (the baseline of the property)', () => {
    for (const { name, event } of records) expect({ name, ...decisionView(event) }).toMatchObject({ name, kind: 'event' });
  });

  it('never change what the parser extracts for a decision', () => {
    fc.assert(
      fc.property(mutatedRecord, ({ original, event }) => {
        expect(decisionView(event)).toEqual(decisionView(original));
      }),
      { numRuns: 1000 },
    );
  });

  it('never change the outcome the handler reaches', async () => {
    const expected = new Map<Envelope, string>();
    for (const { event } of records) expected.set(event, (await handleEvent(event, deps)).outcome);

    await fc.assert(
      fc.asyncProperty(mutatedRecord, async ({ name, original, event }) => {
        const result = await handleEvent(event, deps);
        expect({ name, outcome: result.outcome }).toEqual({ name, outcome: expected.get(original) });
      }),
      { numRuns: 300 },
    );
  });
});

// The remediator handler against moto over HTTP: real SDK, real AssumeRole into member accounts, alerts read back from SQS.
import {
  CloudTrailClient,
  DeleteTrailCommand,
  GetEventSelectorsCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  PutEventSelectorsCommand,
  StopLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createDefaultDeps, createHandler, type RemediationResult } from '../../lambda/remediator.js';
import { AlertSchema } from '#core/alert.js';
import { managementFullyRecorded, normalizeSelectors } from '#core/event-selectors.js';
import { denyAssumeRoleInto, startAwsProxy, type AwsProxy } from '../support/aws-proxy.js';
import { CENTRAL_CREDENTIALS, MotoWorld, receiveAll } from '../support/aws.js';
import { loadFixture, retarget, type FixtureName } from '../support/fixtures.js';
import { recordingLog } from '../support/recording-log.js';

// Accounts of this file only: moto is shared with the other integration files.
const MEMBER = '210000000001';
const DENIED = '210000000002';
const REGION = 'eu-west-1';
const TRAIL = 'org-audit';
const BUCKET = 'member-trail-logs-210000000001';
const DENIED_BUCKET = 'member-trail-logs-210000000002';

let world: MotoWorld;
let proxy: AwsProxy;
let topicArn: string;
let inbox: Awaited<ReturnType<MotoWorld['topicWithQueue']>>;
let handler: (event: unknown) => Promise<unknown>;
let memberTrails: CloudTrailClient;

function event(name: FixtureName, account = MEMBER, eventId = crypto.randomUUID()) {
  return retarget(loadFixture(name), { account, region: REGION, trail: TRAIL, eventId });
}

async function alerts() {
  return (await receiveAll(inbox.sqs, inbox.queueUrl)).map((envelope) => ({
    alert: AlertSchema.parse(JSON.parse(envelope.Message)),
    attributes: Object.fromEntries(Object.entries(envelope.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value])),
  }));
}

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  proxy = await startAwsProxy({
    target: world.endpoint,
    fault: denyAssumeRoleInto(DENIED),
  });
  inbox = await world.topicWithQueue('us-east-1', 'trailguard-alerts-remediator-it');
  topicArn = inbox.topicArn;
  await world.createLoggingTrail(MEMBER, REGION, TRAIL, BUCKET);
  await world.createLoggingTrail(DENIED, REGION, TRAIL, DENIED_BUCKET);
  memberTrails = await world.memberClient(CloudTrailClient, MEMBER, REGION);
  const deps = createDefaultDeps({
    env: {
      AWS_REGION: 'us-east-1',
      TRAILGUARD_TOPIC_ARN: topicArn,
      TRAILGUARD_TRAILS: JSON.stringify([
        { name: TRAIL, s3BucketName: BUCKET, isMultiRegionTrail: false, includeGlobalServiceEvents: true, enableLogFileValidation: true },
      ]),
    },
    log: recordingLog(),
    clientOptions: { endpoint: proxy.endpoint, credentials: CENTRAL_CREDENTIALS },
  });
  handler = createHandler(() => deps);
});

afterAll(async () => proxy?.close());

beforeEach(async () => {
  await receiveAll(inbox.sqs, inbox.queueUrl);
});

describe('remediator against moto', () => {
  it('restarts a stopped trail in eu-west-1 and the alert arrives on the topic with every contract field', async () => {
    await memberTrails.send(new StopLoggingCommand({ Name: TRAIL }));
    const stop = event('stop-logging');
    const before = proxy.calls.length;

    const result = (await handler(stop)) as RemediationResult;

    expect(result).toMatchObject({ outcome: 'restarted', account: MEMBER, region: REGION, trail: TRAIL, isLogging: true });
    expect((await memberTrails.send(new GetTrailStatusCommand({ Name: TRAIL }))).IsLogging).toBe(true);
    const [received, ...more] = await alerts();
    expect(more).toHaveLength(0);
    expect(received!.alert).toMatchObject({
      schema: 'trailguard.alert/v1',
      id: stop.detail.eventID,
      eventName: 'StopLogging',
      account: MEMBER,
      region: REGION,
      trail: { name: TRAIL, arn: `arn:aws:cloudtrail:${REGION}:${MEMBER}:trail/${TRAIL}` },
      actor: { arn: `arn:aws:sts::${MEMBER}:assumed-role/AdminAccess/jdoe`, type: 'AssumedRole', sourceIp: '203.0.113.24' },
      eventTime: stop.detail.eventTime,
      outcome: 'restarted',
      isLogging: true,
      error: null,
    });
    expect(received!.alert.remediatedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(received!.alert.actor.userAgent).toContain('aws-cli');
    expect(received!.attributes).toEqual({ outcome: 'restarted', account: MEMBER, eventName: 'StopLogging' });
    // The first event of this handler is a cold start: one AssumeRole, then the critical path, then the alert.
    expect(proxy.calls.slice(before).map((c) => c.operation)).toEqual(['AssumeRole', 'StartLogging', 'GetTrailStatus', 'Publish']);
  });

  it('recreates a deleted trail from the baseline and it logs', async () => {
    await memberTrails.send(new DeleteTrailCommand({ Name: TRAIL }));

    const result = (await handler(event('delete-trail'))) as RemediationResult;

    expect(result.outcome).toBe('recreated');
    const { Trail } = await memberTrails.send(new GetTrailCommand({ Name: TRAIL }));
    expect(Trail).toMatchObject({ S3BucketName: BUCKET, LogFileValidationEnabled: true, IsMultiRegionTrail: false });
    expect((await memberTrails.send(new GetTrailStatusCommand({ Name: TRAIL }))).IsLogging).toBe(true);
    expect((await alerts()).map((a) => a.alert.outcome)).toEqual(['recreated']);
  });

  it('restores baseline settings after an UpdateTrail to an attacker bucket', async () => {
    const s3 = await world.memberClient(S3Client, MEMBER, REGION, { forcePathStyle: true });
    await s3.send(
      new CreateBucketCommand({ Bucket: 'attacker-owned-bucket-2100', CreateBucketConfiguration: { LocationConstraint: REGION } }),
    );
    await memberTrails.send(
      new UpdateTrailCommand({ Name: TRAIL, S3BucketName: 'attacker-owned-bucket-2100', EnableLogFileValidation: false }),
    );
    const update = event('update-trail');
    update.detail.requestParameters.s3BucketName = 'attacker-owned-bucket-2100';

    const result = (await handler(update)) as RemediationResult;

    expect(result.outcome).toBe('restored');
    const { Trail } = await memberTrails.send(new GetTrailCommand({ Name: TRAIL }));
    expect(Trail).toMatchObject({ S3BucketName: BUCKET, LogFileValidationEnabled: true });
    const [received] = await alerts();
    expect(received!.alert.changes).toContain('s3BucketName -> "attacker-owned-bucket-2100"');
  });

  it('restores management events after PutEventSelectors narrowed them', async () => {
    await memberTrails.send(
      new PutEventSelectorsCommand({
        TrailName: TRAIL,
        EventSelectors: [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: false, DataResources: [] }],
      }),
    );

    const result = (await handler(event('put-event-selectors'))) as RemediationResult;

    expect(result.outcome).toBe('restored');
    const selectors = await memberTrails.send(new GetEventSelectorsCommand({ TrailName: TRAIL }));
    expect(managementFullyRecorded(normalizeSelectors(selectors as unknown as Record<string, unknown>))).toBe(true);
    expect((await alerts()).map((a) => a.alert.outcome)).toEqual(['restored']);
  });

  it('rides out throttling with the SDK’s retries', async () => {
    await memberTrails.send(new StopLoggingCommand({ Name: TRAIL }));
    let throttled = 0;
    const deny = proxy.options.fault;
    proxy.options.fault = (call) =>
      call.operation === 'StartLogging' && throttled++ < 2
        ? { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' }
        : (deny?.(call) ?? null);
    const before = proxy.count({ operation: 'StartLogging' });

    try {
      const result = (await handler(event('stop-logging'))) as RemediationResult;

      expect(result.outcome).toBe('restarted');
      expect(proxy.count({ operation: 'StartLogging' }) - before).toBe(3);
    } finally {
      proxy.options.fault = deny;
    }
  });

  it('a member whose role cannot be assumed: a failed alert, and nothing touched there', async () => {
    const deniedTrails = await world.memberClient(CloudTrailClient, DENIED, REGION);
    await deniedTrails.send(new StopLoggingCommand({ Name: TRAIL }));
    const before = proxy.calls.length;

    const result = (await handler(event('stop-logging', DENIED))) as RemediationResult;

    expect(result.outcome).toBe('failed');
    expect(result.error).toMatch(new RegExp(`^AccessDenied assuming TrailGuardRemediator in ${DENIED}: User is not authorized`));
    expect(proxy.calls.slice(before).map((c) => c.operation)).toEqual(['AssumeRole', 'Publish']);
    expect((await deniedTrails.send(new GetTrailStatusCommand({ Name: TRAIL }))).IsLogging).toBe(false);
    const [received] = await alerts();
    expect(received!.alert).toMatchObject({ outcome: 'failed', account: DENIED, error: result.error });
  });
});

// Real record shapes through the handler against moto: org-trail attempts, unactionable records and odd batches end in alerts on the real topic.
import { CloudTrailClient, GetTrailStatusCommand, StopLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createDefaultDeps, createHandler, type RemediationResult, type SqsBatchResult } from '../../lambda/remediator.js';
import { AlertSchema } from '#core/alert.js';
import { startAwsProxy, type AwsProxy } from '../support/aws-proxy.js';
import { CENTRAL_CREDENTIALS, MotoWorld, receiveAll } from '../support/aws.js';
import { loadCase } from '../support/cases.js';
import { loadFixture, retarget, type Envelope } from '../support/fixtures.js';
import { recordingLog } from '../support/recording-log.js';

// Accounts of this file only: moto is shared with the other integration files.
const MEMBER = '410000000001';
const MANAGEMENT = '410000000003';
const REGION = 'us-east-1';

let world: MotoWorld;
let proxy: AwsProxy;
let inbox: Awaited<ReturnType<MotoWorld['topicWithQueue']>>;
let handler: (event: unknown) => Promise<unknown>;
let memberTrails: CloudTrailClient;
let orgTrails: CloudTrailClient;

async function alerts() {
  return (await receiveAll(inbox.sqs, inbox.queueUrl)).map((envelope) => ({
    alert: AlertSchema.parse(JSON.parse(envelope.Message)),
    attributes: Object.fromEntries(Object.entries(envelope.MessageAttributes ?? {}).map(([k, v]) => [k, v.Value])),
  }));
}

/** Case 11's event, moved to this file's accounts (member and management account). */
function case11(): Envelope {
  const text = JSON.stringify(loadCase('11-member-denied-stop-org-trail').event);
  return JSON.parse(text.replaceAll('222222222222', MEMBER).replaceAll('333333333333', MANAGEMENT)) as Envelope;
}

function stopLogging(edit: (raw: Envelope) => void = () => {}): Envelope {
  const raw = retarget(loadFixture('stop-logging'), { account: MEMBER, region: REGION, eventId: crypto.randomUUID() });
  edit(raw);
  return raw;
}

const operationsSince = (before: number) => proxy.calls.slice(before).map((c) => c.operation);

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  proxy = await startAwsProxy({ target: world.endpoint });
  inbox = await world.topicWithQueue(REGION, 'trailguard-alerts-records-it');
  await world.createLoggingTrail(MEMBER, REGION, 'org-audit', `member-trail-logs-${MEMBER}`);
  await world.createLoggingTrail(MANAGEMENT, REGION, 'org-trail', `org-trail-logs-${MANAGEMENT}`, true);
  memberTrails = await world.memberClient(CloudTrailClient, MEMBER, REGION);
  orgTrails = await world.memberClient(CloudTrailClient, MANAGEMENT, REGION);
  const deps = createDefaultDeps({
    env: { AWS_REGION: REGION, TRAILGUARD_TOPIC_ARN: inbox.topicArn, TRAILGUARD_ALLOW: JSON.stringify(['arn:aws:iam::*:role/BreakGlass']) },
    log: recordingLog(),
    clientOptions: { endpoint: proxy.endpoint, credentials: CENTRAL_CREDENTIALS },
  });
  handler = createHandler(() => deps);
});

afterAll(async () => proxy?.close());

beforeEach(async () => {
  await receiveAll(inbox.sqs, inbox.queueUrl);
});

describe('records that were dropped before, against moto', () => {
  it('case 11: a member denied StopLogging on the organization trail is blocked and alerted; the org trail keeps logging', async () => {
    const before = proxy.calls.length;

    const result = (await handler(case11())) as RemediationResult;

    expect(result).toMatchObject({ outcome: 'blocked', account: MEMBER, trail: 'org-trail' });
    expect(operationsSince(before)).toEqual(['Publish']);
    const [received, ...more] = await alerts();
    expect(more).toHaveLength(0);
    expect(received!.alert).toMatchObject({
      outcome: 'blocked',
      account: MEMBER,
      trail: { name: 'org-trail', account: MANAGEMENT, arn: `arn:aws:cloudtrail:${REGION}:${MANAGEMENT}:trail/org-trail` },
      callError: { code: 'AccessDenied' },
    });
    expect(received!.attributes).toEqual({ outcome: 'blocked', account: MEMBER, eventName: 'StopLogging' });
    expect((await orgTrails.send(new GetTrailStatusCommand({ Name: 'org-trail' }))).IsLogging).toBe(true);
  });

  it('the User Guide shape (empty invokedBy, empty principalId) with a 5,000-character userAgent: logging restarted, alert published', async () => {
    await memberTrails.send(new StopLoggingCommand({ Name: 'org-audit' }));
    const raw = stopLogging((r) => {
      r.detail.userIdentity.invokedBy = '';
      r.detail.userIdentity.principalId = '';
      r.detail.userAgent = `aws-cli/2.22.4 ${'x'.repeat(5000)}`;
    });

    const result = (await handler(raw)) as RemediationResult;

    expect(result.outcome).toBe('restarted');
    expect((await memberTrails.send(new GetTrailStatusCommand({ Name: 'org-audit' }))).IsLogging).toBe(true);
    const [received] = await alerts();
    expect(received!.alert).toMatchObject({
      outcome: 'restarted',
      actor: { userAgent: expect.stringMatching(/^aws-cli\/2\.22\.4 x+…\[truncated/) },
    });
  });

  it('a StopLogging whose requestParameters were omitted is alert-only with the reason, and nothing but the alert reaches AWS', async () => {
    const before = proxy.calls.length;

    const result = (await handler(stopLogging((r) => delete r.detail.requestParameters))) as RemediationResult;

    expect(result.outcome).toBe('alert-only');
    expect(operationsSince(before)).toEqual(['Publish']);
    const [received] = await alerts();
    expect(received!.alert).toMatchObject({ outcome: 'alert-only', account: MEMBER, isLogging: null, trail: { name: '(unknown)' } });
    expect(received!.alert.reason).toMatch(/detail\.requestParameters is absent/);
  });

  it('an SQS batch with a null record and a forbidden trail name: each alerted or rejected, the real one remediated', async () => {
    await memberTrails.send(new StopLoggingCommand({ Name: 'org-audit' }));
    const sqsRecord = (id: string, body: unknown) => ({ messageId: id, eventSource: 'aws:sqs', body: JSON.stringify(body) });

    const out = (await handler({
      Records: [
        null,
        sqsRecord('m-1', stopLogging()),
        sqsRecord(
          'm-2',
          stopLogging((r) => (r.detail.requestParameters.name = 'my--namespace')),
        ),
      ],
    })) as SqsBatchResult;

    expect(out.batchItemFailures).toEqual([]);
    expect(out.results.map((r) => r.outcome).sort()).toEqual(['alert-only', 'rejected', 'restarted']);
    expect((await memberTrails.send(new GetTrailStatusCommand({ Name: 'org-audit' }))).IsLogging).toBe(true);
    expect((await alerts()).map((a) => a.alert.outcome).sort()).toEqual(['alert-only', 'restarted']);
  });
});

// Cases 12, 13 and 19 and a delegated administrator's call, against moto over HTTP with the real SDK and real AssumeRole.
// Moto has no organization-trail semantics: the world is built with the calls it has (a trail created with
// IsOrganizationTrail in the management account), the case's event is delivered as given, retargeted to this file's accounts.
import {
  CloudTrailClient,
  CreateTrailCommand,
  DeleteTrailCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  StartLoggingCommand,
  StopLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { remediate } from '../../lambda/remediate.js';
import { createDefaultDeps, createHandler, type HandlerDeps, type RemediationResult } from '../../lambda/remediator.js';
import { AlertSchema, type Alert } from '#core/alert.js';
import type { TamperEvent } from '#core/tamper-event.js';
import { denyAssumeRoleInto, startAwsProxy, type AwsProxy } from '../support/aws-proxy.js';
import { CENTRAL_CREDENTIALS, MotoWorld, receiveAll } from '../support/aws.js';
import { acceptedOutcomes, loadCase, retargetAccounts } from '../support/cases.js';
import { recordingLog } from '../support/recording-log.js';

// Accounts of this file only (prefix 42): moto is shared with the other integration files.
const MEMBER = '420000000002';
const MANAGEMENT = '420000000003';
const DELEGATED = '420000000004';
const NO_ROLE = '420000000005';
const REGION = 'us-east-1';
const accounts = { '222222222222': MEMBER, '333333333333': MANAGEMENT, '555555555555': MEMBER };

let world: MotoWorld;
let proxy: AwsProxy;
let inbox: Awaited<ReturnType<MotoWorld['topicWithQueue']>>;
let management: CloudTrailClient;

function handlerWith(env: Record<string, string>): { handle: (event: unknown) => Promise<RemediationResult>; deps: HandlerDeps } {
  const deps = createDefaultDeps({
    env: { AWS_REGION: REGION, TRAILGUARD_TOPIC_ARN: inbox.topicArn, ...env },
    log: recordingLog(),
    clientOptions: { endpoint: proxy.endpoint, credentials: CENTRAL_CREDENTIALS },
  });
  const handler = createHandler(() => deps);
  return { deps, handle: (event) => handler(event) as Promise<RemediationResult> };
}

async function alerts(): Promise<Alert[]> {
  return (await receiveAll(inbox.sqs, inbox.queueUrl)).map((envelope) => AlertSchema.parse(JSON.parse(envelope.Message)));
}

async function bucket(account: string, name: string): Promise<void> {
  const s3 = await world.memberClient(S3Client, account, REGION, { forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: name }));
}

/** The case's organization trail, as its setup describes it, in the management account. */
async function createOrgTrail(name: string, bucketName: string): Promise<void> {
  await management.send(
    new CreateTrailCommand({
      Name: name,
      S3BucketName: bucketName,
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
      IsOrganizationTrail: true,
    }),
  );
  await management.send(new StartLoggingCommand({ Name: name }));
}

async function trailState(client: CloudTrailClient, name: string) {
  const { Trail } = await client.send(new GetTrailCommand({ Name: name }));
  const { IsLogging } = await client.send(new GetTrailStatusCommand({ Name: name }));
  return { exists: !!Trail, isLogging: IsLogging, IsOrganizationTrail: Trail?.IsOrganizationTrail };
}

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  proxy = await startAwsProxy({ target: world.endpoint, fault: denyAssumeRoleInto(NO_ROLE) });
  inbox = await world.topicWithQueue(REGION, 'trailguard-alerts-org-trails-it');
  management = await world.memberClient(CloudTrailClient, MANAGEMENT, REGION);
});

afterAll(async () => proxy?.close());

beforeEach(async () => {
  await receiveAll(inbox.sqs, inbox.queueUrl);
});

describe('case 12 against moto: UpdateTrail IsOrganizationTrail=false', () => {
  const c = loadCase('12-org-trail-update-not-organization');
  const event = () => retargetAccounts(c.event, accounts);
  const baseline = () => retargetAccounts({ trails: c.setup.config.trails! } as never, accounts).trails as Record<string, unknown>[];

  it('with the baseline pinning it: restored, and GetTrail shows an organization trail that logs again', async () => {
    const trail = 'org-trail';
    await bucket(MANAGEMENT, `org-trail-logs-${MANAGEMENT}`);
    await createOrgTrail(trail, `org-trail-logs-${MANAGEMENT}`);
    await management.send(new UpdateTrailCommand({ Name: trail, IsOrganizationTrail: false }));
    const { handle } = handlerWith({
      TRAILGUARD_TRAILS: JSON.stringify(baseline().map((t) => ({ ...t, isOrganizationTrail: true }))),
      TRAILGUARD_ORGANIZATION: JSON.stringify({ managementAccount: MANAGEMENT }),
    });

    const result = await handle(event());

    const best = c.expected.anyOf![0]!;
    expect(best.outcome).toContain(result.outcome);
    const after = best.trailAfter!;
    expect(await trailState(management, trail)).toEqual({
      exists: after.exists,
      isLogging: after.isLogging,
      IsOrganizationTrail: after.IsOrganizationTrail,
    });
    expect((await alerts()).map((a) => [a.outcome, a.account])).toEqual([['restored', MANAGEMENT]]);
    expect(proxy.calls.filter((call) => call.operation === 'UpdateTrail').at(-1)!.params).toMatchObject({ IsOrganizationTrail: true });
  });

  it('with the case config as given (not pinned): an alert that says so, never already-compliant', async () => {
    const { handle } = handlerWith({ TRAILGUARD_TRAILS: JSON.stringify(baseline()) });
    await management.send(new UpdateTrailCommand({ Name: 'org-trail', IsOrganizationTrail: false }));

    const result = await handle(event());

    expect(acceptedOutcomes(c)).toContain(result.outcome);
    expect(result.outcome).toBe('alert-only');
    expect((await alerts()).map((a) => a.outcome)).toEqual(['alert-only']);
  });
});

describe('case 13 against moto: DeleteTrail of the organization trail', () => {
  const c = loadCase('13-org-trail-delete-recreated');

  it('recreated as an organization trail in the management account, logging', async () => {
    const trail = 'org-trail-13';
    const delivered = retargetAccounts(c.event, accounts);
    delivered.detail.requestParameters.name = `arn:aws:cloudtrail:${REGION}:${MANAGEMENT}:trail/${trail}`;
    await bucket(MANAGEMENT, `org-trail-13-logs-${MANAGEMENT}`);
    await createOrgTrail(trail, `org-trail-13-logs-${MANAGEMENT}`);
    await management.send(new DeleteTrailCommand({ Name: trail }));
    const { handle } = handlerWith({
      TRAILGUARD_TRAILS: JSON.stringify([{ name: trail, s3BucketName: `org-trail-13-logs-${MANAGEMENT}`, isOrganizationTrail: true }]),
      TRAILGUARD_ORGANIZATION: JSON.stringify({ managementAccount: MANAGEMENT, delegatedAdministrators: [DELEGATED] }),
    });

    const result = await handle(delivered);

    const best = c.expected.anyOf![0]!;
    expect(best.outcome).toContain(result.outcome);
    const after = best.trailAfter!;
    expect(await trailState(management, trail)).toEqual({
      exists: after.exists,
      isLogging: after.isLogging,
      IsOrganizationTrail: after.IsOrganizationTrail,
    });
    expect((await alerts()).map((a) => a.outcome)).toEqual(['recreated']);
  });
});

describe("a delegated administrator's call on the organization trail", () => {
  function stop(owner: string): TamperEvent {
    const arn = `arn:aws:cloudtrail:${REGION}:${owner}:trail/org-trail-da`;
    return {
      id: crypto.randomUUID(),
      eventName: 'StopLogging',
      eventTime: new Date().toISOString(),
      account: DELEGATED,
      region: REGION,
      eventRegion: REGION,
      trail: { name: 'org-trail-da', arn, account: owner },
      actor: {
        arn: `arn:aws:sts::${DELEGATED}:assumed-role/SecurityAdmin/x`,
        type: 'AssumedRole',
        issuerArn: `arn:aws:iam::${DELEGATED}:role/SecurityAdmin`,
        accountId: DELEGATED,
        sourceIp: '203.0.113.99',
        userAgent: 'aws-cli/2.22.4',
      },
      errorCode: null,
      errorMessage: null,
      requestParameters: { name: arn },
      responseElements: {},
    };
  }

  it('is repaired in the management account that owns the trail', async () => {
    await bucket(MANAGEMENT, `org-trail-da-logs-${MANAGEMENT}`);
    await createOrgTrail('org-trail-da', `org-trail-da-logs-${MANAGEMENT}`);
    await management.send(new StopLoggingCommand({ Name: 'org-trail-da' }));
    const { deps } = handlerWith({
      TRAILGUARD_ORGANIZATION: JSON.stringify({ managementAccount: MANAGEMENT, delegatedAdministrators: [DELEGATED] }),
    });
    const before = proxy.calls.length;

    const decision = await remediate(stop(MANAGEMENT), deps.settings, deps);

    expect(decision.outcome).toBe('restarted');
    expect((await management.send(new GetTrailStatusCommand({ Name: 'org-trail-da' }))).IsLogging).toBe(true);
    expect(proxy.calls.slice(before).find((c) => c.operation === 'AssumeRole')!.params.RoleArn).toBe(
      `arn:aws:iam::${MANAGEMENT}:role/TrailGuardRemediator`,
    );
  });

  it('without TrailGuard’s role in the owning account: failed, naming it and what to configure', async () => {
    const { deps } = handlerWith({});
    const before = proxy.calls.length;

    const decision = await remediate(stop(NO_ROLE), deps.settings, deps);

    expect(decision.outcome).toBe('failed');
    expect(decision.reason).toContain(`owned by ${NO_ROLE}, not by ${DELEGATED}`);
    expect(decision.reason).toContain(`list ${NO_ROLE} in members`);
    expect(proxy.calls.slice(before).map((c) => c.operation)).toEqual(['AssumeRole']);
  });
});

describe('case 19 against moto: a baseline kmsKeyId given as an alias ARN', () => {
  const c = loadCase('19-baseline-kms-alias-vs-key-arn');

  it('a benign UpdateTrail is already-compliant and the key is left alone', async () => {
    // Moto keeps KMS per account and cannot resolve another account's alias: the key lives in the member here.
    const kms = await world.memberClient(KMSClient, MEMBER, REGION);
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'org cloudtrail' }));
    await kms.send(new CreateAliasCommand({ AliasName: 'alias/org-cloudtrail', TargetKeyId: KeyMetadata!.KeyId! }));
    const trails = await world.memberClient(CloudTrailClient, MEMBER, REGION);
    await bucket(MEMBER, `org-audit-logs-${MEMBER}`);
    // CloudTrail reports the key ARN whatever form it was given; moto stores what it is given, so it is given the key ARN.
    await trails.send(
      new CreateTrailCommand({
        Name: 'org-audit',
        S3BucketName: `org-audit-logs-${MEMBER}`,
        IsMultiRegionTrail: true,
        KmsKeyId: KeyMetadata!.Arn!,
      }),
    );
    await trails.send(new StartLoggingCommand({ Name: 'org-audit' }));
    await trails.send(new UpdateTrailCommand({ Name: 'org-audit', EnableLogFileValidation: true }));
    const { handle } = handlerWith({
      TRAILGUARD_TRAILS: JSON.stringify(retargetAccounts({ t: c.setup.config.trails } as never, accounts).t),
    });

    const result = await handle(retargetAccounts(c.event, accounts));

    expect(c.expected.outcome).toContain(result.outcome);
    expect((await trails.send(new GetTrailCommand({ Name: 'org-audit' }))).Trail!.KmsKeyId).toBe(KeyMetadata!.Arn);
    const [alert] = await alerts();
    expect(alert!.outcome).toBe('already-compliant');
    for (const field of c.expected.alertActionsExclude!) expect(alert!.actions.join(' ')).not.toContain(field);
    expect(proxy.calls.some((call) => call.operation === 'DescribeKey')).toBe(true);
  });
});

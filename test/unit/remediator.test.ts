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
import { beforeEach, describe, expect, it } from 'vitest';
import { createDefaultDeps, createHandler, type RemediationResult, type SqsBatchResult } from '../../lambda/remediator.js';
import { AlertSchema, type Alert } from '#core/alert.js';
import { AlertPublishError, ConfigError } from '#core/errors.js';
import { loadFixture, retarget, type Envelope } from '../support/fixtures.js';
import { recordingLog } from '../support/recording-log.js';

const sts = mockClient(STSClient);
const cloudtrail = mockClient(CloudTrailClient);
const sns = mockClient(SNSClient);
// The member is not the management account: a deleted baseline trail is recreated.
const organizations = mockClient(OrganizationsClient);

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY';
const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:222222222222:trail/org-audit';
const baseline = {
  name: 'org-audit',
  s3BucketName: 'central-trail-logs',
  isMultiRegionTrail: true,
  includeGlobalServiceEvents: true,
  enableLogFileValidation: true,
};
const env = {
  AWS_REGION: 'us-east-1',
  TRAILGUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts',
  TRAILGUARD_REMEDIATION_ROLE: 'TrailGuardRemediator',
  TRAILGUARD_ALLOW: JSON.stringify(['arn:aws:iam::*:role/BreakGlass']),
  TRAILGUARD_TRAILS: JSON.stringify([baseline]),
};

function setup(overrides: Record<string, string> = {}) {
  const log = recordingLog();
  const deps = createDefaultDeps({
    env: { ...env, ...overrides },
    log,
    clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } },
  });
  const handler = createHandler(() => deps);
  return {
    log,
    handle: (event: unknown) => handler(event) as Promise<RemediationResult>,
    handleBatch: (event: unknown) => handler(event) as Promise<SqsBatchResult>,
  };
}

function publishedAlerts(): Alert[] {
  return sns.commandCalls(PublishCommand).map((call) => AlertSchema.parse(JSON.parse(call.args[0].input.Message!)));
}

function withActor(event: Envelope, issuerRole: string): Envelope {
  const copy = structuredClone(event);
  copy.detail.userIdentity.arn = `arn:aws:sts::222222222222:assumed-role/${issuerRole}/session`;
  copy.detail.userIdentity.sessionContext.sessionIssuer.arn = `arn:aws:iam::222222222222:role/${issuerRole}`;
  return copy;
}

beforeEach(() => {
  organizations.reset();
  organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-abc123def4', MasterAccountId: '333333333333' } });
  sts.reset();
  cloudtrail.reset();
  sns.reset();
  sts.on(AssumeRoleCommand).resolves({
    Credentials: {
      AccessKeyId: 'ASIAMEMBER',
      SecretAccessKey: SECRET,
      SessionToken: 'session-token-value',
      Expiration: new Date(Date.now() + 3600_000),
    },
  });
  cloudtrail.on(StartLoggingCommand).resolves({});
  cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
});

describe('StopLogging', () => {
  it('restarts the trail by ARN, verifies it, and publishes one alert with every contract field', async () => {
    const { handle } = setup();

    const result = await handle(loadFixture('stop-logging'));

    expect(result).toMatchObject({
      outcome: 'restarted',
      account: '222222222222',
      region: 'us-east-1',
      trail: 'org-audit',
      isLogging: true,
      alertMessageId: 'msg-1',
    });
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: 'arn:aws:iam::222222222222:role/TrailGuardRemediator' });
    expect(cloudtrail).toHaveReceivedCommandWith(StartLoggingCommand, { Name: TRAIL_ARN });
    expect(cloudtrail.calls()).toHaveLength(2);
    const [alert] = publishedAlerts();
    expect(alert).toMatchObject({
      schema: 'trailguard.alert/v1',
      id: 'b1e5f1c4-3f7a-4a55-8d2e-0c9a6f1e2d31',
      eventName: 'StopLogging',
      account: '222222222222',
      region: 'us-east-1',
      trail: { name: 'org-audit', arn: TRAIL_ARN },
      actor: { arn: 'arn:aws:sts::222222222222:assumed-role/AdminAccess/jdoe', type: 'AssumedRole', sourceIp: '203.0.113.24' },
      eventTime: '2026-11-20T10:02:13Z',
      outcome: 'restarted',
      isLogging: true,
      error: null,
      actions: ['StartLogging', 'GetTrailStatus'],
    });
    expect(Date.parse(alert!.remediatedAt!)).not.toBeNaN();
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toMatchObject({
      TopicArn: env.TRAILGUARD_TOPIC_ARN,
      MessageAttributes: {
        outcome: { DataType: 'String', StringValue: 'restarted' },
        account: { DataType: 'String', StringValue: '222222222222' },
        eventName: { DataType: 'String', StringValue: 'StopLogging' },
      },
    });
  });

  it('reuses warm credentials: the second event makes no AssumeRole call', async () => {
    const { handle } = setup();

    await handle(loadFixture('stop-logging'));
    await handle(loadFixture('stop-logging-console'));

    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(cloudtrail).toHaveReceivedCommandTimes(StartLoggingCommand, 2);
  });

  it('reports a console IAM user as the actor', async () => {
    const { handle } = setup();

    await handle(loadFixture('stop-logging-console'));

    expect(publishedAlerts()[0]!.actor).toMatchObject({ arn: 'arn:aws:iam::222222222222:user/mallory', type: 'IAMUser', issuerArn: null });
  });

  it('fails, and says so, when the trail still does not log after StartLogging', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const { handle } = setup();

    const result = await handle(loadFixture('stop-logging'));

    expect(result).toMatchObject({
      outcome: 'failed',
      isLogging: false,
      error: 'StartLogging succeeded but the trail still reports not logging',
    });
    expect(publishedAlerts()[0]!.outcome).toBe('failed');
  });

  it('remediates in the region of the trail, from its ARN', async () => {
    const { handle } = setup();
    const event = retarget(loadFixture('stop-logging'), { region: 'eu-west-1' });

    const result = await handle(event);

    expect(result.region).toBe('eu-west-1');
    expect(await cloudtrail.call(0).thisValue.config.region()).toBe('eu-west-1');
  });
});

describe('DeleteTrail', () => {
  it('recreates the trail from the baseline and starts logging', async () => {
    cloudtrail.on(CreateTrailCommand).resolves({});
    cloudtrail.on(GetTrailCommand).resolves({
      Trail: {
        Name: 'org-audit',
        S3BucketName: 'central-trail-logs',
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        LogFileValidationEnabled: true,
      },
    });
    cloudtrail.on(GetTrailStatusCommand).resolvesOnce({ IsLogging: false }).resolves({ IsLogging: true });
    const { handle } = setup();

    const result = await handle(loadFixture('delete-trail'));

    expect(result.outcome).toBe('recreated');
    expect(cloudtrail).toHaveReceivedCommandWith(CreateTrailCommand, {
      Name: 'org-audit',
      S3BucketName: 'central-trail-logs',
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
    });
    expect(result.actions).toEqual(['CreateTrail', 'GetTrailStatus', 'StartLogging', 'GetTrailStatus', 'GetTrail']);
  });

  it('brings an already recreated trail to the baseline instead', async () => {
    cloudtrail.on(CreateTrailCommand).rejects(Object.assign(new Error('exists'), { name: 'TrailAlreadyExistsException' }));
    cloudtrail.on(UpdateTrailCommand).resolves({});
    cloudtrail.on(GetTrailCommand).resolves({
      Trail: {
        Name: 'org-audit',
        S3BucketName: 'central-trail-logs',
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        LogFileValidationEnabled: true,
      },
    });
    const { handle } = setup();

    const result = await handle(loadFixture('delete-trail'));

    expect(result.outcome).toBe('recreated');
    expect(cloudtrail).toHaveReceivedCommandWith(UpdateTrailCommand, { Name: TRAIL_ARN, S3BucketName: 'central-trail-logs' });
  });

  it('only alerts when no baseline names the trail', async () => {
    cloudtrail.on(GetTrailCommand).rejects(Object.assign(new Error('gone'), { name: 'TrailNotFoundException' }));
    const { handle } = setup({ TRAILGUARD_TRAILS: '[]' });

    const result = await handle(loadFixture('delete-trail'));

    expect(result).toMatchObject({ outcome: 'alert-only', isLogging: false });
    expect(cloudtrail).not.toHaveReceivedCommand(CreateTrailCommand);
    expect(publishedAlerts()[0]).toMatchObject({ outcome: 'alert-only', changes: ['trail deleted'] });
  });
});

describe('UpdateTrail', () => {
  it('restores the baseline settings the attacker changed', async () => {
    cloudtrail
      .on(GetTrailCommand)
      .resolvesOnce({
        Trail: {
          Name: 'org-audit',
          S3BucketName: 'attacker-owned-bucket',
          IsMultiRegionTrail: false,
          IncludeGlobalServiceEvents: true,
          LogFileValidationEnabled: false,
        },
      })
      .resolves({
        Trail: {
          Name: 'org-audit',
          S3BucketName: 'central-trail-logs',
          IsMultiRegionTrail: true,
          IncludeGlobalServiceEvents: true,
          LogFileValidationEnabled: true,
        },
      });
    cloudtrail.on(UpdateTrailCommand).resolves({});
    const { handle } = setup();

    const result = await handle(loadFixture('update-trail'));

    expect(result.outcome).toBe('restored');
    expect(cloudtrail).toHaveReceivedCommandWith(UpdateTrailCommand, {
      Name: TRAIL_ARN,
      S3BucketName: 'central-trail-logs',
      IsMultiRegionTrail: true,
      EnableLogFileValidation: true,
    });
    expect(publishedAlerts()[0]).toMatchObject({
      actions: ['GetTrail', 'UpdateTrail: s3BucketName, isMultiRegionTrail, enableLogFileValidation', 'GetTrail', 'GetTrailStatus'],
      changes: ['s3BucketName -> "attacker-owned-bucket"', 'isMultiRegionTrail -> false', 'enableLogFileValidation -> false'],
    });
  });

  it('is already compliant when the trail matches the baseline', async () => {
    cloudtrail.on(GetTrailCommand).resolves({
      Trail: {
        Name: 'org-audit',
        S3BucketName: 'central-trail-logs',
        IsMultiRegionTrail: true,
        IncludeGlobalServiceEvents: true,
        LogFileValidationEnabled: true,
      },
    });
    const { handle } = setup();

    const result = await handle(loadFixture('update-trail'));

    expect(result.outcome).toBe('already-compliant');
    expect(cloudtrail).not.toHaveReceivedCommand(UpdateTrailCommand);
  });

  it('without a baseline, reports the change and keeps the trail logging', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolvesOnce({ IsLogging: false }).resolves({ IsLogging: true });
    const { handle } = setup({ TRAILGUARD_TRAILS: '[]' });

    const result = await handle(loadFixture('update-trail'));

    expect(result).toMatchObject({ outcome: 'alert-only', isLogging: true, actions: ['GetTrailStatus', 'StartLogging', 'GetTrailStatus'] });
    expect(cloudtrail).not.toHaveReceivedCommand(UpdateTrailCommand);
  });
});

describe('PutEventSelectors', () => {
  it('records all management events again when they were narrowed', async () => {
    cloudtrail
      .on(GetEventSelectorsCommand)
      .resolvesOnce({
        EventSelectors: [
          { ReadWriteType: 'ReadOnly', IncludeManagementEvents: false, DataResources: [], ExcludeManagementEventSources: [] },
        ],
      })
      .resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] });
    cloudtrail.on(PutEventSelectorsCommand).resolves({});
    const { handle } = setup();

    const result = await handle(loadFixture('put-event-selectors'));

    expect(result.outcome).toBe('restored');
    expect(cloudtrail).toHaveReceivedCommandWith(PutEventSelectorsCommand, {
      TrailName: TRAIL_ARN,
      EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }],
    });
    expect(publishedAlerts()[0]!.changes).toEqual(['event selectors set to: management events off']);
  });

  it('is already compliant when management events are still fully recorded', async () => {
    cloudtrail.on(GetEventSelectorsCommand).resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] });
    const { handle } = setup();

    expect((await handle(loadFixture('put-event-selectors'))).outcome).toBe('already-compliant');
    expect(cloudtrail).not.toHaveReceivedCommand(PutEventSelectorsCommand);
  });
});

describe('verification after restoring', () => {
  it('fails when selectors were restored but the trail cannot be made to log again', async () => {
    cloudtrail
      .on(GetEventSelectorsCommand)
      .resolvesOnce({ EventSelectors: [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }] })
      .resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] });
    cloudtrail.on(PutEventSelectorsCommand).resolves({});
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const { handle } = setup();

    const result = await handle(loadFixture('put-event-selectors'));

    expect(result).toMatchObject({ outcome: 'failed', isLogging: false, error: 'the trail does not report logging after remediation' });
    expect(result.actions).toContain('StartLogging');
  });

  it('fails when baseline settings were restored but the trail does not log', async () => {
    cloudtrail.on(GetTrailCommand).resolves({ Trail: { Name: 'org-audit', S3BucketName: 'attacker-owned-bucket' } });
    cloudtrail.on(UpdateTrailCommand).resolves({});
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    const { handle } = setup();

    expect((await handle(loadFixture('update-trail'))).outcome).toBe('failed');
  });
});

describe('decisions that change nothing', () => {
  it('a call that itself failed is blocked: alert, no AWS call', async () => {
    const event = loadFixture('stop-logging');
    event.detail.errorCode = 'AccessDenied';
    event.detail.errorMessage = 'with an explicit deny in a service control policy';
    const { handle } = setup();

    const result = await handle(event);

    expect(result.outcome).toBe('blocked');
    expect(sts.calls()).toHaveLength(0);
    expect(cloudtrail.calls()).toHaveLength(0);
    expect(publishedAlerts()[0]).toMatchObject({ outcome: 'blocked', callError: { code: 'AccessDenied' }, isLogging: null });
  });

  it('an allowed principal is reported, not reverted', async () => {
    const { handle } = setup();

    const result = await handle(withActor(loadFixture('stop-logging'), 'BreakGlass'));

    expect(result.outcome).toBe('allowed');
    expect(cloudtrail.calls()).toHaveLength(0);
    expect(publishedAlerts()[0]!.outcome).toBe('allowed');
  });

  it("TrailGuard's own restoring UpdateTrail is ignored: no call, no alert (loop protection)", async () => {
    const event = withActor(loadFixture('update-trail'), 'TrailGuardRemediator');
    event.detail.requestParameters = {
      name: TRAIL_ARN,
      s3BucketName: 'central-trail-logs',
      isMultiRegionTrail: true,
      enableLogFileValidation: true,
    };
    const { handle, log } = setup();

    const result = await handle(event);

    expect(result.outcome).toBe('ignored');
    expect(cloudtrail.calls()).toHaveLength(0);
    expect(sns.calls()).toHaveLength(0);
    expect(log.lines).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'remediation decided',
        attributes: expect.objectContaining({ outcome: 'ignored' }),
      }),
    ]);
  });

  it('a weakening change made with TrailGuard’s role is not ignored', async () => {
    cloudtrail
      .on(GetTrailCommand)
      .resolvesOnce({
        Trail: {
          Name: 'org-audit',
          S3BucketName: 'attacker-owned-bucket',
          IsMultiRegionTrail: true,
          IncludeGlobalServiceEvents: true,
          LogFileValidationEnabled: true,
        },
      })
      .resolves({
        Trail: {
          Name: 'org-audit',
          S3BucketName: 'central-trail-logs',
          IsMultiRegionTrail: true,
          IncludeGlobalServiceEvents: true,
          LogFileValidationEnabled: true,
        },
      });
    cloudtrail.on(UpdateTrailCommand).resolves({});
    const { handle } = setup();

    const result = await handle(withActor(loadFixture('update-trail'), 'TrailGuardRemediator'));

    expect(result.outcome).toBe('restored');
  });

  it('a malformed event is rejected and logged, with no AWS call and no alert', async () => {
    const event = loadFixture('stop-logging');
    event.account = '999999999999';
    const { handle, log } = setup();

    const result = await handle(event);

    expect(result).toMatchObject({
      outcome: 'rejected',
      reason: 'envelope account 999999999999 does not match detail.recipientAccountId 222222222222',
    });
    expect([...sts.calls(), ...cloudtrail.calls(), ...sns.calls()]).toHaveLength(0);
    expect(log.lines).toEqual([expect.objectContaining({ level: 'warn', message: 'event rejected' })]);
  });
});

describe('remediation errors become a failed alert', () => {
  it('AssumeRole denied: failed alert naming role and account, no CloudTrail call', async () => {
    sts
      .on(AssumeRoleCommand)
      .rejects(
        Object.assign(
          new Error('User: arn:aws:sts::111111111111:assumed-role/trailguard-remediator/x is not authorized to perform: sts:AssumeRole'),
          { name: 'AccessDenied' },
        ),
      );
    const { handle } = setup();

    const result = await handle(loadFixture('stop-logging'));

    expect(result.outcome).toBe('failed');
    expect(result.error).toMatch(/^AccessDenied assuming TrailGuardRemediator in 222222222222: /);
    expect(cloudtrail.calls()).toHaveLength(0);
    expect(publishedAlerts()[0]).toMatchObject({ outcome: 'failed', error: result.error, isLogging: null });
  });

  it('throttling past the retries: failed alert with the error text', async () => {
    cloudtrail.on(StartLoggingCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const { handle } = setup();

    const result = await handle(loadFixture('stop-logging'));

    expect(result).toMatchObject({
      outcome: 'failed',
      error: 'ThrottlingException on StartLogging for trail org-audit in 222222222222/us-east-1: Rate exceeded',
    });
  });

  it('the trail is gone: failed, not logging', async () => {
    cloudtrail.on(StartLoggingCommand).rejects(Object.assign(new Error('Unknown trail'), { name: 'TrailNotFoundException' }));
    const { handle } = setup();

    expect(await handle(loadFixture('stop-logging'))).toMatchObject({
      outcome: 'failed',
      isLogging: false,
      reason: 'the trail no longer exists',
    });
  });

  it('an alert that cannot be published throws, so Lambda retries and the DLQ keep the event', async () => {
    sns.on(PublishCommand).rejects(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable' }));
    const { handle, log } = setup();

    await expect(handle(loadFixture('stop-logging'))).rejects.toBeInstanceOf(AlertPublishError);
    expect(log.lines.at(-1)).toMatchObject({ level: 'error', message: 'alert publish failed; the event will be retried' });
  });
});

describe('input wrappers', () => {
  const sqsRecord = (id: string, body: unknown) => ({ messageId: id, eventSource: 'aws:sqs', body: JSON.stringify(body) });

  it('SQS: one result per record; a record whose alert failed is handed back, the others are not', async () => {
    sns.on(PublishCommand).resolvesOnce({ MessageId: 'ok' }).rejects(new Error('down'));
    const { handleBatch } = setup();

    const out = await handleBatch({
      Records: [sqsRecord('m-1', loadFixture('stop-logging')), sqsRecord('m-2', loadFixture('stop-logging-console'))],
    });

    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm-2' }]);
    expect(out.results.map((r) => r.outcome)).toEqual(['restarted']);
  });

  it('SQS: a malformed record is rejected and dropped, not redriven forever', async () => {
    const { handleBatch } = setup();

    const out = await handleBatch({ Records: [{ messageId: 'm-1', eventSource: 'aws:sqs', body: '{not json' }] });

    expect(out).toEqual({ batchItemFailures: [], results: [expect.objectContaining({ outcome: 'rejected' })] });
  });

  it('SNS notification, and an SNS envelope inside an SQS body', async () => {
    const { handle, handleBatch } = setup();
    const envelope = { Type: 'Notification', Message: JSON.stringify(loadFixture('stop-logging')) };

    const viaSns = await handle({ Records: [{ EventSource: 'aws:sns', Sns: { Message: envelope.Message } }] });
    const viaSqs = await handleBatch({ Records: [sqsRecord('m-1', envelope)] });

    expect(viaSns.outcome).toBe('restarted');
    expect(viaSqs.results[0]!.outcome).toBe('restarted');
  });
});

describe('logs and settings', () => {
  it('logs one line per decision and never a credential', async () => {
    const { handle, log } = setup();

    await handle(loadFixture('stop-logging'));

    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({
      level: 'info',
      message: 'remediation decided',
      attributes: { outcome: 'restarted', eventId: 'b1e5f1c4-3f7a-4a55-8d2e-0c9a6f1e2d31' },
    });
    const text = JSON.stringify(log.lines);
    for (const secret of [SECRET, 'session-token-value', 'central-secret', 'ASIAEXAMPLEKEY000001']) expect(text).not.toContain(secret);
  });

  it('refuses to start with a broken environment, naming each variable', () => {
    expect(() => createDefaultDeps({ env: { TRAILGUARD_TOPIC_ARN: 'not-an-arn', TRAILGUARD_TRAILS: '[{"name":"x"}]' } })).toThrow(
      ConfigError,
    );
    try {
      createDefaultDeps({ env: { TRAILGUARD_TOPIC_ARN: 'not-an-arn', TRAILGUARD_TRAILS: '[{"name":"x"}]' } });
    } catch (error) {
      expect((error as ConfigError).issues.map((i) => i.path)).toEqual(
        expect.arrayContaining(['TRAILGUARD_TOPIC_ARN', 'TRAILGUARD_TRAILS[0].name', 'TRAILGUARD_TRAILS[0].s3BucketName']),
      );
    }
  });
});

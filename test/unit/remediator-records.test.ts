// The handler on real CloudTrail record shapes: nothing a user should hear about ends as only a log line.
import { CloudTrailClient, GetTrailStatusCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDefaultDeps, createHandler, type RemediationResult, type SqsBatchResult } from '../../lambda/remediator.js';
import { AlertSchema, type Alert } from '#core/alert.js';
import { loadCase } from '../support/cases.js';
import { loadFixture, type Envelope } from '../support/fixtures.js';
import { recordingLog } from '../support/recording-log.js';

const sts = mockClient(STSClient);
const cloudtrail = mockClient(CloudTrailClient);
const sns = mockClient(SNSClient);

const env = {
  AWS_REGION: 'us-east-1',
  TRAILGUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts',
  TRAILGUARD_REMEDIATION_ROLE: 'TrailGuardRemediator',
  TRAILGUARD_ALLOW: JSON.stringify(['arn:aws:iam::*:role/BreakGlass']),
};
const clientOptions = { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } };

function setup() {
  const log = recordingLog();
  const deps = createDefaultDeps({ env, log, clientOptions });
  const handler = createHandler(() => deps);
  return {
    log,
    handle: (event: unknown) => handler(event) as Promise<RemediationResult>,
    handleAny: (event: unknown) => handler(event) as Promise<RemediationResult | RemediationResult[] | SqsBatchResult>,
  };
}

const alerts = (): Alert[] => sns.commandCalls(PublishCommand).map((c) => AlertSchema.parse(JSON.parse(c.args[0].input.Message!)));
const awsCallsBesidesPublish = () => [...sts.calls(), ...cloudtrail.calls()];
const rejectedLines = (log: ReturnType<typeof recordingLog>) => log.lines.filter((l) => l.attributes.outcome === 'rejected');

function stopLogging(edit: (raw: Envelope) => void): Envelope {
  const raw = loadFixture('stop-logging');
  edit(raw);
  return raw;
}

beforeEach(() => {
  sts.reset();
  cloudtrail.reset();
  sns.reset();
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
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
});

describe('real records that were dropped before are remediated', () => {
  const shapes: [string, (raw: Envelope) => void][] = [
    ['userIdentity.invokedBy is an empty string', (r) => (r.detail.userIdentity.invokedBy = '')],
    ['userIdentity.principalId is empty', (r) => (r.detail.userIdentity.principalId = '')],
    ['userAgent over 4,096 characters', (r) => (r.detail.userAgent = 'a'.repeat(5000))],
    ['errorMessage of 10,000 characters on a successful call... absent errorCode', (r) => (r.detail.errorMessage = 'm'.repeat(10_000))],
    ['no userIdentity arn at all', (r) => (r.detail.userIdentity = { type: 'AWSService', invokedBy: 'cloudformation.amazonaws.com' })],
  ];

  it.each(shapes)('%s: StartLogging, verified, alerted', async (_, edit) => {
    const { handle } = setup();

    const result = await handle(stopLogging(edit));

    expect(result).toMatchObject({ outcome: 'restarted', isLogging: true, alertMessageId: 'msg-1' });
    expect(cloudtrail.commandCalls(StartLoggingCommand)).toHaveLength(1);
    expect(alerts()).toHaveLength(1);
  });

  it('an IAM user at path /:role/ named BreakGlass is not the allowed role: its StopLogging is reverted', async () => {
    const { handle } = setup();
    const raw = stopLogging((r) => {
      r.detail.userIdentity = {
        type: 'IAMUser',
        arn: 'arn:aws:iam::222222222222:user/:role/BreakGlass',
        userName: 'BreakGlass',
        accountId: '222222222222',
      };
    });

    const result = await handle(raw);

    expect(result.outcome).toBe('restarted');
    expect(cloudtrail.commandCalls(StartLoggingCommand)).toHaveLength(1);
  });
});

describe('case 11: a member denied StopLogging on the organization trail', () => {
  it('is blocked and alerted with callError.code, with no AWS call', async () => {
    const { event, expected } = loadCase('11-member-denied-stop-org-trail');
    const { handle } = setup();

    const result = await handle(event);

    expect(expected.outcome).toContain(result.outcome);
    expect(result).toMatchObject({ outcome: 'blocked', account: '222222222222', trail: 'org-trail' });
    const [alert] = alerts();
    expect(alert).toMatchObject({
      outcome: 'blocked',
      account: '222222222222',
      callError: { code: expected.alertFields!['callError.code'] },
    });
    expect(alert!.trail).toMatchObject({
      name: 'org-trail',
      account: '333333333333',
      arn: 'arn:aws:cloudtrail:us-east-1:333333333333:trail/org-trail',
    });
    expect(awsCallsBesidesPublish()).toHaveLength(0);
  });
});

describe('records that cannot be acted on are alerted, never only logged, and never reach AWS', () => {
  const unusable: [string, (raw: Envelope) => void, RegExp][] = [
    ['requestParameters omitted', (r) => delete r.detail.requestParameters, /detail\.requestParameters is absent/],
    ['no trail name', (r) => (r.detail.requestParameters = {}), /detail\.requestParameters\.name is missing/],
    ['a name CloudTrail forbids', (r) => (r.detail.requestParameters.name = 'my--namespace'), /adjacent/],
    ['an IP-address name', (r) => (r.detail.requestParameters.name = '10.0.0.1'), /IP address/],
    [
      'an ARN in another partition',
      (r) => (r.detail.requestParameters.name = 'arn:aws-us-gov:cloudtrail:us-gov-west-1:222222222222:trail/org-audit'),
      /partition aws-us-gov/,
    ],
    [
      'an ARN in an unknown region',
      (r) => (r.detail.requestParameters.name = 'arn:aws:cloudtrail:us-east-9:222222222222:trail/org-audit'),
      /not a known AWS region/,
    ],
    [
      'a successful call whose ARN is in another home region',
      (r) => (r.detail.requestParameters.name = 'arn:aws:cloudtrail:eu-west-1:222222222222:trail/org-audit'),
      /home region eu-west-1/,
    ],
    [
      'a call in an unknown region',
      (r) => {
        r.region = 'eu-wst-1';
        r.detail.awsRegion = 'eu-wst-1';
        r.detail.requestParameters.name = 'org-audit';
      },
      /detail\.awsRegion eu-wst-1/,
    ],
  ];

  it.each(unusable)('%s: alert-only with the reason', async (_, edit, reason) => {
    const { handle, log } = setup();

    const result = await handle(stopLogging(edit));

    expect(result.outcome).toBe('alert-only');
    expect(result.reason).toMatch(reason);
    expect(awsCallsBesidesPublish()).toHaveLength(0);
    const [alert] = alerts();
    expect(alert).toMatchObject({ outcome: 'alert-only', eventName: 'StopLogging', account: '222222222222', isLogging: null });
    expect(alert!.reason).toMatch(reason);
    expect(rejectedLines(log)).toHaveLength(0);
    expect(log.lines).toEqual([
      expect.objectContaining({ attributes: expect.objectContaining({ outcome: 'alert-only', alertMessageId: 'msg-1' }) }),
    ]);
  });

  it.each(unusable)('%s, when the call itself failed: blocked with the call error', async (_, edit, reason) => {
    const { handle } = setup();
    const raw = stopLogging(edit);
    raw.detail.errorCode = 'InvalidTrailNameException';

    const result = await handle(raw);

    if (reason.source.includes('home region')) {
      // A failed call in another home region is an ordinary record: CloudTrail refused it.
      expect(result.outcome).toBe('blocked');
    } else {
      expect(result).toMatchObject({ outcome: 'blocked', reason: expect.stringMatching(reason) });
    }
    expect(awsCallsBesidesPublish()).toHaveLength(0);
    expect(alerts()[0]).toMatchObject({ outcome: 'blocked', callError: { code: 'InvalidTrailNameException' } });
  });

  it('an unactionable record whose alert cannot be published throws, so it is retried', async () => {
    sns.on(PublishCommand).rejects(new Error('down'));
    const { handle } = setup();

    await expect(handle(stopLogging((r) => delete r.detail.requestParameters))).rejects.toThrow(/publishing the alert-only alert/);
  });
});

describe('rejected input is counted: exactly one structured line with outcome "rejected" per record', () => {
  it('logs one rejected line for a non-record, and publishes nothing', async () => {
    const { handle, log } = setup();

    const result = await handle(stopLogging((r) => (r.source = 'custom.attacker')));

    expect(result.outcome).toBe('rejected');
    expect(rejectedLines(log)).toEqual([
      {
        level: 'warn',
        message: 'event rejected',
        attributes: { outcome: 'rejected', reason: expect.stringMatching(/^not a CloudTrail API-call envelope: source: /) },
      },
    ]);
    expect(log.lines).toHaveLength(1);
    expect(sns.calls()).toHaveLength(0);
  });

  describe('with the real Powertools logger', () => {
    let written: string[];
    beforeEach(() => {
      written = [];
      // Node's Console writes warn and error lines to stderr, info to stdout: Lambda sends both to CloudWatch Logs.
      for (const stream of [process.stdout, process.stderr]) {
        vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
          written.push(String(chunk));
          return true;
        });
      }
    });
    afterEach(() => vi.restoreAllMocks());

    it('writes one JSON line a metric filter { $.outcome = "rejected" } counts', async () => {
      const handler = createHandler(() => createDefaultDeps({ env, clientOptions }));

      await handler({
        Records: [
          { messageId: 'm-1', eventSource: 'aws:sqs', body: 'null' },
          { messageId: 'm-2', eventSource: 'aws:sqs', body: '{"source":"x"}' },
        ],
      });

      const lines = written
        .join('')
        .split('\n')
        .filter((l) => l.trim().startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.filter((l) => l.outcome === 'rejected')).toHaveLength(2);
      expect(lines.every((l) => typeof l.reason === 'string')).toBe(true);
    });
  });
});

describe('null and non-object records in a batch are one rejected record each', () => {
  const sqsRecord = (id: string, body: unknown) => ({ messageId: id, eventSource: 'aws:sqs', body: JSON.stringify(body) });

  it('SQS: null, a number and a string record beside a real one', async () => {
    const { handleAny, log } = setup();

    const out = (await handleAny({ Records: [null, sqsRecord('m-1', loadFixture('stop-logging')), 42, 'x'] })) as SqsBatchResult;

    expect(out.batchItemFailures).toEqual([]);
    expect(out.results.map((r) => r.outcome).sort()).toEqual(['rejected', 'rejected', 'rejected', 'restarted']);
    expect(rejectedLines(log)).toHaveLength(3);
  });

  it('SQS: a record with a null body, and a body that is JSON null', async () => {
    const { handleAny } = setup();

    const out = (await handleAny({
      Records: [
        { messageId: 'm-1', eventSource: 'aws:sqs', body: null },
        { messageId: 'm-2', eventSource: 'aws:sqs', body: 'null' },
        sqsRecord('m-3', loadFixture('stop-logging')),
      ],
    })) as SqsBatchResult;

    expect(out.results.map((r) => r.outcome)).toEqual(['rejected', 'rejected', 'restarted']);
  });

  it('SQS: only the record whose alert could not be published is handed back', async () => {
    sns.on(PublishCommand).rejects(new Error('down'));
    const { handleAny } = setup();

    const out = (await handleAny({
      Records: [
        null,
        sqsRecord(
          'm-1',
          stopLogging((r) => delete r.detail.requestParameters),
        ),
      ],
    })) as SqsBatchResult;

    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(out.results.map((r) => r.outcome)).toEqual(['rejected']);
  });

  it('SNS: a null record and a record without Sns beside a real one', async () => {
    const { handleAny } = setup();

    const out = (await handleAny({
      Records: [
        null,
        { EventSource: 'aws:sns' },
        { EventSource: 'aws:sns', Sns: { Message: JSON.stringify(loadFixture('stop-logging')) } },
      ],
    })) as RemediationResult[];

    expect(out.map((r) => r.outcome)).toEqual(['rejected', 'rejected', 'restarted']);
  });
});

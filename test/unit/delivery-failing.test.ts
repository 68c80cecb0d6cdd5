// `delivery-failing` (issue 12): after every remediation the trail's GetTrailStatus is read for delivery errors, and a
// trail that logs but cannot deliver is alerted on its own, with CloudTrail's error. Recorded responses: moto reports none.
import { GetTrailCommand, GetTrailStatusCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { PublishCommand } from '@aws-sdk/client-sns';
import { beforeEach, describe, expect, it } from 'vitest';
import { deliveryFindings } from '#core/delivery.js';
import { AlertPublishError } from '#core/errors.js';
import { loadFixture } from '../support/fixtures.js';
import { remediatorHarness } from '../support/remediator-harness.js';

const aws = remediatorHarness();
const LAST = new Date('2026-11-20T09:00:00Z');

beforeEach(() => {
  aws.reset();
  aws.cloudtrail.on(StartLoggingCommand).resolves({});
});

describe('after a remediation', () => {
  it('publishes a delivery-failing alert after the restart alert when CloudTrail cannot write to the bucket', async () => {
    aws.cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestDeliveryError: 'AccessDenied', LatestDeliveryTime: LAST });
    const { handle, log } = aws.setup();

    const result = await handle(loadFixture('stop-logging'));

    expect(result).toMatchObject({ outcome: 'restarted', alertMessageId: 'msg-1', deliveryAlertMessageId: 'msg-2' });
    const [restarted, delivery] = aws.alerts();
    expect(restarted!.outcome).toBe('restarted');
    expect(delivery).toMatchObject({
      id: 'b1e5f1c4-3f7a-4a55-8d2e-0c9a6f1e2d31:delivery-failing',
      eventName: 'StopLogging',
      outcome: 'delivery-failing',
      trail: { name: 'org-audit' },
      isLogging: true,
      changes: ['LatestDeliveryError: AccessDenied'],
    });
    expect(delivery!.error).toBe(
      'CloudTrail cannot deliver log files to its S3 bucket: nothing it records is kept: AccessDenied (last delivered 2026-11-20T09:00:00.000Z)',
    );
    expect(aws.sns.commandCalls(PublishCommand)[1]!.args[0].input.MessageAttributes?.outcome?.StringValue).toBe('delivery-failing');
    expect(log.lines.some((l) => l.level === 'error' && l.message === 'delivery failing')).toBe(true);
  });

  it('reads the status after an UpdateTrail it only reports too, and names the CloudWatch Logs channel', async () => {
    aws.cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestCloudWatchLogsDeliveryError: 'ResourceNotFoundException' });
    aws.cloudtrail.on(GetTrailCommand).resolves({ Trail: { Name: 'org-audit', S3BucketName: 'central-trail-logs' } });
    const { handle } = aws.setup();

    const result = await handle(loadFixture('update-trail'));

    expect(result.deliveryAlertMessageId).toBe('msg-2');
    expect(aws.alerts()[1]!.error).toMatch(
      /^CloudTrail cannot deliver events to its CloudWatch Logs group.*ResourceNotFoundException \(no delivery on record\)$/,
    );
  });

  it('publishes only the remediation alert when every channel delivers', async () => {
    aws.cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestDeliveryError: '', LatestDeliveryTime: LAST });
    const { handle } = aws.setup();

    const result = await handle(loadFixture('stop-logging'));

    expect(result.deliveryAlertMessageId).toBeUndefined();
    expect(aws.alerts().map((a) => a.outcome)).toEqual(['restarted']);
  });

  it('throws when the delivery alert cannot be published, so the event is retried rather than the failure lost', async () => {
    aws.cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestDeliveryError: 'NoSuchBucket' });
    aws.sns.on(PublishCommand).resolvesOnce({ MessageId: 'msg-1' }).rejects(new Error('SNS throttled'));
    const { handle } = aws.setup();

    await expect(handle(loadFixture('stop-logging'))).rejects.toBeInstanceOf(AlertPublishError);
  });
});

describe('deliveryFindings', () => {
  it('reports each failing channel of a GetTrailStatus response, and nothing for a healthy one', () => {
    expect(deliveryFindings({ IsLogging: true, LatestDeliveryTime: LAST })).toEqual([]);
    expect(
      deliveryFindings({
        LatestDeliveryError: 'AccessDenied',
        LatestDigestDeliveryError: 'KMS.DisabledException',
        LatestDigestDeliveryTime: LAST,
      }),
    ).toEqual([
      expect.objectContaining({
        kind: 'delivery-failing',
        channel: 's3',
        field: 'LatestDeliveryError',
        error: 'AccessDenied',
        lastDeliveredAt: null,
      }),
      expect.objectContaining({
        channel: 'digest',
        error: 'KMS.DisabledException',
        lastDeliveredAt: '2026-11-20T09:00:00.000Z',
        message: expect.stringMatching(/digest files.*integrity can no longer be validated: KMS\.DisabledException/),
      }),
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { RejectedEventError } from '#core/errors.js';
import { parseTamperEvent, UnactionableEventError } from '#core/tamper-event.js';
import { loadFixture, retarget } from '../support/fixtures.js';

function rejection(raw: unknown): string {
  try {
    parseTamperEvent(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(RejectedEventError);
    return (error as RejectedEventError).reason;
  }
  throw new Error('expected a rejection');
}

describe('parseTamperEvent', () => {
  it('reads StopLogging naming the trail by ARN, with an assumed-role actor', () => {
    const event = parseTamperEvent(loadFixture('stop-logging'));

    expect(event).toMatchObject({
      id: 'b1e5f1c4-3f7a-4a55-8d2e-0c9a6f1e2d31',
      eventName: 'StopLogging',
      account: '222222222222',
      region: 'us-east-1',
      trail: { name: 'org-audit', arn: 'arn:aws:cloudtrail:us-east-1:222222222222:trail/org-audit' },
      actor: {
        arn: 'arn:aws:sts::222222222222:assumed-role/AdminAccess/jdoe',
        type: 'AssumedRole',
        issuerArn: 'arn:aws:iam::222222222222:role/AdminAccess',
        sourceIp: '203.0.113.24',
      },
      errorCode: null,
    });
  });

  it('reads a console IAM user without a session issuer, trail by name', () => {
    const event = parseTamperEvent(loadFixture('stop-logging-console'));

    expect(event.actor).toMatchObject({ arn: 'arn:aws:iam::222222222222:user/mallory', type: 'IAMUser', issuerArn: null });
    expect(event.trail.arn).toBe('arn:aws:cloudtrail:us-east-1:222222222222:trail/org-audit');
  });

  it('takes PutEventSelectors trail from trailName', () => {
    expect(parseTamperEvent(loadFixture('put-event-selectors')).trail.name).toBe('org-audit');
  });

  it('takes the home region from a trail ARN, not from the region the (failed) call was made in', () => {
    const raw = retarget(loadFixture('delete-trail'), { region: 'eu-west-1' });
    raw.detail.requestParameters.name = 'arn:aws:cloudtrail:ap-southeast-2:222222222222:trail/org-audit';
    raw.detail.errorCode = 'InvalidHomeRegionException';

    const event = parseTamperEvent(raw);

    expect(event.region).toBe('ap-southeast-2');
    expect(event.eventRegion).toBe('eu-west-1');
  });

  it('keeps a failed call as an error code', () => {
    const raw = loadFixture('stop-logging');
    raw.detail.errorCode = 'AccessDenied';
    raw.detail.errorMessage = 'explicit deny in a service control policy';

    expect(parseTamperEvent(raw)).toMatchObject({ errorCode: 'AccessDenied', errorMessage: 'explicit deny in a service control policy' });
  });

  it('rejects an envelope account that differs from recipientAccountId', () => {
    const raw = loadFixture('stop-logging');
    raw.account = '333333333333';

    expect(rejection(raw)).toBe('envelope account 333333333333 does not match detail.recipientAccountId 222222222222');
  });

  it('accepts a trail ARN in another account: the ARN names the owner, the call stays in the event account', () => {
    const raw = loadFixture('stop-logging');
    raw.detail.requestParameters.name = 'arn:aws:cloudtrail:us-east-1:444444444444:trail/org-audit';

    expect(parseTamperEvent(raw)).toMatchObject({ account: '222222222222', trail: { account: '444444444444', name: 'org-audit' } });
  });

  it('rejects events that are not CloudTrail API calls on CloudTrail', () => {
    const wrongSource = loadFixture('stop-logging');
    wrongSource.source = 'custom.attacker';
    const wrongService = loadFixture('stop-logging');
    wrongService.detail.eventSource = 's3.amazonaws.com';
    const otherCall = loadFixture('stop-logging');
    otherCall.detail.eventName = 'CreateTrail';

    expect(rejection(wrongSource)).toMatch(/^not a CloudTrail API-call envelope: source: /);
    expect(rejection(wrongService)).toMatch(/^not a CloudTrail API-call envelope: detail\.eventSource: /);
    expect(rejection(otherCall)).toBe('detail.eventName CreateTrail is not a tamper call TrailGuard handles');
  });

  it('cannot act on a missing trail reference or a malformed one, and says so (an alert, not a rejection)', () => {
    const missing = loadFixture('put-event-selectors');
    delete missing.detail.requestParameters.trailName;
    const malformed = loadFixture('stop-logging');
    malformed.detail.requestParameters.name = 'arn:aws:s3:::bucket';

    expect(() => parseTamperEvent(missing)).toThrow(UnactionableEventError);
    expect(() => parseTamperEvent(malformed)).toThrow(/is not a CloudTrail trail ARN/);
  });

  it('rejects values that are not objects at all', () => {
    for (const raw of [null, undefined, 42, 'StopLogging', [], { detail: null }]) {
      expect(rejection(raw)).toMatch(/^not a CloudTrail API-call envelope/);
    }
  });
});

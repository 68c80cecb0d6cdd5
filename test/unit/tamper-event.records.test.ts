// Real CloudTrail record shapes: strict about what a decision needs, tolerant of every other field.
import { describe, expect, it } from 'vitest';
import { RejectedEventError } from '#core/errors.js';
import { parseTamperEvent, UnactionableEventError, type TamperEvent } from '#core/tamper-event.js';
import { loadCase } from '../support/cases.js';
import { loadFixture, type Envelope } from '../support/fixtures.js';

function unactionable(raw: unknown): UnactionableEventError {
  try {
    parseTamperEvent(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(UnactionableEventError);
    return error as UnactionableEventError;
  }
  throw new Error('expected the event to be unactionable');
}

function rejection(raw: unknown): string {
  try {
    parseTamperEvent(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(RejectedEventError);
    expect(error).not.toBeInstanceOf(UnactionableEventError);
    return (error as RejectedEventError).reason;
  }
  throw new Error('expected a rejection');
}

const decisionFields = (e: TamperEvent) => ({
  eventName: e.eventName,
  account: e.account,
  region: e.region,
  trail: e.trail,
  errorCode: e.errorCode,
});

function stopLogging(edit: (raw: Envelope) => void): Envelope {
  const raw = loadFixture('stop-logging');
  edit(raw);
  return raw;
}

describe('fields a decision does not need are tolerated', () => {
  const original = parseTamperEvent(loadFixture('stop-logging'));
  const variants: [string, (raw: Envelope) => void][] = [
    ['userIdentity.invokedBy is an empty string (the User Guide example)', (r) => (r.detail.userIdentity.invokedBy = '')],
    ['userIdentity.principalId is empty', (r) => (r.detail.userIdentity.principalId = '')],
    ['userAgent is over 4,096 characters', (r) => (r.detail.userAgent = `aws-cli/2.22.4 ${'x'.repeat(5000)}`)],
    ['errorMessage is absent and responseElements is a string', (r) => (r.detail.responseElements = 'omitted')],
    ['sourceIPAddress is a service name', (r) => (r.detail.sourceIPAddress = 'cloudformation.amazonaws.com')],
    ['eventTime is absent', (r) => delete r.detail.eventTime],
    ['eventID is absent (the envelope id stands in)', (r) => delete r.detail.eventID],
    ['recipientAccountId is absent (optional in the record reference)', (r) => delete r.detail.recipientAccountId],
    ['userIdentity.type is absent', (r) => delete r.detail.userIdentity.type],
    ['userIdentity.accountId is not an account id', (r) => (r.detail.userIdentity.accountId = 'ANONYMOUS_PRINCIPAL')],
    ['sessionContext is null', (r) => (r.detail.userIdentity.sessionContext = null)],
    ['the record is marked omitted', (r) => (r.detail.omitted = true)],
  ];

  it.each(variants)('%s', (_, edit) => {
    const event = parseTamperEvent(stopLogging(edit));

    expect(decisionFields(event)).toEqual(decisionFields(original));
  });

  it('keeps an oversize userAgent out of the alert by clipping it', () => {
    const event = parseTamperEvent(stopLogging((r) => (r.detail.userAgent = 'x'.repeat(100_000))));

    expect(event.actor.userAgent!.length).toBeLessThanOrEqual(1100);
    expect(event.actor.userAgent).toMatch(/truncated/);
  });

  it('falls back through the principal fields, and names an unknown principal rather than dropping the record', () => {
    const noArn = parseTamperEvent(
      stopLogging((r) => {
        r.detail.userIdentity = { type: 'AWSService', invokedBy: '', principalId: '' };
      }),
    );

    expect(noArn.actor.arn).toBe('unknown AWSService principal');
    expect(noArn.trail.name).toBe('org-audit');
  });
});

describe('case 11: a member fails to stop the organization trail by its ARN', () => {
  it('keeps the call account and takes the trail owner from the ARN', () => {
    const event = parseTamperEvent(loadCase('11-member-denied-stop-org-trail').event);

    expect(event).toMatchObject({
      eventName: 'StopLogging',
      account: '222222222222',
      region: 'us-east-1',
      trail: { name: 'org-trail', account: '333333333333', arn: 'arn:aws:cloudtrail:us-east-1:333333333333:trail/org-trail' },
      errorCode: 'AccessDenied',
    });
  });

  it('gives a trail named without an ARN the event account as owner', () => {
    expect(parseTamperEvent(loadFixture('stop-logging-console')).trail.account).toBe('222222222222');
  });
});

describe('records that cannot be acted on become unactionable (an alert), not rejected', () => {
  const cases: [string, (raw: Envelope) => void, RegExp][] = [
    ['requestParameters omitted', (r) => delete r.detail.requestParameters, /^detail\.requestParameters is absent/],
    ['requestParameters null', (r) => (r.detail.requestParameters = null), /^detail\.requestParameters is absent/],
    ['no name', (r) => (r.detail.requestParameters = {}), /^detail\.requestParameters\.name is missing/],
    ['an empty name', (r) => (r.detail.requestParameters.name = ''), /^detail\.requestParameters\.name is missing/],
    ['a name that is not a string', (r) => (r.detail.requestParameters.name = 42), /^detail\.requestParameters\.name is missing/],
    [
      'an ARN of another service',
      (r) => (r.detail.requestParameters.name = 'arn:aws:s3:::bucket'),
      /^detail\.requestParameters\.name .* is not a CloudTrail trail ARN/,
    ],
    [
      'an ARN in another partition than the call',
      (r) => (r.detail.requestParameters.name = 'arn:aws-cn:cloudtrail:us-east-1:222222222222:trail/org-audit'),
      /^detail\.requestParameters\.name is in partition aws-cn, but the call was made in us-east-1 \(partition aws\)/,
    ],
    [
      'an ARN whose region is not a known region',
      (r) => (r.detail.requestParameters.name = 'arn:aws:cloudtrail:eu-wst-1:222222222222:trail/org-audit'),
      /^detail\.requestParameters\.name names region eu-wst-1, which is not a known AWS region/,
    ],
    [
      'a forbidden name (adjacent separators)',
      (r) => (r.detail.requestParameters.name = 'my-_namespace'),
      /^detail\.requestParameters\.name: .*adjacent/,
    ],
    [
      'a forbidden name (IP address)',
      (r) => (r.detail.requestParameters.name = '192.168.5.4'),
      /^detail\.requestParameters\.name: .*IP address/,
    ],
    [
      'a forbidden name inside an ARN',
      (r) => (r.detail.requestParameters.name = 'arn:aws:cloudtrail:us-east-1:222222222222:trail/my--namespace'),
      /^detail\.requestParameters\.name: .*adjacent/,
    ],
    [
      'a successful call whose ARN names another home region',
      (r) => (r.detail.requestParameters.name = 'arn:aws:cloudtrail:eu-west-1:222222222222:trail/org-audit'),
      /^detail\.requestParameters\.name names home region eu-west-1, but the call succeeded in us-east-1/,
    ],
    [
      'a region that is not a known region',
      (r) => {
        r.region = 'eu-wst-1';
        r.detail.awsRegion = 'eu-wst-1';
        r.detail.requestParameters.name = 'org-audit';
      },
      /^detail\.awsRegion eu-wst-1 is not a region this TrailGuard release knows/,
    ],
  ];

  it.each(cases)('%s', (_, edit, reason) => {
    const error = unactionable(stopLogging(edit));

    expect(error.reason).toMatch(reason);
    expect(error.event).toMatchObject({ eventName: 'StopLogging', account: '222222222222', id: 'b1e5f1c4-3f7a-4a55-8d2e-0c9a6f1e2d31' });
    expect(error.event.trail.arn).toMatch(/^arn:/);
    expect(error.event.trail.name.length).toBeGreaterThan(0);
  });

  it('takes the trail key of PutEventSelectors from trailName in the reason', () => {
    const raw = loadFixture('put-event-selectors');
    delete raw.detail.requestParameters.trailName;

    expect(unactionable(raw).reason).toMatch(
      /^detail\.requestParameters\.trailName is missing: cannot tell which trail PutEventSelectors concerned/,
    );
  });

  it('treats a FAILED call in another home region as an ordinary (blocked) event', () => {
    const raw = stopLogging((r) => {
      r.detail.requestParameters.name = 'arn:aws:cloudtrail:eu-west-1:222222222222:trail/org-audit';
      r.detail.errorCode = 'InvalidHomeRegionException';
    });

    expect(parseTamperEvent(raw)).toMatchObject({ region: 'eu-west-1', eventRegion: 'us-east-1', errorCode: 'InvalidHomeRegionException' });
  });
});

describe('input that is not a CloudTrail tamper record is rejected, naming the bad field', () => {
  const cases: [string, unknown, RegExp][] = [
    ['null', null, /^not a CloudTrail API-call envelope: \(root\)/],
    ['a string', 'StopLogging', /^not a CloudTrail API-call envelope: \(root\)/],
    ['another source', stopLogging((r) => (r.source = 'custom.attacker')), /^not a CloudTrail API-call envelope: source: /],
    ['another detail-type', stopLogging((r) => (r['detail-type'] = 'AWS Console Sign In via CloudTrail')), /detail-type/],
    ['another service', stopLogging((r) => (r.detail.eventSource = 's3.amazonaws.com')), /detail\.eventSource/],
    [
      'an unwatched call',
      stopLogging((r) => (r.detail.eventName = 'CreateTrail')),
      /^detail\.eventName CreateTrail is not a tamper call TrailGuard handles/,
    ],
    ['no account', stopLogging((r) => delete r.account), /^not a CloudTrail API-call envelope: account: /],
    ['a malformed region', stopLogging((r) => (r.detail.awsRegion = 'us east 1')), /detail\.awsRegion/],
    [
      'accounts that disagree',
      stopLogging((r) => (r.account = '333333333333')),
      /^envelope account 333333333333 does not match detail\.recipientAccountId 222222222222/,
    ],
    [
      'regions that disagree',
      stopLogging((r) => (r.region = 'eu-west-1')),
      /^envelope region eu-west-1 does not match detail\.awsRegion us-east-1/,
    ],
  ];

  it.each(cases)('%s', (_, raw, reason) => {
    expect(rejection(raw)).toMatch(reason);
  });
});

describe('every partition the SDK knows', () => {
  it.each([
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['eusc-de-east-1', 'aws-eusc'],
    ['us-isof-south-1', 'aws-iso-f'],
  ])('a StopLogging in %s on a %s trail ARN is acted on', (region, partition) => {
    const raw = stopLogging((r) => {
      r.region = region;
      r.detail.awsRegion = region;
      r.detail.requestParameters.name = `arn:${partition}:cloudtrail:${region}:222222222222:trail/org-audit`;
    });

    expect(parseTamperEvent(raw)).toMatchObject({
      region,
      trail: { arn: `arn:${partition}:cloudtrail:${region}:222222222222:trail/org-audit` },
    });
  });

  it('a trail named without an ARN gets the partition of the call region', () => {
    const raw = stopLogging((r) => {
      r.region = 'eusc-de-east-1';
      r.detail.awsRegion = 'eusc-de-east-1';
      r.detail.requestParameters.name = 'org-audit';
    });

    expect(parseTamperEvent(raw).trail.arn).toBe('arn:aws-eusc:cloudtrail:eusc-de-east-1:222222222222:trail/org-audit');
  });
});

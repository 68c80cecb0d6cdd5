// Random and mutated events: the parser throws nothing but a typed rejection, and a rejected event never reaches AWS.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDefaultDeps, handleEvent } from '../../lambda/remediator.js';
import { RejectedEventError } from '#core/errors.js';
import { parseTamperEvent, type TamperEvent, UnactionableEventError } from '#core/tamper-event.js';
import { FIXTURE_NAMES, loadFixture, type Envelope } from '../support/fixtures.js';
import { recordingLog } from '../support/recording-log.js';

const sts = mockClient(STSClient);
const cloudtrail = mockClient(CloudTrailClient);
const sns = mockClient(SNSClient);

const fixtures = FIXTURE_NAMES.map(loadFixture);

/** Every path to a leaf or object in the fixture, so mutations can reach any field. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function mutate(event: Envelope, path: (string | number)[], replacement: unknown, remove: boolean): Envelope {
  const copy = structuredClone(event);
  if (path.length === 0) return copy;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (remove) delete parent[last];
  else parent[last] = replacement;
  return copy;
}

const mutatedEvent = fc
  .record({
    fixture: fc.constantFrom(...fixtures),
    pick: fc.nat(),
    remove: fc.boolean(),
    replacement: fc.oneof(
      fc.anything(),
      fc.constantFrom('333333333333', 'arn:aws:cloudtrail:us-east-1:444444444444:trail/x', 'CreateTrail', 'eu-west-1', '', null),
    ),
  })
  .map(({ fixture, pick, remove, replacement }) => {
    const all = paths(fixture);
    return mutate(fixture, all[pick % all.length]!, replacement, remove);
  });

describe('parseTamperEvent on hostile input', () => {
  it('throws only RejectedEventError (or its alertable UnactionableEventError) for arbitrary values', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        try {
          parseTamperEvent(raw);
        } catch (error) {
          expect(error instanceof RejectedEventError || error instanceof UnactionableEventError).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('accepts a mutated event only if it is still self-consistent', () => {
    fc.assert(
      fc.property(mutatedEvent, (raw) => {
        let event: TamperEvent;
        try {
          event = parseTamperEvent(raw);
        } catch (error) {
          expect(error instanceof RejectedEventError || error instanceof UnactionableEventError).toBe(true);
          return;
        }
        expect(event.account).toBe(raw.account);
        expect(event.trail.arn.split(':')[4]).toBe(event.trail.account);
        expect(event.trail.arn.split(':')[3]).toBe(event.region);
        if (event.region !== event.eventRegion) expect(event.errorCode).not.toBeNull();
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the handler on hostile input', () => {
  beforeEach(() => {
    sts.reset();
    cloudtrail.reset();
    sns.reset();
  });

  it('returns `rejected` without any AWS call whenever the parser rejects', async () => {
    const deps = createDefaultDeps({
      env: { AWS_REGION: 'us-east-1', TRAILGUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts' },
      log: recordingLog(),
      clientOptions: { credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
    });
    let rejectedCount = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), mutatedEvent), async (raw) => {
        let rejected = false;
        try {
          parseTamperEvent(raw);
        } catch (error) {
          rejected = error instanceof RejectedEventError;
        }
        fc.pre(rejected);
        rejectedCount += 1;
        const result = await handleEvent(raw, deps);
        expect(result.outcome).toBe('rejected');
        expect([...sts.calls(), ...cloudtrail.calls(), ...sns.calls()]).toHaveLength(0);
      }),
      { numRuns: 300 },
    );
    expect(rejectedCount).toBeGreaterThan(100);
  });
});

describe('the handler on mutated trail identifiers', () => {
  beforeEach(() => {
    sts.reset();
    cloudtrail.reset();
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
  });

  const identifier = fc.oneof(
    fc.string(),
    fc.constantFrom(
      '',
      'ab',
      'my--namespace',
      'a_-b',
      '10.0.0.1',
      'arn:aws:s3:::bucket',
      'arn:aws-cn:cloudtrail:us-east-1:222222222222:trail/org-audit',
    ),
    fc
      .record({
        partition: fc.constantFrom('aws', 'aws-cn', 'aws-us-gov', 'aws-eusc', 'x'),
        region: fc.constantFrom('us-east-1', 'eu-west-1', 'cn-north-1', 'us-gov-west-1', 'eu-wst-1', 'eusc-de-east-1', ''),
        account: fc.constantFrom('222222222222', '333333333333', '2222'),
        name: fc.constantFrom('org-audit', 'my..trail', '1.2.3.4', 'x'),
      })
      .map(({ partition, region, account, name }) => `arn:${partition}:cloudtrail:${region}:${account}:trail/${name}`),
  );

  it('a record that cannot be acted on reaches AWS only to publish its one alert', async () => {
    const deps = createDefaultDeps({
      env: { AWS_REGION: 'us-east-1', TRAILGUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts' },
      log: recordingLog(),
      clientOptions: { credentials: { accessKeyId: 'a', secretAccessKey: 'b' } },
    });
    let unactionable = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fixtures),
        identifier,
        fc.constantFrom(undefined, 'AccessDenied'),
        async (fixture, reference, errorCode) => {
          const raw = structuredClone(fixture);
          raw.detail.requestParameters[raw.detail.eventName === 'PutEventSelectors' ? 'trailName' : 'name'] = reference;
          if (errorCode) raw.detail.errorCode = errorCode;
          let caught: unknown;
          try {
            parseTamperEvent(raw);
          } catch (error) {
            caught = error;
          }
          fc.pre(caught instanceof UnactionableEventError);
          unactionable += 1;
          sns.resetHistory();

          const result = await handleEvent(raw, deps);

          expect(result.outcome).toBe(errorCode ? 'blocked' : 'alert-only');
          expect([...sts.calls(), ...cloudtrail.calls()]).toHaveLength(0);
          expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
        },
      ),
      { numRuns: 300 },
    );
    expect(unactionable).toBeGreaterThan(100);
  });
});

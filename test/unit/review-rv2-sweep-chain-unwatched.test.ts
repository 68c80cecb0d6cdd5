// Review rv2: the scheduled sweep is a chain in the central account (schedule -> scheduler role -> queue
// trailguard-sweep -> event source mapping -> remediator), and only its first link is watched: the central default
// bus rule `trailguard-sweep-guard` forwards UpdateSchedule and DeleteSchedule, nothing else. A sweep that never runs
// cannot report itself (the planner's gap check runs only when a planner runs), so every other link is a silent off
// switch for the sweep and the canary, and the guard rule itself is the first one an attacker switches off.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';
import { desiredState } from '#core/desired-state.js';

const CENTRAL = '111111111111';
const REGION = 'us-east-1';
const config = validateConfig({
  version: 1,
  central: { account: CENTRAL, region: REGION },
  members: { accounts: [{ id: '222222222222' }], regions: [REGION] },
});

/** EventBridge's event-pattern matching for what TrailGuard's patterns use: value lists, prefix, exists, anything-but, $or. */
function matches(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) {
    const values = Array.isArray(event) ? event : [event];
    return pattern.some((p) =>
      values.some((v) => {
        if (p && typeof p === 'object') {
          const o = p as Record<string, unknown>;
          if ('prefix' in o) return typeof v === 'string' && v.startsWith(String(o.prefix));
          if ('exists' in o) return (v !== undefined) === o.exists;
          if ('anything-but' in o) {
            const but = o['anything-but'];
            return !(Array.isArray(but) ? but : [but]).includes(v);
          }
          return false;
        }
        return p === v;
      }),
    );
  }
  if (!pattern || typeof pattern !== 'object') return false;
  const p = pattern as Record<string, unknown>;
  const e = (event ?? {}) as Record<string, unknown>;
  return Object.entries(p).every(([key, sub]) => {
    if (key === '$or') return (sub as unknown[]).some((alt) => matches(alt, event));
    if (Array.isArray(sub)) {
      if (sub.some((s) => s && typeof s === 'object' && 'exists' in s && s.exists === false) && e[key] === undefined) return true;
      return e[key] !== undefined && matches(sub, e[key]);
    }
    return matches(sub, e[key]);
  });
}

/** The CloudTrail record of a call in the central account, as its default bus receives it. */
function record(source: string, eventSource: string, eventName: string, requestParameters: Record<string, unknown>) {
  return {
    version: '0',
    id: 'ev-1',
    'detail-type': 'AWS API Call via CloudTrail',
    source,
    account: CENTRAL,
    region: REGION,
    time: '2026-11-29T18:00:00Z',
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${CENTRAL}:assumed-role/Admin/mallory` },
      eventSource,
      eventName,
      awsRegion: REGION,
      requestParameters,
      recipientAccountId: CENTRAL,
    },
  };
}

/** Whether some rule TrailGuard deploys on the central account's default bus forwards the record. */
function forwardedByCentralDefaultBus(event: unknown): boolean {
  return desiredState(config, { members: ['222222222222'], codeSha256: 'sha' }).some(
    (r) => r.kind === 'event-rule' && r.account === CENTRAL && r.bus === 'default' && matches(r.pattern, event),
  );
}

describe('review rv2: the sweep chain past the schedule is unwatched', () => {
  it('(control) the matcher sees what trailguard-sweep-guard is meant to forward', () => {
    expect(
      forwardedByCentralDefaultBus(
        record('aws.scheduler', 'scheduler.amazonaws.com', 'UpdateSchedule', { name: 'trailguard-sweep', state: 'DISABLED' }),
      ),
    ).toBe(true);
  });

  // Step 1: `events:DisableRule trailguard-sweep-guard` (or DeleteRule) on the central default bus. No rule watches
  // it: the central trailguard-guard rule is on bus `trailguard` and sees only what members forward. Step 2:
  // UpdateSchedule State=DISABLED: its record now reaches nothing. No planner runs, so no gap is computed; no worker
  // runs, so no canary is sent or judged. Nothing alerts until someone runs `plan` (README says as much for a "lost"
  // record; here the attacker makes it lost at will).
  // Fix (not small): watch the guard rule from a second rule (as trailguard-forward and trailguard-guard watch each
  // other in members), or better, a check that does not need the sweep to run: a CloudWatch alarm on the schedule's
  // invocations / the remediator's sweep invocations (missing data = breaching), created by apply, publishing to
  // trailguard-alerts.
  it('DisableRule on trailguard-sweep-guard itself is forwarded to the remediator', () => {
    expect(
      forwardedByCentralDefaultBus(record('aws.events', 'events.amazonaws.com', 'DisableRule', { name: 'trailguard-sweep-guard' })),
    ).toBe(true);
  });

  // The schedule stays enabled and keeps sending, but `lambda:UpdateEventSourceMapping Enabled=false` on the
  // trailguard-sweep mapping (or DeleteEventSourceMapping) means no planner ever reads the queue: the messages age
  // into trailguard-sweep-dlq (no alarm on it), and the gap check never runs. Same for detaching the
  // trailguard-sweep-scheduler role's sqs:SendMessage (Scheduler's failures go nowhere TrailGuard reads).
  it('disabling the trailguard-sweep event source mapping is forwarded to the remediator', () => {
    expect(
      forwardedByCentralDefaultBus(
        record('aws.lambda', 'lambda.amazonaws.com', 'UpdateEventSourceMapping20150331v2', {
          uUID: 'a1b2c3d4-0000-0000-0000-000000000000',
          functionName: 'trailguard-remediator',
          enabled: false,
        }),
      ),
    ).toBe(true);
  });

  // The same class, one level up: `lambda:PutFunctionConcurrency ReservedConcurrentExecutions=0` on
  // trailguard-remediator in the central account stops the event path and the sweep at once (EventBridge retries
  // each tamper record for 24 hours, then it sits in trailguard-dlq; the sweep mapping cannot invoke either). The
  // remediator cannot report its own throttling, and apply deploys no alarm: trailguard-dlq filling up or the
  // remediator's Throttles are seen by no one until `plan` runs. A watchdog must live outside the remediator.
  // Fix: apply creates CloudWatch alarms (trailguard-dlq and trailguard-sweep-dlq ApproximateNumberOfMessagesVisible
  // > 0; the remediator's Throttles > 0; its sweep Invocations missing for 2 x sweep.schedule with
  // TreatMissingData=breaching) whose action publishes to trailguard-alerts.
  it('apply deploys an alarm, outside the remediator, on the dead-letter queue of tamper records', () => {
    const resources = desiredState(config, { members: ['222222222222'], codeSha256: 'sha' });
    expect(resources.some((r) => (r.kind as string) === 'cloudwatch-alarm')).toBe(true);
  });

  // The central rules themselves: `events:PutRule trailguard-tamper --event-bus-name trailguard` with a pattern
  // narrowed to `{"source":["trailguard.canary"]}` in the central account. Its record lands on the central default
  // bus, where only trailguard-sweep-guard (Scheduler calls) listens. Every tamper record is then dropped on the
  // central bus while canaries still arrive, so the canary check stays green; the sweep compares member rules only.
  // What is left is the sweep's own reads (a trail found off within 15 minutes), not the event path nor the repair in
  // seconds. Fix: a central guard rule on the default bus for events calls on rule/trailguard/* (and on the
  // sweep-guard rule), handled as the member guard handles its rules; and the sweep compares the central rules too.
  it('PutRule narrowing the central trailguard-tamper rule is forwarded to the remediator', () => {
    expect(
      forwardedByCentralDefaultBus(
        record('aws.events', 'events.amazonaws.com', 'PutRule', {
          name: 'trailguard-tamper',
          eventBusName: 'trailguard',
          eventPattern: '{"source":["trailguard.canary"]}',
          state: 'ENABLED',
        }),
      ),
    ).toBe(true);
  });
});

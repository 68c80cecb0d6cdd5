// The sweep's pure model: alert trigger, sweep messages, canary events, dedupe and the overdue canary rule.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildAlert, parseAlert } from '#core/alert.js';
import { RejectedEventError } from '#core/errors.js';
import {
  canaryOverdue,
  dedupeFindings,
  findingKey,
  parseCanaryEvent,
  parseSweepMessage,
  type Finding,
  type FindingItem,
} from '#core/sweep.js';
import { parseTamperEvent } from '#core/tamper-event.js';

const stopLogging = JSON.parse(readFileSync('test/fixtures/cloudtrail/stop-logging.json', 'utf8'));

describe('alert trigger', () => {
  it('an alert from a tamper record says trigger: event; an older alert without the field reads as event', () => {
    const alert = buildAlert(parseTamperEvent(stopLogging), {
      outcome: 'restarted',
      isLogging: true,
      remediatedAt: null,
      error: null,
      actions: [],
      changes: [],
    });

    expect(alert.trigger).toBe('event');
    const { trigger: _dropped, ...older } = alert;
    expect(parseAlert(JSON.stringify(older)).trigger).toBe('event');
    expect(() => parseAlert(JSON.stringify({ ...alert, trigger: 'cron' }))).toThrow();
  });
});

describe('sweep messages', () => {
  it('reads the schedule input and an account message', () => {
    expect(parseSweepMessage({ trailguard: 'sweep', action: 'plan' })).toEqual({ trailguard: 'sweep', action: 'plan' });
    const account = {
      trailguard: 'sweep',
      action: 'account',
      sweepId: 's1',
      account: '222222222222',
      regions: ['us-east-1'],
      startedAt: '2026-01-01T00:00:00.000Z',
    };
    expect(parseSweepMessage(account)).toEqual(account);
  });

  it.each([
    [
      { trailguard: 'sweep', action: 'account', sweepId: 's', account: '22', regions: ['us-east-1'], startedAt: '2026-01-01T00:00:00Z' },
      'account',
    ],
    [
      {
        trailguard: 'sweep',
        action: 'account',
        sweepId: 's',
        account: '222222222222',
        regions: ['eu-wst-1'],
        startedAt: '2026-01-01T00:00:00Z',
      },
      'regions.0',
    ],
    [{ trailguard: 'sweep', action: 'plan', extra: 1 }, '(root)'],
  ])('refuses a bad message naming the field', (message, path) => {
    expect(() => parseSweepMessage(message)).toThrow(RejectedEventError);
    expect(() => parseSweepMessage(message)).toThrow(`sweep message: ${path}:`);
  });
});

describe('canary events', () => {
  const canary = {
    source: 'trailguard.canary',
    'detail-type': 'TrailGuard Canary',
    id: 'e1',
    account: '222222222222',
    detail: { account: '222222222222', region: 'eu-west-1', sweepId: 's1', sentAt: '2026-01-01T00:00:00.000Z' },
  };

  it('reads the member, region and when it was sent', () => {
    expect(parseCanaryEvent(canary)).toEqual({ ...canary.detail, eventId: 'e1' });
  });

  it('refuses a canary that vouches for another account than the one that sent it', () => {
    expect(() => parseCanaryEvent({ ...canary, account: '333333333333' })).toThrow(/differs from the envelope account 333333333333/);
  });

  it('refuses a malformed canary naming the field', () => {
    expect(() => parseCanaryEvent({ ...canary, detail: { ...canary.detail, region: 'mars-1' } })).toThrow(/canary: detail.region/);
  });
});

describe('dedupe', () => {
  const off: Finding = { account: '222222222222', region: 'us-east-1', kind: 'delivery-error', resource: 'arn:trail' };
  const rule: Finding = { account: '222222222222', region: 'us-east-1', kind: 'rule', resource: 'trailguard-forward' };
  const item = (f: Finding, state: FindingItem['state'] = 'open'): FindingItem => ({
    key: findingKey(f),
    firstSeenAt: 't',
    alertId: `alert-${f.kind}`,
    state,
  });

  it('alerts a new finding once, not again while it is open or acknowledged', () => {
    expect(dedupeFindings([{ finding: off, repaired: false }], []).alert).toHaveLength(1);
    expect(dedupeFindings([{ finding: off, repaired: false }], [item(off)])).toEqual({ alert: [], resolve: [] });
    expect(dedupeFindings([{ finding: off, repaired: false }], [item(off, 'acknowledged')])).toEqual({ alert: [], resolve: [] });
  });

  it('resolves an open or acknowledged finding that is gone, or that the sweep repaired', () => {
    const out = dedupeFindings([{ finding: off, repaired: true }], [item(off), item(rule, 'acknowledged')]);

    expect(out.alert).toEqual([{ finding: off, repaired: true }]);
    expect(out.resolve.map((i) => i.alertId).sort()).toEqual(['alert-delivery-error', 'alert-rule']);
  });
});

describe('overdue canary', () => {
  const sent = { sentAt: '2026-01-01T00:00:00.000Z', sweepId: 's1' };
  const now = new Date('2026-01-01T00:15:00.000Z');

  it('is overdue when nothing sent at or after it arrived', () => {
    expect(canaryOverdue({ sent, arrived: null }, now, 60_000)).toBe(true);
    expect(canaryOverdue({ sent, arrived: { lastSeenAt: 'x', sentAt: '2025-12-31T23:45:00.000Z', eventId: 'e' } }, now, 60_000)).toBe(true);
    expect(canaryOverdue({ sent, arrived: { lastSeenAt: 'x', sentAt: sent.sentAt, eventId: 'e' } }, now, 60_000)).toBe(false);
  });

  it('is not judged before its grace has passed, nor before any canary was sent', () => {
    expect(canaryOverdue({ sent, arrived: null }, new Date('2026-01-01T00:00:30.000Z'), 60_000)).toBeNull();
    expect(canaryOverdue({ sent: null, arrived: null }, now, 0)).toBeNull();
  });
});

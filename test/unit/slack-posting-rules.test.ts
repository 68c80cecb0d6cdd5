// The poster's rules as data in, actions out: storms, repeats, digests, retries with Retry-After, restarts with pending alerts.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POSTING_RULES as RULES,
  IDLE_CLOCK,
  digestSince,
  planPosts,
  retryAt,
  wakeAfterPass,
  wakeAfterReceive,
  type PostAction,
  type PostingSnapshot,
} from '../../slack-app/alerts/decide.js';
import type { Incident } from '../../slack-app/store/types.js';
import { makeAlert } from '../support/alerts.js';

const T0 = Date.parse('2026-11-29T10:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();

/** A pending incident received `at` ms after T0 about `trail` in 222222222222. */
function pending(id: string, at: number, trail = `trail-${id}`, extra: Partial<Incident> = {}): Incident {
  const alert = { ...makeAlert({ trail: { name: trail, arn: `arn:aws:cloudtrail:us-east-1:222222222222:trail/${trail}` } }), id };
  return {
    id,
    alert,
    receivedAt: iso(at),
    state: 'pending',
    channel: null,
    ts: null,
    parentId: null,
    count: 1,
    acknowledgedBy: null,
    acknowledgedAt: null,
    attempts: 0,
    nextAttemptAt: iso(at),
    lastError: null,
    statusLine: null,
    digest: false,
    sendingAt: null,
    ...extra,
  };
}
const posted = (id: string, at: number, trail: string, extra: Partial<Incident> = {}) =>
  pending(id, at, trail, { state: 'posted', channel: 'C1', ts: `17.${id}`, ...extra });
const many = (n: number, from: number, stepMs: number) => Array.from({ length: n }, (_, i) => pending(`a${i}`, from + i * stepMs));

/** Actions as a reader would describe them: `post a1`, `fold a2 into a1`, `new digest a0: a0 a1 …`. */
const describeAction = (a: PostAction) =>
  a.kind === 'post'
    ? `post ${a.incident.id}`
    : a.kind === 'fold'
      ? `fold ${a.incident.id} into ${a.parentId}`
      : `${a.isNew ? 'new' : 'extend'} digest ${a.root.id}: ${a.incidents.map((i) => i.id).join(' ')}`;

const snapshot = (s: Partial<PostingSnapshot>): PostingSnapshot => ({
  due: [],
  receivedInWindow: 0,
  openDigest: null,
  repeatParents: new Map(),
  ...s,
});
const digestOf = (n: number) => `new digest a0: ${Array.from({ length: n }, (_, i) => `a${i}`).join(' ')}`;

describe('planPosts', () => {
  const cases: [string, PostingSnapshot, string[]][] = [
    ['nothing due: nothing to do', snapshot({}), []],
    ['a quiet alert: its own message', snapshot({ due: [pending('a1', 0)], receivedInWindow: 1 }), ['post a1']],
    [
      'nine alerts in a minute: nine messages',
      snapshot({ due: many(9, 0, 1000), receivedInWindow: 9 }),
      Array.from({ length: 9 }, (_, i) => `post a${i}`),
    ],
    ['ten alerts in a minute: a storm, one digest', snapshot({ due: many(10, 0, 1000), receivedInWindow: 10 }), [digestOf(10)]],
    [
      'a storm just received whose first alerts were already posted: the rest is a digest',
      snapshot({ due: many(3, 0, 10), receivedInWindow: 12 }),
      [digestOf(3)],
    ],
    [
      'a storm stored before a Slack outage longer than the storm window: still one digest',
      snapshot({ due: many(24, 0, 100), receivedInWindow: 0 }),
      [digestOf(24)],
    ],
    [
      'a restart 5 minutes after a storm that was never posted: one digest',
      snapshot({ due: many(30, -300_000, 50), receivedInWindow: 0 }),
      [digestOf(30)],
    ],
    [
      'a storm whose alerts failed one by one, with scattered retry times: one digest of all of them once one is due',
      snapshot({
        due: [pending('a0', 0)],
        waiting: many(12, 0, 100)
          .slice(1)
          .map((i, n) => ({ ...i, nextAttemptAt: iso(90_000 + n * 700) })),
        receivedInWindow: 0,
      }),
      [digestOf(12)],
    ],
    [
      'one due alert and a few waiting ones are no storm: only the due one is posted',
      snapshot({ due: [pending('a0', 0)], waiting: many(5, 0, 100).slice(1), receivedInWindow: 0 }),
      ['post a0'],
    ],
    [
      'ten old alerts spread over ten minutes are no storm, whenever they are posted',
      snapshot({ due: many(10, 0, 61_000), receivedInWindow: 0 }),
      Array.from({ length: 10 }, (_, i) => `post a${i}`),
    ],
    [
      'a storm that already has its digest: extended, the root not detailed twice',
      snapshot({
        due: [pending('root', 0, 'x', { state: 'posted', ts: '1.1', digest: true }), ...many(2, 100, 1)],
        receivedInWindow: 15,
        openDigest: posted('root', 0, 'x', { digest: true }),
      }),
      ['extend digest root: a0 a1'],
    ],
    [
      'a digest whose own detail line did not reach its thread (lastError): extended with it first',
      snapshot({
        due: many(2, 100, 1),
        receivedInWindow: 15,
        openDigest: posted('root', 0, 'x', { digest: true, lastError: 'ratelimited' }),
      }),
      ['extend digest root: root a0 a1'],
    ],
    [
      'a repeat of a posted alert within the hour: folded into it',
      snapshot({ due: [pending('a2', 600_000, 'audit')], receivedInWindow: 1, repeatParents: new Map([['a2', posted('a1', 0, 'audit')]]) }),
      ['fold a2 into a1'],
    ],
    [
      'two alerts about one trail in the same pass: the second folds into the first',
      snapshot({ due: [pending('a1', 0, 'audit'), pending('a2', 10, 'other'), pending('a3', 20, 'audit')], receivedInWindow: 3 }),
      ['post a1', 'post a2', 'fold a3 into a1'],
    ],
    [
      'the same trail more than an hour apart: a new message',
      snapshot({ due: [pending('a1', 0, 'audit'), pending('a2', 3_600_001, 'audit')], receivedInWindow: 1 }),
      ['post a1', 'post a2'],
    ],
    [
      'a storm never folds: repeats of one trail are lines of the digest',
      snapshot({
        due: Array.from({ length: 10 }, (_, i) => pending(`a${i}`, i, 'audit')),
        receivedInWindow: 10,
        repeatParents: new Map([['a1', posted('p', 0, 'audit')]]),
      }),
      [digestOf(10)],
    ],
  ];

  it.each(cases)('%s', (_name, input, expected) => {
    expect(planPosts(input, RULES).map(describeAction)).toEqual(expected);
  });

  it('is pure: the same snapshot gives the same plan and is left unchanged', () => {
    const input = snapshot({ due: many(12, 0, 1), receivedInWindow: 12 });
    const copy = structuredClone(input);

    expect(planPosts(input, RULES)).toEqual(planPosts(input, RULES));
    expect(input).toEqual(copy);
  });
});

describe('digestSince', () => {
  it('reaches back from the oldest due alert, so a digest posted late still takes the rest of its storm', () => {
    expect(digestSince([{ receivedAt: iso(0) }, { receivedAt: iso(5000) }], T0 + 600_000, RULES)).toEqual(new Date(T0 - 60_000));
    expect(digestSince([], T0, RULES)).toEqual(new Date(T0 - 60_000));
  });
});

describe('retryAt', () => {
  const rateLimited = (seconds: number) => ({ code: 'slack_webapi_rate_limited_error', retryAfter: seconds });
  const cases: [string, unknown, number, number, number][] = [
    // [name, error, attempts, random, expected ms after T0]
    ['429 with Retry-After: 30 waits exactly 30 s', rateLimited(30), 0, 0.5, 30_000],
    ['429 waits Retry-After however many attempts came before', rateLimited(1), 9, 0.99, 1000],
    ['429 with Retry-After: 0 still waits a second, never a busy loop', rateLimited(0), 0, 0, 1000],
    ['a first failure waits 1–2 s (low end)', new Error('internal_error'), 0, 0, 1000],
    ['a first failure waits 1–2 s (high end)', new Error('internal_error'), 0, 1, 2000],
    ['the third failure waits 4–8 s', new Error('internal_error'), 2, 0.5, 6000],
    ['backoff stops growing at 5 minutes', new Error('internal_error'), 30, 1, 300_000],
    ['a rate-limit error without Retry-After backs off like any failure', { code: 'slack_webapi_rate_limited_error' }, 0, 0, 1000],
  ];

  it.each(cases)('%s', (_name, error, attempts, random, expected) => {
    expect(retryAt(error, attempts, T0, RULES, () => random) - T0).toBe(expected);
  });
});

describe('wake-up times', () => {
  it('a burst gathers batchDelayMs after its latest alert, but not past maxBatchWaitMs from its first', () => {
    const first = wakeAfterReceive(IDLE_CLOCK, T0, RULES);
    const later = wakeAfterReceive(first.clock, T0 + 400, RULES);
    const late = wakeAfterReceive(later.clock, T0 + 2900, RULES);

    expect([first.at - T0, later.at - T0, late.at - T0]).toEqual([500, 900, 3000]);
  });

  it('never wakes while Slack asked to pause, for a new alert or a pending one', () => {
    const paused = { burstStartedAt: null, pausedUntil: T0 + 30_000 };

    expect(wakeAfterReceive(paused, T0, RULES).at).toBe(T0 + 30_000);
    expect(wakeAfterPass(paused, T0 + 1000)).toBe(T0 + 30_000);
    expect(wakeAfterPass(paused, T0 + 60_000)).toBe(T0 + 60_000);
    expect(wakeAfterPass(paused, null)).toBeNull();
  });
});

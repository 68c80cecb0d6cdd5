// The poster against a real SQLite store and a scripted Slack: what reaches the channel after outages, restarts and 429s.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AlertPoster, type ChatApi } from '../../slack-app/alerts/poster.js';
import { SqliteStore } from '../../slack-app/store/sqlite.js';
import type { Alert } from '#core/alert.js';
import { makeAlert } from '../support/alerts.js';
import { recordingLog } from '../support/recording-log.js';

const T0 = new Date('2026-11-29T10:00:00.000Z').getTime();
const CHANNEL = 'C0SECURITY1';

interface Call {
  method: 'postMessage' | 'update';
  args: Record<string, unknown>;
}

/** Slack's chat API as the poster sees it: answers in order from `failures`, then success; records what succeeded. */
function scriptedSlack() {
  const calls: Call[] = [];
  const failures: (Error | null)[] = [];
  let down: Error | null = null;
  let ts = 0;
  const answer = (method: Call['method'], args: Record<string, unknown>) => {
    const failure = down ?? failures.shift() ?? null;
    if (failure) throw failure;
    calls.push({ method, args });
  };
  const chat: ChatApi = {
    async postMessage(args) {
      answer('postMessage', args);
      ts += 1;
      return { ts: `1700000000.${String(ts).padStart(6, '0')}` };
    },
    async update(args) {
      answer('update', args);
      return {};
    },
  };
  return {
    chat,
    calls,
    failures,
    setDown: (error: Error | null) => void (down = error),
    topLevel: () => calls.filter((c) => c.method === 'postMessage' && !c.args.thread_ts),
    replies: () => calls.filter((c) => c.method === 'postMessage' && c.args.thread_ts),
  };
}

const rateLimited = (seconds: number) =>
  Object.assign(new Error('rate limited'), { code: 'slack_webapi_rate_limited_error', retryAfter: seconds });
const refused = (error: string) =>
  Object.assign(new Error(`An API error occurred: ${error}`), { code: 'slack_webapi_platform_error', data: { ok: false, error } });
const serverError = () => Object.assign(new Error('An API error occurred: internal_error'), { code: 'slack_webapi_platform_error' });
const stormOf = (n: number, accounts: number) =>
  Array.from({ length: n }, (_, i) =>
    makeAlert({
      account: String(222222222200 + (i % accounts)),
      trail: { name: `storm-${i}`, arn: `arn:aws:cloudtrail:us-east-1:222222222222:trail/storm-${i}` },
    }),
  );
const detailLines = (calls: Call[]) =>
  JSON.stringify(calls.map((c) => c.args.blocks))
    .split('\\n')
    .filter((l) => l.includes('• '));

let dir: string;
const at = (ms: number) => vi.setSystemTime(T0 + ms);

function poster(slack: ReturnType<typeof scriptedSlack>, store = new SqliteStore(join(dir, 'store.db'))) {
  return {
    store,
    poster: new AlertPoster({
      store,
      chat: slack.chat,
      channel: CHANNEL,
      nameOf: (a) => `acct-${a}`,
      log: recordingLog(),
      batchDelayMs: 0,
    }),
  };
}

/** Receives the alerts in order, a millisecond apart: the store orders alerts received in the same millisecond by id. */
async function receiveAll(p: AlertPoster, alerts: Alert[]) {
  for (const alert of alerts) {
    await p.receive(alert);
    vi.setSystemTime(Date.now() + 1);
  }
}

beforeEach(() => {
  // Only Date is faked: the poster's store and Slack calls stay real promises.
  vi.useFakeTimers({ toFake: ['Date'] });
  at(0);
  dir = mkdtempSync(join(tmpdir(), 'tg-poster-'));
});
afterEach(() => vi.useRealTimers());

describe('storms', () => {
  it('a storm during a Slack outage longer than the storm window is still one digest when Slack is back', async () => {
    const slack = scriptedSlack();
    const { poster: p } = poster(slack);
    slack.setDown(serverError());
    await receiveAll(p, stormOf(24, 4));
    await p.drain();
    slack.setDown(null);

    at(10 * 60_000);
    await p.drain();

    expect(slack.topLevel()).toHaveLength(1);
    expect(JSON.stringify(slack.topLevel()[0]!.args)).toContain('Tampering storm: 24 CloudTrail tamper events in 4 accounts');
    expect(detailLines(slack.replies())).toHaveLength(24);
  });

  it('a restart long after a storm was stored (never posted) posts one digest, not one message per alert', async () => {
    const slack = scriptedSlack();
    const store = new SqliteStore(join(dir, 'store.db'));
    for (const alert of stormOf(30, 3)) await store.insertAlert(alert, new Date(T0));

    at(5 * 60_000);
    const { poster: p } = poster(slack, store);
    await p.drain();

    expect(slack.topLevel()).toHaveLength(1);
    expect(JSON.stringify(slack.topLevel()[0]!.args)).toContain('Tampering storm: 30 CloudTrail tamper events in 3 accounts');
  });
});

describe('retries', () => {
  it('a 429 in the middle of a digest thread resumes after Retry-After without repeating a line', async () => {
    const slack = scriptedSlack();
    const { poster: p, store } = poster(slack);
    const alerts = stormOf(120, 60);
    await receiveAll(p, alerts);
    // The digest and its first reply go through; the second reply is refused with Retry-After: 2.
    slack.failures.push(null, null, rateLimited(2));

    await p.drain();
    const before = detailLines(slack.replies()).length;
    const callsBefore = slack.calls.length;
    at(1000);
    await p.drain();
    const callsWhilePaused = slack.calls.length - callsBefore;
    at(2500);
    await p.drain();

    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(120);
    expect(callsWhilePaused).toBe(0);
    expect(slack.topLevel()).toHaveLength(1);
    const lines = detailLines(slack.replies());
    expect(alerts.filter((a) => !lines.some((l) => l.includes(`on ${a.trail.name} `))).map((a) => a.trail.name)).toEqual([]);
    expect(lines).toHaveLength(120);
    expect(await store.due(new Date(T0 + 3600_000), 10)).toEqual([]);
    const updates = slack.calls.filter((c) => c.method === 'update');
    expect(JSON.stringify(updates.at(-1)!.args)).toContain('Tampering storm: 120 CloudTrail tamper events in 60 accounts');
  });
});

describe('retries of a digest thread', () => {
  it("a 429 on the first thread reply still gets the digest's own alert into the thread once", async () => {
    const slack = scriptedSlack();
    const { poster: p } = poster(slack);
    const alerts = stormOf(12, 2);
    await receiveAll(p, alerts);
    slack.failures.push(null, rateLimited(1));

    await p.drain();
    at(5000);
    await p.drain();

    const lines = detailLines(slack.replies());
    expect(slack.topLevel()).toHaveLength(1);
    expect(alerts.filter((a) => lines.filter((l) => l.includes(`on ${a.trail.name} `)).length !== 1).map((a) => a.trail.name)).toEqual([]);
    expect(lines).toHaveLength(12);
  });
});

describe('failures keep what belongs together together', () => {
  it('a failed digest leaves every alert of the storm with one and the same next attempt', async () => {
    const slack = scriptedSlack();
    const { poster: p, store } = poster(slack);
    slack.setDown(serverError());
    await receiveAll(p, stormOf(24, 4));

    await p.drain();

    const waiting = await store.due(new Date(T0 + 3600_000), 100);
    expect(waiting).toHaveLength(24);
    expect(new Set(waiting.map((i) => i.nextAttemptAt)).size).toBe(1);
    expect(waiting.every((i) => i.attempts === 1 && i.lastError?.includes('internal_error'))).toBe(true);
  });

  it('a repeat whose first message failed waits for it, rather than posting a second message for the trail', async () => {
    const slack = scriptedSlack();
    const { poster: p, store } = poster(slack);
    const first = makeAlert({ trail: { name: 'audit', arn: 'arn:aws:cloudtrail:us-east-1:222222222222:trail/audit' } });
    const repeat = { ...makeAlert(), trail: first.trail };
    await receiveAll(p, [first, repeat]);
    slack.failures.push(serverError());

    await p.drain();
    at(5 * 60_000);
    await p.drain();

    expect(slack.topLevel()).toHaveLength(1);
    expect(JSON.stringify(slack.calls.filter((c) => c.method === 'update').at(-1)!.args)).toContain(
      'Tampered with *2 times* within the hour',
    );
    expect((await store.get(repeat.id))!.parentId).toBe(first.id);
  });

  it('a 429 with Retry-After: 0 waits a second before the next call, rather than calling Slack again at once', async () => {
    const slack = scriptedSlack();
    const { poster: p } = poster(slack);
    await receiveAll(p, [makeAlert()]);
    slack.failures.push(rateLimited(0));

    await p.drain();
    await p.drain();
    const attemptsAtOnce = p.calls.postMessage;
    at(1500);
    await p.drain();

    expect(attemptsAtOnce).toBe(1);
    expect(slack.topLevel()).toHaveLength(1);
  });

  it('a 429 pauses every post until Retry-After, then posts each waiting alert once', async () => {
    const slack = scriptedSlack();
    const { poster: p, store } = poster(slack);
    const alerts = [0, 1, 2].map((i) =>
      makeAlert({ trail: { name: `t${i}`, arn: `arn:aws:cloudtrail:us-east-1:222222222222:trail/t${i}` } }),
    );
    await receiveAll(p, alerts);
    slack.failures.push(null, rateLimited(30));

    await p.drain();
    const whilePaused = slack.topLevel().length;
    at(29_000);
    await p.drain();
    const stillPaused = slack.topLevel().length;
    at(30_100);
    await p.drain();

    expect([whilePaused, stillPaused, slack.topLevel().length]).toEqual([1, 1, 3]);
    expect(slack.topLevel().map((c) => JSON.stringify(c.args).match(/on t\d/)![0])).toEqual(['on t0', 'on t1', 'on t2']);
    expect(await store.due(new Date(T0 + 3600_000), 10)).toEqual([]);
  });
});

describe('a message Slack refuses', () => {
  it.each(['invalid_blocks', 'invalid_attachments', 'msg_too_long'])(
    '%s: the alert still reaches the channel, as plain text, at once',
    async (error) => {
      const slack = scriptedSlack();
      const { poster: p, store } = poster(slack);
      const alert = makeAlert({ outcome: 'failed', error: 'AccessDenied' });
      await receiveAll(p, [alert]);
      slack.failures.push(refused(error));

      await p.drain();

      expect(slack.topLevel()).toHaveLength(1);
      const message = slack.topLevel()[0]!.args;
      expect(message.attachments).toBeUndefined();
      expect(message.text).toContain(`StopLogging on org-audit in ${alert.account} (us-east-1): failed`);
      expect(message.text).toContain(`Slack refused the details of this message: An API error occurred: ${error}`);
      expect((await store.get(alert.id))!.state).toBe('posted');
    },
  );

  it('any other error is retried with the full message, not replaced by plain text', async () => {
    const slack = scriptedSlack();
    const { poster: p } = poster(slack);
    await receiveAll(p, [makeAlert()]);
    slack.failures.push(refused('channel_not_found'));

    await p.drain();
    at(60_000);
    await p.drain();

    expect(slack.topLevel()).toHaveLength(1);
    expect(slack.topLevel()[0]!.args.attachments).toBeDefined();
  });
});

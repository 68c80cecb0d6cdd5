// The Slack app is never quietly blind (issue 13): whatever comes from the topic is shown, and losing the subscription
// is said in Slack and in GET /healthz, also after a restart. Real Bolt receiver, signed SNS, the local Slack stand-in.
// Accounts 7300000000xx only.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_ACK } from '../../slack-app/ids.js';
import { createLambdaHandler } from '../../slack-app/lambda.js';
import { loadSettings, type SlackAppHandle, type SlackAppSettings, startSlackApp } from '../../slack-app/server.js';
import { SqliteStore } from '../../slack-app/store/sqlite.js';
import type { Notice } from '../../slack-app/store/types.js';
import { makeAlert } from '../support/alerts.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { recordingLog } from '../support/recording-log.js';
import { blockAction, postSigned } from '../support/slack-sign.js';
import { notification, signSns, TEST_CERT_PATH } from '../support/sns-sign.js';

const CHANNEL = 'C0SECURITY1';
const CENTRAL = '730000000040';
const MEMBER = '730000000041';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;

let slack: FakeSlack;
const logs = recordingLog();
const running: SlackAppHandle[] = [];

function settingsFor(db: string, trustedCert: string = TEST_CERT_PATH): SlackAppSettings {
  const dir = mkdtempSync(join(tmpdir(), 'tg-blind-'));
  writeFileSync(
    join(dir, 'trailguard.yml'),
    `version: 1\ncentral: { account: "${CENTRAL}", region: us-east-1 }\nmembers:\n  accounts:\n    - { id: "${MEMBER}", name: payments-prod }\n  regions: [us-east-1]\nslack: { channel: ${CHANNEL} }\n`,
  );
  const settings = loadSettings({
    SLACK_BOT_TOKEN: 'xoxb-blind-token',
    SLACK_SIGNING_SECRET: 'blind-secret',
    TRAILGUARD_CONFIG: join(dir, 'trailguard.yml'),
    TRAILGUARD_DB: db,
    SLACK_API_URL: slack.apiUrl,
    TRAILGUARD_SNS_TRUSTED_CERT: trustedCert,
    PORT: '0',
  });
  return settings;
}

async function start(db: string, confirm: (url: string) => Promise<void> = async () => {}, batchDelayMs = 20): Promise<SlackAppHandle> {
  const settings = settingsFor(db);
  const app = await startSlackApp(settings, { log: logs, poster: { batchDelayMs, maxBackoffMs: 200 }, confirmSubscription: confirm });
  running.push(app);
  return app;
}

const freshDb = () => join(mkdtempSync(join(tmpdir(), 'tg-blind-db-')), 'trailguard.db');
const postSns = (app: SlackAppHandle, body: unknown) =>
  fetch(`${app.url}/sns`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=UTF-8' }, body: JSON.stringify(body) });
const healthz = async (app: SlackAppHandle) => {
  const res = await fetch(`${app.url}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const topLevel = () => slack.ok('chat.postMessage').filter((c) => !c.args.thread_ts);
const subscriptionMessage = (type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation', id: string, subscribeUrl?: string) =>
  signSns({
    Type: type,
    MessageId: id,
    TopicArn: TOPIC,
    Message: type,
    Timestamp: new Date().toISOString(),
    SubscribeURL: subscribeUrl ?? 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=tok',
    Token: 'tok',
  });

beforeAll(async () => {
  slack = await startFakeSlack();
});

afterAll(async () => {
  for (const app of running) await app.stop();
  await slack?.close();
});

beforeEach(() => {
  slack.calls.length = 0;
  slack.script.clear();
  slack.down = null;
});

describe('a message from the topic the app cannot read', () => {
  it('text that is not JSON at all is shown once, escaped, and a redelivery is not shown again', async () => {
    const app = await start(freshDb());
    const message = notification(TOPIC, 'StopLogging by <!channel> see <https://evil.example|restore>');

    const first = await postSns(app, message);
    const again = await postSns(app, message);
    await app.services.poster.drain();

    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(topLevel()).toHaveLength(1);
    const shown = JSON.stringify(topLevel()[0]!.args);
    expect(shown).toMatch(/Unreadable TrailGuard alert/);
    expect(shown).toContain('&lt;!channel&gt;');
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<https://evil');
    expect(shown).toMatch(/not JSON/);
  });

  it('a message that names a field this app does not know is shown with that field named', async () => {
    const app = await start(freshDb());
    const { outcome: _o, ...noOutcome } = makeAlert({ account: MEMBER });

    await postSns(app, notification(TOPIC, noOutcome));
    await app.services.poster.drain();

    expect(topLevel()).toHaveLength(1);
    expect(JSON.stringify(topLevel()[0]!.args)).toMatch(/outcome/);
  });

  // Whoever may publish to the topic (or a remediator newer than the app) must not bury the channel's alerts under one
  // message per unreadable message: a storm of them is one digest, as a storm of alerts is.
  it('a flood of unreadable messages is one digest naming how many, and a real alert after it is still its own message', async () => {
    const app = await start(freshDb(), async () => {}, 5_000);
    for (let i = 0; i < 25; i++) expect((await postSns(app, notification(TOPIC, `junk ${i} <!channel>`))).status).toBe(200);
    await app.services.poster.drain();
    const alert = makeAlert({
      account: MEMBER,
      trail: { name: 'after-flood', arn: `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/after-flood` },
    });
    await postSns(app, notification(TOPIC, alert));
    await app.services.poster.drain();

    expect(topLevel()).toHaveLength(2);
    const digest = JSON.stringify(topLevel()[0]!.args);
    expect(digest).toMatch(/25 unreadable TrailGuard alerts/);
    expect(digest).not.toContain('<!channel>');
    expect(JSON.stringify(topLevel()[1]!.args)).toContain('after-flood');
  });

  it('kept while Slack is unreachable, posted when it answers again; /healthz is red once it waited 5 minutes', async () => {
    const app = await start(freshDb());
    slack.down = { status: 503, body: 'upstream connect error' };
    const notice = {
      id: 'unreadable-alert#blind-1',
      kind: 'unreadable-alert' as const,
      topic: TOPIC,
      at: new Date().toISOString(),
      error: 'outcome: Invalid option',
      excerpt: '{}',
    };
    expect(await app.services.poster.notify(notice)).toBe(true);
    await app.services.store.insertNotice({ ...notice, id: 'unreadable-alert#blind-old' }, new Date(Date.now() - 10 * 60_000));
    await app.services.poster.drain();

    expect(topLevel()).toHaveLength(0);
    const red = await healthz(app);
    expect(red.status).toBe(503);
    expect(red.body).toMatchObject({ ok: false, pending: { oldestReceivedAt: expect.any(String) } });

    slack.down = null;
    for (let i = 0; i < 40 && topLevel().length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await app.services.poster.drain();
    }
    expect(topLevel()).toHaveLength(2);
    expect((await healthz(app)).status).toBe(200);
  });
});

describe('the app will receive nothing more', () => {
  it('an UnsubscribeConfirmation keeps /healthz red across a restart, until a confirmed subscription', async () => {
    const db = freshDb();
    const before = await start(db);
    await postSns(before, subscriptionMessage('UnsubscribeConfirmation', 'unsub-restart'));
    await before.services.poster.drain();
    await before.stop();
    running.splice(running.indexOf(before), 1);

    const after = await start(db);
    const red = await healthz(after);
    const confirmed = await postSns(after, subscriptionMessage('SubscriptionConfirmation', 'sub-again'));
    const green = await healthz(after);

    expect(topLevel().filter((c) => /no longer reach Slack/.test(JSON.stringify(c.args)))).toHaveLength(1);
    expect(red.status).toBe(503);
    expect(red.body).toMatchObject({ ok: false, subscription: { state: 'unsubscribed' } });
    expect(confirmed.status).toBe(200);
    expect(green.status).toBe(200);
  });
});

describe('the replay ledger unavailable', () => {
  // The ledger is now in the store: a lock held past the busy timeout must not become Slack's timeout or a 500.
  it('a button pressed while the store is locked is answered ephemerally, logged as refused, and changes nothing', async () => {
    const db = freshDb();
    const app = await start(db);
    const alert = makeAlert({ account: MEMBER, trail: { name: 'locked', arn: `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/locked` } });
    await postSns(app, notification(TOPIC, alert));
    await app.services.poster.drain();
    const ts = (await app.services.store.get(alert.id))!.ts!;
    const locker = new Database(db);
    locker.exec('BEGIN EXCLUSIVE');
    let status: number;
    try {
      status = (
        await postSigned(
          `${app.url}/slack/events`,
          blockAction(ACTION_ACK, alert.id, 'URESPONDER1', CHANNEL, ts, slack.responseUrl('ledger-locked')),
          { secret: 'blind-secret' },
        )
      ).status;
    } finally {
      locker.exec('COMMIT');
      locker.close();
    }
    for (let i = 0; i < 40 && !slack.responses.some((r) => r.path.endsWith('ledger-locked')); i++)
      await new Promise((r) => setTimeout(r, 50));

    expect(status).toBe(200);
    expect(JSON.stringify(slack.responses.filter((r) => r.path.endsWith('ledger-locked')))).toMatch(/nothing was done/);
    expect((await app.services.store.get(alert.id))?.acknowledgedBy).toBeNull();
    expect(logs.lines.some((l) => l.message === 'acknowledge refused: the replay ledger cannot be written')).toBe(true);
  });
});

describe('SNS certificates across a restart', () => {
  // After a restart the cache was empty: the genuine certificate needed a fetch again, which a flood of junk
  // certificate URLs named like SNS's (10 a minute) could hold back until SNS gave up on the delivery.
  it('a restarted server verifies the topic with the certificate it proved before, fetching nothing', async () => {
    const pem = readFileSync(join(TEST_CERT_PATH, '..', 'test-sns-host-cert.pem'), 'utf8');
    const db = freshDb();
    const fetched: string[] = [];
    const fetching = async (url: string) => {
      fetched.push(url);
      if (url.endsWith('/SimpleNotificationService-test.pem') && fetched.length === 1) return pem;
      throw new Error('certificate fetch answered HTTP 404');
    };
    const first = await startSlackApp(settingsFor(db, ''), { log: logs, fetchCertificate: fetching });
    running.push(first);
    expect((await postSns(first, notification(TOPIC, makeAlert({ account: MEMBER })))).status).toBe(200);
    await first.stop();
    running.splice(running.indexOf(first), 1);

    const second = await startSlackApp(settingsFor(db, ''), { log: logs, fetchCertificate: fetching });
    running.push(second);
    for (let i = 0; i < 12; i++) {
      const junk = { ...notification(TOPIC, 'x'), Signature: 'AAAA' };
      await postSns(second, { ...junk, SigningCertURL: `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-junk${i}.pem` });
    }
    const genuine = await postSns(second, notification(TOPIC, makeAlert({ account: MEMBER })));

    expect(genuine.status).toBe(200);
    expect(fetched.filter((u) => u.endsWith('/SimpleNotificationService-test.pem'))).toHaveLength(1);
  });
});

describe('on Lambda', () => {
  const record = (message: string) => ({
    Records: [{ EventSource: 'aws:sns', Sns: { TopicArn: TOPIC, MessageId: crypto.randomUUID(), Message: message } }],
  });

  // A store that cannot take the notice (throttled, unreachable): the record must come back, not be dropped.
  it('an unreadable record whose notice cannot be stored fails the invocation, so SNS delivers it again', async () => {
    class FullStore extends SqliteStore {
      override async insertNotice(): Promise<boolean> {
        throw new Error('ProvisionedThroughputExceededException');
      }
    }
    const handler = createLambdaHandler(settingsFor(':memory:'), { store: new FullStore(':memory:'), log: recordingLog() });

    await expect(handler(record('not an alert'), {})).rejects.toThrow(/ProvisionedThroughputExceededException/);
  });

  // Two invocations draining one table at once (an SNS record and the schedule) posted a notice twice.
  it('two concurrent drains over one store post a notice once', async () => {
    const store = new SqliteStore(':memory:');
    const [a, b] = [0, 1].map(() => createLambdaHandler(settingsFor(':memory:'), { store, log: recordingLog() }));
    const notice: Notice = { id: 'unreadable-alert#lambda-race', kind: 'unreadable-alert', topic: TOPIC, at: new Date().toISOString() };
    await store.insertNotice(notice, new Date());
    const scheduled = { source: 'aws.events', 'detail-type': 'Scheduled Event' };

    await Promise.all([a!(scheduled, {}), b!(scheduled, {})]);

    expect(topLevel().filter((c) => /Unreadable TrailGuard alert/.test(JSON.stringify(c.args)))).toHaveLength(1);
  });

  it('the scheduled drain fails while an unreadable alert has waited more than 5 minutes for Slack', async () => {
    const store = new SqliteStore(':memory:');
    const handler = createLambdaHandler(settingsFor(':memory:'), { store, log: recordingLog() });
    slack.down = { status: 503, body: 'upstream connect error' };
    const notice: Notice = { id: 'unreadable-alert#lambda-old', kind: 'unreadable-alert', topic: TOPIC, at: new Date().toISOString() };
    await store.insertNotice(notice, new Date(Date.now() - 10 * 60_000));

    await expect(handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, {})).rejects.toThrow(/not reaching Slack/);
  });
});

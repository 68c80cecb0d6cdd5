// The Slack app under store faults (real Bolt app over HTTP, signed SNS and Slack requests, the local Slack stand-in):
// a SQLite lock or a full disk must end in retries, HTTP 5xx and a red /healthz, never in a crash or a green lie.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '#core/alert.js';
import { ACTION_ACK } from '../../slack-app/ids.js';
import { loadSettings, startSlackApp, type SlackAppHandle, type SlackAppSettings } from '../../slack-app/server.js';
import { SqliteStore } from '../../slack-app/store/sqlite.js';
import { makeAlert } from '../support/alerts.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { recordingLog } from '../support/recording-log.js';
import { blockAction, postSigned } from '../support/slack-sign.js';
import { notification, TEST_CERT_PATH } from '../support/sns-sign.js';

const CENTRAL = '690000000200';
const MEMBER = '690000000201';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
const CHANNEL = 'C0FAULTS001';
const SECRET = 'faults-secret';

let slack: FakeSlack;
let dir: string;
let settings: SlackAppSettings;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

const deliver = (url: string, alert: Alert) => fetch(`${url}/sns`, { method: 'POST', body: JSON.stringify(notification(TOPIC, alert)) });
const healthz = async (url: string) => {
  const res = await fetch(`${url}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const alertOn = (name: string) =>
  makeAlert({ account: MEMBER, trail: { name, arn: `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/${name}` } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(25);
  }
}

/** Another connection holding the write lock (a long write: a backup, a migration, an operator's shell): every write waits. */
function lockDatabase(file: string): () => void {
  const locker = new Database(file);
  locker.exec('BEGIN EXCLUSIVE');
  locker.exec('CREATE TABLE IF NOT EXISTS locker (x)');
  return () => {
    locker.exec('COMMIT');
    locker.close();
  };
}

async function start(db: string, log = recordingLog()): Promise<{ app: SlackAppHandle; file: string; database: Database.Database }> {
  const file = join(dir, db);
  const database = new Database(file);
  const app = await startSlackApp(
    { ...settings, dbPath: file },
    {
      log,
      store: new SqliteStore(database, { busyTimeoutMs: 50 }),
      aws: { endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKIDFAULTS', secretAccessKey: 'faults' } },
      poster: { batchDelayMs: 20, maxBackoffMs: 200 },
    },
  );
  return { app, file, database };
}

beforeAll(async () => {
  slack = await startFakeSlack();
  dir = mkdtempSync(join(tmpdir(), 'tg-faults-'));
  writeFileSync(
    join(dir, 'trailguard.yml'),
    `version: 1\ncentral: { account: "${CENTRAL}", region: us-east-1 }\nmembers:\n  accounts:\n    - { id: "${MEMBER}", name: faults-prod }\n  regions: [us-east-1]\nslack: { channel: ${CHANNEL} }\n`,
  );
  settings = loadSettings({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SECRET,
    TRAILGUARD_CONFIG: join(dir, 'trailguard.yml'),
    TRAILGUARD_DB: join(dir, 'unused.db'),
    SLACK_API_URL: slack.apiUrl,
    TRAILGUARD_SNS_TRUSTED_CERT: TEST_CERT_PATH,
    PORT: '0',
  });
  process.on('unhandledRejection', onUnhandled);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await slack?.close();
});

beforeEach(() => {
  slack.calls.length = 0;
  slack.script.clear();
  slack.down = null;
  slack.channels.clear();
  unhandled.length = 0;
});

afterEach(() => {
  // Whatever else a test asserts: no background path of the app may reject unhandled (that is exit 1 in production).
  expect(unhandled.map(String)).toEqual([]);
});

describe('a SQLite lock longer than the busy timeout', () => {
  it('during retry passes, an SNS delivery and an Acknowledge: no crash, the delivery is refused for redelivery, all posted once after', async () => {
    const { app, file } = await start('lock.db');
    try {
      const posted = alertOn('posted-before-lock');
      await deliver(app.url, posted);
      await waitFor(async () => (await app.services.store.get(posted.id))?.state === 'posted');
      const ts = (await app.services.store.get(posted.id))!.ts!;
      slack.down = { status: 500, body: { ok: false, error: 'internal_error' } };
      const retrying = alertOn('retrying-during-lock');
      await deliver(app.url, retrying);
      await waitFor(async () => ((await app.services.store.get(retrying.id))?.attempts ?? 0) >= 1);

      const release = lockDatabase(file);
      // Slack is back: the retry passes now fail on the store alone.
      slack.down = null;
      let during: { sns: number; ack: number; health: number };
      try {
        const late = alertOn('delivered-during-lock');
        const sns = (await deliver(app.url, late)).status;
        const ack = (
          await postSigned(
            `${app.url}/slack/events`,
            blockAction(ACTION_ACK, posted.id, 'UANYONE001', CHANNEL, ts, slack.responseUrl('lock')),
            { secret: SECRET },
          )
        ).status;
        const health = (await healthz(app.url)).status;
        during = { sns, ack, health };
        // Several retry passes fail on the lock meanwhile.
        await sleep(800);
        release();
        // SNS delivers a refused notification again.
        expect((await deliver(app.url, late)).status).toBe(200);
        await waitFor(async () =>
          (await Promise.all([retrying, late].map((a) => app.services.store.get(a.id)))).every((i) => i?.state === 'posted'),
        );
      } finally {
        slack.down = null;
      }

      expect(during.sns).toBeGreaterThanOrEqual(500);
      expect(during.health).toBe(503);
      expect(during.ack).toBeLessThan(600);
      const messages = (slack.channels.get(CHANNEL) ?? []).filter((m) => !m.thread_ts);
      for (const alert of [posted, retrying]) expect(messages.filter((m) => JSON.stringify(m).includes(alert.id))).toHaveLength(1);
    } finally {
      await app.stop();
    }
  });

  it('stopping the app (SIGTERM) while a post is in flight and the store is locked resolves and closes the store, rejecting nothing', async () => {
    const { app, file, database } = await start('stop-lock.db');
    slack.script.set('chat.postMessage', [{ status: 500, body: { ok: false, error: 'internal_error' }, delayMs: 400 }]);
    const alert = alertOn('stop-during-lock');
    await deliver(app.url, alert);
    await waitFor(() => slack.calls.some((c) => c.method === 'chat.postMessage'));
    // The answer (a 500) arrives while the store is locked: the pass cannot record the failure.
    const release = lockDatabase(file);
    try {
      await expect(app.stop()).resolves.toBeUndefined();
    } finally {
      release();
    }

    expect(database.open).toBe(false);
  });
});

describe('a full disk', () => {
  it('/healthz answers 503 while alerts cannot be stored, and 200 again once there is room', async () => {
    const { app, database } = await start('full.db');
    try {
      expect((await healthz(app.url)).status).toBe(200);
      // SQLite's own limit on the file's pages stands in for the disk: the same SQLITE_FULL, "database or disk is full".
      const pages = database.pragma('page_count', { simple: true }) as number;
      database.pragma(`max_page_count = ${pages}`);
      const answers: number[] = [];
      for (let i = 0; i < 40 && answers.every((s) => s < 300); i += 1) answers.push((await deliver(app.url, alertOn(`full-${i}`))).status);

      const full = await healthz(app.url);
      database.pragma(`max_page_count = ${pages + 1000}`);
      const roomAgain = await healthz(app.url);

      expect(answers.at(-1)).toBe(500);
      expect(full.status).toBe(503);
      expect(full.body).toMatchObject({ ok: false, store: expect.stringMatching(/full/i) });
      expect(roomAgain.status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});

describe('Slack refusing every post until someone acts', () => {
  it('/healthz is 503 naming the error while the bot is out of the channel, and 200 once the alert went out', async () => {
    const { app } = await start('refused.db');
    try {
      slack.down = { status: 200, body: { ok: false, error: 'not_in_channel' } };
      const alert = alertOn('bot-kicked');
      await deliver(app.url, alert);
      await waitFor(async () => ((await app.services.store.get(alert.id))?.attempts ?? 0) >= 1);
      const refused = await healthz(app.url);
      slack.down = null;
      await waitFor(async () => (await app.services.store.get(alert.id))?.state === 'posted');
      const back = await healthz(app.url);

      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ ok: false, slack: { error: 'not_in_channel' } });
      expect(back.status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});

// Exactly once under failure: an alert Slack received is never posted again, whether the answer was lost to a
// connection reset or the app was killed mid-post (real Bolt app over HTTP, signed SNS, the local Slack stand-in).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '#core/alert.js';
import { loadSettings, startSlackApp, type SlackAppHandle } from '../../slack-app/server.js';
import { SqliteStore } from '../../slack-app/store/sqlite.js';
import { makeAlert } from '../support/alerts.js';
import { startFakeSlack, type FakeSlack, type StoredMessage } from '../support/fake-slack.js';
import { recordingLog } from '../support/recording-log.js';
import { notification, TEST_CERT_PATH } from '../support/sns-sign.js';

const CENTRAL = '690000000100';
const MEMBERS = ['690000000101', '690000000102', '690000000103'];
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
const CHANNEL = 'C0ONCEONLY1';
const STORM_WINDOW_MS = 2_000;

let slack: FakeSlack;
let app: SlackAppHandle;
let dir: string;
const logs = recordingLog();

const deliver = (url: string, alert: Alert) => fetch(`${url}/sns`, { method: 'POST', body: JSON.stringify(notification(TOPIC, alert)) });
const inChannel = (): StoredMessage[] => slack.channels.get(CHANNEL) ?? [];
const showing = (id: string) => inChannel().filter((m) => JSON.stringify(m.metadata ?? {}).includes(id) || JSON.stringify(m).includes(id));
const trail = (account: string, name: string) => ({ name, arn: `arn:aws:cloudtrail:us-east-1:${account}:trail/${name}` });

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const env = (db: string) => ({
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_SIGNING_SECRET: 'once-secret',
  TRAILGUARD_CONFIG: join(dir, 'trailguard.yml'),
  TRAILGUARD_DB: join(dir, db),
  SLACK_API_URL: slack.apiUrl,
  TRAILGUARD_SNS_TRUSTED_CERT: TEST_CERT_PATH,
  PORT: '0',
});

beforeAll(async () => {
  slack = await startFakeSlack();
  dir = mkdtempSync(join(tmpdir(), 'tg-once-'));
  writeFileSync(
    join(dir, 'trailguard.yml'),
    `version: 1\ncentral: { account: "${CENTRAL}", region: us-east-1 }\nmembers:\n  accounts:\n${MEMBERS.map((id) => `    - { id: "${id}" }`).join('\n')}\n  regions: [us-east-1]\nslack: { channel: ${CHANNEL} }\n`,
  );
  app = await startSlackApp(loadSettings(env('once.db')), {
    log: logs,
    aws: { endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKIDONCE', secretAccessKey: 'once' } },
    poster: { batchDelayMs: 50, maxBackoffMs: 300, stormWindowMs: STORM_WINDOW_MS },
  });
});

afterAll(async () => {
  await app?.stop();
  await slack?.close();
});

beforeEach(() => {
  slack.calls.length = 0;
  slack.script.clear();
  slack.down = null;
  slack.channels.clear();
});

describe('exactly once under failure', () => {
  it('every post carries the alert id in its message metadata', async () => {
    const alert = makeAlert({ account: MEMBERS[0]!, trail: trail(MEMBERS[0]!, 'metadata-trail') });

    expect((await deliver(app.url, alert)).status).toBe(200);
    await waitFor(async () => (await app.services.store.get(alert.id))?.state === 'posted');

    expect(inChannel()).toHaveLength(1);
    expect(inChannel()[0]!.metadata).toEqual({ event_type: 'trailguard_alert', event_payload: { alert_id: alert.id } });
  });

  it('a connection reset after Slack received the message does not post it twice', async () => {
    slack.script.set('chat.postMessage', [{ status: 0, reset: true }]);
    const alert = makeAlert({ account: MEMBERS[0]!, trail: trail(MEMBERS[0]!, 'reset-trail') });

    expect((await deliver(app.url, alert)).status).toBe(200);
    await waitFor(async () => (await app.services.store.get(alert.id))?.state === 'posted');

    expect(showing(alert.id)).toHaveLength(1);
    expect((await app.services.store.get(alert.id))?.ts).toBe(inChannel()[0]!.ts);
    expect(slack.ok('conversations.history').length).toBeGreaterThanOrEqual(1);
  });

  it('a connection reset on a repeat reply in a thread does not reply twice', async () => {
    const first = makeAlert({ account: MEMBERS[1]!, trail: trail(MEMBERS[1]!, 'repeat-reset') });
    await deliver(app.url, first);
    await waitFor(async () => (await app.services.store.get(first.id))?.state === 'posted');
    slack.script.set('chat.postMessage', [{ status: 0, reset: true }]);
    const repeat = makeAlert({ account: MEMBERS[1]!, trail: trail(MEMBERS[1]!, 'repeat-reset') });

    await deliver(app.url, repeat);
    await waitFor(async () => (await app.services.store.get(repeat.id))?.state === 'posted');

    expect(inChannel().filter((m) => m.thread_ts)).toHaveLength(1);
    expect(slack.ok('conversations.replies').length).toBeGreaterThanOrEqual(1);
    expect((await app.services.store.get(first.id))?.count).toBe(2);
  });

  it('a connection reset on a storm digest and on one of its thread replies shows every alert once', async () => {
    slack.script.set('chat.postMessage', [
      { status: 0, reset: true },
      { status: 0, reset: true },
    ]);
    const alerts = Array.from({ length: 12 }, (_, i) =>
      makeAlert({ account: MEMBERS[i % 3]!, trail: trail(MEMBERS[i % 3]!, `storm-reset-${i}`) }),
    );

    await Promise.all(alerts.map((a) => deliver(app.url, a)));
    await waitFor(async () => (await Promise.all(alerts.map((a) => app.services.store.get(a.id)))).every((i) => i?.state === 'posted'));

    expect(inChannel().filter((m) => !m.thread_ts)).toHaveLength(1);
    const details = JSON.stringify(
      inChannel()
        .filter((m) => m.thread_ts)
        .map((m) => m.blocks),
    );
    for (const alert of alerts) expect(details.split(`on ${alert.trail.name} `).length - 1).toBe(1);
    expect(slack.ok('conversations.history').length).toBeGreaterThanOrEqual(1);
    expect(slack.ok('conversations.replies').length).toBeGreaterThanOrEqual(1);
  });

  it('a storm with long detail lines and a 429 on its second thread reply: every reply within Block Kit limits, every line once', async () => {
    // Past the storm window of the earlier test's storm: this storm gets a digest of its own (root, then replies).
    await new Promise((r) => setTimeout(r, STORM_WINDOW_MS + 100));
    slack.script.set('chat.postMessage', [
      { status: 200, pass: true },
      { status: 200, pass: true },
      { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } },
    ]);
    // 60 alerts whose error text alone is 1,500 characters: about 25 detail lines fill the 48 sections of a reply.
    const alerts = Array.from({ length: 60 }, (_, i) =>
      makeAlert({
        account: MEMBERS[i % 3]!,
        outcome: 'failed',
        error: `AccessDenied ${'x'.repeat(1500)}`,
        trail: trail(MEMBERS[i % 3]!, `long-${i}`),
      }),
    );

    await Promise.all(alerts.map((a) => deliver(app.url, a)));
    await waitFor(async () => (await Promise.all(alerts.map((a) => app.services.store.get(a.id)))).every((i) => i?.state === 'posted'));

    const replies = inChannel().filter((m) => m.thread_ts);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && c.status === 429 && c.args.thread_ts)).toHaveLength(1);
    // The stand-in refuses what Slack refuses (over 50 blocks, a section over 3,000 characters): nothing was refused.
    expect(slack.calls.filter((c) => c.status === 400)).toEqual([]);
    expect(replies.length).toBeGreaterThanOrEqual(2);
    for (const reply of replies) {
      const blocks = reply.blocks as { text?: { text: string } }[];
      expect(blocks.length).toBeLessThanOrEqual(50);
      for (const b of blocks) expect(b.text!.text.length).toBeLessThanOrEqual(3000);
    }
    const details = JSON.stringify(replies.map((m) => m.blocks));
    for (const alert of alerts) expect(details.split(`on ${alert.trail.name} `).length - 1).toBe(1);
  });

  it('an app killed mid-post (Slack has the message, the app never heard back) does not post it again after a restart', async () => {
    const run = (db: string): Promise<{ child: ChildProcess; url: string }> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--no-warnings', '--import', 'tsx', 'slack-app/server.ts'], {
          env: { ...process.env, ...env(db), AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          const port = /"message":"slack app listening"[^\n]*?"port":(\d+)/.exec(out)?.[1];
          if (port) resolve({ child, url: `http://127.0.0.1:${port}` });
        });
        child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
      });
    slack.script.set('chat.postMessage', [{ status: 0, hang: true }]);
    const alert = makeAlert({ account: MEMBERS[2]!, trail: trail(MEMBERS[2]!, 'killed-mid-post') });

    const first = await run('killed.db');
    try {
      await deliver(first.url, alert);
      await waitFor(() => slack.calls.some((c) => c.method === 'chat.postMessage'));
    } finally {
      first.child.kill('SIGKILL');
    }
    const second = await run('killed.db');
    try {
      const store = new SqliteStore(join(dir, 'killed.db'));
      await waitFor(async () => (await store.get(alert.id))?.state === 'posted');
      await store.close();
    } finally {
      second.child.kill('SIGKILL');
    }

    expect(showing(alert.id)).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });
});

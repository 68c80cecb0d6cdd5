// The poster through the real Slack app: signed SNS in, the real Bolt WebClient out to a recording stand-in for Slack.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { loadSettings, startSlackApp, type SlackAppHandle } from '../../slack-app/server.js';
import type { Alert } from '#core/alert.js';
import { makeAlert } from '../support/alerts.js';
import { CENTRAL_CREDENTIALS } from '../support/aws.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { recordingLog } from '../support/recording-log.js';
import { notification, TEST_CERT_PATH } from '../support/sns-sign.js';

const CENTRAL = '630000000000';
const MEMBERS = ['630000000001', '630000000002', '630000000003'];
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
// A short storm window stands in for a minute, so that an outage can outlast it within a test; long enough that
// twelve deliveries land inside it on a loaded 2-core machine (they are sent at once).
const STORM_WINDOW_MS = 2_000;

let slack: FakeSlack;
let app: SlackAppHandle;
const logs = recordingLog();

const topLevel = () => slack.ok('chat.postMessage').filter((c) => !c.args.thread_ts);
const deliver = (alert: Alert) => fetch(`${app.url}/sns`, { method: 'POST', body: JSON.stringify(notification(TOPIC, alert)) });
const nothingPending = async () => (await app.services.store.due(new Date(Date.now() + 3600_000), 1)).length === 0;

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  slack = await startFakeSlack();
  const dir = mkdtempSync(join(tmpdir(), 'tg-poster-'));
  writeFileSync(
    join(dir, 'trailguard.yml'),
    `version: 1\ncentral: { account: "${CENTRAL}", region: us-east-1 }\nmembers:\n  accounts:\n${MEMBERS.map((id) => `    - { id: "${id}" }`).join('\n')}\n  regions: [us-east-1]\nslack: { channel: C0POSTER01 }\n`,
  );
  const settings = loadSettings({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: 'secret',
    TRAILGUARD_CONFIG: join(dir, 'trailguard.yml'),
    TRAILGUARD_DB: join(dir, 'poster.db'),
    SLACK_API_URL: slack.apiUrl,
    TRAILGUARD_SNS_TRUSTED_CERT: TEST_CERT_PATH,
    PORT: '0',
  });
  app = await startSlackApp(settings, {
    log: logs,
    aws: { endpoint: inject('motoEndpoint'), credentials: CENTRAL_CREDENTIALS },
    poster: { batchDelayMs: 50, stormWindowMs: STORM_WINDOW_MS },
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
});

describe('the poster over HTTP', () => {
  it('an alert whose blocks Slack refuses (invalid_blocks) is posted as plain text instead of waiting forever', async () => {
    slack.script.set('chat.postMessage', [{ status: 200, body: { ok: false, error: 'invalid_blocks' } }]);
    const alert = makeAlert({
      account: MEMBERS[0]!,
      trail: { name: 'refused-trail', arn: `arn:aws:cloudtrail:us-east-1:${MEMBERS[0]}:trail/refused-trail` },
    });

    expect((await deliver(alert)).status).toBe(200);
    await waitFor(nothingPending);

    // The refused call (with its blocks), then the plain-text one.
    expect(topLevel().map((c) => c.args.attachments === undefined)).toEqual([false, true]);
    expect(String(topLevel()[1]!.args.text)).toContain(`StopLogging on refused-trail in ${MEMBERS[0]}`);
    expect(logs.lines.some((l) => l.message === 'slack refused the message; sending it as plain text')).toBe(true);
  });

  it('a storm during a Slack outage that outlasts the storm window is one digest once Slack is back', async () => {
    slack.down = { status: 500, body: { ok: false, error: 'internal_error' } };
    const alerts = Array.from({ length: 12 }, (_, i) =>
      makeAlert({
        account: MEMBERS[i % 3]!,
        trail: { name: `outage-${i}`, arn: `arn:aws:cloudtrail:us-east-1:${MEMBERS[i % 3]}:trail/outage-${i}` },
      }),
    );

    const answers = await Promise.all(alerts.map((alert) => deliver(alert)));
    expect(answers.map((a) => a.status)).toEqual(alerts.map(() => 200));
    await waitFor(async () => (await Promise.all(alerts.map((a) => app.services.store.get(a.id)))).every((i) => i!.attempts >= 1));
    // Slack stays down for longer than the storm window.
    await new Promise((r) => setTimeout(r, STORM_WINDOW_MS + 200));
    slack.down = null;
    await waitFor(nothingPending);

    expect(topLevel()).toHaveLength(1);
    expect(JSON.stringify(topLevel()[0]!.args)).toContain('Tampering storm: 12 CloudTrail tamper events in 3 accounts');
    const details = JSON.stringify(
      slack
        .ok('chat.postMessage')
        .filter((c) => c.args.thread_ts)
        .map((c) => c.args.blocks),
    );
    for (const alert of alerts) expect(details.split(`on ${alert.trail.name} `).length - 1).toBe(1);
  });
});

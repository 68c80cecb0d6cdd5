// Review rv1: who sees the organization on App Home when slack.responders and slack.viewers are left empty.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings, startSlackApp, type SlackAppHandle } from '../../slack-app/server.js';
import { makeAlert } from '../support/alerts.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { recordingLog } from '../support/recording-log.js';
import { slackSignature } from '../support/slack-sign.js';
import { notification, TEST_CERT_PATH } from '../support/sns-sign.js';

const CENTRAL = '790000000801';
const MEMBER = '790000000802';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
const SECRET = 'rv1-home-secret';

let slack: FakeSlack;
let app: SlackAppHandle;

beforeAll(async () => {
  slack = await startFakeSlack();
  const dir = mkdtempSync(join(tmpdir(), 'tg-review-rv1-home-'));
  // The README's defaults (slack: { responders: [], viewers: [] }): responders and viewers empty.
  writeFileSync(
    join(dir, 'trailguard.yml'),
    `version: 1\ncentral: { account: "${CENTRAL}", region: us-east-1 }\nmembers:\n  accounts:\n    - { id: "${MEMBER}", name: payments-prod }\n  regions: [us-east-1]\nslack: { channel: C0SECURITY1 }\n`,
  );
  app = await startSlackApp(
    loadSettings({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SECRET,
      TRAILGUARD_CONFIG: join(dir, 'trailguard.yml'),
      TRAILGUARD_DB: join(dir, 'trailguard.db'),
      SLACK_API_URL: slack.apiUrl,
      TRAILGUARD_SNS_TRUSTED_CERT: TEST_CERT_PATH,
      PORT: '0',
    }),
    {
      log: recordingLog(),
      aws: { endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKIDREVIEW', secretAccessKey: 'review' } },
      poster: { batchDelayMs: 20, maxBackoffMs: 200 },
      confirmSubscription: async () => undefined,
    },
  );
});

afterAll(async () => {
  await app?.stop();
  await slack?.close();
});

async function openHome(user: string): Promise<string> {
  const body = JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'TTEAM00001',
    api_app_id: 'ATRAILGUARD',
    type: 'event_callback',
    event_id: `Ev${crypto.randomUUID().replace(/-/g, '').slice(0, 10)}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user, channel: 'D0HOMEDM001', tab: 'home', event_ts: String(Date.now() / 1000) },
  });
  const timestamp = Math.floor(Date.now() / 1000);
  await fetch(`${app.url}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(SECRET, timestamp, body),
    },
    body,
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const call = slack.ok('views.publish').find((c) => c.args.user_id === user);
    if (call) return JSON.stringify(call.args.view);
    if (Date.now() > deadline) throw new Error('no views.publish');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('review rv1: App Home with slack.responders and slack.viewers empty', () => {
  // Fixed: with both lists empty App Home shows the organization to nobody and says which setting opens it. README: "Both empty: anyone in the channel." Buttons and /trail-status are reachable only from the
  // channel, but App Home is opened by anyone in the workspace (a guest, a contractor who never joined the security
  // channel), and `allowed(..., 'view')` with both lists empty admits them: they get the member accounts, which ones
  // are NOT logging or unread, and every open incident (trail, account, age) — the map an insider needs to pick an
  // unwatched account. Suggested fix: with both lists empty, App Home shows the organization only to members of the
  // configured channel (conversations.members, cached; needs channels:read / groups:read), or only when
  // slack.viewers/responders are set; say so in the README.
  it('a workspace user outside the channel does not see the open incidents or member accounts', async () => {
    const alert = makeAlert({
      account: MEMBER,
      trail: { name: 'org-audit-secret', arn: `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/org-audit-secret` },
    });
    await fetch(`${app.url}/sns`, { method: 'POST', body: JSON.stringify(notification(TOPIC, alert)) });
    await app.services.poster.drain();

    const view = await openHome('UOUTSIDER99');

    expect(view).not.toContain('org-audit-secret');
    expect(view).not.toContain(MEMBER);
  });
});

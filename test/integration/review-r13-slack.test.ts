// Review (r13): the Slack app in production, attacked over HTTP: the real Bolt receiver, signed Slack requests, signed SNS
// notifications and the local Slack stand-in. Accounts 6390xxxxxxxx only.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_ACK } from '../../slack-app/ids.js';
import { createLambdaHandler } from '../../slack-app/lambda.js';
import { loadSettings, startSlackApp, type SlackAppHandle } from '../../slack-app/server.js';
import { SqliteStore } from '../../slack-app/store/sqlite.js';
import { makeAlert } from '../support/alerts.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { recordingLog } from '../support/recording-log.js';
import { postSigned, slackSignature } from '../support/slack-sign.js';
import { notification, TEST_CERT_PATH } from '../support/sns-sign.js';

const SECRET = 'r13-signing-secret';
const CHANNEL = 'C0SECURITY1';
const RESPONDER = 'URESPONDER1';
const VIEWER = 'UVIEWER0001';
const OUTSIDER = 'UOUTSIDER01';
const CENTRAL = '639000000000';
const MEMBER = '639000000001';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;

let slack: FakeSlack;
const logs = recordingLog();
const started: SlackAppHandle[] = [];

/** A Slack app over HTTP with its own config (`slack:` line) and its own SQLite file. */
async function startWith(slackLine: string, env: Record<string, string> = {}): Promise<SlackAppHandle> {
  const settings = settingsWith(slackLine, env);
  const handle = await startSlackApp(settings, {
    log: logs,
    poster: { batchDelayMs: 50, stormThreshold: 10 },
    confirmSubscription: async () => {},
    fetchCertificate: async () => {
      throw new Error('no certificate fetch expected');
    },
  });
  started.push(handle);
  return handle;
}

function settingsWith(slackLine: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tg-r13-'));
  writeFileSync(
    join(dir, 'trailguard.yml'),
    `version: 1\ncentral: { account: "${CENTRAL}", region: us-east-1 }\nmembers:\n  accounts:\n    - { id: "${MEMBER}", name: payments-prod }\n  regions: [us-east-1]\n${slackLine}\n`,
  );
  const settings = loadSettings({
    SLACK_BOT_TOKEN: 'xoxb-r13-token',
    SLACK_SIGNING_SECRET: SECRET,
    TRAILGUARD_CONFIG: join(dir, 'trailguard.yml'),
    TRAILGUARD_DB: join(dir, 'trailguard.db'),
    SLACK_API_URL: slack.apiUrl,
    TRAILGUARD_SNS_TRUSTED_CERT: TEST_CERT_PATH,
    TRAILGUARD_TOPIC_ARN: TOPIC,
    PORT: '0',
    ...env,
  });
  return settings;
}

/** An alert delivered over /sns and posted; its id and message ts. */
async function postedAlert(app: SlackAppHandle) {
  const alert = makeAlert({
    account: MEMBER,
    trail: { name: `t-${crypto.randomUUID().slice(0, 8)}`, arn: `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/x` },
  });
  const res = await fetch(`${app.url}/sns`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' },
    body: JSON.stringify(notification(TOPIC, alert)),
  });
  expect(res.status).toBe(200);
  await app.services.poster.drain();
  const ts = (await app.services.store.get(alert.id))?.ts;
  expect(ts).toBeTruthy();
  return { alert, ts: ts! };
}

const settle = () => new Promise((r) => setTimeout(r, 300));

beforeAll(async () => {
  slack = await startFakeSlack();
});

afterAll(async () => {
  for (const app of started) await app.stop();
  await slack?.close();
});

beforeEach(() => {
  slack.calls.length = 0;
  slack.responses.length = 0;
  slack.script.clear();
  slack.down = null;
});

describe('review (r13): who may press a button', () => {
  // Bolt routes ANY body that has `actions` to app.action() listeners by the first action's action_id, whatever its
  // `type` (helpers.getTypeAndConversation: `body.actions !== undefined`). The guard classified requests by `type` only:
  // a signed `interactive_message` (Slack's legacy attachment buttons) or a payload without `type` was 'other', and
  // 'other' passed with neither the access check nor the replay ledger. So a non-responder's signed request of that
  // shape acknowledged the alert (and a capture of it could be replayed at will).
  it('an action payload whose type is not block_actions is still refused to a non-responder', async () => {
    const app = await startWith(`slack: { channel: ${CHANNEL}, responders: [${RESPONDER}] }`);
    for (const type of ['interactive_message', undefined]) {
      const { alert, ts } = await postedAlert(app);
      slack.calls.length = 0;
      const payload = {
        ...(type ? { type } : {}),
        callback_id: 'trailguard',
        team: { id: 'TTEAM00001', domain: 'acme' },
        user: { id: OUTSIDER, name: 'outsider' },
        channel: { id: CHANNEL, name: 'security' },
        message_ts: ts,
        response_url: slack.responseUrl(`legacy-${type}`),
        actions: [{ type: 'button', action_id: ACTION_ACK, block_id: 'trailguard_actions', value: alert.id, name: 'ack' }],
      };
      const res = await postSigned(`${app.url}/slack/events`, { payload: JSON.stringify(payload) }, { secret: SECRET });
      await settle();

      expect(res.status).toBe(200);
      expect((await app.services.store.get(alert.id))?.acknowledgedBy).toBeNull();
      expect(slack.ok('chat.update')).toHaveLength(0);
    }
  });

  // `slack.viewers` set and `slack.responders` left empty (a first-day config: "viewers may read"): allowed(respond)
  // is `responders.length === 0 || …`, so ANY workspace member who sees the alert may Acknowledge it (and Re-check),
  // while the same outsider is refused /trail-status and the App Home. The user meant to restrict the channel and
  // instead silenced nobody's button; an attacker in the channel acknowledges the alert about their own tampering.
  // Fixed: the config is refused, naming slack.responders, and the app does not start.
  it('with slack.viewers set and slack.responders empty, the app refuses to start, naming slack.responders', () => {
    expect(() => settingsWith(`slack: { channel: ${CHANNEL}, viewers: [${VIEWER}] }`)).toThrow(/slack\.responders/);
  });

  it('with slack.viewers and slack.responders set, a viewer cannot acknowledge', async () => {
    const app = await startWith(`slack: { channel: ${CHANNEL}, responders: [${RESPONDER}], viewers: [${VIEWER}] }`);
    const { alert, ts } = await postedAlert(app);
    slack.calls.length = 0;
    const payload = {
      type: 'block_actions',
      team: { id: 'TTEAM00001', domain: 'acme' },
      user: { id: VIEWER, username: 'viewer', team_id: 'TTEAM00001' },
      container: { type: 'message', message_ts: ts, channel_id: CHANNEL, is_ephemeral: false },
      channel: { id: CHANNEL, name: 'security' },
      message: { type: 'message', ts, text: 'alert' },
      response_url: slack.responseUrl('viewers-only'),
      actions: [{ type: 'button', action_id: ACTION_ACK, block_id: 'trailguard_actions', value: alert.id, action_ts: '1' }],
    };
    await postSigned(`${app.url}/slack/events`, { payload: JSON.stringify(payload) }, { secret: SECRET });
    await settle();

    expect((await app.services.store.get(alert.id))?.acknowledgedBy).toBeNull();
  });
});

describe('review (r13): /healthz while alerts cannot reach Slack', () => {
  // Only a Slack *refusal* (not_in_channel, token_revoked, …) turns /healthz red. Slack unreachable (egress blocked by
  // a firewall or proxy, DNS, a TLS-intercepting proxy answering 5xx, a long outage) leaves every alert pending and
  // retried with backoff for ever, while /healthz answers 200 {ok: true}: the monitor is green and nobody sees the
  // alert. Reproduced with an alert received 10 minutes ago that Slack (503 on every call) has never taken.
  // Fixed: /healthz answers 503 {ok: false, pending: {oldestReceivedAt, error}} when the oldest pending alert was
  // received more than 5 minutes ago (the poster's longest backoff), whatever kept it from Slack.
  it('an alert pending for 10 minutes because Slack is unreachable turns /healthz red', async () => {
    const app = await startWith(`slack: { channel: ${CHANNEL}, responders: [${RESPONDER}] }`);
    slack.down = { status: 503, body: 'upstream connect error' };
    const alert = makeAlert({
      account: MEMBER,
      trail: { name: 'unreachable', arn: `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/unreachable` },
    });
    expect(await app.services.store.insertAlert(alert, new Date(Date.now() - 10 * 60_000))).toBe(true);
    await app.services.poster.drain();
    await app.services.poster.drain();

    expect((await app.services.store.get(alert.id))?.state).toBe('pending');
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false, pending: { oldestReceivedAt: expect.any(String) } });

    // Slack back: the alert is posted and /healthz is green again.
    slack.down = null;
    await app.services.store.markFailed(alert.id, 'test', new Date());
    await app.services.poster.drain();
    expect((await app.services.store.get(alert.id))?.state).toBe('posted');
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe('review (r13): first day, a wrong bot token', () => {
  // /healthz turns red only after a post fails (poster.slackRefusal). A new install with a mistyped or revoked
  // SLACK_BOT_TOKEN starts, answers /healthz 200 {ok: true} and stays green until the first tampering event, whose
  // alert is then the first thing Slack refuses: the monitor is green while it cannot post anything.
  // Fixed: /healthz checks the token (auth.test, until Slack first accepts it); a setup refusal (invalid_auth,
  // token_revoked, not_authed, account_inactive, …) answers 503 {ok: false, slack: {error}}.
  it('with a token Slack refuses (invalid_auth), /healthz is red before any alert', async () => {
    slack.down = { status: 200, body: { ok: false, error: 'invalid_auth' } };
    const app = await startWith(`slack: { channel: ${CHANNEL}, responders: [${RESPONDER}] }`);
    await settle();

    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false, slack: { error: 'invalid_auth' } });

    // The token fixed (Slack accepts it): green.
    slack.down = null;
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});

describe('review (r13): replay across two app servers', () => {
  // The HTTP server's replay ledger is this process's memory (MemoryLedger). README suggests HOST=0.0.0.0 behind a
  // load balancer; with two servers behind it (or one restarted), a captured signed request refused by the first is
  // acted on again by the second, within Bolt's 5 minutes. Shown with Acknowledge (idempotent, so only the log tells):
  // both servers act and neither logs a replay. Re-check would read AWS and post in the thread twice.
  // Suggested fix: keep the ledger in the store (a row keyed by signature, INSERT OR IGNORE with an expiry) as the
  // DynamoDB ledger does on Lambda, or document that the HTTP server must run as one instance.
  // Two servers behind one load balancer share the store (TRAILGUARD_DB): the ledger lives there, not in memory.
  it('a signed request replayed to a second server is refused', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'tg-r13-shared-')), 'trailguard.db');
    const first = await startWith(`slack: { channel: ${CHANNEL}, responders: [${RESPONDER}] }`, { TRAILGUARD_DB: db });
    const second = await startWith(`slack: { channel: ${CHANNEL}, responders: [${RESPONDER}] }`, { TRAILGUARD_DB: db });
    const { alert, ts } = await postedAlert(first);
    const form = {
      payload: JSON.stringify({
        type: 'block_actions',
        user: { id: RESPONDER, username: 'responder', team_id: 'TTEAM00001' },
        channel: { id: CHANNEL, name: 'security' },
        message: { type: 'message', ts, text: 'alert' },
        response_url: slack.responseUrl('replay'),
        actions: [{ type: 'button', action_id: ACTION_ACK, block_id: 'trailguard_actions', value: alert.id, action_ts: '1' }],
      }),
    };
    const body = new URLSearchParams(form).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(SECRET, timestamp, body),
    };
    const before = logs.lines.length;
    await fetch(`${first.url}/slack/events`, { method: 'POST', headers, body });
    await fetch(`${second.url}/slack/events`, { method: 'POST', headers, body });
    await settle();

    const acted = logs.lines.slice(before).filter((l) => l.message === 'alert acknowledged' && l.attributes.alertId === alert.id);
    expect(acted).toHaveLength(1);
  });
});

describe('replay after a restart', () => {
  // The same kind as two servers: a process restarted within Bolt's 5 minutes (a deploy, a crash) forgot every
  // signature it had seen while it kept them in memory.
  it('a signed request replayed to a restarted server on the same store is refused', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'tg-r13-restart-')), 'trailguard.db');
    const before = await startWith(`slack: { channel: ${CHANNEL}, responders: [${RESPONDER}] }`, { TRAILGUARD_DB: db });
    const { alert, ts } = await postedAlert(before);
    const body = new URLSearchParams({
      payload: JSON.stringify({
        type: 'block_actions',
        user: { id: RESPONDER, username: 'responder', team_id: 'TTEAM00001' },
        channel: { id: CHANNEL, name: 'security' },
        message: { type: 'message', ts, text: 'alert' },
        response_url: slack.responseUrl('restart'),
        actions: [{ type: 'button', action_id: ACTION_ACK, block_id: 'trailguard_actions', value: alert.id, action_ts: '1' }],
      }),
    }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(SECRET, timestamp, body),
    };
    const mark = logs.lines.length;
    await fetch(`${before.url}/slack/events`, { method: 'POST', headers, body });
    await settle();
    await before.stop();
    started.splice(started.indexOf(before), 1);
    const after = await startWith(`slack: { channel: ${CHANNEL}, responders: [${RESPONDER}] }`, { TRAILGUARD_DB: db });
    const res = await fetch(`${after.url}/slack/events`, { method: 'POST', headers, body });
    await settle();

    expect(res.status).toBe(200);
    const mine = logs.lines.slice(mark);
    expect(mine.filter((l) => l.message === 'alert acknowledged' && l.attributes.alertId === alert.id)).toHaveLength(1);
    expect(mine.filter((l) => /refused: a replay/.test(l.message))).toHaveLength(1);
  });
});

describe('review (r13): a replay with a decorated signature header', () => {
  // Bolt checks `x-slack-signature` as `const [version, hash] = signature.split('=')`: anything after a second '='
  // is ignored, so `v0=<hash>=x` is as valid as `v0=<hash>`. The replay ledger remembered the header as sent, so a
  // captured request sent again with `=x` appended was a new request to it, and acted on again within 5 minutes.
  it('a captured request sent again with text appended to its signature is refused as a replay', async () => {
    const app = await startWith(`slack: { channel: ${CHANNEL}, responders: [${RESPONDER}] }`);
    const { alert, ts } = await postedAlert(app);
    const body = new URLSearchParams({
      payload: JSON.stringify({
        type: 'block_actions',
        user: { id: RESPONDER, username: 'responder', team_id: 'TTEAM00001' },
        channel: { id: CHANNEL, name: 'security' },
        message: { type: 'message', ts, text: 'alert' },
        response_url: slack.responseUrl('decorated'),
        actions: [{ type: 'button', action_id: ACTION_ACK, block_id: 'trailguard_actions', value: alert.id, action_ts: '1' }],
      }),
    }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = slackSignature(SECRET, timestamp, body);
    const send = (sig: string) =>
      fetch(`${app.url}/slack/events`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': sig,
        },
        body,
      });
    const before = logs.lines.length;
    expect((await send(signature)).status).toBe(200);
    const replays = [`${signature}=x`, `${signature}=`, `${signature}==v0`];
    for (const sig of replays) expect((await send(sig)).status, sig).toBe(200);
    await settle();

    const mine = logs.lines.slice(before);
    expect(mine.filter((l) => l.message === 'alert acknowledged' && l.attributes.alertId === alert.id)).toHaveLength(1);
    expect(mine.filter((l) => /refused: a replay/.test(l.message))).toHaveLength(replays.length);
  });
});

describe('review (r13): on Lambda, Slack refusing every post', () => {
  // On the server, a Slack refusal (not_in_channel, token_revoked, …) turns /healthz red. On Lambda there is no
  // /healthz: the SNS invocation and every scheduled drain return {ok: true} while every alert stays pending, and the
  // refusal is one log line (`slack refuses every post …`). Nothing a Lambda Errors alarm or the schedule can see.
  // Fixed: the scheduled drain fails, naming the Slack error, while the poster's slackRefusal is set or the oldest
  // pending alert is older than 5 minutes (an alarm on the function's Errors metric sees it; README says to set one).
  it('the scheduled drain fails while Slack refuses every post (not_in_channel)', async () => {
    slack.down = { status: 200, body: { ok: false, error: 'not_in_channel' } };
    const handler = createLambdaHandler(settingsWith(`slack: { channel: ${CHANNEL}, responders: [${RESPONDER}] }`), {
      store: new SqliteStore(':memory:'),
      log: logs,
    });
    const alert = makeAlert({ account: MEMBER, trail: { name: 'kicked', arn: `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/kicked` } });
    const sns = await handler({ Records: [{ EventSource: 'aws:sns', Sns: { TopicArn: TOPIC, Message: JSON.stringify(alert) } }] }, {});
    expect(sns).toEqual({ ok: true });
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage').length).toBeGreaterThan(0);

    await new Promise((r) => setTimeout(r, 2100));
    await expect(handler({ source: 'aws.events', 'detail-type': 'Scheduled Event' }, {})).rejects.toThrow(/not_in_channel/);
  });
});

describe('review (r13): the history look-up trusts any message in the channel', () => {
  // After a post whose outcome is unknown (a 5xx from a proxy, a reset, a kill), the poster looks for the alert id
  // in the channel's message metadata and, if found, records that message instead of posting. It never checks who
  // posted the message: any app in the workspace (one a channel member installed, a compromised integration) can
  // post `{event_type: 'trailguard_alert', event_payload: {alert_id}}`, and the alert id is the CloudTrail eventID
  // of the attacker's own StopLogging (visible to them in Event history). Such a message, there before the retry,
  // swallows the real alert: it is recorded as posted and never shown.
  // Fixed: the look-up trusts only messages whose bot_id is the app's own (auth.test); the stand-in stamps its bot id.
  it('a forged message carrying the alert id does not stop the real alert from being posted', async () => {
    const app = await startWith(`slack: { channel: ${CHANNEL}, responders: [${RESPONDER}] }`);
    const alert = makeAlert({ account: MEMBER, trail: { name: 'forged', arn: `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/forged` } });
    const list = slack.channels.get(CHANNEL) ?? [];
    list.push({
      ts: `${Math.floor(Date.now() / 1000)}.000100`,
      text: 'nothing to see',
      bot_id: 'BOTHERAPP01',
      metadata: { event_type: 'trailguard_alert', event_payload: { alert_id: alert.id } },
    });
    slack.channels.set(CHANNEL, list);
    // The first post goes nowhere and its outcome is unknown (a proxy's 502).
    slack.script.set('chat.postMessage', [{ status: 502, body: 'bad gateway' }]);

    await fetch(`${app.url}/sns`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' },
      body: JSON.stringify(notification(TOPIC, alert)),
    });
    await app.services.poster.drain();
    for (let i = 0; i < 40 && (await app.services.store.get(alert.id))?.state !== 'posted'; i++) {
      await new Promise((r) => setTimeout(r, 250));
      await app.services.poster.drain();
    }

    expect((await app.services.store.get(alert.id))?.state).toBe('posted');
    const shown = slack.ok('chat.postMessage').filter((c) => JSON.stringify(c.args).includes(alert.id));
    expect(shown).toHaveLength(1);
  });
});

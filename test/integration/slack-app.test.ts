// The Slack app over HTTP: real Bolt receiver, signed Slack requests, signed SNS messages, moto accounts, a recording stand-in for Slack.
import { CreateAccountCommand, CreateOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import type { AwsCredentialIdentity } from '@smithy/types';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { loadSettings, startSlackApp, type SlackAppHandle, type SlackAppSettings } from '../../slack-app/server.js';
import { ACTION_ACK, ACTION_RECHECK } from '../../slack-app/ids.js';
import type { Alert } from '#core/alert.js';
import { makeAlert } from '../support/alerts.js';
import { denyAssumeRoleInto, startAwsProxy, type AwsProxy } from '../support/aws-proxy.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../support/aws.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { blockAction, postSigned, slashCommand } from '../support/slack-sign.js';
import { notification, signSns, TEST_CERT_PATH } from '../support/sns-sign.js';
import { recordingLog } from '../support/recording-log.js';

const SECRET = 'slack-signing-secret-for-tests';
const CHANNEL = 'C0SECURITY1';
const RESPONDER = 'URESPONDER1';
const OUTSIDER = 'UOUTSIDER01';
const CENTRAL = '270000000000';
const HEALTHY = '270000000001';
const DENIED = '270000000002';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
// Not a member of anything here; the 46 prefix keeps any moto state it could touch apart from other files.
const NON_MEMBER = '460000000099';
const ORG_ADMIN = '460000000010'; // the Slack app's own account, owner of an Organization in moto
const NO_ORG = '460000000020'; // an account that is in no Organization: ListAccounts fails

let slack: FakeSlack;
let proxy: AwsProxy;
let dir: string;
let settings: SlackAppSettings;
let app: SlackAppHandle;
let world: MotoWorld;
const logs = recordingLog();
const confirmed: string[] = [];

async function start(overrides: Partial<SlackAppSettings> = {}, credentials: AwsCredentialIdentity = CENTRAL_CREDENTIALS) {
  return startSlackApp(
    { ...settings, ...overrides },
    {
      log: logs,
      aws: { endpoint: proxy.endpoint, credentials },
      poster: { batchDelayMs: 150, stormThreshold: 10 },
      confirmSubscription: async (url) => void confirmed.push(url),
      fetchCertificate: async () => {
        throw new Error('no certificate fetch expected');
      },
    },
  );
}

async function deliver(alert: Alert | string, handle = app) {
  const res = await fetch(`${handle.url}/sns`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain; charset=UTF-8', 'x-amz-sns-message-type': 'Notification' },
    body: JSON.stringify(notification(TOPIC, alert)),
  });
  await handle.services.poster.drain();
  return res;
}

const posted = () => slack.ok('chat.postMessage').filter((c) => !c.args.thread_ts);
const buttons = (call: { args: Record<string, unknown> }) =>
  (
    (call.args.attachments as { blocks: { type: string; elements?: { action_id?: string }[] }[] }[])[0]!.blocks.find(
      (b) => b.type === 'actions',
    )?.elements ?? []
  ).map((e) => e.action_id);
const text = (call: { args: Record<string, unknown> }) => JSON.stringify(call.args);

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  await world.createLoggingTrail(HEALTHY, 'us-east-1', 'org-audit', 'slack-logs-270000000001', true);
  proxy = await startAwsProxy({
    target: world.endpoint,
    fault: denyAssumeRoleInto(DENIED),
  });
  slack = await startFakeSlack();
  dir = mkdtempSync(join(tmpdir(), 'tg-slack-'));
  writeFileSync(
    join(dir, 'trailguard.yml'),
    `version: 1\ncentral: { account: "${CENTRAL}", region: us-east-1 }\nmembers:\n  accounts:\n    - { id: "${HEALTHY}", name: payments-prod }\n    - { id: "${DENIED}", name: locked-out }\n  regions: [us-east-1]\nslack: { channel: ${CHANNEL}, responders: [${RESPONDER}] }\n`,
  );
  settings = loadSettings({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SECRET,
    TRAILGUARD_CONFIG: join(dir, 'trailguard.yml'),
    TRAILGUARD_DB: join(dir, 'trailguard.db'),
    SLACK_API_URL: slack.apiUrl,
    TRAILGUARD_SNS_TRUSTED_CERT: TEST_CERT_PATH,
    PORT: '0',
  });
  app = await start();
});

afterAll(async () => {
  await app?.stop();
  await slack?.close();
  await proxy?.close();
});

beforeEach(() => {
  slack.calls.length = 0;
  slack.responses.length = 0;
  slack.script.clear();
  slack.down = null;
});

describe('alerts from SNS', () => {
  it('posts an alert once with both buttons; a redelivery posts nothing', async () => {
    const alert = makeAlert({ account: HEALTHY });

    const first = await deliver(alert);
    const again = await deliver(alert);

    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ alertId: alert.id, stored: false });
    expect(posted()).toHaveLength(1);
    expect(posted()[0]!.args.channel).toBe(CHANNEL);
    expect(buttons(posted()[0]!)).toEqual([ACTION_ACK, ACTION_RECHECK]);
    expect(text(posted()[0]!)).toContain('payments-prod');
    expect(text(posted()[0]!)).toContain('203.0.113.24');
  });

  it('folds repeated tampering with the same trail into the first message, with a thread reply', async () => {
    const first = makeAlert({
      account: HEALTHY,
      trail: { name: 'repeat-trail', arn: `arn:aws:cloudtrail:us-east-1:${HEALTHY}:trail/repeat-trail` },
    });
    const second = { ...makeAlert({ account: HEALTHY }), trail: first.trail };

    await deliver(first);
    await deliver(second);

    expect(posted()).toHaveLength(1);
    const ts = slack.ok('chat.postMessage')[0]!;
    expect(slack.ok('chat.update')).toHaveLength(1);
    expect(text(slack.ok('chat.update')[0]!)).toContain('Tampered with *2 times* within the hour');
    expect(slack.ok('chat.postMessage').filter((c) => c.args.thread_ts)).toHaveLength(1);
    expect(ts).toBeDefined();
  });

  it('Slack answering 429 then 200: posted exactly once, after Retry-After', async () => {
    slack.script.set('chat.postMessage', [{ status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } }]);
    const alert = makeAlert({
      account: HEALTHY,
      trail: { name: 'ratelimited-trail', arn: `arn:aws:cloudtrail:us-east-1:${HEALTHY}:trail/ratelimited-trail` },
    });

    await deliver(alert);
    expect(posted()).toHaveLength(0);
    expect((await app.services.store.get(alert.id))?.state).toBe('pending');
    // Draining before Retry-After has passed posts nothing; once it has, the alert goes out.
    await vi.waitFor(
      async () => {
        await app.services.poster.drain();
        expect((await app.services.store.get(alert.id))?.state).toBe('posted');
      },
      { timeout: 5_000, interval: 100 },
    );

    expect(slack.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.status)).toEqual([429, 200]);
    expect((await app.services.store.get(alert.id))?.state).toBe('posted');
  });

  it('confirms a subscription only when the confirmation is signed and its SubscribeURL is SNS', async () => {
    const subscribeUrl = 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=x&Token=tok';
    const confirmation = signSns({
      Type: 'SubscriptionConfirmation',
      MessageId: 'c1',
      TopicArn: TOPIC,
      Message: 'confirm',
      Timestamp: new Date().toISOString(),
      SubscribeURL: subscribeUrl,
      Token: 'tok',
    });
    const post = (body: unknown) => fetch(`${app.url}/sns`, { method: 'POST', body: JSON.stringify(body) });

    const forged = await post({ ...confirmation, Token: 'other' });
    const elsewhere = await post(signSns({ ...confirmation, SubscribeURL: 'https://attacker.example/confirm' }));
    const genuine = await post(confirmation);

    expect([forged.status, elsewhere.status, genuine.status]).toEqual([403, 403, 200]);
    expect(confirmed).toEqual([subscribeUrl]);
  });

  it('refuses SNS with a bad signature, another topic, a foreign certificate host, or a stale timestamp', async () => {
    const alert = JSON.stringify(makeAlert({ account: HEALTHY }));
    const good = notification(TOPIC, alert);
    const cases = {
      badSignature: { ...good, Message: alert.replace('restarted', 'failed') },
      otherTopic: signSns({ ...good, TopicArn: 'arn:aws:sns:us-east-1:999999999999:evil' }),
      foreignCertHost: signSns({ ...good, SigningCertURL: 'https://attacker.example/cert.pem' }),
      stale: signSns({ ...good, Timestamp: new Date(Date.now() - 2 * 3600_000).toISOString() }),
      notJson: 'hello',
    };
    const statuses: Record<string, number> = {};
    for (const [name, body] of Object.entries(cases)) {
      const res = await fetch(`${app.url}/sns`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body) });
      statuses[name] = res.status;
    }

    expect(statuses).toEqual({ badSignature: 403, otherTopic: 403, foreignCertHost: 403, stale: 403, notJson: 400 });
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(0);
    expect(logs.lines.filter((l) => l.message.startsWith('sns request refused: ')).length).toBeGreaterThanOrEqual(5);
  });
});

describe('buttons and commands over signed requests', () => {
  async function postedAlert(account = HEALTHY) {
    const alert = makeAlert({
      account,
      trail: { name: `t-${crypto.randomUUID().slice(0, 8)}`, arn: `arn:aws:cloudtrail:us-east-1:${account}:trail/x` },
    });
    await deliver(alert);
    const call = posted().at(-1)!;
    slack.calls.length = 0;
    return { alert, ts: (await app.services.store.get(alert.id))!.ts!, call };
  }

  it('Acknowledge records who, updates the message in place without the button, and is idempotent', async () => {
    const { alert, ts } = await postedAlert();

    const acknowledged = () => logs.lines.filter((l) => l.message === 'alert acknowledged' && l.attributes.alertId === alert.id).length;
    const res = await postSigned(
      `${app.url}/slack/events`,
      blockAction(ACTION_ACK, alert.id, RESPONDER, CHANNEL, ts, slack.responseUrl('a1')),
      { secret: SECRET },
    );
    await vi.waitFor(() => expect(slack.ok('chat.update')).toHaveLength(1));
    const again = await postSigned(
      `${app.url}/slack/events`,
      blockAction(ACTION_ACK, alert.id, RESPONDER, CHANNEL, ts, slack.responseUrl('a2')),
      { secret: SECRET },
    );
    await vi.waitFor(() => expect(acknowledged()).toBe(2));

    expect(res.status).toBe(200);
    expect(again.status).toBe(200);
    const stored = await app.services.store.get(alert.id);
    expect(stored).toMatchObject({ acknowledgedBy: RESPONDER });
    const update = slack.ok('chat.update')[0]!;
    expect(update.args).toMatchObject({ channel: CHANNEL, ts });
    expect(buttons(update)).toEqual([ACTION_RECHECK]);
    expect(text(update)).toContain(`Acknowledged by <@${RESPONDER}>`);
    expect((await app.services.store.get(alert.id))!.acknowledgedAt).toBe(stored!.acknowledgedAt);
  });

  it('refuses a non-responder with an ephemeral message and changes nothing', async () => {
    const { alert, ts } = await postedAlert();

    const res = await postSigned(
      `${app.url}/slack/events`,
      blockAction(ACTION_ACK, alert.id, OUTSIDER, CHANNEL, ts, slack.responseUrl('refuse')),
      { secret: SECRET },
    );
    await vi.waitFor(() => expect(slack.responses).toHaveLength(1));

    expect(res.status).toBe(200);
    expect(slack.responses).toEqual([
      {
        path: '/respond/refuse',
        body: expect.objectContaining({ response_type: 'ephemeral', text: expect.stringContaining('Only TrailGuard responders') }),
      },
    ]);
    expect((await app.services.store.get(alert.id))!.acknowledgedBy).toBeNull();
    expect(slack.ok('chat.update')).toHaveLength(0);
  });

  it('Re-check reads the account through the remediation role and reports on the message and in the thread', async () => {
    const { alert, ts } = await postedAlert(HEALTHY);

    await postSigned(`${app.url}/slack/events`, blockAction(ACTION_RECHECK, alert.id, RESPONDER, CHANNEL, ts, slack.responseUrl('rc')), {
      secret: SECRET,
    });
    await waitFor(() => slack.ok('chat.postMessage').some((c) => c.args.thread_ts === ts));

    expect(text(slack.ok('chat.update')[0]!)).toMatch(/🟢 Re-check by <@URESPONDER1> at .*: 1 of 1 trail logging/);
    expect(text(slack.ok('chat.postMessage').find((c) => c.args.thread_ts === ts)!)).toContain('org-audit');
    expect((await app.services.store.get(alert.id))!.statusLine).toContain('1 of 1 trail logging');
  });

  it('Re-check shows an AssumeRole denial plainly', async () => {
    const { alert, ts } = await postedAlert(DENIED);

    await postSigned(`${app.url}/slack/events`, blockAction(ACTION_RECHECK, alert.id, RESPONDER, CHANNEL, ts, slack.responseUrl('rc2')), {
      secret: SECRET,
    });
    await waitFor(() => slack.ok('chat.update').length > 0);

    expect(text(slack.ok('chat.update')[0]!)).toContain(`AccessDenied assuming TrailGuardReader in ${DENIED}`);
  });

  it('/trail-status answers the organization summary ephemerally, an account by name, and open incidents', async () => {
    const summary = await postSigned(`${app.url}/slack/events`, slashCommand('', RESPONDER, CHANNEL, slack.responseUrl('s1')), {
      secret: SECRET,
    });
    const byName = await postSigned(`${app.url}/slack/events`, slashCommand('payments-prod', RESPONDER, CHANNEL, slack.responseUrl('s2')), {
      secret: SECRET,
    });
    const incidents = await postSigned(`${app.url}/slack/events`, slashCommand('incidents', RESPONDER, CHANNEL, slack.responseUrl('s3')), {
      secret: SECRET,
    });
    await waitFor(() => slack.responses.length === 3);

    expect([summary.status, byName.status, incidents.status]).toEqual([200, 200, 200]);
    const body = (id: string) => slack.responses.find((r) => r.path === `/respond/${id}`)!.body;
    expect(body('s1')).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(body('s1'))).toContain('Trails logging*\\n1 of 1');
    expect(JSON.stringify(body('s1'))).toContain(`AccessDenied assuming TrailGuardReader in ${DENIED}`);
    expect(JSON.stringify(body('s2'))).toContain(`CloudTrail in ${HEALTHY} (payments-prod)`);
    expect(JSON.stringify(body('s3'))).toMatch(/unacknowledged incident/);
  });

  it('refuses unsigned, badly signed and stale requests with 401', async () => {
    const form = slashCommand('', RESPONDER, CHANNEL, slack.responseUrl('x'));

    const unsigned = await postSigned(`${app.url}/slack/events`, form, { secret: null });
    const bad = await postSigned(`${app.url}/slack/events`, form, { secret: SECRET, tamper: true });
    const wrongSecret = await postSigned(`${app.url}/slack/events`, form, { secret: 'not-the-secret' });
    const stale = await postSigned(`${app.url}/slack/events`, form, { secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 600 });

    expect([unsigned.status, bad.status, wrongSecret.status, stale.status]).toEqual([401, 401, 401, 401]);
    expect(slack.responses).toHaveLength(0);
  });
});

describe('nothing is lost', () => {
  it('a restart with a pending alert posts it', async () => {
    const db = join(dir, 'restart.db');
    const first = await start({ dbPath: db });
    slack.down = { status: 500, body: { ok: false, error: 'internal_error' } };
    const alert = makeAlert({
      account: HEALTHY,
      trail: { name: 'restart-trail', arn: `arn:aws:cloudtrail:us-east-1:${HEALTHY}:trail/restart-trail` },
    });
    await deliver(alert, first);
    expect((await first.services.store.get(alert.id))?.state).toBe('pending');
    await first.stop();

    slack.down = null;
    slack.calls.length = 0;
    const second = await start({ dbPath: db });
    await waitFor(async () => (await second.services.store.get(alert.id))?.state === 'posted');
    await second.stop();

    expect(posted().filter((c) => text(c).includes('restart-trail'))).toHaveLength(1);
  });

  it('a storm becomes one digest grouped by account, details in its thread', async () => {
    const db = join(dir, 'storm.db');
    const stormAccounts = [0, 1, 2, 3].map((i) => ({ id: String(280000000000 + i) }));
    const handle = await start({
      dbPath: db,
      config: { ...settings.config, members: { ...settings.config.members, accounts: stormAccounts } },
    });
    const alerts = Array.from({ length: 24 }, (_, i) =>
      makeAlert({
        account: String(280000000000 + (i % 4)),
        trail: { name: `storm-${i}`, arn: 'arn:aws:cloudtrail:us-east-1:280000000000:trail/x' },
      }),
    );

    await Promise.all(alerts.map((a) => fetch(`${handle.url}/sns`, { method: 'POST', body: JSON.stringify(notification(TOPIC, a)) })));
    // The poster itself posts once the burst has settled; no drain is forced here.
    await waitFor(async () => (await handle.services.store.due(new Date(Date.now() + 60_000), 100)).length === 0);
    await handle.stop();

    const digests = posted();
    expect(digests).toHaveLength(1);
    expect(text(digests[0]!)).toContain('Tampering storm: 24 CloudTrail tamper events in 4 accounts');
    const replies = slack.ok('chat.postMessage').filter((c) => c.args.thread_ts);
    expect(replies.length).toBeGreaterThanOrEqual(1);
    expect(replies.length).toBeLessThanOrEqual(2);
  });
});

describe('SignatureVersion over HTTP', () => {
  it('refuses a SignatureVersion 1 (SHA1) notification unless alerts.allowSignatureVersion1 is set', async () => {
    const sha1 = () =>
      signSns({
        ...notification(
          TOPIC,
          makeAlert({
            account: HEALTHY,
            trail: { name: `sha1-${crypto.randomUUID().slice(0, 8)}`, arn: `arn:aws:cloudtrail:us-east-1:${HEALTHY}:trail/sha1` },
          }),
        ),
        SignatureVersion: '1',
      });
    const allowing = await start({
      dbPath: join(dir, 'sha1.db'),
      config: { ...settings.config, alerts: { ...settings.config.alerts, allowSignatureVersion1: true } },
    });

    const refused = await fetch(`${app.url}/sns`, { method: 'POST', body: JSON.stringify(sha1()) });
    const accepted = await fetch(`${allowing.url}/sns`, { method: 'POST', body: JSON.stringify(sha1()) });
    await allowing.services.poster.drain();
    await allowing.stop();

    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: expect.stringContaining('SignatureVersion 1 (SHA1) is refused') });
    expect(accepted.status).toBe(200);
    expect(posted()).toHaveLength(1);
  });
});

describe('only member accounts', () => {
  const assumedInto = (account: string) =>
    proxy.calls.filter((c) => c.operation === 'AssumeRole' && String(c.params.RoleArn).includes(`::${account}:`)).length;
  const healthz = async (handle: SlackAppHandle) =>
    (await (await fetch(`${handle.url}/healthz`)).json()) as { refused: { nonMember: number } };

  it('refuses an alert for an account that is not a member: not stored, said in Slack without buttons, logged and counted', async () => {
    const before = (await healthz(app)).refused.nonMember;
    const alert = makeAlert({ account: NON_MEMBER });

    const res = await deliver(alert);

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ alertId: alert.id, stored: false, refused: `account ${NON_MEMBER} is not a TrailGuard member` });
    await app.services.poster.drain();
    // Never only a log line: a notice names the account, with no button that could point TrailGuard at it.
    const notices = slack.ok('chat.postMessage');
    expect(notices).toHaveLength(1);
    expect(text(notices[0]!)).toContain(NON_MEMBER);
    expect(text(notices[0]!)).toContain('does not know');
    expect(text(notices[0]!)).not.toContain('"actions"');
    expect(await app.services.store.get(alert.id)).toBeNull();
    expect(
      logs.lines.filter((l) => l.message === 'alert refused: account is not a TrailGuard member' && l.attributes.account === NON_MEMBER),
    ).toHaveLength(1);
    expect((await healthz(app)).refused.nonMember).toBe(before + 1);
  });

  it('Re-check of a stored alert naming a non-member (e.g. removed from the config since) does nothing in AWS', async () => {
    const alert = makeAlert({ account: NON_MEMBER });
    await app.services.store.insertAlert(alert, new Date());
    const calls = proxy.calls.length;

    await postSigned(
      `${app.url}/slack/events`,
      blockAction(ACTION_RECHECK, alert.id, RESPONDER, CHANNEL, '1700000000.000100', slack.responseUrl('rc-outsider')),
      { secret: SECRET },
    );
    await waitFor(() => slack.responses.length === 1);

    expect(proxy.calls.length).toBe(calls);
    expect(assumedInto(NON_MEMBER)).toBe(0);
    expect(slack.responses[0]!.body).toMatchObject({
      response_type: 'ephemeral',
      text: `${NON_MEMBER} is not a TrailGuard member account; nothing was checked.`,
    });
    expect(slack.ok('chat.update')).toHaveLength(0);
    expect((await app.services.store.get(alert.id))!.statusLine).toBeNull();
  });

  it('/trail-status naming a non-member answers that it is unknown and does nothing in AWS', async () => {
    await postSigned(`${app.url}/slack/events`, slashCommand(NON_MEMBER, RESPONDER, CHANNEL, slack.responseUrl('st-outsider')), {
      secret: SECRET,
    });
    await waitFor(() => slack.responses.length === 1);

    expect((slack.responses[0]!.body as { text: string }).text).toContain(`No member account matches "${NON_MEMBER}"`);
    expect(assumedInto(NON_MEMBER)).toBe(0);
  });

  it("with members.organization: true, members are the Organization's ACTIVE accounts minus exclude, listed once per TTL", async () => {
    const credentials = await world.credentialsFor(ORG_ADMIN);
    const org = world.client(OrganizationsClient, 'us-east-1', credentials);
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const created = async (name: string) =>
      (await org.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }))).CreateAccountStatus!.AccountId!;
    const member = await created('org-payments');
    const excluded = await created('org-sandbox');
    const config = { ...settings.config, members: { ...settings.config.members, accounts: [], organization: true, exclude: [excluded] } };
    const handle = await start({ dbPath: join(dir, 'org.db'), config }, credentials);
    const listed = () => proxy.count({ service: 'organizations', operation: 'ListAccounts' });
    const listedBefore = listed();

    const ok = await deliver(makeAlert({ account: member }), handle);
    const outsider = await deliver(makeAlert({ account: NON_MEMBER }), handle);
    const leftOut = await deliver(makeAlert({ account: excluded }), handle);
    await postSigned(`${handle.url}/slack/events`, slashCommand(NON_MEMBER, RESPONDER, CHANNEL, slack.responseUrl('org-status')), {
      secret: SECRET,
    });
    await waitFor(() => slack.responses.length === 1);
    const counted = (await healthz(handle)).refused.nonMember;
    await handle.stop();

    expect(await ok.json()).toMatchObject({ stored: true });
    expect(await outsider.json()).toMatchObject({ stored: false, refused: expect.stringContaining(NON_MEMBER) });
    expect(await leftOut.json()).toMatchObject({ stored: false, refused: expect.stringContaining(excluded) });
    // (The first app's poster may post, meanwhile, the NON_MEMBER alert an earlier test stored directly; this app's
    // refusal of NON_MEMBER is its `stored: false` above.)
    const alerts = posted().filter((c) => text(c).includes('"actions"') && [member, excluded].some((a) => text(c).includes(a)));
    expect(alerts).toHaveLength(1);
    expect(text(alerts[0]!)).toContain('org-payments');
    // The two refused alerts are each said as a notice without buttons.
    expect(posted().filter((c) => text(c).includes('does not know'))).toHaveLength(2);
    expect(counted).toBe(2);
    // Start-up, three alerts and a command share one listing: the list is cached for MEMBERS_TTL_MS.
    expect(listed() - listedBefore).toBe(1);
    expect(assumedInto(NON_MEMBER) + assumedInto(excluded)).toBe(0);
  });

  it('when the members cannot be listed and none are known, an alert is answered 503 so SNS delivers it again', async () => {
    const credentials = await world.credentialsFor(NO_ORG);
    const config = { ...settings.config, members: { ...settings.config.members, accounts: [], organization: true } };
    const fault = proxy.options.fault;
    // Organizations refuses this caller, as it does an account that is neither management account nor delegated administrator.
    proxy.options.fault = (call) =>
      call.operation === 'ListAccounts' && call.accessKeyId === credentials.accessKeyId
        ? { status: 400, code: 'AccessDeniedException', message: "You don't have permissions to access this resource." }
        : (fault?.(call) ?? null);
    const handle = await start({ dbPath: join(dir, 'no-org.db'), config }, credentials);
    const alert = makeAlert({ account: NON_MEMBER });

    const res = await deliver(alert, handle).finally(() => (proxy.options.fault = fault));
    const stored = await handle.services.store.get(alert.id);
    await handle.stop();

    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ error: expect.stringContaining('member accounts unknown') });
    expect(stored).toBeNull();
    // Nothing about this alert reached Slack (the first app's poster may meanwhile post what earlier tests stored).
    expect(slack.calls.filter((c) => JSON.stringify(c.args).includes(alert.id))).toHaveLength(0);
  });
});

/** Resolves once `check` is true (vitest's waitFor retries until it stops throwing). */
async function waitFor(check: () => boolean | Promise<boolean>, timeout = 10_000): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error('condition not met yet');
    },
    { timeout, interval: 20 },
  );
}

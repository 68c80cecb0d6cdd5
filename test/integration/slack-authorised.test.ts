// Issue 13, "Authorised" and HOST: the real Bolt receiver over HTTP with signed requests, a local Slack stand-in, and for
// the Lambda's replay ledger a DynamoDB table in moto. Who may act, who may read, where /trail-status answers, and a
// captured signed request acted on once.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ACTION_ACK, ACTION_RECHECK } from '../../slack-app/ids.js';
import { createLambdaHandler } from '../../slack-app/lambda.js';
import { DynamoLedger } from '../../slack-app/ledger-dynamodb.js';
import { loadSettings, startSlackApp, type SlackAppHandle, type SlackAppSettings } from '../../slack-app/server.js';
import { SqliteStore } from '../../slack-app/store/sqlite.js';
import { makeAlert } from '../support/alerts.js';
import { MotoWorld } from '../support/aws.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { recordingLog } from '../support/recording-log.js';
import { blockAction, postSigned, slackSignature, slashCommand } from '../support/slack-sign.js';
import { notification, TEST_CERT_PATH } from '../support/sns-sign.js';

const CHANNEL = 'C0SECURITY1';
const RESPONDER = 'URESPONDER1';
const VIEWER = 'UVIEWER0001';
const OUTSIDER = 'UOUTSIDER01';
const SECRET = 'authorised-signing-secret';
const CENTRAL = '680000000010';
const MEMBER = '680000000011';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;

let slack: FakeSlack;
let settings: SlackAppSettings;
let app: SlackAppHandle;
const logs = recordingLog();

const events = () => `${app.url}/slack/events`;
const answered = async (n = 1) => {
  for (let i = 0; i < 60 && slack.responses.length < n; i++) await new Promise((r) => setTimeout(r, 50));
  return JSON.stringify(slack.responses);
};
const refusals = () => logs.lines.filter((l) => l.message.includes(' refused: '));

beforeAll(async () => {
  slack = await startFakeSlack();
  const dir = mkdtempSync(join(tmpdir(), 'tg-authorised-'));
  writeFileSync(
    join(dir, 'trailguard.yml'),
    `version: 1\ncentral: { account: "${CENTRAL}", region: us-east-1 }\nmembers:\n  accounts:\n    - { id: "${MEMBER}", name: payments-prod }\n  regions: [us-east-1]\nslack: { channel: ${CHANNEL}, responders: [${RESPONDER}], viewers: [${VIEWER}] }\n`,
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
  // AWS: a closed local port, so that a Re-check that got through fails fast instead of reaching real AWS.
  app = await startSlackApp(settings, {
    log: logs,
    aws: { endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKIDAUTH', secretAccessKey: 'auth' } },
    poster: { batchDelayMs: 20, maxBackoffMs: 200 },
  });
});

afterAll(async () => {
  await app?.stop();
  await slack?.close();
});

beforeEach(() => {
  slack.calls.length = 0;
  slack.responses.length = 0;
});

async function postedAlert(name: string) {
  const alert = makeAlert({ account: MEMBER, trail: { name, arn: `arn:aws:cloudtrail:us-east-1:${MEMBER}:trail/${name}` } });
  const res = await fetch(`${app.url}/sns`, { method: 'POST', body: JSON.stringify(notification(TOPIC, alert)) });
  expect(res.status).toBe(200);
  await app.services.poster.drain();
  return { alert, ts: (await app.services.store.get(alert.id))!.ts! };
}

describe('HOST', () => {
  it('listens on loopback only by default: another interface of this machine is refused', async () => {
    const port = Number(new URL(app.url).port);
    const other = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && !i.internal && i.family === 'IPv4')?.address;
    const connect = (host: string) =>
      new Promise<string>((resolve) => {
        const req = request({ host, port, path: '/healthz', timeout: 2000 }, (res) => resolve(String(res.statusCode)));
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
        req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
        req.end();
      });

    expect(settings.host).toBe('127.0.0.1');
    expect(new URL(app.url).hostname).toBe('127.0.0.1');
    expect(await connect('127.0.0.1')).toBe('200');
    // This machine has a non-loopback address (eth0); a machine without one still checks the bound address above.
    if (other) expect(await connect(other)).toBe('ECONNREFUSED');
  });

  it('refuses a HOST that is not an address, naming it', () => {
    expect(() => loadSettings({ ...envOf(settings), HOST: 'every interface' })).toThrow(/HOST: expected an IP address/);
  });
});

function envOf(s: SlackAppSettings): NodeJS.ProcessEnv {
  return { SLACK_BOT_TOKEN: s.token, SLACK_SIGNING_SECRET: s.signingSecret, TRAILGUARD_CONFIG: join(tmpdir(), 'none.yml') };
}

describe('who may do what', () => {
  it('a viewer reads /trail-status in the channel', async () => {
    const res = await postSigned(events(), slashCommand('incidents', VIEWER, CHANNEL, slack.responseUrl('viewer')), { secret: SECRET });

    expect(res.status).toBe(200);
    expect(await answered()).toMatch(/unacknowledged incident/);
  });

  it('a viewer cannot Re-check or Acknowledge: refused ephemerally, logged, nothing changed', async () => {
    const { alert, ts } = await postedAlert('viewer-clicks');

    await postSigned(events(), blockAction(ACTION_RECHECK, alert.id, VIEWER, CHANNEL, ts, slack.responseUrl('v-re')), { secret: SECRET });
    await postSigned(events(), blockAction(ACTION_ACK, alert.id, VIEWER, CHANNEL, ts, slack.responseUrl('v-ack')), { secret: SECRET });
    const text = await answered(2);

    expect(text).toMatch(/Only TrailGuard responders can re-check/);
    expect(text).toMatch(/Only TrailGuard responders can acknowledge/);
    expect(slack.responses.every((r) => r.body.response_type === 'ephemeral')).toBe(true);
    const stored = (await app.services.store.get(alert.id))!;
    expect(stored.acknowledgedBy).toBeNull();
    expect(stored.statusLine).toBeNull();
    expect(
      refusals()
        .filter((l) => l.attributes.user === VIEWER)
        .map((l) => l.attributes.id),
    ).toEqual(expect.arrayContaining([ACTION_RECHECK, ACTION_ACK]));
  });

  it('someone neither responder nor viewer cannot read /trail-status', async () => {
    await postSigned(events(), slashCommand('', OUTSIDER, CHANNEL, slack.responseUrl('outsider')), { secret: SECRET });

    expect(await answered()).toMatch(/Only TrailGuard responders and viewers can read the CloudTrail status/);
    expect(slack.responses[0]!.body.response_type).toBe('ephemeral');
  });

  it('a button the app may add later (e.g. Refresh on the App Home) is refused to an outsider before any listener runs', async () => {
    await postSigned(events(), blockAction('trailguard_refresh', 'home', OUTSIDER, CHANNEL, '1.2', slack.responseUrl('refresh')), {
      secret: SECRET,
    });

    expect(await answered()).toMatch(/Only TrailGuard responders/);
    expect(refusals().some((l) => l.attributes.id === 'trailguard_refresh' && l.attributes.user === OUTSIDER)).toBe(true);
  });

  it('/trail-status answers only in the configured channel: a responder in a direct message is refused', async () => {
    await postSigned(events(), slashCommand('incidents', RESPONDER, 'D0DIRECT001', slack.responseUrl('dm')), { secret: SECRET });
    await postSigned(events(), slashCommand('incidents', RESPONDER, 'C0OTHER0001', slack.responseUrl('other')), { secret: SECRET });
    const text = await answered(2);

    expect(text).toMatch(/answers only in the TrailGuard channel/);
    expect(text).not.toMatch(/unacknowledged incident/);
    expect(
      refusals()
        .filter((l) => l.message.includes('outside the TrailGuard channel'))
        .map((l) => l.attributes.channel),
    ).toEqual(expect.arrayContaining(['D0DIRECT001', 'C0OTHER0001']));
  });
});

describe('replay', () => {
  it('a captured signed request sent again within the 5 minutes is refused and logged', async () => {
    const { alert, ts } = await postedAlert('replayed-ack');
    const timestamp = Math.floor(Date.now() / 1000);
    const click = blockAction(ACTION_ACK, alert.id, RESPONDER, CHANNEL, ts, slack.responseUrl('replay'));

    const first = await postSigned(events(), click, { secret: SECRET, timestamp });
    const updates = () => slack.ok('chat.update').filter((c) => c.args.ts === ts).length;
    for (let i = 0; i < 40 && updates() === 0; i++) await new Promise((r) => setTimeout(r, 50));
    const before = updates();
    const again = await postSigned(events(), click, { secret: SECRET, timestamp });
    await new Promise((r) => setTimeout(r, 200));

    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(before).toBe(1);
    expect(updates()).toBe(1);
    expect(logs.lines.filter((l) => l.message.includes('replay') && l.attributes.id === ACTION_ACK)).toHaveLength(1);
  });

  it('on Lambda, the replay reaching another instance is refused through the shared table', async () => {
    const world = new MotoWorld(inject('motoEndpoint'));
    const dynamo = await world.memberClient(DynamoDBClient, '680000000012', 'us-east-1');
    await dynamo.send(
      new CreateTableCommand({
        TableName: 'trailguard-slack',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    const instance = () =>
      createLambdaHandler(settings, {
        store: new SqliteStore(':memory:'),
        ledger: new DynamoLedger(dynamo, 'trailguard-slack'),
        log: logs,
      });
    const [a, b] = [instance(), instance()];
    const body = new URLSearchParams(slashCommand('incidents', RESPONDER, CHANNEL, slack.responseUrl('lambda-replay'))).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const event = {
      body,
      isBase64Encoded: false,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(SECRET, timestamp, body),
      },
    };

    const first = (await a(event, {})) as { statusCode: number };
    const replay = (await b(event, {})) as { statusCode: number };
    await new Promise((r) => setTimeout(r, 200));

    expect(first.statusCode).toBe(200);
    expect(replay.statusCode).toBe(200);
    expect(slack.responses.filter((r) => r.path.endsWith('lambda-replay'))).toHaveLength(1);
  });
});

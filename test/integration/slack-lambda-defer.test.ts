// On Lambda, Slack's 3-second limit: the real Bolt AwsLambdaReceiver with signed requests and the local Slack stand-in.
// A Re-check or a /trail-status is acknowledged before any slow work, which a second (asynchronous) invocation does.
// Lambda's own asynchronous Invoke is played by a recorder: moto cannot run a function without Docker.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, beforeEach, afterAll, describe, expect, it } from 'vitest';
import { DEFERRED_KEY } from '../../slack-app/defer.js';
import { ACTION_ACK, ACTION_RECHECK } from '../../slack-app/ids.js';
import { createLambdaHandler } from '../../slack-app/lambda.js';
import { loadSettings } from '../../slack-app/server.js';
import { SqliteStore } from '../../slack-app/store/sqlite.js';
import { makeAlert } from '../support/alerts.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { recordingLog } from '../support/recording-log.js';
import { blockAction, slackSignature, slashCommand } from '../support/slack-sign.js';

const CHANNEL = 'C0LAMBDA001';
const RESPONDER = 'URESPONDER1';
const SECRET = 'defer-signing-secret';
const CENTRAL = '680000000020';
const MEMBER = '680000000021';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;

let slack: FakeSlack;
let store: SqliteStore;
let handler: ReturnType<typeof createLambdaHandler>;
const queued: Record<string, unknown>[] = [];

/** A Slack request as a Lambda function URL delivers it, signed now (or with another secret). */
function slackEvent(form: Record<string, string>, secret = SECRET) {
  const body = new URLSearchParams(form).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    version: '2.0',
    body: Buffer.from(body).toString('base64'),
    isBase64Encoded: true,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(secret, timestamp, body),
    },
  };
}

beforeAll(async () => {
  slack = await startFakeSlack();
  const dir = mkdtempSync(join(tmpdir(), 'tg-defer-'));
  writeFileSync(
    join(dir, 'trailguard.yml'),
    `version: 1\ncentral: { account: "${CENTRAL}", region: us-east-1 }\nmembers:\n  accounts:\n    - { id: "${MEMBER}", name: payments-prod }\n  regions: [us-east-1]\nslack: { channel: ${CHANNEL}, responders: [${RESPONDER}] }\n`,
  );
  const settings = loadSettings({
    SLACK_BOT_TOKEN: 'xoxb-defer',
    SLACK_SIGNING_SECRET: SECRET,
    TRAILGUARD_CONFIG: join(dir, 'trailguard.yml'),
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
  });
  store = new SqliteStore(':memory:');
  handler = createLambdaHandler(settings, {
    store,
    log: recordingLog(),
    // A closed local port: the deferred Re-check's reads fail fast and say so on the message.
    aws: { endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'AKIDDEFER', secretAccessKey: 'defer' } },
    invoke: async (payload) => void queued.push(payload),
  });
});

afterAll(async () => slack?.close());

beforeEach(() => {
  queued.length = 0;
  slack.calls.length = 0;
  slack.responses.length = 0;
});

async function postedAlert() {
  const alert = makeAlert({ account: MEMBER });
  await handler({ Records: [{ EventSource: 'aws:sns', Sns: { TopicArn: TOPIC, Message: JSON.stringify(alert) } }] }, {});
  return { alert, ts: (await store.get(alert.id))!.ts! };
}

describe('Slack on Lambda: acknowledge first, slow work after', () => {
  it('/trail-status: 200 before anything is read or answered; the deferred invocation answers through response_url', async () => {
    const res = (await handler(slackEvent(slashCommand('incidents', RESPONDER, CHANNEL, slack.responseUrl('status'))), {})) as {
      statusCode: number;
    };

    expect(res.statusCode).toBe(200);
    expect(slack.responses).toEqual([]);
    expect(queued).toHaveLength(1);

    await handler(queued[0]!, {});

    expect(JSON.stringify(slack.responses)).toMatch(/unacknowledged incident/);
  });

  it('Re-check: 200 before the message changes; the deferred invocation updates the message', async () => {
    const { alert, ts } = await postedAlert();
    slack.calls.length = 0;

    const res = (await handler(slackEvent(blockAction(ACTION_RECHECK, alert.id, RESPONDER, CHANNEL, ts, slack.responseUrl('re'))), {})) as {
      statusCode: number;
    };

    expect(res.statusCode).toBe(200);
    expect(slack.ok('chat.update')).toEqual([]);
    expect((await store.get(alert.id))!.statusLine).toBeNull();
    expect(queued).toHaveLength(1);

    await handler(queued[0]!, {});

    expect((await store.get(alert.id))!.statusLine).toMatch(/Re-check by <@URESPONDER1>/);
    expect(slack.ok('chat.update').some((c) => c.args.ts === ts)).toBe(true);
  });

  it('a badly signed slow request is refused (401) and costs no second invocation', async () => {
    const res = (await handler(slackEvent(slashCommand('', RESPONDER, CHANNEL, slack.responseUrl('forged')), 'other-secret'), {})) as {
      statusCode: number;
    };

    expect(res.statusCode).toBe(401);
    expect(queued).toEqual([]);
  });

  it('Acknowledge stays inline: recorded by the time Slack gets its 200', async () => {
    const { alert, ts } = await postedAlert();

    const res = (await handler(slackEvent(blockAction(ACTION_ACK, alert.id, RESPONDER, CHANNEL, ts, slack.responseUrl('ack'))), {})) as {
      statusCode: number;
    };

    expect(res.statusCode).toBe(200);
    expect(queued).toEqual([]);
    expect((await store.get(alert.id))!.acknowledgedBy).toBe(RESPONDER);
  });

  it('the deferred request is the signed one: a replay of it is refused by the guard', async () => {
    await handler(slackEvent(slashCommand('incidents', RESPONDER, CHANNEL, slack.responseUrl('twice'))), {});
    const deferred = queued[0]!;

    await handler(deferred, {});
    await handler(deferred, {});

    expect(deferred[DEFERRED_KEY]).toBeDefined();
    expect(slack.responses.filter((r) => r.path.endsWith('twice'))).toHaveLength(1);
  });
});

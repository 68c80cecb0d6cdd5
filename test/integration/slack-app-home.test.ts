// App Home: the organization at a glance, published when a user opens the app's Home tab (real Bolt app over HTTP, a
// signed Events API request, the local Slack stand-in; the shared state table `trailguard-state` in moto).
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { AwsCredentialIdentity } from '@smithy/types';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Alert } from '#core/alert.js';
import type { TrailStatusRow } from '#core/status.js';
import { ACTION_ACK } from '../../slack-app/ids.js';
import { loadSettings, startSlackApp, type SlackAppHandle } from '../../slack-app/server.js';
import { makeAlert } from '../support/alerts.js';
import { MotoWorld } from '../support/aws.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { recordingLog } from '../support/recording-log.js';
import { blockAction, postSigned, slackSignature } from '../support/slack-sign.js';
import { notification, TEST_CERT_PATH } from '../support/sns-sign.js';

const CENTRAL = '690000000300';
const MEMBERS = ['690000000301', '690000000302'];
const REGIONS = ['us-east-1', 'eu-west-1'];
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
const CHANNEL = 'C0APPHOME01';
const SECRET = 'home-secret';
const RESPONDER = 'URESPONDHM1';

let slack: FakeSlack;
let app: SlackAppHandle;
let world: MotoWorld;
let central: AwsCredentialIdentity;
const logs = recordingLog();

const deliver = (alert: Alert) => fetch(`${app.url}/sns`, { method: 'POST', body: JSON.stringify(notification(TOPIC, alert)) });

/** What Slack sends when a user opens a tab of the app (Events API, JSON, signed like every request). */
async function openTab(user: string, tab: 'home' | 'messages'): Promise<number> {
  const body = JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'TTEAM00001',
    api_app_id: 'ATRAILGUARD',
    type: 'event_callback',
    event_id: `Ev${crypto.randomUUID().replace(/-/g, '').slice(0, 10)}`,
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_home_opened', user, channel: 'D0HOMEDM001', tab, event_ts: String(Date.now() / 1000) },
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const res = await fetch(`${app.url}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': slackSignature(SECRET, timestamp, body),
    },
    body,
  });
  return res.status;
}

async function published(user: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const call = slack.ok('views.publish').find((c) => c.args.user_id === user);
    if (call) {
      const view = call.args.view as { type: string; blocks: unknown[] };
      expect(view.type).toBe('home');
      return JSON.stringify(view.blocks);
    }
    if (Date.now() > deadline) throw new Error('no views.publish');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const row = (account: string, region: string, trail: string, isLogging: boolean): TrailStatusRow => ({
  account,
  name: account,
  region,
  trail,
  arn: `arn:aws:cloudtrail:${region}:${account}:trail/${trail}`,
  multiRegion: false,
  isLogging,
  latestDeliveryTime: new Date().toISOString(),
  latestDeliveryError: null,
  error: null,
  uncovered: null,
});

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  central = await world.credentialsFor(CENTRAL);
  slack = await startFakeSlack();
  const dir = mkdtempSync(join(tmpdir(), 'tg-home-'));
  writeFileSync(
    join(dir, 'trailguard.yml'),
    `version: 1\ncentral: { account: "${CENTRAL}", region: us-east-1 }\nmembers:\n  accounts:\n${MEMBERS.map((id, i) => `    - { id: "${id}", name: home-${i} }`).join('\n')}\n  regions: [${REGIONS.join(', ')}]\nslack: { channel: ${CHANNEL}, responders: [${RESPONDER}] }\n`,
  );
  app = await startSlackApp(
    loadSettings({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SECRET,
      TRAILGUARD_CONFIG: join(dir, 'trailguard.yml'),
      TRAILGUARD_DB: join(dir, 'home.db'),
      SLACK_API_URL: slack.apiUrl,
      TRAILGUARD_SNS_TRUSTED_CERT: TEST_CERT_PATH,
      PORT: '0',
    }),
    { log: logs, aws: { endpoint: inject('motoEndpoint'), credentials: central }, poster: { batchDelayMs: 20 } },
  );
});

afterAll(async () => {
  await app?.stop();
  await slack?.close();
});

beforeEach(() => {
  slack.calls.length = 0;
});

describe('App Home', () => {
  it('before any sweep: coverage from the config, "no sweep yet", open and acknowledged incidents with their age', async () => {
    const open = makeAlert({
      account: MEMBERS[0]!,
      trail: { name: 'home-open', arn: `arn:aws:cloudtrail:us-east-1:${MEMBERS[0]}:trail/home-open` },
    });
    const acked = makeAlert({
      account: MEMBERS[1]!,
      trail: { name: 'home-acked', arn: `arn:aws:cloudtrail:us-east-1:${MEMBERS[1]}:trail/home-acked` },
    });
    for (const alert of [open, acked]) await deliver(alert);
    await app.services.poster.drain();
    const ts = (await app.services.store.get(acked.id))!.ts!;
    await postSigned(`${app.url}/slack/events`, blockAction(ACTION_ACK, acked.id, RESPONDER, CHANNEL, ts, slack.responseUrl('h')), {
      secret: SECRET,
    });
    for (let i = 0; i < 100 && !(await app.services.store.get(acked.id))!.acknowledgedBy; i++) await new Promise((r) => setTimeout(r, 25));

    expect(await openTab(RESPONDER, 'home')).toBe(200);
    const home = await published(RESPONDER);

    expect(home).toContain('2 accounts');
    expect(home).toContain('2 regions');
    expect(home).toMatch(/[Nn]o sweep yet/);
    expect(home).toContain('home-open');
    expect(home).toContain('home-acked');
    expect(home).toContain(`acknowledged by <@${RESPONDER}>`);
    expect(home).toMatch(/open for \d+s/);
  });

  it("after a sweep: trails logging, the problems, the last sweep and each region's last canary, from trailguard-state", async () => {
    const dynamo = world.client(DynamoDBClient, 'us-east-1', central);
    await dynamo.send(
      new CreateTableCommand({
        TableName: 'trailguard-state',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    );
    const put = (item: Record<string, string | number>) =>
      dynamo.send(
        new PutItemCommand({
          TableName: 'trailguard-state',
          Item: Object.fromEntries(Object.entries(item).map(([k, v]) => [k, typeof v === 'number' ? { N: String(v) } : { S: v }])),
        }),
      );
    const finished = new Date(Date.now() - 120_000).toISOString();
    await put({
      pk: 'sweep',
      sk: 'latest',
      sweepId: 'sweep-42',
      startedAt: new Date(Date.now() - 180_000).toISOString(),
      finishedAt: finished,
      accounts: 2,
      findings: 1,
    });
    for (const account of MEMBERS)
      for (const region of REGIONS) {
        const stopped = account === MEMBERS[1] && region === 'eu-west-1';
        await put({
          pk: 'status',
          sk: `${account}#${region}`,
          sweepId: 'sweep-42',
          checkedAt: finished,
          rows: JSON.stringify([row(account, region, stopped ? 'stopped-trail' : 'org-audit', !stopped)]),
        });
        await put({
          pk: 'canary',
          sk: `${account}#${region}`,
          lastSeenAt: new Date(Date.now() - (region === 'eu-west-1' ? 7_200_000 : 60_000)).toISOString(),
          eventId: crypto.randomUUID(),
        });
      }

    expect(await openTab(RESPONDER, 'home')).toBe(200);
    const home = await published(RESPONDER);

    expect(home).not.toMatch(/[Nn]o sweep yet/);
    expect(home).toContain('3 of 4 trails logging');
    expect(home).toContain('stopped-trail');
    expect(home).toContain('NOT LOGGING');
    expect(home).toContain('sweep-42');
    expect(home).toContain('1 finding');
    expect(home).toContain('us-east-1');
    expect(home).toMatch(/eu-west-1[^"]*last canary/);
  });

  it('a user who is not a responder sees no organization data on the Home tab', async () => {
    expect(await openTab('UOUTSIDEHM1', 'home')).toBe(200);
    const home = await published('UOUTSIDEHM1');

    expect(home).toContain('Only TrailGuard responders');
    expect(home).not.toContain('home-open');
    expect(home).not.toContain('NOT LOGGING');
  });

  it('opening the Messages tab publishes nothing', async () => {
    expect(await openTab(RESPONDER, 'messages')).toBe(200);
    await new Promise((r) => setTimeout(r, 300));

    expect(slack.ok('views.publish')).toHaveLength(0);
  });
});

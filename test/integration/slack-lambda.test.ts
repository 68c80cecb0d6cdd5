// The Slack app's Lambda handler: SNS records post through the DynamoDB store (moto); Slack requests still need a valid signature.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLambdaHandler } from '../../slack-app/lambda.js';
import { loadSettings } from '../../slack-app/server.js';
import { DynamoStore, ensureTable } from '../../slack-app/store/dynamodb.js';
import { createClient } from '#core/aws/clients.js';
import { makeAlert } from '../support/alerts.js';
import { CENTRAL_CREDENTIALS } from '../support/aws.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { recordingLog } from '../support/recording-log.js';
import { slackSignature } from '../support/slack-sign.js';

const TOPIC = 'arn:aws:sns:us-east-1:290000000000:trailguard-alerts';
let slack: FakeSlack;
let handler: ReturnType<typeof createLambdaHandler>;
let store: DynamoStore;

beforeAll(async () => {
  slack = await startFakeSlack();
  const dir = mkdtempSync(join(tmpdir(), 'tg-lambda-'));
  writeFileSync(
    join(dir, 'trailguard.yml'),
    'version: 1\ncentral: { account: "290000000000", region: us-east-1 }\nmembers: { accounts: [ { id: "290000000001" } ] }\nslack: { channel: C0LAMBDA01 }\n',
  );
  const client = createClient(DynamoDBClient, { region: 'us-east-1', endpoint: inject('motoEndpoint'), credentials: CENTRAL_CREDENTIALS });
  await ensureTable(client, 'trailguard-slack-lambda-it');
  store = new DynamoStore(client, 'trailguard-slack-lambda-it');
  const settings = loadSettings({
    SLACK_BOT_TOKEN: 'xoxb-lambda',
    SLACK_SIGNING_SECRET: 'lambda-secret',
    TRAILGUARD_CONFIG: join(dir, 'trailguard.yml'),
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
  });
  handler = createLambdaHandler(settings, {
    store,
    log: recordingLog(),
    aws: { endpoint: inject('motoEndpoint'), credentials: CENTRAL_CREDENTIALS },
  });
});

afterAll(async () => slack?.close());

describe('Slack app on Lambda', () => {
  it('posts an alert from an SNS record once, even when the record is delivered twice', async () => {
    const alert = makeAlert({ account: '290000000001' });
    const event = { Records: [{ EventSource: 'aws:sns', Sns: { TopicArn: TOPIC, Message: JSON.stringify(alert) } }] };

    await handler(event, {});
    await handler(event, {});

    expect(slack.ok('chat.postMessage')).toHaveLength(1);
    expect(slack.ok('chat.postMessage')[0]!.args.channel).toBe('C0LAMBDA01');
    expect((await store.get(alert.id))?.state).toBe('posted');
  });

  it('refuses an SNS record whose alert names an account that is not a member: not stored, said as a notice without buttons', async () => {
    const alert = makeAlert({ account: '460000000097' });
    const posts = slack.ok('chat.postMessage').length;

    await handler({ Records: [{ EventSource: 'aws:sns', Sns: { TopicArn: TOPIC, Message: JSON.stringify(alert) } }] }, {});

    expect(await store.get(alert.id)).toBeNull();
    const added = slack.ok('chat.postMessage').slice(posts);
    expect(added).toHaveLength(1);
    expect(JSON.stringify(added[0]!.args)).toContain('460000000097');
    expect(JSON.stringify(added[0]!.args)).not.toContain('"actions"');
  });

  // Only SNS (through the function's resource policy) sends aws:sns records: one from another topic is a misconfiguration
  // (TRAILGUARD_TOPIC_ARN, a second subscription) that would drop every alert unseen. The invocation fails (Errors
  // metric, SNS retries, the DLQ) after the records of the configured topic in the same event were taken.
  it('fails the invocation on an SNS record from another topic, naming TRAILGUARD_TOPIC_ARN; records of its own topic are kept', async () => {
    const stray = makeAlert();
    const own = makeAlert({ account: '290000000001' });
    const out = handler(
      {
        Records: [
          { EventSource: 'aws:sns', Sns: { TopicArn: 'arn:aws:sns:us-east-1:999999999999:other', Message: JSON.stringify(stray) } },
          { EventSource: 'aws:sns', Sns: { TopicArn: TOPIC, Message: JSON.stringify(own) } },
        ],
      },
      {},
    );

    await expect(out).rejects.toThrow(/arn:aws:sns:us-east-1:999999999999:other.*TRAILGUARD_TOPIC_ARN/);
    expect(await store.get(stray.id)).toBeNull();
    expect((await store.get(own.id))?.state).toBe('posted');
  });

  it('answers a badly signed Slack request with 401 and a signed one with 200', async () => {
    const body = new URLSearchParams({
      command: '/trail-status',
      text: 'incidents',
      user_id: 'U0LAMBDA01',
      channel_id: 'C0LAMBDA01',
      response_url: slack.responseUrl('l1'),
      team_id: 'T1',
      trigger_id: '1',
    }).toString();
    const ts = Math.floor(Date.now() / 1000);
    const request = (signature: string) => ({
      body,
      isBase64Encoded: false,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': signature,
      },
    });

    const bad = (await handler(request('v0=deadbeef'), {})) as { statusCode: number };
    const good = (await handler(request(slackSignature('lambda-secret', ts, body)), {})) as { statusCode: number };

    expect(bad.statusCode).toBe(401);
    expect(good.statusCode).toBe(200);
  });
});

// A CloudWatch alarm notification on trailguard-alerts (the watchdog alarms apply deploys outside the remediator) is a
// message the channel can act on, not an "unreadable alert": real Bolt receiver, signed SNS, the local Slack stand-in,
// and the Lambda handler's SNS path. Accounts 8400000000xx only.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLambdaHandler } from '../../slack-app/lambda.js';
import { loadSettings, type SlackAppHandle, type SlackAppSettings, startSlackApp } from '../../slack-app/server.js';
import { SqliteStore } from '../../slack-app/store/sqlite.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';
import { recordingLog } from '../support/recording-log.js';
import { notification, TEST_CERT_PATH } from '../support/sns-sign.js';

const CHANNEL = 'C0SECURITY1';
const CENTRAL = '840000000090';
const MEMBER = '840000000091';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;

let slack: FakeSlack;
const logs = recordingLog();
const running: SlackAppHandle[] = [];

function settingsFor(): SlackAppSettings {
  const dir = mkdtempSync(join(tmpdir(), 'tg-alarm-'));
  writeFileSync(
    join(dir, 'trailguard.yml'),
    `version: 1\ncentral: { account: "${CENTRAL}", region: us-east-1 }\nmembers:\n  accounts:\n    - { id: "${MEMBER}" }\n  regions: [us-east-1]\nslack: { channel: ${CHANNEL} }\n`,
  );
  const settings = loadSettings({
    SLACK_BOT_TOKEN: 'xoxb-alarm-token',
    SLACK_SIGNING_SECRET: 'alarm-secret',
    TRAILGUARD_CONFIG: join(dir, 'trailguard.yml'),
    TRAILGUARD_DB: join(dir, 'trailguard.db'),
    SLACK_API_URL: slack.apiUrl,
    TRAILGUARD_SNS_TRUSTED_CERT: TEST_CERT_PATH,
    PORT: '0',
  });
  return settings;
}

async function start(batchDelayMs = 20): Promise<SlackAppHandle> {
  const settings = settingsFor();
  const app = await startSlackApp(settings, {
    log: logs,
    poster: { batchDelayMs, maxBackoffMs: 200 },
    confirmSubscription: async () => {},
  });
  running.push(app);
  return app;
}

/** What CloudWatch publishes to an SNS alarm action (CloudWatch User Guide, "Alarm actions": the JSON message). */
function alarmNotification(overrides: Record<string, unknown> = {}) {
  return {
    AlarmName: 'trailguard-dlq-messages',
    AlarmDescription: 'TrailGuard: tamper records are piling up in trailguard-dlq',
    AWSAccountId: CENTRAL,
    AlarmConfigurationUpdatedTimestamp: '2026-11-29T18:00:00.000+0000',
    NewStateValue: 'ALARM',
    NewStateReason:
      'Threshold Crossed: 1 out of the last 1 datapoints [3.0 (29/11/26 18:55:00)] was greater than the threshold (0.0) (minimum 1 datapoint for OK -> ALARM transition).',
    StateChangeTime: '2026-11-29T19:00:12.345+0000',
    Region: 'US East (N. Virginia)',
    AlarmArn: `arn:aws:cloudwatch:us-east-1:${CENTRAL}:alarm:trailguard-dlq-messages`,
    OldStateValue: 'OK',
    OKActions: [TOPIC],
    AlarmActions: [TOPIC],
    InsufficientDataActions: [],
    Trigger: {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      StatisticType: 'Statistic',
      Statistic: 'MAXIMUM',
      Unit: null,
      Dimensions: [{ value: 'trailguard-dlq', name: 'QueueName' }],
      Period: 300,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0.0,
      TreatMissingData: 'missing',
      EvaluateLowSampleCountPercentile: '',
    },
    ...overrides,
  };
}

const postSns = (app: SlackAppHandle, body: unknown) =>
  fetch(`${app.url}/sns`, { method: 'POST', headers: { 'content-type': 'text/plain; charset=UTF-8' }, body: JSON.stringify(body) });
const topLevel = () => slack.ok('chat.postMessage').filter((c) => !c.args.thread_ts);

beforeAll(async () => {
  slack = await startFakeSlack();
});

afterAll(async () => {
  for (const app of running) await app.stop();
  await slack?.close();
});

beforeEach(() => {
  slack.calls.length = 0;
  slack.script.clear();
  slack.down = null;
});

describe('a CloudWatch alarm notification from the topic', () => {
  it('is shown as the alarm it is: its name, its new state and why, with what to do, and not as unreadable', async () => {
    const app = await start();
    const message = notification(TOPIC, alarmNotification(), new Date());

    const first = await postSns(app, message);
    const again = await postSns(app, message);
    await app.services.poster.drain();

    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(topLevel()).toHaveLength(1);
    const shown = JSON.stringify(topLevel()[0]!.args);
    expect(shown).not.toMatch(/nreadable/);
    expect(shown).toContain('trailguard-dlq-messages');
    expect(shown).toMatch(/ALARM/);
    expect(shown).toMatch(/Threshold Crossed/);
    // The advice for this alarm: the records are in the queue, and the remediator is what to look at.
    expect(shown).toMatch(/trailguard-dlq/);
    expect(shown).toMatch(/trailguard-remediator/);
  });

  it('back to OK is said as a recovery', async () => {
    const app = await start();

    await postSns(
      app,
      notification(
        TOPIC,
        alarmNotification({ NewStateValue: 'OK', OldStateValue: 'ALARM', NewStateReason: 'Threshold no longer crossed' }),
      ),
    );
    await app.services.poster.drain();

    expect(topLevel()).toHaveLength(1);
    const shown = JSON.stringify(topLevel()[0]!.args);
    expect(shown).toMatch(/OK/);
    expect(shown).toMatch(/back to normal|recovered/i);
    expect(shown).not.toMatch(/nreadable/);
  });

  it('whatever the publisher put in the name, description or reason is escaped: no mention, no link', async () => {
    const app = await start();
    const hostile = alarmNotification({
      AlarmName: 'evil <!channel> <https://evil.example|click>',
      AlarmDescription: '<!here> *bold* & more',
      NewStateReason: 'see <https://evil.example|restore> <@U123>',
    });

    await postSns(app, notification(TOPIC, hostile));
    await app.services.poster.drain();

    expect(topLevel()).toHaveLength(1);
    const shown = JSON.stringify(topLevel()[0]!.args);
    expect(shown).toContain('&lt;!channel&gt;');
    expect(shown).not.toContain('<!channel>');
    expect(shown).not.toContain('<!here>');
    expect(shown).not.toContain('<https://evil');
    expect(shown).not.toContain('<@U123>');
  });

  it('a message that only looks like an alarm (no state) is still shown as unreadable, naming the field', async () => {
    const app = await start();
    const { NewStateValue: _s, ...noState } = alarmNotification();

    await postSns(app, notification(TOPIC, noState));
    await app.services.poster.drain();

    expect(topLevel()).toHaveLength(1);
    expect(JSON.stringify(topLevel()[0]!.args)).toMatch(/Unreadable TrailGuard alert/);
  });

  // Whoever may publish to the topic can send the alarm shape as easily as junk: a flood of it must not bury the channel
  // under one message each (as a flood of unreadable messages is one digest).
  it('a flood of alarm notifications is one digest naming how many and the alarms, escaped', async () => {
    const app = await start(5_000);

    for (let i = 0; i < 25; i++)
      expect((await postSns(app, notification(TOPIC, alarmNotification({ AlarmName: `flood-${i} <!channel>` })))).status).toBe(200);
    await app.services.poster.drain();

    expect(topLevel()).toHaveLength(1);
    const digest = JSON.stringify(topLevel()[0]!.args);
    expect(digest).toMatch(/25 CloudWatch alarm notifications/);
    expect(digest).toContain('flood-0');
    expect(digest).not.toContain('<!channel>');
  });
});

describe('on Lambda (the topic invokes the deployed function)', () => {
  it('an alarm notification record is posted as the alarm, not as unreadable', async () => {
    const handler = createLambdaHandler(settingsFor(), { store: new SqliteStore(':memory:'), log: recordingLog() });
    const record = {
      Records: [
        {
          EventSource: 'aws:sns',
          Sns: {
            TopicArn: TOPIC,
            MessageId: crypto.randomUUID(),
            Message: JSON.stringify(alarmNotification({ AlarmName: 'trailguard-remediator-throttles' })),
          },
        },
      ],
    };

    await handler(record, {});

    expect(topLevel()).toHaveLength(1);
    const shown = JSON.stringify(topLevel()[0]!.args);
    expect(shown).toContain('trailguard-remediator-throttles');
    expect(shown).toMatch(/ALARM/);
    expect(shown).toMatch(/reserved concurrency/);
    expect(shown).not.toMatch(/nreadable/);
  });
});

// Slack app benchmark: a 1,000-alert burst through /sns, Acknowledge latency, and /trail-status across 200 accounts x 3 regions.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, startSlackApp } from '../slack-app/server.js';
import { ACTION_ACK } from '../slack-app/ids.js';
import { makeAlert } from '../test/support/alerts.js';
import { startAwsProxy } from '../test/support/aws-proxy.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../test/support/aws.js';
import { startFakeSlack } from '../test/support/fake-slack.js';
import { blockAction, postSigned, slashCommand } from '../test/support/slack-sign.js';
import { notification, TEST_CERT_PATH } from '../test/support/sns-sign.js';
import { ms, percentile, ratio, timed } from './stats.js';

const SECRET = 'bench-signing-secret';
const CENTRAL = '310000000000';
const TOPIC = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function benchSlack(motoEndpoint: string, accountCount = Number(process.env.BENCH_ACCOUNTS ?? 200)): Promise<string[]> {
  const out: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'tg-bench-slack-'));
  const members = Array.from({ length: accountCount }, (_, i) => String(310000000001 + i));
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
  writeFileSync(
    join(dir, 'trailguard.yml'),
    `version: 1\ncentral: { account: "${CENTRAL}", region: us-east-1 }\nmembers:\n  accounts:\n${members.map((id) => `    - { id: "${id}" }`).join('\n')}\n  regions: [${regions.join(', ')}]\nslack: { channel: C0BENCH001 }\n`,
  );
  const world = new MotoWorld(motoEndpoint);
  for (const m of members) await world.createLoggingTrail(m, 'us-east-1', 'org-audit', `bench-slack-${m}`, true);
  const slack = await startFakeSlack();
  const proxy = await startAwsProxy({ target: motoEndpoint });
  const settings = loadSettings({
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    TRAILGUARD_CONFIG: join(dir, 'trailguard.yml'),
    TRAILGUARD_DB: join(dir, 'bench.db'),
    SLACK_API_URL: slack.apiUrl,
    TRAILGUARD_SNS_TRUSTED_CERT: TEST_CERT_PATH,
    PORT: '0',
  });
  const app = await startSlackApp(settings, { log: quiet, aws: { endpoint: proxy.endpoint, credentials: CENTRAL_CREDENTIALS } });
  try {
    // 1. A burst: 1,000 alerts over 100 member accounts (the app refuses others), 10% of them delivered twice, 50 requests in flight.
    const alerts = Array.from({ length: 1000 }, (_, i) => makeAlert({ account: members[i % Math.min(100, members.length)]! }));
    const deliveries = [...alerts, ...alerts.filter((_, i) => i % 10 === 0)].map((a) => JSON.stringify(notification(TOPIC, a)));
    const statuses = new Map<number, number>();
    const [drainMs] = await timed(async () => {
      await pool(deliveries, 50, async (body) => {
        const res = await fetch(`${app.url}/sns`, { method: 'POST', body });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        await res.arrayBuffer();
      });
      for (;;) {
        const pending = await app.services.store.due(new Date(Date.now() + 3600_000), 1);
        if (pending.length === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    const stored = await app.services.store.countReceivedSince(new Date(0));
    const family = (await app.services.store.openIncidents(10_000)).filter((i) => i.digest);
    const folded = family.length ? (await app.services.store.family(family[0]!.id)).length : 0;
    const slackCalls = slack.calls.filter((c) => c.method.startsWith('chat.'));
    out.push(
      `Burst: ${deliveries.length} SNS deliveries (${alerts.length} alerts, ${deliveries.length - alerts.length} redeliveries), 50 in flight; HTTP ${[...statuses].map(([s, n]) => `${s} x${n}`).join(', ')}`,
      `Stored: ${stored} (exactly once each: ${stored === alerts.length ? 'yes' : 'NO'}); digests: ${family.length}, folding ${folded} alerts`,
      `Slack calls: ${slackCalls.length} (${slack.ok('chat.postMessage').filter((c) => !c.args.thread_ts).length} top-level posts, ${slack.ok('chat.postMessage').filter((c) => c.args.thread_ts).length} thread replies, ${slack.ok('chat.update').length} updates) instead of ${alerts.length} posts`,
      `Time from the first delivery to nothing pending: ${(drainMs / 1000).toFixed(2)} s (includes the poster's 0.5 s burst wait)`,
    );

    // 2. Acknowledge latency: signature check + store write + Bolt's ack, over HTTP; 300 clicks on digest members.
    const ids = alerts.slice(0, 300).map((a) => a.id);
    for (const id of ids.slice(0, 20))
      await postSigned(`${app.url}/slack/events`, blockAction(ACTION_ACK, id, 'UBENCHUSR1', 'C0BENCH001', '1.1', slack.responseUrl('w')), {
        secret: SECRET,
      });
    const acks: number[] = [];
    for (const id of ids) {
      const [t, res] = await timed(() =>
        postSigned(`${app.url}/slack/events`, blockAction(ACTION_ACK, id, 'UBENCHUSR1', 'C0BENCH001', '1.1', slack.responseUrl('a')), {
          secret: SECRET,
        }),
      );
      if (res.status !== 200) throw new Error(`ack answered ${res.status}`);
      acks.push(t);
    }
    out.push(
      '',
      `Acknowledge over HTTP (${ids.length} signed clicks, sequential): p50 ${ms(percentile(acks, 50))}, p99 ${ms(percentile(acks, 99))}, max ${ms(Math.max(...acks))} (goal p99 < 100 ms)`,
    );

    // 3. /trail-status for every member and region through a proxy adding 50 ms per AWS call.
    proxy.options.latencyMs = 50;
    const runStatus = async (label: string) => {
      const from = proxy.calls.length;
      const before = slack.responses.length;
      const [t] = await timed(async () => {
        const res = await postSigned(`${app.url}/slack/events`, slashCommand('', 'UBENCHUSR1', 'C0BENCH001', slack.responseUrl(label)), {
          secret: SECRET,
        });
        if (res.status !== 200) throw new Error(`/trail-status answered ${res.status}`);
        while (slack.responses.length === before) await new Promise((r) => setTimeout(r, 5));
      });
      return { t, calls: proxy.calls.length - from };
    };
    const first = await runStatus('status-1');
    const second = await runStatus('status-2');
    const bound = (second.calls * 50) / 16;
    out.push(
      '',
      `/trail-status over ${members.length} accounts x ${regions.length} regions, 50 ms per AWS call, concurrency 16:`,
      `  cold credentials: ${(first.t / 1000).toFixed(2)} s, ${first.calls} calls; warm: ${(second.t / 1000).toFixed(2)} s, ${second.calls} calls`,
      `  lower bound (warm calls x 50 ms / 16): ${(bound / 1000).toFixed(2)} s; ratio ${ratio(second.t, bound)}; cold ratio ${ratio(first.t, (first.calls * 50) / 16)}`,
    );
  } finally {
    await app.stop();
    await slack.close();
    await proxy.close();
  }
  return out;
}

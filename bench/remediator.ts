// Remediator benchmark: critical-path AWS call counts, handler latency against the bare SDK sequence, bundle init time.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { CloudTrailClient, GetTrailStatusCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { createDefaultDeps, createHandler, type Log, type RemediationResult } from '../lambda/remediator.js';
import { createClient } from '#core/aws/clients.js';
import { startAwsProxy } from '../test/support/aws-proxy.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../test/support/aws.js';
import { loadFixture, retarget } from '../test/support/fixtures.js';
import { ms, percentile, ratio, timed } from './stats.js';

const REGION = 'eu-west-1';
const TRAIL = 'org-audit';
/** Formats each log line as Lambda would print it, then drops it: the cost stays, the noise goes. */
const quietLog: Log = {
  info: (m, a) => void JSON.stringify({ m, ...a }),
  warn: (m, a) => void JSON.stringify({ m, ...a }),
  error: (m, a) => void JSON.stringify({ m, ...a }),
};

const account = (i: number) => `3${String(i).padStart(11, '0')}`;

function stopEvent(acct: string) {
  return retarget(loadFixture('stop-logging'), { account: acct, region: REGION, trail: TRAIL, eventId: crypto.randomUUID() });
}

function handlerFor(endpoint: string, topicArn: string) {
  const deps = createDefaultDeps({
    env: { AWS_REGION: 'us-east-1', TRAILGUARD_TOPIC_ARN: topicArn },
    log: quietLog,
    clientOptions: { endpoint, credentials: CENTRAL_CREDENTIALS },
  });
  const handler = createHandler(() => deps);
  return async (event: unknown) => {
    const result = (await handler(event)) as RemediationResult;
    if (result.outcome !== 'restarted') throw new Error(`benchmark event was ${result.outcome}: ${result.error ?? result.reason}`);
  };
}

export async function benchRemediator(motoEndpoint: string, events = 200): Promise<string[]> {
  const world = new MotoWorld(motoEndpoint);
  const { topicArn } = await world.topicWithQueue('us-east-1', 'trailguard-alerts-bench');
  const accounts = Array.from({ length: events + 1 }, (_, i) => account(i));
  for (const acct of accounts) await world.createLoggingTrail(acct, REGION, TRAIL, `bench-trail-logs-${acct}`);
  const out: string[] = [];

  // 1. Critical-path call counts, read off the wire by the recording proxy.
  const proxy = await startAwsProxy({ target: motoEndpoint });
  try {
    const handle = handlerFor(proxy.endpoint, topicArn);
    const sequence = async () => {
      const from = proxy.calls.length;
      await handle(stopEvent(accounts[0]!));
      const ops = proxy.calls.slice(from).map((c) => c.operation);
      const critical = ops.slice(0, ops.indexOf('GetTrailStatus') + 1);
      return { ops, critical };
    };
    const cold = await sequence();
    const warm = await sequence();
    out.push(
      `AWS calls until logging is verified back on: cold ${cold.critical.length} (${cold.critical.join(' -> ')}), warm ${warm.critical.length} (${warm.critical.join(' -> ')})`,
      `Calls per event including the alert: cold ${cold.ops.length}, warm ${warm.ops.length}`,
    );
  } finally {
    await proxy.close();
  }

  // 2. Latency, straight to moto. Bare = the four SDK calls a minimal script makes, clients reused where it can.
  const sts = createClient(STSClient, { region: 'us-east-1', endpoint: motoEndpoint, credentials: CENTRAL_CREDENTIALS });
  const sns = createClient(SNSClient, { region: 'us-east-1', endpoint: motoEndpoint, credentials: CENTRAL_CREDENTIALS });
  const bare = async (acct: string) => {
    const { Credentials: c } = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${acct}:role/TrailGuardRemediator`, RoleSessionName: 'bare' }),
    );
    const trails = createClient(CloudTrailClient, {
      region: REGION,
      endpoint: motoEndpoint,
      credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! },
    });
    const arn = `arn:aws:cloudtrail:${REGION}:${acct}:trail/${TRAIL}`;
    await trails.send(new StartLoggingCommand({ Name: arn }));
    await trails.send(new GetTrailStatusCommand({ Name: arn }));
    await sns.send(new PublishCommand({ TopicArn: topicArn, Message: JSON.stringify(stopEvent(acct)) }));
  };
  const coldHandler = handlerFor(motoEndpoint, topicArn); // a new account per event: AssumeRole every time, like bare
  const warmHandler = handlerFor(motoEndpoint, topicArn); // one account: the steady state of a warm Lambda
  for (let i = 1; i <= 10; i += 1) {
    await bare(accounts[i]!);
    await coldHandler(stopEvent(accounts[i]!));
    await warmHandler(stopEvent(accounts[0]!));
  }
  const samples = { bare: [] as number[], cold: [] as number[], warm: [] as number[] };
  for (let i = 1; i <= events; i += 1) {
    const acct = accounts[i]!;
    // Alternate the order (ABBA) so that drift on a noisy machine hits both sides alike.
    const order = i % 2 === 0 ? (['bare', 'cold', 'warm'] as const) : (['warm', 'cold', 'bare'] as const);
    for (const which of order) {
      const [t] = await timed(() =>
        which === 'bare' ? bare(acct) : which === 'cold' ? coldHandler(stopEvent(acct)) : warmHandler(stopEvent(accounts[0]!)),
      );
      samples[which].push(t);
    }
  }
  const row = (name: string, s: number[]) =>
    `| ${name} | ${ms(percentile(s, 50))} | ${ms(percentile(s, 99))} | ${ratio(percentile(s, 50), percentile(samples.bare, 50))} | ${ratio(percentile(s, 99), percentile(samples.bare, 99))} |`;
  out.push(
    '',
    `Latency over ${events} StopLogging events each, against moto, interleaved:`,
    '',
    '| path | p50 | p99 | p50 / bare | p99 / bare |',
    '| --- | --- | --- | --- | --- |',
    row('bare SDK: AssumeRole + StartLogging + GetTrailStatus + Publish', samples.bare),
    row('handler, cold credentials (same four calls)', samples.cold),
    row('handler, warm credentials (no AssumeRole)', samples.warm),
  );

  // 3. Bundle size and module initialisation (import to ready) in fresh processes.
  const bundle = 'dist/remediator/index.js';
  const inits = Array.from({ length: 15 }, () =>
    Number(
      execFileSync(
        process.execPath,
        [
          '--no-warnings',
          '--input-type=module',
          '-e',
          `const t=performance.now(); const m=await import('./${bundle}'); if (typeof m.handler!=='function') process.exit(1); process.stdout.write(String(performance.now()-t));`,
        ],
        {
          encoding: 'utf8',
        },
      ),
    ),
  );
  out.push(
    '',
    `Bundle ${bundle}: ${(statSync(bundle).size / 1024).toFixed(0)} KiB; init (import to ready) over 15 fresh processes: median ${ms(percentile(inits, 50))}, max ${ms(Math.max(...inits))}`,
  );
  return out;
}

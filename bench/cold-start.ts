// Remediator cold start under Lambda's CPU share: process start -> StartLogging for two bundles, interleaved.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAwsProxy } from '../test/support/aws-proxy.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../test/support/aws.js';
import { loadFixture, retarget } from '../test/support/fixtures.js';
import { percentile } from './stats.js';

/** Lambda gives a function memory / 1,769 MiB of one vCPU (AWS Lambda docs, "Memory and computing power"). */
const FULL_CPU_MB = 1769;
/** Linux CFS's default quota period: a cgroup with cpu.max "q 100000" runs q microseconds in every 100 ms. */
const PERIOD_MS = 100;
export const MEMORY_SIZES = [128, 256, 512, 1024, 1769];
/** The commit whose committed dist/remediator bundle is "before" (the base of issue 14's work). */
export const BEFORE_COMMIT = process.env.BENCH_BEFORE ?? '2214823';
const REGION = 'eu-west-1';
const TRAIL = 'org-audit';
const ACCOUNT = '580000009001';

/**
 * Emulates a cgroup CPU quota without cgroups (read-only here): the child runs `share` of every PERIOD_MS and is
 * stopped (SIGSTOP) the rest. Returns a stop function and the CPU share actually given (timer jitter makes it differ).
 */
function dutyCycle(child: ChildProcess, share: number): () => number {
  if (share >= 1) return () => 1;
  let running = true;
  let stopped = false;
  let ran = 0;
  const began = performance.now();
  const cycle = () => {
    if (stopped) return;
    const resumed = performance.now();
    child.kill('SIGCONT');
    setTimeout(() => {
      if (stopped) return;
      child.kill('SIGSTOP');
      ran += performance.now() - resumed;
      setTimeout(cycle, PERIOD_MS * (1 - share));
    }, PERIOD_MS * share);
  };
  // Stopped from its first instruction on: the share applies to the whole start, as in Lambda's init.
  child.kill('SIGSTOP');
  setTimeout(cycle, PERIOD_MS * (1 - share));
  return () => {
    if (running) {
      running = false;
      stopped = true;
      child.kill('SIGCONT');
    }
    return ran / (performance.now() - began);
  };
}

/** Builds the remediator bundle of this tree with ncc, as scripts/build.mjs does, into `dir`. */
function buildAfter(dir: string): string {
  execFileSync(
    join('node_modules', '.bin', 'ncc'),
    ['build', 'lambda/remediator.ts', '-o', dir, '--minify', '--quiet', '--no-source-map-register', '--target', 'es2022'],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  return join(dir, 'index.js');
}

/** The bundle committed at `commit` (dist/ is rebuilt on every change, so it is that commit's build). */
function checkoutBefore(commit: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const file of ['index.js', 'package.json']) {
    writeFileSync(join(dir, file), execFileSync('git', ['show', `${commit}:dist/remediator/${file}`], { maxBuffer: 64 << 20 }));
  }
  return join(dir, 'index.js');
}

export async function benchColdStart(motoEndpoint: string, repeats = Number(process.env.BENCH_COLD_REPEATS ?? 5)): Promise<string[]> {
  const scratch = '/tmp/trailguard-bench-cold-start';
  const bundles = { before: checkoutBefore(BEFORE_COMMIT, join(scratch, 'before')), after: buildAfter(join(scratch, 'after')) };
  const world = new MotoWorld(motoEndpoint);
  const { topicArn } = await world.topicWithQueue('us-east-1', 'trailguard-alerts-cold-start');
  await world.createLoggingTrail(ACCOUNT, REGION, TRAIL, `cold-start-trail-logs-${ACCOUNT}`);
  const proxy = await startAwsProxy({ target: motoEndpoint });
  const eventFile = join(scratch, 'event.json');
  writeFileSync(eventFile, JSON.stringify(retarget(loadFixture('stop-logging'), { account: ACCOUNT, region: REGION, trail: TRAIL })));

  const once = async (bundle: string, memoryMb: number) => {
    let arrived: number | undefined;
    proxy.options.onCall = (call) => {
      if (call.operation === 'StartLogging' && arrived === undefined) arrived = performance.now();
    };
    const started = performance.now();
    const child = spawn(process.execPath, ['--no-warnings', 'bench/cold-start-child.mjs', bundle, eventFile], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: CENTRAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CENTRAL_CREDENTIALS.secretAccessKey,
        AWS_ENDPOINT_URL: proxy.endpoint,
        AWS_LAMBDA_FUNCTION_NAME: 'trailguard-remediator',
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
        POWERTOOLS_LOG_LEVEL: 'WARN',
        TRAILGUARD_TOPIC_ARN: topicArn,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const stop = dutyCycle(child, memoryMb / FULL_CPU_MB);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    const share = stop();
    const result = /RESULT (.*)/.exec(stderr)?.[1];
    if (code !== 0 || !result || JSON.parse(result).outcome !== 'restarted' || arrived === undefined) {
      throw new Error(`cold start of ${bundle} at ${memoryMb} MB failed (exit ${code}): ${stderr.slice(-500)}`);
    }
    return { ms: arrived - started, share };
  };

  const samples = new Map<string, { ms: number[]; share: number[] }>();
  try {
    for (let i = 0; i < repeats; i += 1) {
      for (const memoryMb of MEMORY_SIZES) {
        // ABBA: which build goes first alternates, so that drift on a noisy machine hits both alike.
        const order = (i + memoryMb) % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
        for (const which of order) {
          const { ms, share } = await once(bundles[which], memoryMb);
          const key = `${which}/${memoryMb}`;
          const s = samples.get(key) ?? { ms: [], share: [] };
          s.ms.push(ms);
          s.share.push(share);
          samples.set(key, s);
        }
      }
    }
  } finally {
    proxy.options.onCall = undefined;
    await proxy.close();
  }
  const median = (which: string, memoryMb: number) => percentile(samples.get(`${which}/${memoryMb}`)!.ms, 50) / 1000;
  const shareOf = (memoryMb: number) => {
    const all = [...samples.get(`before/${memoryMb}`)!.share, ...samples.get(`after/${memoryMb}`)!.share];
    return percentile(all, 50);
  };
  const size = (file: string) => `${(statSync(file).size / 1024).toFixed(0)} KiB`;
  return [
    `Process start -> StartLogging arriving at AWS, one StopLogging event, cold (a new Node process each time), median of ${repeats}, ` +
      `under a CPU share of memory / ${FULL_CPU_MB} (SIGSTOP/SIGCONT duty cycle, ${PERIOD_MS} ms period); before = ${BEFORE_COMMIT}'s bundle (${size(bundles.before)}), after = this tree's (${size(bundles.after)}):`,
    '',
    '| memory | CPU share (given) | before | after |',
    '| --- | --- | --- | --- |',
    ...MEMORY_SIZES.map(
      (m) =>
        `| ${m} MB | ${(Math.min(1, m / FULL_CPU_MB) * 100).toFixed(0)} % (${(shareOf(m) * 100).toFixed(0)} %) | ${median('before', m).toFixed(2)} s | ${median('after', m).toFixed(2)} s |`,
    ),
  ];
}

// Scale benchmark (issues 14 and 10): a no-drift plan and an apply from nothing at up to 1,000 accounts x 4 regions,
// answered by a replayed-response proxy (moto's answers for one member, recorded once), for two builds in one run.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, rmSync, symlinkSync, copyFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CreateOrganizationCommand, DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { createClient } from '#core/aws/clients.js';
import { loadRemediatorCode } from '../src/action/remediator-code.js';
import { CENTRAL_CREDENTIALS } from '../test/support/aws.js';
import { startReplayProxy, type ReplayProxy } from './replay-proxy.js';
import { BEFORE_COMMIT } from './cold-start.js';
import { ratio } from './stats.js';

const run = promisify(execFile);
const LATENCY_MS = 50;
const CENTRAL = '580000100000';
const TEMPLATE = '580000100001';
/** Replayed members: never sent to moto, so any ids do. */
const FIRST_MEMBER = '581000000000';
const REGIONS = 4;

interface RunResult {
  ms: number;
  cpuMs: number;
  maxRssMiB: number;
  changes: number;
  drift: boolean;
  errors: string[];
  calls: number;
  /** Calls made in member accounts (AssumeRole into them included): divided by the members, the cost of one. */
  memberCalls: number;
  /** Requests answered with a throttling error (BENCH_THROTTLE), retried by the client: in `calls`, not in the bound. */
  throttled: number;
  connections: number;
}

/** The tree at `commit`, unpacked once into /tmp with this tree's node_modules: the "before" build, run from source. */
function beforeTree(commit: string): string {
  const dir = `/tmp/trailguard-bench-before-${commit}`;
  if (!existsSync(join(dir, 'package.json'))) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C ${dir}`]);
    symlinkSync(realpathSync('node_modules'), join(dir, 'node_modules'));
  }
  // The same driver in both trees: it uses only what both have (Accounts, runPipeline, validateConfig, codeSha256).
  copyFileSync('bench/pipeline-run.ts', join(dir, 'bench', 'pipeline-run.ts'));
  return dir;
}

export async function benchScale(motoEndpoint: string): Promise<string[]> {
  const accounts = Number(process.env.BENCH_ACCOUNTS ?? 1000);
  // BENCH_MEMORY_SIZES=none: the plan figures only (a busy machine, or a run about the plan's speed).
  const memorySizes = (process.env.BENCH_MEMORY_SIZES ?? '100,300,1000')
    .split(',')
    .filter((n) => n !== 'none' && n !== '')
    .map(Number);
  const trees = { before: beforeTree(BEFORE_COMMIT), after: resolve('.') };
  const zipFile = '/tmp/trailguard-bench-remediator.zip';
  writeFileSync(zipFile, loadRemediatorCode().zip);
  const organizations = createClient(OrganizationsClient, {
    region: 'us-east-1',
    endpoint: motoEndpoint,
    credentials: CENTRAL_CREDENTIALS,
  });
  const organization = await organizations
    .send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))
    .catch(() => organizations.send(new DescribeOrganizationCommand({})));
  const orgId = organization.Organization!.Id!;
  const proxy: ReplayProxy = await startReplayProxy({
    target: motoEndpoint,
    central: CENTRAL,
    template: TEMPLATE,
    centralKeyId: CENTRAL_CREDENTIALS.accessKeyId,
  });

  const pipeline = async (tree: string, mode: 'plan' | 'apply', count: number, concurrency: number, first = FIRST_MEMBER) => {
    proxy.begin(mode);
    const args = [proxy.endpoint, mode, String(count), CENTRAL, first, String(REGIONS), String(concurrency), orgId, zipFile];
    // BENCH_NODE_ARGS: extra Node flags for every run (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where its CPU goes).
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const { stdout } = await run(process.execPath, [...nodeArgs, '--no-warnings', '--import', 'tsx', 'bench/pipeline-run.ts', ...args], {
      cwd: tree,
      maxBuffer: 1 << 20,
    });
    const stats = proxy.stats();
    const out = { ...(JSON.parse(stdout.trim().split('\n').pop()!) as Omit<RunResult, 'calls' | 'connections'>), ...stats };
    if (stats.misses.length > 0) throw new Error(`replay had no answer for: ${stats.misses.slice(0, 5).join('; ')}`);
    if (out.errors.length > 0) throw new Error(`${mode} in ${tree} failed: ${out.errors.join('; ')}`);
    // Each run as it ends (stderr): a long run on a busy machine can be read before the tables are printed.
    console.error(
      `[scale] ${tree === resolve('.') ? 'after' : 'before'} ${mode} ${count} x ${REGIONS} at ${concurrency}: ${JSON.stringify(out)}`,
    );
    return out;
  };

  const out: string[] = [];
  try {
    // Record: the central account and one member, from nothing (apply), then with nothing to do (plan).
    proxy.mode = 'record';
    const recordedApply = await pipeline(trees.after, 'apply', 1, 16, TEMPLATE);
    const recordedPlan = await pipeline(trees.after, 'plan', 1, 16, TEMPLATE);
    if (recordedApply.drift || recordedPlan.changes > 0) throw new Error('recording: apply left drift or the plan is not drift-free');
    // The before build may read differently (DescribeRule where after lists rules): its plan's answers are recorded too.
    const recordedBeforePlan = await pipeline(trees.before, 'plan', 1, 16, TEMPLATE);
    if (recordedBeforePlan.changes > 0) throw new Error('recording: the before build sees drift where after sees none');
    proxy.mode = 'replay';

    // 1. The no-drift plan at 50 ms per call: wall time against its bound, CPU, new connections per call.
    proxy.latencyMs = LATENCY_MS;
    // BENCH_THROTTLE=<per second>/<burst> (default 5/5): in the runs marked `t` (after/32t), every account, region and
    // service is throttled like AWS beyond that rate, so the clients' adaptive retry has to absorb it.
    const [perSecond, burst] = (process.env.BENCH_THROTTLE ?? '5/5').split('/').map(Number);
    if (!(perSecond! > 0 && burst! >= 1)) throw new Error('BENCH_THROTTLE: expected <requests per second>/<burst>, e.g. 5/5');
    // BENCH_SCALE_SEQUENCE=before/16,after/16,...: the runs in that order (each `build/concurrency`, `t` at the end
    // for a throttled run); else BENCH_SCALE_QUICK=1: one run each of before and after at 16 and 32 (a busy machine);
    // else the full ABBA set.
    const sequence = (
      process.env.BENCH_SCALE_SEQUENCE ??
      (process.env.BENCH_SCALE_QUICK === '1'
        ? 'before/16,after/16,after/32,before/32'
        : 'before/16,after/16,after/16,before/16,after/32,before/32,before/32,after/32,after/64')
    )
      .split(',')
      .map((item) => {
        const match = /^(before|after)\/(\d+)(t?)$/.exec(item);
        if (!match || !(Number(match[2]) > 0))
          throw new Error(`BENCH_SCALE_SEQUENCE: "${item}" is not before/<n> or after/<n>, with t for throttled`);
        return [match[1] as 'before' | 'after', Number(match[2]), match[3] === 't'] as const;
      });
    const keyOf = ([which, concurrency, throttled]: (typeof sequence)[number]) => `${which}/${concurrency}${throttled ? 't' : ''}`;
    const plans: Record<string, RunResult[]> = {};
    for (const item of sequence) plans[keyOf(item)] ??= [];
    for (const item of sequence) {
      const [which, concurrency, throttled] = item;
      proxy.throttle = throttled ? { perSecond: perSecond!, burst: burst! } : null;
      const result = await pipeline(trees[which], 'plan', accounts, concurrency);
      if (result.changes > 0 || result.drift) throw new Error(`${which} plan is not drift-free`);
      plans[keyOf(item)]!.push(result);
    }
    proxy.throttle = null;
    const throttledRuns = sequence.some(([, , throttled]) => throttled);
    const best = (key: string) => plans[key]!.reduce((a, b) => (b.ms < a.ms ? b : a), plans[key]![0]!);
    // The bound counts API calls: a throttled attempt and its retry are one call.
    const bound = (r: RunResult, concurrency: number) => ((r.calls - r.throttled) * LATENCY_MS) / concurrency;
    const concurrencyOf = (key: string) => Number.parseInt(key.split('/')[1]!, 10);
    const columns = Object.keys(plans).sort((a, b) => concurrencyOf(a) - concurrencyOf(b) || a.localeCompare(b));
    const row = (label: string, f: (r: RunResult, c: number) => string) =>
      `| ${label} | ${columns.map((key) => f(best(key), concurrencyOf(key))).join(' | ')} |`;
    out.push(
      `No-drift plan, ${accounts} accounts x ${REGIONS} regions, every call answered from the recording ${LATENCY_MS} ms after it arrives; ` +
        `before = ${BEFORE_COMMIT}, after = this tree; runs in this order: ${sequence.map(keyOf).join(', ')}; ` +
        `${throttledRuns ? `t: throttled beyond ${perSecond} requests a second (burst ${burst}) per account, region and service; ` : ''}` +
        'the best run of each column:',
      '',
      `| figure | ${columns.map((key) => key.replace('/', ', ').replace(/t$/, ', throttled')).join(' | ')} |`,
      `| --- | ${columns.map(() => '---').join(' | ')} |`,
      row('AWS calls', (r) => String(r.calls - r.throttled)),
      ...(throttledRuns ? [row('answered with a throttling error (then retried)', (r) => String(r.throttled))] : []),
      row('AWS calls per member', (r) => ((r.memberCalls - r.throttled) / accounts).toFixed(2)),
      row('wall time', (r) => `${(r.ms / 1000).toFixed(1)} s`),
      row('bound (calls x 50 ms / concurrency)', (r, c) => `${(bound(r, c) / 1000).toFixed(1)} s`),
      row('ratio to bound', (r, c) => ratio(r.ms, bound(r, c))),
      row('new TCP connections per call', (r) => `${(r.connections / r.calls).toFixed(4)} (${r.connections})`),
      row('CPU time (user + system)', (r) => `${(r.cpuMs / 1000).toFixed(1)} s`),
      row('peak RSS', (r) => `${r.maxRssMiB.toFixed(0)} MiB`),
      '',
      `Each run: ${Object.entries(plans)
        .map(([key, runs]) => `${key} ${runs.map((r) => `${(r.ms / 1000).toFixed(1)} s`).join(', ')}`)
        .join('; ')}.`,
    );

    // 2. Memory: an apply from nothing at each size, each in a fresh process (peak RSS is the process's).
    proxy.latencyMs = Number(process.env.BENCH_MEMORY_LATENCY_MS ?? 10);
    const memory: { size: number; before: RunResult; after: RunResult }[] = [];
    if (memorySizes.length === 0) return out;
    for (const size of memorySizes) {
      const before = await pipeline(trees.before, 'apply', size, 16);
      const after = await pipeline(trees.after, 'apply', size, 16);
      for (const r of [before, after]) if (r.drift) throw new Error(`apply of ${size} accounts left drift`);
      memory.push({ size, before, after });
    }
    out.push(
      '',
      `Apply from nothing at concurrency 16, ${REGIONS} regions, answers ${proxy.latencyMs} ms after each call, each run in a fresh process:`,
      '',
      '| accounts | calls | before: peak RSS | after: peak RSS | before: wall time | after: wall time | before: CPU | after: CPU |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...memory.map(
        ({ size, before, after }) =>
          `| ${size} | ${after.calls} | ${before.maxRssMiB.toFixed(0)} MiB | ${after.maxRssMiB.toFixed(0)} MiB | ${(before.ms / 1000).toFixed(1)} s | ${(after.ms / 1000).toFixed(1)} s | ${(before.cpuMs / 1000).toFixed(1)} s | ${(after.cpuMs / 1000).toFixed(1)} s |`,
      ),
    );
    if (memory.length > 1) {
      const [a, b] = [memory[memory.length - 2]!, memory[memory.length - 1]!];
      const growth = (x: RunResult, y: RunResult) =>
        `${(y.maxRssMiB - x.maxRssMiB).toFixed(0)} MiB (${(((y.maxRssMiB - x.maxRssMiB) * 1024) / (b.size - a.size)).toFixed(0)} KiB per account)`;
      out.push('', `Growth from ${a.size} to ${b.size} accounts: before ${growth(a.before, b.before)}, after ${growth(a.after, b.after)}.`);
    }
  } finally {
    await proxy.close();
  }
  return out;
}

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
  const memorySizes = (process.env.BENCH_MEMORY_SIZES ?? '100,300,1000').split(',').map(Number);
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
    const { stdout } = await run(process.execPath, ['--no-warnings', '--import', 'tsx', 'bench/pipeline-run.ts', ...args], {
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
    proxy.mode = 'replay';

    // 1. The no-drift plan at 50 ms per call: wall time against its bound, CPU, new connections per call.
    proxy.latencyMs = LATENCY_MS;
    const plans: Record<string, RunResult[]> = { 'before/16': [], 'after/16': [], 'before/32': [], 'after/32': [], 'after/64': [] };
    // BENCH_SCALE_QUICK=1: one run each of before and after at 16 and after at 32 (a busy machine; the full set is ABBA).
    const sequence =
      process.env.BENCH_SCALE_QUICK === '1'
        ? ([
            ['before', 16],
            ['after', 16],
            ['after', 32],
          ] as const)
        : ([
            ['before', 16],
            ['after', 16],
            ['after', 16],
            ['before', 16],
            ['after', 32],
            ['before', 32],
            ['after', 64],
          ] as const);
    for (const [which, concurrency] of sequence) {
      const result = await pipeline(trees[which], 'plan', accounts, concurrency);
      if (result.changes > 0 || result.drift) throw new Error(`${which} plan is not drift-free`);
      plans[`${which}/${concurrency}`]!.push(result);
    }
    const best = (key: string) => plans[key]!.reduce((a, b) => (b.ms < a.ms ? b : a), plans[key]![0]!);
    const bound = (r: RunResult, concurrency: number) => (r.calls * LATENCY_MS) / concurrency;
    const row = (label: string, f: (r: RunResult, c: number) => string) =>
      `| ${label} | ${(['before/16', 'after/16', 'before/32', 'after/32'] as const)
        .map((key) => (plans[key]!.length > 0 ? f(best(key), Number(key.split('/')[1])) : 'not run'))
        .join(' | ')} |`;
    out.push(
      `No-drift plan, ${accounts} accounts x ${REGIONS} regions, every call answered from the recording ${LATENCY_MS} ms after it arrives; ` +
        `before = ${BEFORE_COMMIT}, after = this tree; best of 2 (concurrency 16, ABBA) and 1 (32):`,
      '',
      '| figure | before, 16 | after, 16 | before, 32 | after, 32 |',
      '| --- | --- | --- | --- | --- |',
      row('AWS calls', (r) => String(r.calls)),
      row('wall time', (r) => `${(r.ms / 1000).toFixed(1)} s`),
      row('bound (calls x 50 ms / concurrency)', (r, c) => `${(bound(r, c) / 1000).toFixed(1)} s`),
      row('ratio to bound', (r, c) => ratio(r.ms, bound(r, c))),
      row('new TCP connections per call', (r) => `${(r.connections / r.calls).toFixed(4)} (${r.connections})`),
      row('CPU time (user + system)', (r) => `${(r.cpuMs / 1000).toFixed(1)} s`),
      row('peak RSS', (r) => `${r.maxRssMiB.toFixed(0)} MiB`),
      '',
      `Concurrency 32 over 16, after: ${ratio(best('after/16').ms, best('after/32').ms)} faster.` +
        (plans['after/64']!.length > 0
          ? ` After at concurrency 64: ${(best('after/64').ms / 1000).toFixed(1)} s, ${ratio(best('after/64').ms, bound(best('after/64'), 64))} of its ` +
            `${(bound(best('after/64'), 64) / 1000).toFixed(1)} s bound, ${(best('after/64').connections / best('after/64').calls).toFixed(3)} new connections per call.`
          : ''),
    );

    // 2. Memory: an apply from nothing at each size, each in a fresh process (peak RSS is the process's).
    proxy.latencyMs = Number(process.env.BENCH_MEMORY_LATENCY_MS ?? 10);
    const memory: { size: number; before: RunResult; after: RunResult }[] = [];
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

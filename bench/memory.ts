// Memory benchmark: peak RSS of one `apply` at several organization sizes, each in a fresh Node process against one moto.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

interface Sample {
  accounts: number;
  regions: number;
  changes: number;
  ms: number;
  maxRssMiB: number;
}

/**
 * Runs `bench/memory-run.ts` once per size in `BENCH_MEMORY_SIZES` (comma-separated account counts, default 100,300,1000)
 * with 4 regions, each on accounts no other size uses, and reports peak RSS (getrusage maxRSS, MiB) and wall time.
 */
export async function benchMemory(
  motoEndpoint: string,
  sizes = (process.env.BENCH_MEMORY_SIZES ?? '100,300,1000').split(',').map(Number),
): Promise<string[]> {
  const samples: Sample[] = [];
  for (const [i, size] of sizes.entries()) {
    // A fresh id range per size: moto keeps every account's state, and each run should start from nothing.
    const first = String(270000000000 + (i + 1) * 10_000_000);
    const { stdout } = await run(
      process.execPath,
      ['--no-warnings', '--import', 'tsx', 'bench/memory-run.ts', motoEndpoint, String(size), first, '4'],
      {
        maxBuffer: 1 << 20,
      },
    );
    samples.push(JSON.parse(stdout.trim().split('\n').pop()!) as Sample);
  }
  const out = [
    'Peak RSS of one apply from nothing (concurrency 16, 4 regions), each size in a fresh process:',
    '',
    '| accounts | account-regions | changes made | wall time | peak RSS |',
    '| --- | --- | --- | --- | --- |',
    ...samples.map(
      (s) => `| ${s.accounts} | ${s.accounts * s.regions} | ${s.changes} | ${(s.ms / 1000).toFixed(1)} s | ${s.maxRssMiB.toFixed(0)} MiB |`,
    ),
  ];
  if (samples.length > 1) {
    const [a, b] = [samples[0]!, samples[samples.length - 1]!];
    out.push(
      '',
      `Growth from ${a.accounts} to ${b.accounts} accounts: ${(b.maxRssMiB - a.maxRssMiB).toFixed(0)} MiB (${(((b.maxRssMiB - a.maxRssMiB) * 1024) / (b.accounts - a.accounts)).toFixed(0)} KiB per account).`,
    );
  }
  return out;
}

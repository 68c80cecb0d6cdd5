// One pipeline run of the scale benchmark, alone in its process so that its CPU time and peak RSS are its own; the
// bench copies this file into the "before" tree too, so it uses only what both trees have. Prints one JSON line.
// Usage: node --import tsx bench/pipeline-run.ts <endpoint> <plan|apply> <accounts> <central id> <first member id>
//          <regions> <concurrency> <organization id> <remediator zip>
import { readFileSync } from 'node:fs';
import pLimit from 'p-limit';
import { Accounts } from '#core/aws/accounts.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import * as configModule from '#core/config.js';
import type { Mode } from '#core/pipeline.js';
import { codeSha256 } from '#core/zip.js';

const [endpoint, mode, count, central, first, regionCount, concurrency, organizationId, zipFile] = process.argv.slice(2);
if (!zipFile)
  throw new Error('usage: pipeline-run.ts <endpoint> <mode> <accounts> <central> <first member> <regions> <concurrency> <org id> <zip>');
const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-1'].slice(0, Number(regionCount));
const members = Array.from({ length: Number(count) }, (_, i) => String(Number(first) + i));
const zip = readFileSync(zipFile);
const accounts = new Accounts({
  region: 'us-east-1',
  roleName: 'OrganizationAccountAccessRole',
  sessionName: 'bench',
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'central-test-secret' },
  endpoint,
  limit: pLimit(Number(concurrency)),
});
// organization: true with organizationId: one bus statement and one role condition cover every member; moto's
// ListAccounts (as its default account) lists only that account, which is excluded, so the members are the list.
// Both builds deploy the remediator with the before build's fixed 256 MiB, so that their AWS calls (and answers) are alike.
const remediator = 'REMEDIATOR_MEMORY_MB' in configModule ? { remediator: { memoryMb: 256 } } : {};
const config = configModule.validateConfig({
  version: 1,
  central: { account: central, region: 'us-east-1' },
  organizationId,
  ...remediator,
  members: { accounts: members.map((id) => ({ id })), organization: true, exclude: ['123456789012'], regions },
});
const cpu = process.cpuUsage();
const started = performance.now();
const report = await runPipeline({
  config,
  mode: mode as Mode,
  accounts,
  code: { zip, sha256: codeSha256(zip) },
  sleep: async () => undefined,
  // BENCH_AT_ONCE: accounts worked on at once (default: the run's own choice).
  ...(process.env.BENCH_AT_ONCE ? { accountsAtOnce: Number(process.env.BENCH_AT_ONCE) } : {}),
});
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({
    ms,
    cpuMs: (used.user + used.system) / 1000,
    // getrusage maxRSS is in KiB: the peak of the whole process, module loading included.
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
    changes: report.changes.length,
    drift: report.drift,
    errors: report.errors.slice(0, 3).map((e) => `${e.account} ${e.region}: ${e.message}`),
  }),
);

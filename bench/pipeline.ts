// Pipeline benchmark: AWS calls per member account-region for a no-drift plan, and wall time through a 50 ms-latency proxy.
import { Accounts } from '#core/aws/accounts.js';
import pLimit from 'p-limit';
import { validateConfig } from '#core/config.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import type { Mode } from '#core/pipeline.js';
import { loadRemediatorCode } from '../src/action/remediator-code.js';
import { startAwsProxy, type AwsProxy } from '../test/support/aws-proxy.js';
import { CENTRAL_CREDENTIALS, MOTO_DEFAULT_ACCOUNT } from '../test/support/aws.js';
import { createClient } from '#core/aws/clients.js';
import { CreateOrganizationCommand, DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { ratio } from './stats.js';

const LATENCY_MS = 50;
const CENTRAL = '260000000000';

export async function benchPipeline(
  motoEndpoint: string,
  accountCount = Number(process.env.BENCH_ACCOUNTS ?? 200),
  regionCount = 3,
): Promise<string[]> {
  const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-1'].slice(0, regionCount);
  const members = Array.from({ length: accountCount }, (_, i) => String(260000000001 + i));
  // organizationId keeps the remediator's policy within IAM's limits past ~150 members, and needs `organization: true`:
  // moto's Organization (the caller's, moto's default account) lists only that account, which is excluded.
  const organizations = createClient(OrganizationsClient, {
    region: 'us-east-1',
    endpoint: motoEndpoint,
    credentials: CENTRAL_CREDENTIALS,
  });
  const organization = await organizations
    .send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))
    .catch(() => organizations.send(new DescribeOrganizationCommand({})));
  const config = validateConfig({
    version: 1,
    central: { account: CENTRAL, region: 'us-east-1' },
    organizationId: organization.Organization!.Id!,
    members: { accounts: members.map((id) => ({ id })), organization: true, exclude: [MOTO_DEFAULT_ACCOUNT], regions },
  });
  const code = loadRemediatorCode();
  const proxy: AwsProxy = await startAwsProxy({ target: motoEndpoint });
  const run = async (mode: Mode, concurrency: number) => {
    const accounts = new Accounts({
      region: 'us-east-1',
      roleName: 'OrganizationAccountAccessRole',
      sessionName: 'bench',
      credentials: CENTRAL_CREDENTIALS,
      endpoint: proxy.endpoint,
      limit: pLimit(concurrency),
    });
    const from = proxy.calls.length;
    const started = performance.now();
    const report = await runPipeline({ config, mode, accounts, code, sleep: async () => undefined });
    const ms = performance.now() - started;
    if (report.errors.length) throw new Error(`bench ${mode} failed: ${report.errors[0]!.message}`);
    return { report, ms, calls: proxy.calls.slice(from), accounts };
  };
  const out: string[] = [];
  try {
    const setup = await run('apply', 64);
    if (setup.report.drift) throw new Error('setup apply left drift');

    // Attribute every call to the account it acts in: AssumeRole by its RoleArn, the rest by access key.
    const counted = await run('plan', 64);
    if (counted.report.changes.length) throw new Error('benchmark plan is not drift-free');
    const keyAccount = new Map<string, string>([[CENTRAL_CREDENTIALS.accessKeyId, CENTRAL]]);
    for (const m of members) keyAccount.set((await counted.accounts.roles.credentials(m)).accessKeyId, m);
    const perAccount = new Map<string, number>();
    for (const call of counted.calls) {
      const account =
        call.operation === 'AssumeRole'
          ? (/::(\d{12}):/.exec(String(call.params.RoleArn))?.[1] ?? '?')
          : (keyAccount.get(call.accessKeyId) ?? '?');
      perAccount.set(account, (perAccount.get(account) ?? 0) + 1);
    }
    const memberCalls = members.reduce((n, m) => n + (perAccount.get(m) ?? 0), 0);
    const centralCalls = counted.calls.length - memberCalls;
    const perMember = memberCalls / members.length;
    // AssumeRole; ListTrails (home regions: uncovered trails, regions: auto); GetRole + GetRolePolicy per role; DescribeRule + ListTargetsByRule + ListTagsForResource per region
    const design = 1 + 1 + 2 * 2 + 3 * regions.length;
    const ops = [...new Set(counted.calls.filter((c) => keyAccount.get(c.accessKeyId) === members[0]).map((c) => c.operation))].sort();
    out.push(
      `No-drift plan, ${members.length} members x ${regions.length} regions: ${counted.calls.length} AWS calls (${centralCalls} central incl. GetCallerIdentity, ${memberCalls} members)`,
      `Per member account: ${perMember.toFixed(2)} calls (design minimum ${design}: 1 AssumeRole + 1 ListTrails + 2 x (GetRole + GetRolePolicy) + ${regions.length} x (DescribeRule + ListTargetsByRule + ListTagsForResource))`,
      `Per member account-region: ${(perMember / regions.length).toFixed(2)} calls (minimum 3 + 6/${regions.length} = ${(3 + 6 / regions.length).toFixed(2)}); member operations: ${ops.join(', ')}`,
    );

    proxy.options.latencyMs = LATENCY_MS;
    const c16a = await run('plan', 16);
    // BENCH_SEQUENTIAL=0 skips the concurrency-1 run (minutes at 200 accounts) when only the concurrency-16 ratio is wanted.
    const c1 = process.env.BENCH_SEQUENTIAL === '0' ? null : await run('plan', 1);
    const c16b = await run('plan', 16);
    const n = c16a.calls.length;
    const bound16 = (n * LATENCY_MS) / 16;
    const best16 = Math.min(c16a.ms, c16b.ms);
    out.push(
      '',
      `Wall time through a proxy adding ${LATENCY_MS} ms to every call (${n} calls):`,
      '',
      '| run | wall time | lower bound (calls x 50 ms / concurrency) | ratio to bound |',
      '| --- | --- | --- | --- |',
      `| concurrency 16, first | ${(c16a.ms / 1000).toFixed(2)} s | ${(bound16 / 1000).toFixed(2)} s | ${ratio(c16a.ms, bound16)} |`,
      `| concurrency 16, second | ${(c16b.ms / 1000).toFixed(2)} s | ${(bound16 / 1000).toFixed(2)} s | ${ratio(c16b.ms, bound16)} |`,
      ...(c1
        ? [
            `| concurrency 1 | ${(c1.ms / 1000).toFixed(2)} s | ${((n * LATENCY_MS) / 1000).toFixed(2)} s | ${ratio(c1.ms, n * LATENCY_MS)} |`,
          ]
        : []),
      '',
      ...(c1 ? [`Speed-up of concurrency 16 over 1: ${ratio(c1.ms, best16)}.`] : []),
    );
    const callsAt = (accounts: number, r: number) => accounts * (1 + 1 + 4 + 3 * r) + centralCalls;
    const big = callsAt(1000, 4);
    const bigBound = (big * LATENCY_MS) / 16;
    out.push(
      `Extrapolated to 1,000 accounts x 4 regions: ${big} calls, bound ${(bigBound / 1000).toFixed(1)} s at concurrency 16; at the measured ratio ${ratio(best16, bound16)}: ${((bigBound * best16) / bound16 / 1000).toFixed(1)} s` +
        ` (at concurrency 32: ${(((bigBound / 2) * (best16 / bound16)) / 1000).toFixed(1)} s, if AWS's own throttling allows).`,
    );
  } finally {
    await proxy.close();
  }
  return out;
}

// One `apply` of the memory benchmark, alone in its process so that its peak RSS is its own: prints one JSON line.
// Usage: node --import tsx bench/memory-run.ts <moto endpoint> <accounts> <first account id> [regions]
import { CreateOrganizationCommand, DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import pLimit from 'p-limit';
import { loadRemediatorCode } from '../src/action/remediator-code.js';
import { Accounts } from '#core/aws/accounts.js';
import { createClient } from '#core/aws/clients.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { validateConfig } from '#core/config.js';
import { CENTRAL_CREDENTIALS, MOTO_DEFAULT_ACCOUNT } from '../test/support/aws.js';

const [endpoint, count, first, regionCount] = process.argv.slice(2);
if (!endpoint || !count || !first) throw new Error('usage: memory-run.ts <moto endpoint> <accounts> <first account id> [regions]');
const central = first;
const regions = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'eu-central-1'].slice(0, Number(regionCount ?? 4));
const members = Array.from({ length: Number(count) }, (_, i) => String(Number(first) + 1 + i));
// organizationId lets one policy statement cover every member (past a few hundred members IAM's size limits require
// it), and it needs `organization: true`: ListAccounts, called as the caller (moto's default account), lists only that
// account, which is excluded; the members are listed.
const accounts = new Accounts({
  region: 'us-east-1',
  roleName: 'OrganizationAccountAccessRole',
  sessionName: 'bench',
  credentials: CENTRAL_CREDENTIALS,
  endpoint,
  limit: pLimit(16),
});
const organizations = createClient(OrganizationsClient, { region: 'us-east-1', endpoint, credentials: CENTRAL_CREDENTIALS });
const organization = await organizations
  .send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }))
  .catch(() => organizations.send(new DescribeOrganizationCommand({})));
const config = validateConfig({
  version: 1,
  central: { account: central, region: 'us-east-1' },
  organizationId: organization.Organization!.Id!,
  members: { accounts: members.map((id) => ({ id })), organization: true, exclude: [MOTO_DEFAULT_ACCOUNT], regions },
});
const started = performance.now();
const report = await runPipeline({
  config,
  mode: 'apply',
  accounts,
  code: loadRemediatorCode(),
  sleep: async () => undefined,
  ...(process.env.BENCH_AT_ONCE ? { accountsAtOnce: Number(process.env.BENCH_AT_ONCE) } : {}),
});
const ms = performance.now() - started;
if (report.errors.length > 0 || report.drift) throw new Error(`memory bench apply failed: ${report.errors[0]?.message ?? 'drift left'}`);
// maxRSS is in KiB (getrusage); it is the peak of the whole process, module loading included.
console.log(
  JSON.stringify({
    accounts: members.length,
    regions: regions.length,
    changes: report.changes.length,
    ms,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  }),
);

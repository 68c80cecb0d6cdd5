// `trailguard sweep`: one sweep of every member from wherever it runs, through the same planner and worker as the Lambda.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import pLimit from 'p-limit';
import { planSweep, sweepAccount, type AccountSweepResult, type SweepDeps } from '../lambda/sweep.js';
import { parseCommandArgs, UsageError } from './cli-args.js';
import { loadConfigFile } from './config-file.js';
import { alertAttributes, alertSubject } from './core/alert.js';
import { Accounts, deployRoleOptions } from './core/aws/accounts.js';
import { discover } from './core/aws/discovery.js';
import { StateTable } from './core/aws/state-table.js';
import { type Config, DEFAULT_CANARY_GRACE_SECONDS } from './core/config.js';
import { centralArns } from './core/desired-state.js';
import { errorCode, errorText } from './core/errors.js';
import type { Log } from './core/log.js';
import type { AccountSweepMessage } from './core/sweep.js';
import { SWEEP_NAMES } from './core/sweep.js';
import { textTable } from './core/table.js';

export const SWEEP_USAGE = `usage: trailguard sweep [--config trailguard.yml] [--concurrency <n>] [--json]

  Sweeps every member account and watched region once, as the scheduled sweep does: every trail's logging, baseline
  settings, event selectors and delivery errors, its bucket's lifecycle rules and policy and its KMS key, TrailGuard's
  own member rules, and the canary of the last sweep.
  Repairs what the remediator would repair, publishes one alert per new finding to trailguard-alerts (trigger: sweep)
  and records the findings and status in the trailguard-state table that apply creates.
  Exit 0: nothing found, or everything found was repaired. Exit 1: anything it could not repair (or an account that
  could not be swept).

  --config <path>       the config file (default trailguard.yml)
  --concurrency <n>     member accounts swept at once (2 to 1000, default sweep.concurrency)
  --json                print every account's findings as JSON`;

interface SweepArgs {
  config: string;
  concurrency: number | null;
  json: boolean;
}

/** Parses `trailguard sweep`'s options; throws UsageError naming the bad flag. */
export function parseSweepArgs(argv: readonly string[]): SweepArgs {
  const { values } = parseCommandArgs(argv, { config: { type: 'string' }, concurrency: { type: 'string' }, json: { type: 'boolean' } });
  const text = values.concurrency as string | undefined;
  const concurrency = text === undefined ? null : Number(text);
  if (text !== undefined && (!/^\d+$/.test(text) || concurrency! < 2 || concurrency! > 1000))
    throw new UsageError(`--concurrency: expected 2 to 1000, got ${JSON.stringify(text)}`);
  return { config: (values.config as string | undefined) ?? 'trailguard.yml', concurrency, json: values.json === true };
}

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * The sweep's dependencies for a laptop or a workflow: the deploy role in members (it holds what the remediation role
 * holds, and the deploy role may not assume TrailGuard's roles), the caller's own credentials in the central account
 * for the state table and the topic, and an in-process queue instead of `trailguard-sweep`.
 */
export function cliSweepDeps(
  config: Config,
  accounts: Accounts,
  found: { regions: string[]; members: string[]; state: StateTable },
  log: Log,
): SweepDeps & { queued: AccountSweepMessage[] } {
  const { regions, members, state } = found;
  const { account: central, region: home } = config.central;
  const queued: AccountSweepMessage[] = [];
  const topicArn = centralArns(config).topic;
  return {
    queued,
    settings: {
      topicArn,
      topicRegion: home,
      remediationRole: config.roles.remediation,
      externalId: config.roles.externalId,
      allow: config.allow,
      eventDataStores: config.eventDataStores,
      trails: config.trails,
      organization: config.organization ?? null,
    },
    log,
    now: () => new Date(),
    cloudtrail: (account, region) => accounts.client(CloudTrailClient, account, region),
    kms: (account, region) => accounts.client(KMSClient, account, region),
    // The trail's bucket (lifecycle rules, policy) and the organization id an organization trail writes under.
    s3: (account, region) => accounts.client(S3Client, account, region),
    organizations: (account) => accounts.client(OrganizationsClient, account, home),
    async managementAccountOf(account) {
      const organizations = await accounts.client(OrganizationsClient, account, home);
      try {
        return (await organizations.send(new DescribeOrganizationCommand({}))).Organization?.MasterAccountId ?? null;
      } catch (error) {
        if (errorCode(error) === 'AWSOrganizationsNotInUseException') return null;
        throw error;
      }
    },
    events: (account, region) => accounts.client(EventBridgeClient, account, region),
    async publish(alert) {
      const sns = await accounts.client(SNSClient, central, home);
      const out = await sns.send(
        new PublishCommand({
          TopicArn: topicArn,
          Message: JSON.stringify(alert),
          Subject: alertSubject(alert),
          MessageAttributes: alertAttributes(alert),
        }),
      );
      return out.MessageId ?? '';
    },
    state,
    members: async () => members,
    async enqueue(messages) {
      queued.push(...messages);
    },
    sweep: {
      regions,
      centralBusArn: centralArns(config).bus,
      // The same grace the scheduled sweep gets through TRAILGUARD_SWEEP: a shorter one would call canaries overdue that are not.
      canaryGraceMs: (config.sweep.canaryGraceSeconds ?? DEFAULT_CANARY_GRACE_SECONDS) * 1000,
      watch: config.watch,
      // A workflow's sweep after the schedule stopped is also the first to see the gap.
      schedule: config.sweep.schedule,
    },
  };
}

function findingsTable(results: AccountSweepResult[]): string {
  const rows = results.flatMap((r) =>
    r.findings.map((f) => [
      f.account,
      f.region,
      f.kind,
      f.resource,
      f.outcome,
      f.repaired ? 'yes' : 'NO',
      f.alerted ? 'yes' : 'already open',
      f.reason,
    ]),
  );
  return textTable(['ACCOUNT', 'REGION', 'FINDING', 'RESOURCE', 'OUTCOME', 'REPAIRED', 'ALERTED', 'WHY'], rows);
}

/** Runs `trailguard sweep`; resolves to the exit code (0 clean or all repaired, 1 anything left, 2 a usage error). */
export async function runSweepCommand(argv: readonly string[], io: Io, usageError: (error: unknown) => number): Promise<number> {
  let args: SweepArgs;
  try {
    args = parseSweepArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return usageError(error);
    throw error;
  }
  try {
    const config = loadConfigFile(args.config);
    const concurrency = args.concurrency ?? config.sweep.concurrency;
    const accounts = new Accounts({
      ...deployRoleOptions(config, 'apply'),
      region: config.central.region,
      sessionName: 'trailguard-sweep',
      limit: pLimit(Math.max(16, concurrency * 4)),
    });
    const discovery = await discover(config, accounts);
    const log: Log = {
      info: () => undefined,
      warn: (m, a) => io.stderr(`${m} ${JSON.stringify(a ?? {})}\n`),
      error: (m, a) => io.stderr(`${m} ${JSON.stringify(a ?? {})}\n`),
    };
    const state = new StateTable(await accounts.client(DynamoDBClient, config.central.account, config.central.region), SWEEP_NAMES.table);
    const deps = cliSweepDeps(config, accounts, { regions: discovery.regions, members: discovery.members.ids, state }, log);
    const plan = await planSweep(deps);
    const atOnce = pLimit(concurrency);
    const failures: string[] = [];
    const results = (
      await Promise.all(
        deps.queued.map((message) =>
          atOnce(async () => {
            try {
              return await sweepAccount(message, deps);
            } catch (error) {
              failures.push(`${message.account}: ${errorText(error)}`);
              return null;
            }
          }),
        ),
      )
    ).filter((r): r is AccountSweepResult => r !== null);
    const unrepaired = results.reduce((n, r) => n + r.unrepaired, 0);
    if (args.json) io.stdout(`${JSON.stringify({ sweepId: plan.sweepId, accounts: plan.accounts, results, failures }, null, 2)}\n`);
    else {
      const found = results.reduce((n, r) => n + r.findings.length, 0);
      if (found > 0) io.stdout(`${findingsTable(results)}\n\n`);
      io.stdout(`swept ${plan.accounts} accounts: ${found} findings, ${unrepaired} not repaired, ${failures.length} accounts failed\n`);
    }
    for (const f of failures) io.stderr(`trailguard sweep: ${f}\n`);
    return unrepaired > 0 || failures.length > 0 ? 1 : 0;
  } catch (error) {
    io.stderr(`trailguard: ${errorText(error)}\n`);
    return 1;
  }
}

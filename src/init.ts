// `trailguard init`: writes a commented trailguard.yml from what the caller's AWS account finds, then prints the next steps.
import { existsSync, writeFileSync } from 'node:fs';
import { parseCommandArgs, UsageError } from './cli-args.js';
import { ACCOUNT_ID, isKnownRegion } from './core/arn.js';
import { Accounts } from './core/aws/accounts.js';
import { callerRegion, takeInventory } from './core/aws/inventory.js';
import pLimit from 'p-limit';
import { DEFAULT_ROLES, parseConfig } from './core/config.js';
import { errorCode, errorText } from './core/errors.js';
import { renderInitialConfig } from './core/init-config.js';

export const INIT_USAGE = `usage: trailguard init [--config trailguard.yml] [--accounts id,id,...] [--force]

  Writes a commented trailguard.yml from what your AWS account finds, then prints the next steps:
  central    the caller's account (STS GetCallerIdentity) and region (AWS_REGION or the profile's region)
  members    the Organization's ACTIVE accounts (Organizations ListAccounts), or --accounts
  regions    auto: every region where a member trail lives, plus the central region
  trails     every member trail as the baseline, with the settings CloudTrail reports (GetTrail), organization
             trails included (isOrganizationTrail, organization.managementAccount)
  It only reads: in members it assumes ${DEFAULT_ROLES.deploy}. It never replaces a file without --force.

  --config <path>    where to write (default trailguard.yml)
  --accounts <ids>   comma-separated member account ids, instead of the Organization's accounts
  --force            replace an existing file

Exit codes: 0 written; 1 not written (the file exists, AWS cannot be read), or written with gaps that stderr names;
2 usage error.`;

interface InitArgs {
  config: string;
  accounts: string[] | null;
  force: boolean;
}

/** Parses the arguments after `init` (node:util parseArgs); throws UsageError naming the bad flag or account id. */
export function parseInitArgs(argv: readonly string[]): InitArgs {
  const { values } = parseCommandArgs(argv, { config: { type: 'string' }, accounts: { type: 'string' }, force: { type: 'boolean' } });
  const list = values.accounts as string | undefined;
  const accounts = list === undefined ? null : list.split(',').map((a) => a.trim());
  accounts?.forEach((id, index) => {
    if (!ACCOUNT_ID.test(id)) throw new UsageError(`--accounts[${index}]: expected a 12-digit account id, got ${JSON.stringify(id)}`);
    const first = accounts.indexOf(id);
    if (first < index) throw new UsageError(`--accounts[${index}]: duplicate of --accounts[${first}] (${id})`);
  });
  return { config: (values.config as string | undefined) ?? 'trailguard.yml', accounts, force: values.force === true };
}

function refusal(path: string): string {
  return `trailguard: ${path} already exists: not overwritten (pass --force to replace it)\n`;
}

/**
 * Runs `trailguard init ...`; resolves to the exit code: 0 written, 1 not written (the file exists without --force, no
 * region, AWS cannot be read) or written with gaps (accounts or trails it could not read, named on stderr and in the
 * file). A usage error goes to `onUsageError` (exit 2). The file is checked with the config parser before it is written.
 */
export async function runInitCommand(
  argv: string[],
  io: { stdout: (text: string) => void; stderr: (text: string) => void },
  onUsageError: (error: unknown) => number,
): Promise<number> {
  let args: InitArgs;
  try {
    args = parseInitArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return onUsageError(error);
    throw error;
  }
  // Checked before any AWS call, and again by the exclusive write below (the file may appear meanwhile).
  if (!args.force && existsSync(args.config)) {
    io.stderr(refusal(args.config));
    return 1;
  }
  const region = await callerRegion();
  if (!region || !isKnownRegion(region)) {
    io.stderr(
      region
        ? `trailguard: the caller's region ${JSON.stringify(region)} is not an AWS region the SDK knows: set AWS_REGION to the central account's region\n`
        : "trailguard: no AWS region: set AWS_REGION (or a region in your AWS profile) to the central account's region\n",
    );
    return 1;
  }
  let rendered: ReturnType<typeof renderInitialConfig>;
  let members: number;
  try {
    const accounts = new Accounts({ region, roleName: DEFAULT_ROLES.deploy, sessionName: 'trailguard-init', limit: pLimit(16) });
    rendered = renderInitialConfig(await takeInventory(accounts, region, args.accounts), new Date());
    // What is written must be what plan and apply accept: a file the parser refuses is never written.
    members = parseConfig(rendered.text, `the generated ${args.config}`).members.accounts.length;
  } catch (error) {
    io.stderr(`trailguard: ${errorText(error)}\nNothing was written.\n`);
    return 1;
  }
  try {
    writeFileSync(args.config, rendered.text, { flag: args.force ? 'w' : 'wx' });
  } catch (error) {
    io.stderr(errorCode(error) === 'EEXIST' ? refusal(args.config) : `trailguard: cannot write ${args.config}: ${errorText(error)}\n`);
    return 1;
  }
  const lines = [
    `Wrote ${args.config}: ${members} member account${members === 1 ? '' : 's'}, ${rendered.baseline.length} baseline trail${rendered.baseline.length === 1 ? '' : 's'}, regions: auto.`,
    ...rendered.added.map((a) => `Added ${a.id} to the members: ${a.why}.`),
    '',
    'Next steps:',
    `  1. Review ${args.config}.`,
    ...rendered.todo.map((t) => `     Before apply: ${t}.`),
    `  2. An administrator creates the permissions boundary and the deploy roles it prints:`,
    `       trailguard iam --config ${args.config} --repository <owner>/<repo>`,
    '  3. Add the workflow .github/workflows/trailguard.yml (README, "The GitHub Action"): plan on pull requests, apply on',
    '     the default branch.',
    `  4. Slack: create the app from slack-app/manifest.yml (README, "The Slack app") and set slack.channel in ${args.config}.`,
    `  5. trailguard plan --config ${args.config} shows what apply will deploy.`,
  ];
  io.stdout(`${lines.join('\n')}\n`);
  if (rendered.gaps.length) {
    io.stderr(
      `trailguard: ${args.config} was written with gaps:\n${rendered.gaps.map((g) => `  - ${g}`).join('\n')}\nFix them and run init again with --force, or edit the file.\n`,
    );
    return 1;
  }
  return 0;
}

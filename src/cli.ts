// `trailguard init|plan|apply|status|iam`: the action's core as a command line.
import { Accounts, deployRoleOptions } from './core/aws/accounts.js';
import { DEFAULT_CONCURRENCY } from './core/aws/clients.js';
import pLimit from 'p-limit';
import type { Config } from './core/config.js';
import { errorText } from './core/errors.js';
import { loadRemediatorCode, loadSlackLambdaBundle } from './action/remediator-code.js';
import { describeUncovered, failureMessage, headline } from './action/report.js';
import { discover } from './core/aws/discovery.js';
import { runPipeline } from './core/aws/run-pipeline.js';
import { collectTrailStatus } from './core/aws/trail-status.js';
import type { PipelineReport } from './core/pipeline.js';
import type { Change } from './core/plan.js';
import { needsAttention, pipelineStatusRows, sortStatus, type TrailStatusRow } from './core/status.js';
import { textTable } from './core/table.js';
import { VERSION } from './core/version.js';
import { parseCommandArgs, UsageError, wantsHelp } from './cli-args.js';
import { loadConfigFile } from './config-file.js';
import { IAM_USAGE, runIamCommand } from './iam-command.js';
import { INIT_USAGE, runInitCommand } from './init.js';
import { runSweepCommand, SWEEP_USAGE } from './sweep-command.js';

export { UsageError } from './cli-args.js';

const COMMANDS = ['init', 'plan', 'apply', 'status', 'iam', 'sweep'] as const;
type Command = (typeof COMMANDS)[number];

export const USAGE = `usage: trailguard <init|plan|apply|status|sweep|iam> [options]

Keeps CloudTrail logging on across an AWS Organization: plans and converges TrailGuard's detection pipeline in every
member account and region, and reports every trail's state.

commands:
  init     write a commented trailguard.yml from what your AWS account finds (members, trails, regions)
  plan     show what apply would change in every account and region (exit 2 on drift apply fixes;
           exit 1 on what it cannot: a conflict, an error, a trail homed in a region without a forwarding rule)
  apply    converge the detection pipeline, then verify it (exit 1 if anything is left unprotected)
  status   every trail of every member and region: logging, last delivery, errors, and whether its home region
           forwards its tampering; plus TrailGuard's own resources where they are not in place (exit 2 when
           anything needs attention, or an account cannot be read)
  sweep    sweep every member once, as the scheduled sweep does: repair what the remediator would, alert each new
           finding once (exit 1 when anything found could not be repaired)
  iam      print the IAM documents an administrator creates: boundary, apply and plan roles

options:
  -h, --help   show this help; a command's options: \`trailguard <command> --help\` or \`trailguard help <command>\`
  --version    print the version

Exit codes: 0 done; 1 failed; 2 drift (plan), attention needed (status), or a usage error.
AWS credentials and region come from the environment (AWS_REGION, AWS_PROFILE, ...); AWS_ENDPOINT_URL is honoured.`;

const RUN_OPTIONS = `[--config trailguard.yml] [--concurrency ${DEFAULT_CONCURRENCY}] [--json]`;
const RUN_FLAGS = `
  --config <path>       the config file (default trailguard.yml; \`trailguard init\` writes one)
  --concurrency <n>     AWS requests in flight, across all accounts and regions (1 to 256, default ${DEFAULT_CONCURRENCY})
  --json                print the report as JSON`;

const COMMAND_USAGE: Record<Exclude<Command, 'iam' | 'init' | 'sweep'>, string> = {
  plan: `usage: trailguard plan ${RUN_OPTIONS}

  Shows what apply would change in every account and region; changes nothing.
  Exit 0: no drift. Exit 2: drift that apply fixes. Exit 1: what apply cannot fix (a conflict, an error, a trail
  homed in a region without a forwarding rule).
${RUN_FLAGS}`,
  apply: `usage: trailguard apply ${RUN_OPTIONS}

  Converges the detection pipeline in every account and region, then verifies it.
  Exit 0: in place. Exit 1: anything left unprotected.
${RUN_FLAGS}`,
  status: `usage: trailguard status ${RUN_OPTIONS}

  Lists every trail of every member and region (logging, last delivery, errors, whether its home region forwards
  its tampering) and TrailGuard's own resources where they are not in place.
  Exit 0: all well. Exit 2: anything needs attention, or an account cannot be read.
${RUN_FLAGS}`,
};

/** The help text of a command (its first line is the usage line). */
export function commandUsage(command: Command): string {
  if (command === 'iam') return IAM_USAGE;
  if (command === 'init') return INIT_USAGE;
  if (command === 'sweep') return SWEEP_USAGE;
  return COMMAND_USAGE[command];
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Whether stderr is a terminal: progress redraws one line instead of printing many. */
  tty: boolean;
  env: NodeJS.ProcessEnv;
}

interface Args {
  command: 'plan' | 'apply' | 'status';
  config: string;
  concurrency: number;
  json: boolean;
}

/** Parses the arguments after plan, apply or status (node:util parseArgs); throws UsageError naming the bad flag. */
export function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command !== 'plan' && command !== 'apply' && command !== 'status')
    throw new UsageError(command ? `unknown command ${command}` : 'a command is required');
  const { values } = parseCommandArgs(rest, { config: { type: 'string' }, concurrency: { type: 'string' }, json: { type: 'boolean' } });
  const text = (values.concurrency as string | undefined) ?? String(DEFAULT_CONCURRENCY);
  const concurrency = Number(text);
  if (!/^\d+$/.test(text) || concurrency < 1 || concurrency > 256)
    throw new UsageError(`--concurrency: expected 1 to 256, got ${JSON.stringify(text)}`);
  return { command, config: (values.config as string | undefined) ?? 'trailguard.yml', concurrency, json: values.json === true };
}

function isCommand(value: string | undefined): value is Command {
  return (COMMANDS as readonly string[]).includes(value ?? '');
}

/** Prints a usage error the way every command does: the problem, the usage line, where the help is. Exit code 2. */
function usageError(io: CliIo, error: unknown, command: Command | null): number {
  const usage = command ? commandUsage(command) : USAGE;
  io.stderr(
    `trailguard: ${errorText(error)}\n${usage.split('\n')[0]}\nRun \`trailguard ${command ? `${command} ` : ''}--help\` for details.\n`,
  );
  return 2;
}

function progress(io: CliIo, verb: string) {
  let last = -1;
  return (done: number, total: number) => {
    if (io.tty) io.stderr(`\r${verb} ${done}/${total} accounts${done === total ? '\n' : ''}`);
    else {
      const step = Math.floor((done / total) * 10);
      if (step !== last || done === total) io.stderr(`${verb} ${done}/${total} accounts\n`);
      last = step;
    }
  };
}

/** A change and, indented under it, each field's before → after (clipped by the plan). */
const changeLines = (c: Change, prefix = '') => [
  `${prefix}${c.kind} ${c.name}: ${c.reason}`,
  ...(c.diff ?? []).map((d) => `  ${d.field}: ${d.before} → ${d.after}`),
];

/** The plan or apply table the CLI prints: one line per detail, each change once with its fields' before → after. */
export function reportTable(report: PipelineReport): string {
  const rows = report.rows.flatMap((r) => {
    const details = [
      ...r.errors,
      ...r.changes.flatMap((c) => changeLines(c)),
      ...r.remaining.flatMap((c) => changeLines(c, 'still drifting: ')),
      ...r.uncovered.map(describeUncovered),
    ];
    return (details.length ? details : ['']).map((d, i) => (i === 0 ? [r.account, r.name, r.region, r.status, d] : ['', '', '', '', d]));
  });
  return textTable(['ACCOUNT', 'NAME', 'REGION', 'STATUS', 'DETAILS'], rows);
}

function printReport(report: PipelineReport, io: CliIo): void {
  io.stdout(`${reportTable(report)}\n\n${headline(report)}\n`);
  // slack.deploy: lambda: the Request URL the Slack app's settings need (slash commands, interactivity).
  if (report.slackUrl) io.stdout(`Slack Request URL: ${report.slackUrl}\n`);
}

export function statusTable(rows: TrailStatusRow[]): string {
  return textTable(
    ['ACCOUNT', 'NAME', 'REGION', 'TRAIL', 'LOGGING', 'LAST DELIVERY', 'ERROR'],
    sortStatus(rows).map((r) => [
      r.account,
      r.name,
      r.region,
      r.trail ? `${r.trail}${r.multiRegion ? ' (all regions)' : ''}` : '-',
      r.isLogging === null ? '?' : r.isLogging ? 'yes' : 'NO',
      r.latestDeliveryTime ?? '-',
      [r.error, r.uncovered, r.latestDeliveryError, r.selectorsProblem].filter(Boolean).join('; '),
    ]),
  );
}

function accountsFor(config: Config, concurrency: number, command: Args['command']): Accounts {
  return new Accounts({
    ...deployRoleOptions(config, command),
    region: config.central.region,
    sessionName: 'trailguard-cli',
    limit: pLimit(concurrency),
  });
}

/**
 * Runs one command line; resolves to the exit code: 0 done (and for --help, help, --version), 1 failed, 2 drift in
 * plan, attention needed in status, or a usage error (printed with the usage line, before any file or AWS call).
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    if (first === 'help' && rest[0] !== undefined) {
      if (!isCommand(rest[0])) return usageError(io, new UsageError(`unknown command ${rest[0]}`), null);
      io.stdout(`${commandUsage(rest[0])}\n`);
    } else io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (first === '--version') {
    io.stdout(`trailguard ${VERSION}\n`);
    return 0;
  }
  if (!isCommand(first)) {
    const problem =
      first === undefined ? 'a command is required' : first.startsWith('-') ? `unknown option ${first}` : `unknown command ${first}`;
    return usageError(io, new UsageError(problem), null);
  }
  if (wantsHelp(rest)) {
    io.stdout(`${commandUsage(first)}\n`);
    return 0;
  }
  if (first === 'iam') return runIamCommand(rest, io, (error) => usageError(io, error, 'iam'));
  if (first === 'init') return runInitCommand(rest, io, (error) => usageError(io, error, 'init'));
  if (first === 'sweep') return runSweepCommand(rest, io, (error) => usageError(io, error, 'sweep'));
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return usageError(io, error, first);
    throw error;
  }
  try {
    const config = loadConfigFile(args.config);
    const accounts = accountsFor(config, args.concurrency, args.command);
    if (args.command === 'status') {
      // One discovery (members, ListTrails) for both halves: the trails, and whether TrailGuard's pipeline watches them.
      const discovery = await discover(config, accounts);
      const { members } = discovery;
      const [report, trails] = await Promise.all([
        runPipeline({
          config,
          mode: 'plan',
          accounts,
          code: loadRemediatorCode(),
          ...(config.slack?.deploy === 'lambda' ? { slackBundle: loadSlackLambdaBundle() } : {}),
          discovery,
        }),
        collectTrailStatus(
          accounts,
          members.ids.map((id) => ({ account: id, name: members.names.get(id) ?? id })),
          discovery.regions,
          {
            listed: discovery.trails,
            watched: discovery.regions,
          },
        ),
      ]);
      const rows = [...trails, ...pipelineStatusRows(report)];
      io.stdout(args.json ? `${JSON.stringify(sortStatus(rows), null, 2)}\n` : `${statusTable(rows)}\n`);
      return rows.some(needsAttention) ? 2 : 0;
    }
    const report = await runPipeline({
      config,
      mode: args.command,
      accounts,
      code: loadRemediatorCode(),
      ...(config.slack?.deploy === 'lambda' ? { slackBundle: loadSlackLambdaBundle() } : {}),
      onProgress: progress(io, args.command === 'plan' ? 'read' : 'converged'),
    });
    if (args.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else printReport(report, io);
    const failure = failureMessage(report);
    if (failure) {
      io.stderr(`${failure}\n`);
      return 1;
    }
    return args.command === 'plan' && report.drift ? 2 : 0;
  } catch (error) {
    io.stderr(`trailguard: ${errorText(error)}\n`);
    return 1;
  }
}

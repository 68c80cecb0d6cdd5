// `trailguard plan|apply|status`: the action's core as a command line.
import { readFileSync } from 'node:fs';
import { Accounts, deployRoleOptions } from './core/aws/accounts.js';
import { createLimiter } from './core/concurrency.js';
import { parseConfig, type Config } from './core/config.js';
import { errorText } from './core/errors.js';
import { discover, runPipeline, type PipelineReport } from './core/pipeline.js';
import { loadRemediatorCode } from './core/remediator-code.js';
import { describeUncovered, failureMessage, headline } from './core/report.js';
import { collectTrailStatus, needsAttention, pipelineStatusRows, sortStatus, type TrailStatusRow } from './core/status.js';
import { textTable } from './core/table.js';
import { runIamCommand } from './iam-command.js';
import { VERSION } from './core/version.js';

export const USAGE = `usage: trailguard <plan|apply|status|iam> [--config trailguard.yml] [--concurrency 16] [--json]

  plan     show what apply would change in every account and region (exit 2 on drift apply fixes;
           exit 1 on what it cannot: a conflict, an error, a trail homed in a region without a forwarding rule)
  apply    converge the detection pipeline, then verify it (exit 1 if anything is left unprotected)
  status   every trail of every member and region: logging, last delivery, errors, and whether its home region
           forwards its tampering; plus TrailGuard's own resources where they are not in place (exit 2 when
           anything needs attention, or an account cannot be read)
  iam      print the IAM documents an administrator creates: boundary, apply and plan roles (trailguard iam --help)

AWS credentials come from the environment; AWS_ENDPOINT_URL is honoured.`;

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

export class UsageError extends Error {}

export function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  if (command !== 'plan' && command !== 'apply' && command !== 'status') throw new UsageError(command ? `unknown command ${command}` : 'a command is required');
  const args: Args = { command, config: 'trailguard.yml', concurrency: 16, json: false };
  for (let i = 0; i < rest.length; i += 1) {
    const flag = rest[i]!;
    const [name, inline] = flag.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? rest[++i] ?? '';
    if (name === '--config') args.config = value();
    else if (name === '--concurrency') {
      const text = value();
      args.concurrency = Number(text);
      if (!/^\d+$/.test(text) || args.concurrency < 1 || args.concurrency > 256) throw new UsageError(`--concurrency: expected 1 to 256, got ${JSON.stringify(text)}`);
    } else if (name === '--json') args.json = true;
    else throw new UsageError(`unknown option ${flag}`);
  }
  return args;
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

function printReport(report: PipelineReport, io: CliIo): void {
  const rows = report.rows.flatMap((r) => {
    const details = [
      ...r.errors,
      ...r.changes.map((c) => `${c.kind} ${c.name}: ${c.reason}`),
      ...r.remaining.map((c) => `still drifting: ${c.kind} ${c.name}: ${c.reason}`),
      ...r.uncovered.map(describeUncovered),
    ];
    return (details.length ? details : ['']).map((d, i) => (i === 0 ? [r.account, r.name, r.region, r.status, d] : ['', '', '', '', d]));
  });
  io.stdout(`${textTable(['ACCOUNT', 'NAME', 'REGION', 'STATUS', 'DETAILS'], rows)}\n\n${headline(report)}\n`);
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
      [r.error, r.uncovered, r.latestDeliveryError].filter(Boolean).join('; '),
    ]),
  );
}

function accountsFor(config: Config, concurrency: number, command: Args['command']): Accounts {
  return new Accounts({ ...deployRoleOptions(config, command), region: config.central.region, sessionName: 'trailguard-cli', limit: createLimiter(concurrency) });
}

/** Runs one command; resolves to the exit code (0 ok, 1 failure, 2 drift in plan). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === 'iam') return runIamCommand(argv.slice(1), io);
  // Asking for help or the version is not a usage error: it succeeds (DESIGN: `--help`/`--version` exit 0).
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help')) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout(`trailguard ${VERSION}\n`);
    return 0;
  }
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.stderr(`${errorText(error)}\n\n${USAGE}\n`);
    return 1;
  }
  try {
    const config = parseConfig(readFileSync(args.config, 'utf8'), args.config);
    const accounts = accountsFor(config, args.concurrency, args.command);
    if (args.command === 'status') {
      // One discovery (members, ListTrails) for both halves: the trails, and whether TrailGuard's pipeline watches them.
      const discovery = await discover(config, accounts);
      const { members } = discovery;
      const [report, trails] = await Promise.all([
        runPipeline({ config, mode: 'plan', accounts, code: loadRemediatorCode(), discovery }),
        collectTrailStatus(accounts, members.ids.map((id) => ({ account: id, name: members.names.get(id) ?? id })), discovery.regions, {
          listed: discovery.trails,
          watched: discovery.regions,
        }),
      ]);
      const rows = [...trails, ...pipelineStatusRows(report)];
      io.stdout(args.json ? `${JSON.stringify(sortStatus(rows), null, 2)}\n` : `${statusTable(rows)}\n`);
      return rows.some(needsAttention) ? 2 : 0;
    }
    const report = await runPipeline({ config, mode: args.command, accounts, code: loadRemediatorCode(), onProgress: progress(io, args.command === 'plan' ? 'read' : 'converged') });
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

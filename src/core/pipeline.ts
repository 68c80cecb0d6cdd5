// The pipeline run's model and its pure steps: which regions to watch, which trails nobody watches, the order changes
// are applied in, and the report built from what was read and written. The run itself, which does the I/O, is
// `runPipeline` in src/core/aws/run-pipeline.ts.
import { NAMES } from './names.js';
import { parseTrailArn } from './arn.js';
import type { Config } from './config.js';
import { APPLY_ORDER, GLOBAL, type Resource } from './desired-state.js';
import { planChanges, type Change, type Extraneous, type Observed } from './plan.js';

/** A trail as CloudTrail's ListTrails reports it. */
export interface TrailInfo {
  name: string;
  arn: string;
  /** The region the trail was created in: the only region where StopLogging, DeleteTrail, UpdateTrail and PutEventSelectors on it are called (and recorded). */
  homeRegion: string;
}

export type Mode = 'plan' | 'apply';
/** `uncovered`: a member trail lives in this region, and the region has no forwarding rule (not a watched region). */
export type RowStatus = 'ok' | 'drift' | 'created' | 'updated' | 'conflict' | 'error' | 'uncovered';

/** A member's trail whose home region has no `trailguard-forward` rule: tampering with it is never seen. */
export interface UncoveredTrail {
  account: string;
  /** The home region: where every call on the trail is made and recorded. */
  region: string;
  trail: string;
  arn: string;
}

export interface Row {
  account: string;
  name: string;
  region: string;
  status: RowStatus;
  /** Planned changes (plan), or changes made (apply). */
  changes: Change[];
  /** Drift still there after apply. */
  remaining: Change[];
  errors: string[];
  /** Trails living in this region although it has no forwarding rule (only on `uncovered` rows). */
  uncovered: UncoveredTrail[];
}

export interface PipelineReport {
  mode: Mode;
  central: { account: string; region: string };
  members: string[];
  /** The regions that get a forwarding rule: `members.regions`, or with `auto` the ones discovered. */
  regions: string[];
  rows: Row[];
  /** Planned (plan) or made (apply) changes, conflicts excluded. */
  changes: Change[];
  conflicts: Change[];
  /** Some account-region is not fully protected: plan: anything not ok; apply: anything not ok, created or updated after the re-read (drift, conflict, error, uncovered). */
  drift: boolean;
  errors: { account: string; region: string; message: string }[];
  /** Member trails whose home region has no forwarding rule. */
  uncovered: UncoveredTrail[];
  /**
   * TrailGuard's dead-letter queues that hold messages: each is a tamper event the remediator could not
   * handle (its alert could not be published, it failed every retry), so logging may be off unalerted.
   */
  deadLetters: { account: string; region: string; queue: string; messages: number }[];
  durationMs: number;
  /**
   * With `slack.deploy: lambda`, once its function URL exists: the Request URL to give Slack (the function URL +
   * `/slack/events`) for slash commands and interactivity.
   */
  slackUrl?: string;
}

/** Who the members are, what trails they have (ListTrails, once per member) and which regions get a forwarding rule. */
export interface Discovery {
  members: { ids: string[]; names: Map<string, string> };
  /** Every trail of each member whose trails could be listed. */
  trails: Map<string, TrailInfo[]>;
  /** Members whose trails could not be listed, and why (an unreachable account is reported by the read instead). */
  errors: Map<string, string>;
  regions: string[];
}

/** What was read in one account: observed resources by key, TrailGuard's grants no longer wanted, errors by region. */
export interface AccountState {
  observed: Map<string, Observed>;
  extraneous: Extraneous[];
  errors: Map<string, string>;
}

/**
 * What a run keeps of an account's first read (in plan, its only one) once the account is done: the changes it plans
 * (conflicts included), its errors by region, and (central account) its dead-letter depths. The observed state itself is
 * dropped, so a run holds results, not every account's resources.
 */
export interface AccountRead {
  planned: Change[];
  errors: ReadonlyMap<string, string>;
  deadLetters: PipelineReport['deadLetters'];
}

/** Reduces `state`, read for `resources` of one account, to what the report needs of it (`AccountRead`). Pure. */
export function summarizeRead(config: Config, resources: readonly Resource[], state: AccountState): AccountRead {
  return {
    planned: planChanges([...resources], state.observed, state.extraneous),
    errors: state.errors,
    deadLetters: deadLetterDepths(config, resources, state.observed),
  };
}

/**
 * The regions that get a forwarding rule. A list in the config is used as it is; `auto` is the central region plus every
 * home region of the members' trails (organization trails of another account included: a member's attempt on one is
 * made, and recorded, in its home region), central region first, then sorted.
 */
export function resolveRegions(config: Config, trails: ReadonlyMap<string, TrailInfo[]>): string[] {
  if (!config.members.discoverRegions) return config.members.regions;
  const homes = new Set([...trails.values()].flat().map((t) => t.homeRegion));
  homes.delete(config.central.region);
  return [config.central.region, ...[...homes].sort()];
}

/**
 * Trails a member owns (the ARN names its account) whose home region is not among `regions`: every call on such a
 * trail is made in its home region, where no rule forwards it. An organization trail of another account is reported
 * under that account, when it is a member.
 */
export function uncoveredTrails(trails: ReadonlyMap<string, TrailInfo[]>, regions: readonly string[]): UncoveredTrail[] {
  const watched = new Set(regions);
  const out: UncoveredTrail[] = [];
  for (const [account, list] of trails) {
    for (const t of list) {
      if (!watched.has(t.homeRegion) && parseTrailArn(t.arn)?.account === account)
        out.push({ account, region: t.homeRegion, trail: t.name, arn: t.arn });
    }
  }
  return out.sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region) || a.trail.localeCompare(b.trail));
}

/** Items by key, in first-seen order. */
function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(keyOf(item), [...(out.get(keyOf(item)) ?? []), item]);
  return out;
}

export { groupBy };

/** The changes in the order they are applied (APPLY_ORDER: roles before the functions that assume them, the bus before its rules). */
export function applyOrder(changes: readonly Change[]): Change[] {
  return [...changes].sort((a, b) => APPLY_ORDER.indexOf(a.kind) - APPLY_ORDER.indexOf(b.kind));
}

/**
 * Whether a change is skipped (or, after the fact, counted as not made) because of `failed` (region -> error): within
 * an account a failure stops the rest of its region, and everything when a global resource such as a role failed;
 * other regions still go on.
 */
export function blockedBy(change: Change, failed: ReadonlyMap<string, string>): boolean {
  return failed.has(change.region) || (change.region !== GLOBAL && failed.has(GLOBAL));
}

/** Everything a run read, planned and did: the input of `buildReport`. */
export interface RunResults {
  mode: Mode;
  /** The config with the regions resolved (`auto` replaced by the discovered list). */
  config: Config;
  members: Discovery['members'];
  regions: string[];
  /** Desired resources by account; only their regions are read (a run over many accounts passes just those). */
  byAccount: ReadonlyMap<string, readonly Pick<Resource, 'region'>[]>;
  /** What is kept of the first read of each account (plan: the only one). */
  reads: ReadonlyMap<string, AccountRead>;
  /** Apply: the changes made per account (the ones no failure blocked). */
  made: ReadonlyMap<string, Change[]>;
  /** Apply: errors per account and region, from the writes and the verifying re-read. */
  applyErrors: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Apply: drift the verifying re-read still found, per account. */
  remaining: ReadonlyMap<string, Change[]>;
  discovery: Pick<Discovery, 'trails' | 'errors'>;
  durationMs: number;
}

/**
 * The run's report: one row per account-region (and one per region with an uncovered trail), its status, the changes
 * planned (plan) or made (apply), drift left after apply, errors, conflicts; `drift` is true when any account-region
 * is not protected. Pure: the same results give the same report.
 */
export function buildReport(run: RunResults): PipelineReport {
  const { mode, config, members, regions, byAccount, reads, made, applyErrors, remaining, discovery } = run;
  const accountIds = [...byAccount.keys()];
  const planned = new Map(accountIds.map((id) => [id, reads.get(id)!.planned]));
  const rows: Row[] = [];
  const errors: PipelineReport['errors'] = [];
  const uncovered = uncoveredTrails(discovery.trails, regions);
  // Every account of the desired state is a member (named) or the central account.
  const nameOf = (id: string) => members.names.get(id) ?? 'central';
  for (const id of accountIds) {
    const accountRegions = [...new Set(byAccount.get(id)!.map((r) => r.region))];
    const state = reads.get(id)!;
    for (const region of accountRegions) {
      const inRegion = (c: Change) => c.region === region;
      const discoveryError = region === GLOBAL ? discovery.errors.get(id) : undefined;
      const regionErrors = [state.errors.get(region), applyErrors.get(id)?.get(region), discoveryError].filter((e): e is string =>
        Boolean(e),
      );
      for (const message of regionErrors) errors.push({ account: id, region, message });
      const conflicts = planned.get(id)!.filter((c) => inRegion(c) && c.action === 'conflict');
      const changes =
        mode === 'plan' ? planned.get(id)!.filter((c) => inRegion(c) && c.action !== 'conflict') : (made.get(id) ?? []).filter(inRegion);
      const left = (remaining.get(id) ?? []).filter(inRegion);
      let status: RowStatus = 'ok';
      if (regionErrors.length > 0) status = 'error';
      else if (conflicts.length > 0) status = 'conflict';
      else if (mode === 'plan' ? changes.length > 0 : left.length > 0) status = 'drift';
      else if (changes.length > 0) status = changes.every((c) => c.action === 'create') ? 'created' : 'updated';
      rows.push({
        account: id,
        name: nameOf(id),
        region,
        status,
        changes: [...changes, ...conflicts],
        remaining: left,
        errors: regionErrors,
        uncovered: [],
      });
    }
    // A trail homed where no rule exists: apply cannot help (the region is not watched), the config has to change.
    for (const [region, trails] of groupBy(
      uncovered.filter((u) => u.account === id),
      (u) => u.region,
    )) {
      rows.push({ account: id, name: nameOf(id), region, status: 'uncovered', changes: [], remaining: [], errors: [], uncovered: trails });
    }
  }
  const deadLetters = accountIds.flatMap((id) => reads.get(id)!.deadLetters);
  for (const dead of deadLetters) {
    const row = rows.find((r) => r.account === dead.account && r.region === dead.region);
    // An error, not drift: apply cannot fix it, a responder has to read the events.
    if (row) row.status = 'error';
    row?.errors.push(describeDeadLetters(dead));
    errors.push({ account: dead.account, region: dead.region, message: describeDeadLetters(dead) });
  }
  const all = rows.flatMap((r) => r.changes);
  // Created and updated rows were verified by the re-read; anything else after apply, or anything at all in a plan, is unprotected.
  const settled: RowStatus[] = mode === 'plan' ? ['ok'] : ['ok', 'created', 'updated'];
  return {
    mode,
    central: { account: config.central.account, region: config.central.region },
    members: members.ids,
    regions,
    rows,
    changes: all.filter((c) => c.action !== 'conflict'),
    conflicts: all.filter((c) => c.action === 'conflict'),
    drift: rows.some((r) => !settled.includes(r.status)),
    errors,
    uncovered,
    deadLetters,
    durationMs: run.durationMs,
  };
}

/** The dead-letter message, as the summary, the PR comment and the CLI show it. */
export function describeDeadLetters(dead: PipelineReport['deadLetters'][number]): string {
  if (dead.queue === NAMES.alertsDlq)
    return (
      `${dead.messages} message${dead.messages === 1 ? '' : 's'} in ${dead.queue}: alerts SNS could not deliver to the Slack app (it was down ` +
      'or answered errors longer than SNS retries; on Lambda, or its function failed them past its retries), so nobody was shown them; ' +
      'read them, fix the app, and redrive them to the topic'
    );
  return (
    `${dead.messages} message${dead.messages === 1 ? '' : 's'} in ${dead.queue}: tamper events the remediator could not handle (an alert that could not be ` +
    'published, an event that failed every retry), so a trail may be off with no alert; read them, fix the cause, and redrive them'
  );
}

/** Depth of the dead-letter queues (trailguard-dlq, and the Slack app's trailguard-alerts-dlq) a central read saw (SQS ApproximateNumberOfMessages, visible and in flight); none elsewhere. */
function deadLetterDepths(
  config: Config,
  resources: readonly Resource[],
  observed: ReadonlyMap<string, Observed>,
): PipelineReport['deadLetters'] {
  const { account, region } = config.central;
  const out: PipelineReport['deadLetters'] = [];
  for (const resource of resources) {
    if (resource.account !== account || resource.kind !== 'sqs-queue' || (resource.name !== NAMES.dlq && resource.name !== NAMES.alertsDlq))
      continue;
    const seen = observed.get(resource.key);
    if (!seen?.exists) continue;
    const messages = Number(seen.fields.ApproximateNumberOfMessages ?? 0) + Number(seen.fields.ApproximateNumberOfMessagesNotVisible ?? 0);
    if (messages > 0) out.push({ account, region: resource.region === GLOBAL ? region : resource.region, queue: resource.name, messages });
  }
  return out;
}

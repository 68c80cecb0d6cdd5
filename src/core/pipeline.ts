// The pipeline run shared by the action and the CLI: resolve members, read, plan, and in apply mode converge and verify.
import { parseTrailArn } from './arn.js';
import { accountName, type Config } from './config.js';
import { APPLY_ORDER, desiredState, GLOBAL, type Resource } from './desired-state.js';
import { errorText } from './errors.js';
import { planChanges, type Change, type Extraneous, type Observed } from './plan.js';
import type { Accounts } from './aws/accounts.js';
import { listActiveAccounts } from './aws/organizations.js';
import { AssumeRoleError } from './aws/assume-role.js';
import { listTrails, StateReader, type TrailInfo } from './aws/readers.js';
import { applyChange } from './aws/writers.js';

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
  durationMs: number;
}

export interface PipelineOptions {
  config: Config;
  mode: Mode;
  accounts: Accounts;
  code: { zip: Buffer; sha256: string };
  /** Told after each account has been read (and applied): for a progress line. */
  onProgress?: (done: number, total: number) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Members and their trails, when the caller already discovered them (the CLI's status shares one discovery). */
  discovery?: Discovery;
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

interface AccountState {
  observed: Map<string, Observed>;
  extraneous: Extraneous[];
  errors: Map<string, string>;
}

/** Members from the list, or every ACTIVE account of the Organization; minus `exclude`. */
export async function resolveMembers(config: Config, accounts: Accounts): Promise<{ ids: string[]; names: Map<string, string> }> {
  const names = new Map(config.members.accounts.map((a) => [a.id, a.name ?? a.id]));
  let ids = config.members.accounts.map((a) => a.id);
  if (config.members.organization) {
    const org = await listActiveAccounts(accounts, config.central.region);
    for (const a of org) if (!names.has(a.id)) names.set(a.id, a.name);
    ids = [...new Set([...ids, ...org.map((a) => a.id)])];
  }
  const excluded = new Set(config.members.exclude);
  return { ids: ids.filter((id) => !excluded.has(id)).sort(), names };
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
      if (!watched.has(t.homeRegion) && parseTrailArn(t.arn)?.account === account) out.push({ account, region: t.homeRegion, trail: t.name, arn: t.arn });
    }
  }
  return out.sort((a, b) => a.account.localeCompare(b.account) || a.region.localeCompare(b.region) || a.trail.localeCompare(b.trail));
}

/** Lists each member's trails (one ListTrails per member, all at once); an unreachable member is left to the read to report. */
async function listMemberTrails(config: Config, accounts: Accounts, ids: string[]): Promise<Pick<Discovery, 'trails' | 'errors'>> {
  const trails = new Map<string, TrailInfo[]>();
  const errors = new Map<string, string>();
  await Promise.all(
    ids.map(async (id) => {
      try {
        await accounts.reach(id);
      } catch (error) {
        if (error instanceof AssumeRoleError) return;
        throw error;
      }
      try {
        trails.set(id, await listTrails(accounts, id, config.central.region));
      } catch (error) {
        errors.set(id, `ListTrails: ${errorText(error)}; trails in regions TrailGuard does not watch cannot be found`);
      }
    }),
  );
  return { trails, errors };
}

/** Resolves the members, lists each one's trails (one ListTrails per member, all at once) and the regions to watch. */
export async function discover(config: Config, accounts: Accounts): Promise<Discovery> {
  const members = await resolveMembers(config, accounts);
  const { trails, errors } = await listMemberTrails(config, accounts, members.ids);
  return { members, trails, errors, regions: resolveRegions(config, trails) };
}

/**
 * The discovery a run needs before it can compute the desired state. With `auto` the regions depend on the trails, so
 * they are listed first; with a list, ListTrails runs alongside the read (no extra round trip) and is awaited later.
 */
async function startDiscovery(config: Config, accounts: Accounts): Promise<{ members: Discovery['members']; regions: string[]; rest: Promise<Discovery> }> {
  if (config.members.discoverRegions) {
    const found = await discover(config, accounts);
    return { members: found.members, regions: found.regions, rest: Promise.resolve(found) };
  }
  const members = await resolveMembers(config, accounts);
  const listing = listMemberTrails(config, accounts, members.ids);
  // Handled here so a failure cannot go unobserved while the read runs; awaited (and rethrown) below.
  listing.catch(() => undefined);
  const regions = config.members.regions;
  return { members, regions, rest: listing.then((l) => ({ members, regions, ...l })) };
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(keyOf(item), [...(out.get(keyOf(item)) ?? []), item]);
  return out;
}

/** Reads one account: AssumeRole, then every resource at once (the shared request limit keeps the pace). */
async function readAccount(account: string, resources: Resource[], reader: StateReader, accounts: Accounts, config: Config): Promise<AccountState> {
  const state: AccountState = { observed: new Map(), extraneous: [], errors: new Map() };
  try {
    await accounts.reach(account);
  } catch (error) {
    for (const r of resources) state.errors.set(r.region, errorText(error));
    return state;
  }
  await Promise.all(
    resources.map(async (resource) => {
      try {
        state.observed.set(resource.key, await reader.read(resource));
      } catch (error) {
        state.errors.set(resource.region, `${resource.kind} ${resource.name}: ${errorText(error)}`);
      }
    }),
  );
  if (account === config.central.account) {
    try {
      state.extraneous = await reader.extraneousGrants(account, config.central.region, resources);
    } catch (error) {
      state.errors.set(config.central.region, `bus policy: ${errorText(error)}`);
    }
    try {
      state.extraneous.push(...(await reader.foreignFunctionStatements(account, config.central.region, resources)));
    } catch (error) {
      state.errors.set(config.central.region, `remediator function policy: ${errorText(error)}`);
    }
  }
  // An error in a region voids what was read there: half a picture would plan wrong changes.
  for (const r of resources) if (state.errors.has(r.region)) state.observed.delete(r.key);
  return state;
}

async function applyAccount(changes: Change[], byKey: Map<string, Resource>, state: AccountState, options: PipelineOptions, homeRegion: string): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  const ordered = [...changes].sort((a, b) => APPLY_ORDER.indexOf(a.kind) - APPLY_ORDER.indexOf(b.kind));
  for (const change of ordered) {
    // Within an account, a failure stops the resources that depend on it; other regions' rules still go on.
    if (failed.has(change.region) || (change.region !== GLOBAL && failed.has(GLOBAL))) continue;
    try {
      await applyChange(change, byKey.get(change.key), state.observed.get(change.key), { accounts: options.accounts, homeRegion, code: options.code.zip, sleep: options.sleep });
    } catch (error) {
      failed.set(change.region, `${change.reason} ${change.kind} ${change.name}: ${errorText(error)}`);
    }
  }
  return failed;
}

export async function runPipeline(options: PipelineOptions): Promise<PipelineReport> {
  const started = Date.now();
  const { accounts, mode } = options;
  const home = options.config.central.region;
  const begun = options.discovery
    ? { members: options.discovery.members, regions: options.discovery.regions, rest: Promise.resolve(options.discovery) }
    : await startDiscovery(options.config, accounts);
  const { members, regions } = begun;
  // No member at all (every account excluded, or an Organization that lists none): a green run would protect nothing.
  if (members.ids.length === 0) throw new Error('no member accounts to protect: members.accounts, members.organization and members.exclude leave none');
  // With `auto`, the desired state is computed for the discovered regions, exactly as if they had been listed.
  const config: Config = { ...options.config, members: { ...options.config.members, regions } };
  const desired = desiredState(config, { members: members.ids, codeSha256: options.code.sha256 });
  const byKey = new Map(desired.map((r) => [r.key, r]));
  const byAccount = groupBy(desired, (r) => r.account);
  const reader = new StateReader(accounts, home);
  const accountIds = [...byAccount.keys()];
  let done = 0;
  const total = accountIds.length;

  const states = new Map<string, AccountState>();
  const applyErrors = new Map<string, Map<string, string>>();
  const made = new Map<string, Change[]>();

  const readAll = async (ids: string[], freshReader: StateReader) =>
    Promise.all(ids.map(async (id) => [id, await readAccount(id, byAccount.get(id)!, freshReader, accounts, config)] as const));

  if (mode === 'plan') {
    for (const [id, state] of await readAll(accountIds, reader)) {
      states.set(id, state);
      options.onProgress?.((done += 1), total);
    }
  } else {
    // The central account first: members' rules target its bus, and the bus grants them access.
    const central = config.central.account;
    const order = [central, ...accountIds.filter((id) => id !== central)];
    const converge = async (id: string) => {
      const [, state] = (await readAll([id], reader))[0]!;
      states.set(id, state);
      const changes = planChanges(byAccount.get(id)!, state.observed, state.extraneous).filter((c) => c.action !== 'conflict');
      const failed = await applyAccount(changes, byKey, state, options, home);
      applyErrors.set(id, failed);
      made.set(id, changes.filter((c) => !failed.has(c.region) && !(c.region !== GLOBAL && failed.has(GLOBAL))));
      options.onProgress?.((done += 1), total);
    };
    if (byAccount.has(central)) await converge(central);
    await Promise.all(order.filter((id) => id !== central && byAccount.has(id)).map(converge));
  }

  const planned = new Map(accountIds.map((id) => [id, planChanges(byAccount.get(id)!, states.get(id)!.observed, states.get(id)!.extraneous)]));
  // Drift still there after apply's re-read; a plan leaves it empty (its changes say it all).
  const remaining = new Map<string, Change[]>();
  if (mode === 'apply') {
    // Verify: read everything that changed again; an apply that leaves drift fails.
    const touched = accountIds.filter((id) => (made.get(id) ?? []).length > 0);
    const verifier = new StateReader(accounts, home);
    for (const [id, state] of await readAll(touched, verifier)) {
      remaining.set(id, planChanges(byAccount.get(id)!, state.observed, state.extraneous).filter((c) => c.action !== 'conflict'));
      for (const [region, message] of state.errors) applyErrors.get(id)?.set(region, `re-read: ${message}`);
    }
  }

  const rows: Row[] = [];
  const errors: PipelineReport['errors'] = [];
  const discovery = await begun.rest;
  const uncovered = uncoveredTrails(discovery.trails, regions);
  const nameOf = (id: string) => (id === config.central.account && !members.names.has(id) ? 'central' : (members.names.get(id) ?? accountName(config, id)));
  for (const id of accountIds) {
    const regions = [...new Set(byAccount.get(id)!.map((r) => r.region))];
    const state = states.get(id)!;
    for (const region of regions) {
      const inRegion = (c: Change) => c.region === region;
      const discoveryError = region === GLOBAL ? discovery.errors.get(id) : undefined;
      const regionErrors = [state.errors.get(region), applyErrors.get(id)?.get(region), discoveryError].filter((e): e is string => Boolean(e));
      for (const message of regionErrors) errors.push({ account: id, region, message });
      const conflicts = planned.get(id)!.filter((c) => inRegion(c) && c.action === 'conflict');
      const changes = mode === 'plan' ? planned.get(id)!.filter((c) => inRegion(c) && c.action !== 'conflict') : (made.get(id) ?? []).filter(inRegion);
      const left = (remaining.get(id) ?? []).filter(inRegion);
      let status: RowStatus = 'ok';
      if (regionErrors.length > 0) status = 'error';
      else if (conflicts.length > 0) status = 'conflict';
      else if (mode === 'plan' ? changes.length > 0 : left.length > 0) status = 'drift';
      else if (changes.length > 0) status = changes.every((c) => c.action === 'create') ? 'created' : 'updated';
      rows.push({ account: id, name: nameOf(id), region, status, changes: [...changes, ...conflicts], remaining: left, errors: regionErrors, uncovered: [] });
    }
    // A trail homed where no rule exists: apply cannot help (the region is not watched), the config has to change.
    for (const [region, trails] of groupBy(uncovered.filter((u) => u.account === id), (u) => u.region)) {
      rows.push({ account: id, name: nameOf(id), region, status: 'uncovered', changes: [], remaining: [], errors: [], uncovered: trails });
    }
  }
  const all = rows.flatMap((r) => r.changes);
  // Created and updated rows were verified by the re-read; anything else after apply, or anything at all in a plan, is unprotected.
  const settled: RowStatus[] = mode === 'plan' ? ['ok'] : ['ok', 'created', 'updated'];
  return {
    mode,
    central: { account: config.central.account, region: home },
    members: members.ids,
    regions,
    rows,
    changes: all.filter((c) => c.action !== 'conflict'),
    conflicts: all.filter((c) => c.action === 'conflict'),
    drift: rows.some((r) => !settled.includes(r.status)),
    errors,
    uncovered,
    durationMs: Date.now() - started,
  };
}

// The pipeline run shared by the action and the CLI: resolve members, read, plan, and in apply mode converge and verify.
import { accountName, type Config } from './config.js';
import { APPLY_ORDER, desiredState, GLOBAL, type Resource } from './desired-state.js';
import { errorText } from './errors.js';
import { planChanges, type Change, type Extraneous, type Observed } from './plan.js';
import type { Accounts } from './aws/accounts.js';
import { listActiveAccounts } from './aws/organizations.js';
import { StateReader } from './aws/readers.js';
import { applyChange } from './aws/writers.js';

export type Mode = 'plan' | 'apply';
export type RowStatus = 'ok' | 'drift' | 'created' | 'updated' | 'conflict' | 'error';

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
}

export interface PipelineReport {
  mode: Mode;
  central: { account: string; region: string };
  members: string[];
  rows: Row[];
  /** Planned (plan) or made (apply) changes, conflicts excluded. */
  changes: Change[];
  conflicts: Change[];
  /** plan: drift exists; apply: drift remains after the re-read. */
  drift: boolean;
  errors: { account: string; region: string; message: string }[];
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
  const { config, accounts, mode } = options;
  const home = config.central.region;
  const members = await resolveMembers(config, accounts);
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
  let remaining = new Map<string, Change[]>();
  if (mode === 'apply') {
    // Verify: read everything that changed again; an apply that leaves drift fails.
    const touched = accountIds.filter((id) => (made.get(id) ?? []).length > 0);
    const verifier = new StateReader(accounts, home);
    for (const [id, state] of await readAll(touched, verifier)) {
      remaining.set(id, planChanges(byAccount.get(id)!, state.observed, state.extraneous).filter((c) => c.action !== 'conflict'));
      for (const [region, message] of state.errors) applyErrors.get(id)?.set(region, `re-read: ${message}`);
    }
  } else {
    remaining = new Map([...planned].map(([id, changes]) => [id, changes.filter((c) => c.action !== 'conflict')]));
  }

  const rows: Row[] = [];
  const errors: PipelineReport['errors'] = [];
  for (const id of accountIds) {
    const regions = [...new Set(byAccount.get(id)!.map((r) => r.region))];
    const state = states.get(id)!;
    for (const region of regions) {
      const inRegion = (c: Change) => c.region === region;
      const regionErrors = [state.errors.get(region), applyErrors.get(id)?.get(region)].filter((e): e is string => Boolean(e));
      for (const message of regionErrors) errors.push({ account: id, region, message });
      const conflicts = planned.get(id)!.filter((c) => inRegion(c) && c.action === 'conflict');
      const changes = mode === 'plan' ? planned.get(id)!.filter((c) => inRegion(c) && c.action !== 'conflict') : (made.get(id) ?? []).filter(inRegion);
      const left = (remaining.get(id) ?? []).filter(inRegion);
      let status: RowStatus = 'ok';
      if (regionErrors.length > 0) status = 'error';
      else if (conflicts.length > 0) status = 'conflict';
      else if (mode === 'plan' ? changes.length > 0 : left.length > 0) status = 'drift';
      else if (changes.length > 0) status = changes.every((c) => c.action === 'create') ? 'created' : 'updated';
      rows.push({ account: id, name: id === config.central.account && !members.names.has(id) ? 'central' : (members.names.get(id) ?? accountName(config, id)), region, status, changes: [...changes, ...conflicts], remaining: left, errors: regionErrors });
    }
  }
  const all = rows.flatMap((r) => r.changes);
  return {
    mode,
    central: { account: config.central.account, region: home },
    members: members.ids,
    rows,
    changes: all.filter((c) => c.action !== 'conflict'),
    conflicts: all.filter((c) => c.action === 'conflict'),
    drift: rows.some((r) => (mode === 'plan' ? r.changes.some((c) => c.action !== 'conflict') : r.remaining.length > 0)),
    errors,
    durationMs: Date.now() - started,
  };
}

// The pipeline run shared by the action and the CLI: resolve members, read, plan, and in apply mode converge and verify.
// The I/O lives here; what it decides (plan, apply order, report) is pure, in src/core/pipeline.ts and plan.ts.
import pLimit from 'p-limit';
import type { Config } from '../config.js';
import { desiredStateByAccount, slackAppCode, slackEventsUrl, type Resource } from '../desired-state.js';
import type { ZipEntry } from '../zip.js';
import { errorText } from '../errors.js';
import {
  applyOrder,
  blockedBy,
  buildReport,
  summarizeRead,
  type AccountRead,
  type AccountState,
  type Discovery,
  type Mode,
  type PipelineReport,
} from '../pipeline.js';
import { planChanges, type Change, type Observed } from '../plan.js';
import type { Accounts } from './accounts.js';
import { accountsAtOnce, listAccountTrails, startDiscovery } from './discovery.js';
import { StateReader } from './readers.js';
import { applyChange } from './writers.js';

export interface PipelineOptions {
  config: Config;
  mode: Mode;
  accounts: Accounts;
  code: { zip: Buffer; sha256: string };
  /** The files of `dist/slack-app-lambda/`: needed with `slack.deploy: lambda` (apply deploys them with the config). */
  slackBundle?: readonly ZipEntry[];
  /** Told after each account has been read (and applied): for a progress line. */
  onProgress?: (done: number, total: number) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Members and their trails, when the caller already discovered them (the CLI's status shares one discovery). */
  discovery?: Discovery;
  /** Accounts worked on at once (default `accountsAtOnce(accounts)`): what bounds the run's memory. */
  accountsAtOnce?: number;
}

/** Reads one account: AssumeRole, then every resource at once (the shared request limit keeps the pace). */
async function readAccount(
  account: string,
  resources: Resource[],
  reader: StateReader,
  accounts: Accounts,
  config: Config,
): Promise<AccountState> {
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
      state.errors.set(config.central.region, `function policy: ${errorText(error)}`);
    }
    try {
      state.extraneous.push(...(await reader.foreignTopicAccess(account, config.central.region, resources)));
    } catch (error) {
      state.errors.set(config.central.region, `alerts topic subscriptions and policy: ${errorText(error)}`);
    }
  }
  // An error in a region voids what was read there: half a picture would plan wrong changes.
  for (const r of resources) if (state.errors.has(r.region)) state.observed.delete(r.key);
  return state;
}

/** Applies an account's changes in order; resolves to the failures by region (a failure skips what depends on it). */
async function applyAccount(
  changes: Change[],
  byKey: Map<string, Resource>,
  state: AccountState,
  options: PipelineOptions,
  homeRegion: string,
  slackCode: Buffer | undefined,
): Promise<Map<string, string>> {
  const failed = new Map<string, string>();
  for (const change of applyOrder(changes)) {
    if (blockedBy(change, failed)) continue;
    try {
      await applyChange(change, byKey.get(change.key), state.observed.get(change.key), {
        accounts: options.accounts,
        homeRegion,
        code: options.code.zip,
        ...(slackCode ? { slackCode } : {}),
        sleep: options.sleep,
      });
    } catch (error) {
      failed.set(change.region, `${change.reason} ${change.kind} ${change.name}: ${errorText(error)}`);
    }
  }
  return failed;
}

/**
 * Plans (reads every account and region, changes nothing) or applies (converges each account, the central one first,
 * then re-reads what changed to verify it) the detection pipeline in every account and region of `config`. AWS errors
 * of an account or region become report rows and `errors`, never a throw; Organizations errors while resolving members
 * propagate. Time in `durationMs`.
 *
 * Memory: accounts are worked on `accountsAtOnce` at a time (16, or the request concurrency when higher), each one held (`Accounts.hold`) from its first call to
 * its verifying re-read and then let go (its SDK clients and role credentials); what stays of it is `AccountRead`
 * (planned changes, errors), the changes made and the drift left. An account's desired resources are built when it is
 * worked on (`desiredStateByAccount`), not for every member up front. So the run's memory grows with the results, not
 * with what was desired or observed or with the clients it needed.
 */
export async function runPipeline(options: PipelineOptions): Promise<PipelineReport> {
  const started = Date.now();
  const { accounts, mode } = options;
  const atOnceCount = options.accountsAtOnce ?? accountsAtOnce(accounts);
  const home = options.config.central.region;
  const begun = options.discovery
    ? { members: options.discovery.members, regions: options.discovery.regions, discovered: options.discovery }
    : await startDiscovery(options.config, accounts, atOnceCount);
  const { members, regions, discovered } = begun;
  // No member at all (every account excluded, or an Organization that lists none): a green run would protect nothing.
  if (members.ids.length === 0)
    throw new Error('no member accounts to protect: members.accounts, members.organization and members.exclude leave none');
  // With `auto`, the desired state is computed for the discovered regions, exactly as if they had been listed.
  const config: Config = { ...options.config, members: { ...options.config.members, regions } };
  // Built per account as it is worked on, not for every member up front: the run's memory must not grow with them.
  // The Slack function's code is its bundle plus the config as written (not with `auto` resolved): stable across runs.
  const deploysSlack = options.config.slack?.deploy === 'lambda';
  if (deploysSlack && !options.slackBundle)
    throw new Error("slack.deploy is lambda but the Slack app's Lambda bundle (dist/slack-app-lambda/) was not found: run `npm run build`");
  const slack = deploysSlack ? slackAppCode(options.slackBundle!, options.config) : undefined;
  const desired = desiredStateByAccount(config, {
    members: members.ids,
    codeSha256: options.code.sha256,
    ...(slack ? { slackCodeSha256: slack.sha256 } : {}),
  });
  // One reader for first reads: it shares the central bus's description between the bus and its permissions.
  const reader = new StateReader(accounts, home);
  const accountIds = desired.accounts;
  // What the report needs of each account's resources: their regions (one shared list for every member).
  const shapes = new Map<readonly string[], { region: string }[]>();
  const regionsOf = (id: string) => {
    const list = desired.regionsOf(id);
    let shape = shapes.get(list);
    if (!shape) shapes.set(list, (shape = list.map((region) => ({ region }))));
    return shape;
  };
  const byAccount = new Map(accountIds.map((id) => [id, regionsOf(id)]));
  const memberIds = new Set(members.ids);
  let done = 0;
  const total = accountIds.length;
  let slackUrl: string | undefined;

  const reads = new Map<string, AccountRead>();
  const applyErrors = new Map<string, Map<string, string>>();
  const made = new Map<string, Change[]>();
  // Drift still there after apply's re-read; a plan leaves it empty (its changes say it all).
  const remaining = new Map<string, Change[]>();
  const trails = new Map(discovered?.trails ?? []);
  const discoveryErrors = new Map(discovered?.errors ?? []);

  /** Everything the run does in one account, from its first call to its last; then the account is let go. */
  const work = async (id: string) => {
    const release = accounts.hold(id);
    try {
      const resources = desired.resourcesOf(id);
      const byKey = new Map(resources.map((r) => [r.key, r]));
      // Without a discovery, a member's trails are listed alongside its read (one AssumeRole serves both).
      const listing = !discovered && memberIds.has(id) ? listAccountTrails(config, accounts, id) : undefined;
      // Observed so that a failure cannot go unhandled while the read runs; awaited (and rethrown) below.
      listing?.catch(() => undefined);
      const state = await readAccount(id, resources, reader, accounts, config);
      // The Slack function's URL, as the read found it (and after apply, as the re-read finds it).
      const urlKey = resources.find((r) => r.kind === 'lambda-url')?.key;
      const noteUrl = (observed: Map<string, Observed>) => {
        const seen = urlKey ? observed.get(urlKey) : undefined;
        if (seen?.exists && seen.ids?.url) slackUrl = slackEventsUrl(seen.ids.url);
      };
      noteUrl(state.observed);
      reader.forget(id);
      const read = summarizeRead(config, resources, state);
      reads.set(id, read);
      if (mode === 'apply') {
        const changes = read.planned.filter((c) => c.action !== 'conflict');
        const failed = await applyAccount(changes, byKey, state, options, home, slack?.zip);
        applyErrors.set(id, failed);
        const applied = changes.filter((c) => !blockedBy(c, failed));
        made.set(id, applied);
        if (applied.length > 0) {
          // Verify: read what changed again, with a fresh reader (no cached bus); an apply that leaves drift fails.
          const again = await readAccount(id, resources, new StateReader(accounts, home), accounts, config);
          noteUrl(again.observed);
          remaining.set(
            id,
            planChanges(resources, again.observed, again.extraneous).filter((c) => c.action !== 'conflict'),
          );
          for (const [region, message] of again.errors) failed.set(region, `re-read: ${message}`);
        }
      }
      const listed = await listing;
      if (listed?.trails) trails.set(id, listed.trails);
      if (listed?.error) discoveryErrors.set(id, listed.error);
      options.onProgress?.((done += 1), total);
    } finally {
      release();
    }
  };

  const atOnce = pLimit(atOnceCount);
  if (mode === 'plan') {
    await Promise.all(accountIds.map((id) => atOnce(() => work(id))));
  } else {
    // The central account first: members' rules target its bus, and the bus grants them access. The desired state
    // always has central resources (bus, rule, remediator), so the central account is in it.
    const central = config.central.account;
    await work(central);
    await Promise.all(accountIds.filter((id) => id !== central).map((id) => atOnce(() => work(id))));
  }

  const discovery = { trails, errors: discoveryErrors };
  const report = buildReport({
    mode,
    config,
    members,
    regions,
    byAccount,
    reads,
    made,
    applyErrors,
    remaining,
    discovery,
    durationMs: Date.now() - started,
  });
  return slackUrl ? { ...report, slackUrl } : report;
}

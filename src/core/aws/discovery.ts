// Who the members are and what trails they have: AWS Organizations and CloudTrail ListTrails, for the run and for status.
import pLimit from 'p-limit';
import type { Config } from '../config.js';
import { errorText } from '../errors.js';
import { resolveRegions, type Discovery, type TrailInfo } from '../pipeline.js';
import type { Accounts } from './accounts.js';
import { AssumeRoleError } from './assume-role.js';
import { listActiveAccounts } from './organizations.js';
import { listTrails } from './readers.js';

/**
 * Members from the list, or every ACTIVE account of the Organization (Organizations ListAccounts, all pages, called
 * with the caller's own credentials); minus `exclude`. Ids sorted; `names` maps each id to its configured or
 * Organizations name. Organizations errors propagate.
 */
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
 * Accounts a pass over the organization works on at once (discovery, read, apply), unless the request concurrency is
 * higher (`accountsAtOnce`). Each holds its SDK clients, credentials and queued requests until it is done, so this, not
 * the organization's size, bounds the memory a run needs. An account's reads run side by side, so as many accounts as
 * request slots keep every slot busy; more only queue (measured: 64 at once peaked at 336 MiB where 16 peaked at
 * 255 MiB, for 200 accounts, with the same wall time within noise).
 */
export const ACCOUNTS_AT_ONCE = 16;

/** Accounts to work on at once: `ACCOUNTS_AT_ONCE`, or the request concurrency (`Accounts.concurrency`) when higher. */
export function accountsAtOnce(accounts: Accounts): number {
  return Math.max(ACCOUNTS_AT_ONCE, accounts.concurrency ?? 0);
}

/**
 * One member's trails (CloudTrail ListTrails in the central region, all pages): `trails`, or `error` when they could
 * not be listed; neither when the account cannot be reached (AssumeRoleError: the read reports it). Other errors of
 * reaching the account propagate. Does not hold the account: the caller does.
 */
export async function listAccountTrails(config: Config, accounts: Accounts, id: string): Promise<{ trails?: TrailInfo[]; error?: string }> {
  try {
    await accounts.reach(id);
  } catch (error) {
    if (error instanceof AssumeRoleError) return {};
    throw error;
  }
  try {
    return { trails: await listTrails(accounts, id, config.central.region) };
  } catch (error) {
    return { error: `ListTrails: ${errorText(error)}; trails in regions TrailGuard does not watch cannot be found` };
  }
}

/**
 * Lists each member's trails, `atOnceCount` accounts at a time. Each account's clients are let go when its listing
 * is done; its credentials are kept, because the run reads the account next.
 */
async function listMemberTrails(
  config: Config,
  accounts: Accounts,
  ids: string[],
  atOnceCount: number,
): Promise<Pick<Discovery, 'trails' | 'errors'>> {
  const trails = new Map<string, TrailInfo[]>();
  const errors = new Map<string, string>();
  const atOnce = pLimit(atOnceCount);
  await Promise.all(
    ids.map((id) =>
      atOnce(async () => {
        const release = accounts.hold(id);
        try {
          const listed = await listAccountTrails(config, accounts, id);
          if (listed.trails) trails.set(id, listed.trails);
          if (listed.error) errors.set(id, listed.error);
        } finally {
          release({ keepCredentials: true });
        }
      }),
    ),
  );
  return { trails, errors };
}

/**
 * Resolves the members, lists each one's trails (one ListTrails per member, `atOnce` members at a time) and the
 * regions to watch.
 */
export async function discover(config: Config, accounts: Accounts, atOnce = accountsAtOnce(accounts)): Promise<Discovery> {
  const members = await resolveMembers(config, accounts);
  const { trails, errors } = await listMemberTrails(config, accounts, members.ids, atOnce);
  return { members, trails, errors, regions: resolveRegions(config, trails) };
}

/**
 * The discovery a run needs before it can compute the desired state. With `auto` the regions depend on the trails, so
 * every member's trails are listed first (`discovered`); with a list of regions nothing is listed here: the run lists
 * each member's trails while it reads that member (no extra round trip, and the account is held once).
 */
export async function startDiscovery(
  config: Config,
  accounts: Accounts,
  atOnce = accountsAtOnce(accounts),
): Promise<{ members: Discovery['members']; regions: string[]; discovered?: Discovery }> {
  if (config.members.discoverRegions) {
    const found = await discover(config, accounts, atOnce);
    return { members: found.members, regions: found.regions, discovered: found };
  }
  return { members: await resolveMembers(config, accounts), regions: config.members.regions };
}

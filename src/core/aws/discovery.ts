// Who the members are and what trails they have: AWS Organizations and CloudTrail ListTrails, for the run and for status.
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
export async function startDiscovery(config: Config, accounts: Accounts): Promise<{ members: Discovery['members']; regions: string[]; rest: Promise<Discovery> }> {
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

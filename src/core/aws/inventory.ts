// What `trailguard init` reads from AWS: the caller, its Organization, the members and every trail they have. Reads only.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { parseTrailArn } from '../arn.js';
import { errorCode, errorText, TrailGuardError } from '../errors.js';
import type { Findings, FoundTrail } from '../init-config.js';
import type { Accounts } from './accounts.js';
import { getTrail } from './cloudtrail.js';
import { listActiveAccounts } from './organizations.js';
import { listTrails } from './readers.js';

/** Init cannot start: no caller identity, or no members to look at. The message says what the user can do. */
export class InventoryError extends TrailGuardError {}

/**
 * The region the AWS SDK resolves for the caller (AWS_REGION, then the shared config file's profile), as every
 * SDK client would; null when none is configured.
 */
export async function callerRegion(): Promise<string | null> {
  const sts = new STSClient({});
  try {
    return (await sts.config.region()) || null;
  } catch {
    return null;
  } finally {
    sts.destroy();
  }
}

/** DescribeOrganization as the caller: the Organization's id and management account, or null when there is none to see. */
async function describeOrganization(accounts: Accounts, region: string): Promise<{ id: string; managementAccount: string } | null> {
  const org = await accounts.client(OrganizationsClient, await accounts.callerAccount(), region);
  try {
    const { Organization: o } = await org.send(new DescribeOrganizationCommand({}));
    return o?.Id && o.MasterAccountId ? { id: o.Id, managementAccount: o.MasterAccountId } : null;
  } catch (error) {
    if (errorCode(error) === 'AWSOrganizationsNotInUseException' || errorCode(error) === 'AccessDeniedException') return null;
    throw error;
  }
}

/**
 * Everything `trailguard init` needs, read with the caller's credentials and, in every other account, `accounts`'
 * role: STS GetCallerIdentity; Organizations DescribeOrganization and (without `requested`) ListAccounts, ACTIVE
 * accounts only; CloudTrail ListTrails once per member (in `region`; each trail's HomeRegion) and GetTrail once per
 * trail, in its home region and in the account that owns it, or, when that one cannot be reached (a management account
 * without the deploy role), by ARN from a member that lists it. A member that cannot be reached or listed is returned
 * in `unreadable`, never dropped. Throws InventoryError when the caller cannot be identified, or when the members come
 * from the Organization and it cannot be listed.
 */
export async function takeInventory(accounts: Accounts, region: string, requested: readonly string[] | null): Promise<Findings> {
  let caller: string;
  try {
    caller = await accounts.callerAccount();
  } catch (error) {
    throw new InventoryError(
      `cannot identify the caller (STS GetCallerIdentity): ${errorText(error)}; configure AWS credentials for the central account`,
      { cause: error },
    );
  }
  const organization = await describeOrganization(accounts, region);
  let listed: { id: string; name: string }[] | null = null;
  try {
    listed = organization ? await listActiveAccounts(accounts, region) : null;
  } catch (error) {
    if (!requested) {
      throw new InventoryError(
        `cannot list the accounts of Organization ${organization!.id} (Organizations ListAccounts: ${errorText(error)}): run init in the management account or a delegated administrator, or pass --accounts`,
        { cause: error },
      );
    }
  }
  if (!requested && !listed) {
    throw new InventoryError(
      `account ${caller} is not in an AWS Organization it may read (Organizations DescribeOrganization): pass --accounts with the member account ids`,
    );
  }
  const names = new Map((listed ?? []).map((a) => [a.id, a.name]));
  const members = (requested ?? (listed ?? []).map((a) => a.id)).map((id) => ({ id, name: names.get(id) ?? null }));

  const unreadable: Findings['unreadable'] = [];
  const reachable = new Set<string>();
  const seen = new Map<string, { name: string; homeRegion: string; seenBy: string }>();
  await Promise.all(
    members.map(async ({ id }) => {
      try {
        await accounts.reach(id);
        reachable.add(id);
        for (const t of await listTrails(accounts, id, region))
          if (!seen.has(t.arn)) seen.set(t.arn, { name: t.name, homeRegion: t.homeRegion, seenBy: id });
      } catch (error) {
        unreadable.push({ account: id, error: errorText(error) });
      }
    }),
  );
  const trails = await Promise.all(
    [...seen].map(async ([arn, t]): Promise<FoundTrail> => {
      const owner = parseTrailArn(arn)?.account ?? t.seenBy;
      const via = reachable.has(owner) ? owner : t.seenBy;
      try {
        const settings = await getTrail(await accounts.client(CloudTrailClient, via, t.homeRegion), arn);
        return settings
          ? { arn, name: t.name, homeRegion: t.homeRegion, owner, settings }
          : { arn, name: t.name, homeRegion: t.homeRegion, owner, settings: null, error: 'GetTrail: not found' };
      } catch (error) {
        return { arn, name: t.name, homeRegion: t.homeRegion, owner, settings: null, error: `GetTrail: ${errorText(error)}` };
      }
    }),
  );
  unreadable.sort((a, b) => a.account.localeCompare(b.account));
  return {
    central: { account: caller, region },
    organization,
    membersFrom: requested ? 'accounts' : 'organization',
    members,
    trails: trails.sort((a, b) => a.arn.localeCompare(b.arn)),
    unreadable,
  };
}

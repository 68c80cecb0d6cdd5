// Members from AWS Organizations: every ACTIVE account, all pages.
import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import type { Accounts } from './accounts.js';

export interface OrgAccount {
  id: string;
  name: string;
}

/**
 * Every ACTIVE account of the caller's Organization (Organizations ListAccounts, every page through the SDK's
 * paginator), called with the caller's own credentials in `region`. Needs organizations:ListAccounts in the management
 * account or a delegated administrator; AWS errors (AWSOrganizationsNotInUseException, AccessDenied) propagate.
 */
export async function listActiveAccounts(accounts: Accounts, region: string): Promise<OrgAccount[]> {
  const client = await accounts.client(OrganizationsClient, await accounts.callerAccount(), region);
  const out: OrgAccount[] = [];
  for await (const page of paginateListAccounts({ client }, {})) {
    for (const a of page.Accounts ?? []) {
      // `State` is the current field; `Status` is the deprecated one older organizations still return.
      const state = (a as { State?: string }).State ?? a.Status;
      if (a.Id && state === 'ACTIVE') out.push({ id: a.Id, name: a.Name ?? a.Id });
    }
  }
  return out;
}

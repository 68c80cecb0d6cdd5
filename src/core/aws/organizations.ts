// Members from AWS Organizations: every ACTIVE account, all pages.
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import type { Accounts } from './accounts.js';

export interface OrgAccount {
  id: string;
  name: string;
}

export async function listActiveAccounts(accounts: Accounts, region: string): Promise<OrgAccount[]> {
  const org = await accounts.client(OrganizationsClient, await accounts.callerAccount(), region);
  const out: OrgAccount[] = [];
  let NextToken: string | undefined;
  do {
    const page = await org.send(new ListAccountsCommand({ NextToken }));
    for (const a of page.Accounts ?? []) {
      // `State` is the current field; `Status` is the deprecated one older organizations still return.
      const state = (a as { State?: string }).State ?? a.Status;
      if (a.Id && state === 'ACTIVE') out.push({ id: a.Id, name: a.Name ?? a.Id });
    }
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}

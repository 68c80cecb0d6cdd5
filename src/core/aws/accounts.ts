// Reaching many accounts: the caller's own credentials for its account, the deploy role (cached) for every other one.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { RoleCredentialsCache } from './assume-role.js';
import { createClient, type ClientOptions } from './clients.js';

export interface AccountsOptions {
  /** Region for STS and the role ARN partition. */
  region: string;
  /** Role assumed in every account other than the caller's. */
  roleName: string;
  externalId?: string | null;
  sessionName: string;
  /** Credentials of the caller; unset means the SDK's default chain (environment, OIDC web identity...). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  endpoint?: string;
  onCall?: ClientOptions['onCall'];
  limit?: ClientOptions['limit'];
}

type ClientClass<C> = new (config: never) => C;

export class Accounts {
  readonly roles: RoleCredentialsCache;
  private readonly sts: STSClient;
  private readonly clients = new Map<string, unknown>();
  private caller?: Promise<string>;

  constructor(private readonly options: AccountsOptions) {
    this.sts = createClient(STSClient, this.base(options.region));
    this.roles = new RoleCredentialsCache({
      sts: this.sts,
      roleName: options.roleName,
      region: options.region,
      externalId: options.externalId,
      sessionName: options.sessionName,
    });
  }

  private base(region: string, credentials = this.options.credentials): ClientOptions {
    return { region, credentials, endpoint: this.options.endpoint, onCall: this.options.onCall, limit: this.options.limit };
  }

  /** The account the caller's own credentials act in. */
  callerAccount(): Promise<string> {
    this.caller ??= this.sts.send(new GetCallerIdentityCommand({})).then((out) => out.Account ?? '');
    return this.caller;
  }

  /** Resolves once `account` can be reached: assumes the role there unless it is the caller's. Throws AssumeRoleError. */
  async reach(account: string): Promise<void> {
    if ((await this.callerAccount()) !== account) await this.roles.credentials(account);
  }

  /** A client acting in `account` and `region`, created once and reused. Call `reach` first. */
  async client<C>(Client: ClientClass<C>, account: string, region: string): Promise<C> {
    const key = `${Client.name}/${account}/${region}`;
    let client = this.clients.get(key) as C | undefined;
    if (!client) {
      const own = (await this.callerAccount()) === account;
      client = createClient(Client as never, this.base(region, own ? this.options.credentials : this.roles.provider(account))) as C;
      this.clients.set(key, client);
    }
    return client;
  }
}

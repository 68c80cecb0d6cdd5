// Reaching many accounts: the caller's own credentials for its account, the deploy role (cached) for every other one.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { RoleCredentialsCache } from './assume-role.js';
import { memberRoleFor, type Config } from '../config.js';
import { createClient, type ClientOptions } from './clients.js';

export interface AccountsOptions {
  /** Region for STS and the role ARN partition. */
  region: string;
  /** Role assumed in every account other than the caller's. */
  roleName: string;
  /** Account id -> role assumed there instead of `roleName` (`roles.deployOverrides`). */
  roleOverrides?: Readonly<Record<string, string>>;
  externalId?: string | null;
  sessionName: string;
  /** Credentials of the caller; unset means the SDK's default chain (environment, OIDC web identity...). */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  endpoint?: string;
  onCall?: ClientOptions['onCall'];
  limit?: ClientOptions['limit'];
}

type ClientClass<C> = new (config: never) => C;

/** The deploy role of trailguard.yml for `Accounts`: `roles.deploy`, and `roles.deployOverrides` per account. */
export function deployRoleOptions(config: Config, mode: 'plan' | 'apply' | 'status' = 'apply'): Pick<AccountsOptions, 'roleName' | 'roleOverrides'> {
  const roleName = memberRoleFor(config, mode);
  // Overrides name deploy roles: a read-only plan role is assumed everywhere under its own name.
  return { roleName, roleOverrides: roleName === config.roles.deploy ? (config.roles.deployOverrides ?? {}) : {} };
}

export class Accounts {
  /** Credentials of `roleName`, the role assumed in every account without an override. */
  readonly roles: RoleCredentialsCache;
  private readonly overrideRoles = new Map<string, RoleCredentialsCache>();
  private readonly sts: STSClient;
  private readonly clients = new Map<string, unknown>();
  private caller?: Promise<string>;

  constructor(private readonly options: AccountsOptions) {
    this.sts = createClient(STSClient, this.base(options.region));
    this.roles = this.cache(options.roleName);
  }

  private cache(roleName: string): RoleCredentialsCache {
    const { region, externalId, sessionName } = this.options;
    return new RoleCredentialsCache({ sts: this.sts, roleName, region, externalId, sessionName });
  }

  /** The credentials cache of the role assumed in `account`: its override, or `roleName`. */
  private rolesFor(account: string): RoleCredentialsCache {
    const override = this.options.roleOverrides?.[account];
    if (!override || override === this.options.roleName) return this.roles;
    let roles = this.overrideRoles.get(override);
    if (!roles) this.overrideRoles.set(override, (roles = this.cache(override)));
    return roles;
  }

  private base(region: string, credentials = this.options.credentials): ClientOptions {
    return { region, credentials, endpoint: this.options.endpoint, onCall: this.options.onCall, limit: this.options.limit };
  }

  /** The account the caller's own credentials act in. */
  callerAccount(): Promise<string> {
    this.caller ??= this.sts.send(new GetCallerIdentityCommand({})).then((out) => out.Account ?? '');
    return this.caller;
  }

  /** Resolves once `account` can be reached: assumes its role there unless it is the caller's. Throws AssumeRoleError naming that role. */
  async reach(account: string): Promise<void> {
    if ((await this.callerAccount()) !== account) await this.rolesFor(account).credentials(account);
  }

  /** A client acting in `account` and `region`, created once and reused. Call `reach` first. */
  async client<C>(Client: ClientClass<C>, account: string, region: string): Promise<C> {
    const key = `${Client.name}/${account}/${region}`;
    let client = this.clients.get(key) as C | undefined;
    if (!client) {
      const own = (await this.callerAccount()) === account;
      client = createClient(Client as never, this.base(region, own ? this.options.credentials : this.rolesFor(account).provider(account))) as C;
      this.clients.set(key, client);
    }
    return client;
  }
}

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
export function deployRoleOptions(
  config: Config,
  mode: 'plan' | 'apply' | 'status' = 'apply',
): Pick<AccountsOptions, 'roleName' | 'roleOverrides'> {
  const roleName = memberRoleFor(config, mode);
  // Overrides name deploy roles: a read-only plan role is assumed everywhere under its own name.
  return { roleName, roleOverrides: roleName === config.roles.deploy ? (config.roles.deployOverrides ?? {}) : {} };
}

export class Accounts {
  /** Credentials of `roleName`, the role assumed in every account without an override. */
  readonly roles: RoleCredentialsCache;
  private readonly overrideRoles = new Map<string, RoleCredentialsCache>();
  private readonly sts: STSClient;
  /** Account -> client key -> client. */
  private readonly clients = new Map<string, Map<string, unknown>>();
  /** Account -> how many callers hold it (`hold`). */
  private readonly holders = new Map<string, number>();
  /**
   * The caller's credentials for every client acting in its own account: those given, or else the STS client's
   * default chain, resolved once (with OIDC web identity, one AssumeRoleWithWebIdentity for the run, not one per client).
   */
  private readonly callerCredentials: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
  private caller?: Promise<string>;

  constructor(private readonly options: AccountsOptions) {
    this.sts = createClient(STSClient, this.base(options.region));
    this.callerCredentials =
      options.credentials ?? (this.sts as unknown as { config: { credentials?: AwsCredentialIdentityProvider } }).config.credentials;
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

  /** Every client shares the process's connection pool (`createClient`), sized to at least the request concurrency. */
  private base(region: string, credentials = this.options.credentials): ClientOptions {
    const { endpoint, onCall, limit } = this.options;
    return { region, credentials, endpoint, onCall, limit, maxSockets: this.concurrency };
  }

  /** The request concurrency of `limit` when it tells it (p-limit's `concurrency`); unset without a limit. */
  get concurrency(): number | undefined {
    const n = (this.options.limit as { concurrency?: unknown } | undefined)?.concurrency;
    return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
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

  /**
   * A client acting in `account` and `region`, created once and reused until the account is released (`hold`). Call
   * `reach` first. Every client shares the process's connection pool.
   */
  async client<C>(Client: ClientClass<C>, account: string, region: string): Promise<C> {
    const key = `${Client.name}/${region}`;
    let own = this.clients.get(account);
    let client = own?.get(key) as C | undefined;
    if (!client) {
      const caller = (await this.callerAccount()) === account;
      client = createClient(
        Client as never,
        this.base(region, caller ? this.callerCredentials : this.rolesFor(account).provider(account)),
      ) as C;
      // Looked up again: another caller may have created the account's map while this one awaited.
      own = this.clients.get(account);
      if (!own) this.clients.set(account, (own = new Map()));
      own.set(key, client);
    }
    return client;
  }

  /**
   * Marks `account` in use until the returned function is called. When its last holder lets go, the account's SDK
   * clients are forgotten, and so are its role credentials unless that holder passes `keepCredentials` (a first pass
   * over every account, such as discovery, whose accounts are read again later). Nothing else is dropped: an account
   * nobody holds keeps what `client` and `reach` cached, as before, so a long-lived caller (the Slack app) is unchanged.
   * Why: a run over 10,000 accounts must hold what a few accounts in flight need, not every account it has seen.
   * Letting go twice is a no-op.
   */
  hold(account: string): (options?: { keepCredentials?: boolean }) => void {
    this.holders.set(account, (this.holders.get(account) ?? 0) + 1);
    let held = true;
    return (options) => {
      if (!held) return;
      held = false;
      const left = (this.holders.get(account) ?? 1) - 1;
      if (left > 0) {
        this.holders.set(account, left);
        return;
      }
      this.holders.delete(account);
      // Not `client.destroy()`: that would close the shared pool. Unreferenced, a client is garbage like any object.
      this.clients.delete(account);
      if (!options?.keepCredentials) this.rolesFor(account).forget(account);
    };
  }

  /** Accounts whose clients are cached now: what `hold` has not released yet (for tests and the memory benchmark). */
  cachedAccounts(): string[] {
    return [...this.clients.keys()];
  }
}

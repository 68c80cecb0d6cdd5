// Assumes a named role in member accounts and caches the credentials per account until shortly before expiry.
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { roleArn } from '../arn.js';
import { TrailGuardError, errorCode, errorText } from '../errors.js';

/** AssumeRole failed: the message is what a responder needs ("AccessDenied assuming X in 2222..."). */
export class AssumeRoleError extends TrailGuardError {
  constructor(
    readonly account: string,
    readonly roleName: string,
    readonly code: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${code} assuming ${roleName} in ${account}: ${detail}`, options);
  }
}

export interface RoleCacheOptions {
  sts: STSClient;
  roleName: string;
  /** Region whose partition the role ARN is in. */
  region: string;
  externalId?: string | null | undefined;
  sessionName: string;
  durationSeconds?: number;
  /** Credentials are renewed when less than this is left; above the SDK's own 5-minute margin. */
  refreshMarginMs?: number;
  now?: () => number;
}

/** One cache per role name; concurrent callers for the same account share one AssumeRole call. */
export class RoleCredentialsCache {
  private readonly entries = new Map<string, Promise<AwsCredentialIdentity>>();
  private readonly providers = new Map<string, AwsCredentialIdentityProvider>();

  constructor(private readonly options: RoleCacheOptions) {}

  get roleName(): string {
    return this.options.roleName;
  }

  /** Credentials for `account`, from the cache when they have more than the margin left. */
  async credentials(account: string): Promise<AwsCredentialIdentity> {
    const now = (this.options.now ?? Date.now)();
    const margin = this.options.refreshMarginMs ?? 10 * 60_000;
    const cached = this.entries.get(account);
    if (cached) {
      const settled = await cached.catch(() => null);
      if (settled && (!settled.expiration || settled.expiration.getTime() - now > margin)) return settled;
      if (this.entries.get(account) !== cached) return this.credentials(account);
    }
    const pending = this.assume(account);
    this.entries.set(account, pending);
    // A failure is not cached: the next caller tries again.
    pending.catch(() => {
      if (this.entries.get(account) === pending) this.entries.delete(account);
    });
    return pending;
  }

  /** A provider for an SDK client's `credentials`; the SDK calls it again when they near expiry. */
  provider(account: string): AwsCredentialIdentityProvider {
    let provider = this.providers.get(account);
    if (!provider) {
      provider = () => this.credentials(account);
      this.providers.set(account, provider);
    }
    return provider;
  }

  /** Drops `account`'s credentials and provider: the next `credentials(account)` assumes the role again. */
  forget(account: string): void {
    this.entries.delete(account);
    this.providers.delete(account);
  }

  /** Accounts with credentials cached (or being assumed) now. */
  cachedAccounts(): string[] {
    return [...this.entries.keys()];
  }

  private async assume(account: string): Promise<AwsCredentialIdentity> {
    const { sts, roleName, region, externalId, sessionName, durationSeconds } = this.options;
    try {
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn(account, roleName, region),
          RoleSessionName: sessionName,
          DurationSeconds: durationSeconds ?? 3600,
          ...(externalId ? { ExternalId: externalId } : {}),
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) {
        throw new AssumeRoleError(account, roleName, 'NoCredentials', 'STS returned no credentials');
      }
      return {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
      };
    } catch (error) {
      if (error instanceof AssumeRoleError) throw error;
      throw new AssumeRoleError(account, roleName, errorCode(error), errorText(error), { cause: error });
    }
  }
}

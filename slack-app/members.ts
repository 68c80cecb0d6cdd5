// Which accounts the Slack app acts for: the config's members, or the Organization's ACTIVE accounts cached for a TTL.
import type { Config } from '#core/config.js';
import { errorText } from '#core/errors.js';
import type { Log } from '#core/log.js';

export interface Members {
  /** Member account ids, sorted, `members.exclude` removed. */
  ids: string[];
  /** Display names by account id (config names first, then the Organization's). */
  names: Map<string, string>;
}

/** How long the Organization's account list is trusted before it is listed again (5 minutes). */
export const MEMBERS_TTL_MS = 300_000;

/** An account missing from a list at least this old (30 seconds) is looked up again before it is refused. */
export const MEMBERS_RECHECK_MS = 30_000;

export interface MemberDirectoryOptions {
  config: Config;
  /** Resolves the members from the config and, with `members.organization: true`, the Organization (the core's `resolveMembers`). */
  load: () => Promise<Members>;
  log: Pick<Log, 'warn'>;
  ttlMs?: number;
  now?: () => number;
}

/**
 * The member accounts, as `trailguard.yml` defines them: `members.accounts`, plus with
 * `members.organization: true` every ACTIVE account that Organizations `ListAccounts` returns
 * (callable from the management account or a delegated administrator), minus `members.exclude`.
 * The Organization's list is cached for `ttlMs` (default MEMBERS_TTL_MS) and listed by one call at a
 * time. When a refresh fails the last list is kept (logged); with no list at all `resolve` throws the
 * Organizations error, so callers refuse to act rather than guess.
 */
export class MemberDirectory {
  private cached: { at: number; members: Members } | null = null;
  private refreshing: Promise<Members> | null = null;
  /** Set by isMember to list once more before the TTL runs out. */
  private listAgain = false;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly o: MemberDirectoryOptions) {
    this.ttlMs = o.ttlMs ?? MEMBERS_TTL_MS;
    this.now = o.now ?? (() => Date.now());
  }

  async resolve(): Promise<Members> {
    // Without the Organization the list is the config's: nothing to fetch, nothing to cache.
    if (!this.o.config.members.organization) return this.o.load();
    if (this.cached && !this.listAgain && this.now() - this.cached.at < this.ttlMs) return this.cached.members;
    this.listAgain = false;
    this.refreshing ??= this.o
      .load()
      .then(
        (members) => {
          this.cached = { at: this.now(), members };
          return members;
        },
        (error: unknown) => {
          if (!this.cached) throw error;
          this.o.log.warn('organization accounts not listed; using the last list', {
            error: errorText(error),
            listedAt: new Date(this.cached.at).toISOString(),
          });
          return this.cached.members;
        },
      )
      .finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /**
   * True when `account` is a member now; throws when membership cannot be known (see `resolve`).
   * An account missing from an Organization list older than MEMBERS_RECHECK_MS is looked up again once
   * before the answer is no: a refused alert is not delivered again, so a stale list must not refuse
   * an account that joined the Organization since.
   */
  async isMember(account: string): Promise<boolean> {
    const members = await this.resolve();
    if (members.ids.includes(account)) return true;
    if (!this.o.config.members.organization || !this.cached || this.now() - this.cached.at < MEMBERS_RECHECK_MS) return false;
    this.listAgain = true;
    return (await this.resolve()).ids.includes(account);
  }
}

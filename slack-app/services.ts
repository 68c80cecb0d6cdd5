// What the listeners need, injected: config, store, poster, AWS access through the read-only member reader role.
import type { AwsCredentialIdentity } from '@smithy/types';
import { Accounts } from '../src/core/aws/accounts.js';
import { createLimiter } from '../src/core/concurrency.js';
import { accountName, type Config } from '../src/core/config.js';
import type { Log } from '../src/core/log.js';
import { resolveMembers } from '../src/core/pipeline.js';
import { AlertPoster, type ChatApi, type PosterOptions } from './alerts/poster.js';
import type { Store } from './store/types.js';

/** The Slack app logs like every other part. */
export type { Log as AppLog } from '../src/core/log.js';

export interface Services {
  config: Config;
  channel: string;
  store: Store;
  poster: AlertPoster;
  /** AWS access through the read-only member reader role `roles.reader` (Re-check, /trail-status). */
  accounts: Accounts;
  /** Member accounts with display names: the config's list, or the Organization's. */
  members(): Promise<{ ids: string[]; names: Map<string, string> }>;
  nameOf(account: string): string;
  now(): Date;
  log: Log;
}

export interface ServicesOptions {
  config: Config;
  channel: string;
  store: Store;
  chat: ChatApi;
  log: Log;
  /** AWS access for Re-check and /trail-status (tests pass moto's endpoint and credentials). */
  aws?: { endpoint?: string; credentials?: AwsCredentialIdentity };
  poster?: Partial<Omit<PosterOptions, 'store' | 'chat' | 'channel' | 'nameOf' | 'log'>>;
}

/**
 * The services of the app, the same for the server and Lambda: the reader role, the poster, member names.
 * The app faces the internet, so it assumes `roles.reader` (CloudTrail reads only), never the
 * remediation role that can change trails.
 */
export function createServices(o: ServicesOptions): Services {
  const { config } = o;
  const accounts = new Accounts({
    region: config.central.region,
    roleName: config.roles.reader,
    externalId: config.roles.externalId,
    sessionName: 'trailguard-slack',
    limit: createLimiter(16),
    ...(o.aws?.endpoint ? { endpoint: o.aws.endpoint } : {}),
    ...(o.aws?.credentials ? { credentials: o.aws.credentials } : {}),
  });
  // Names learnt from the Organization, when members come from it.
  const orgNames = new Map<string, string>();
  const nameOf = (account: string) => orgNames.get(account) ?? accountName(config, account);
  return {
    config,
    channel: o.channel,
    store: o.store,
    poster: new AlertPoster({ store: o.store, chat: o.chat, channel: o.channel, nameOf, log: o.log, ...o.poster }),
    accounts,
    nameOf,
    now: () => new Date(),
    log: o.log,
    async members() {
      const members = await resolveMembers(config, accounts);
      for (const [id, name] of members.names) orgNames.set(id, name);
      return members;
    },
  };
}

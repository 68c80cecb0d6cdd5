// What the listeners need, injected: config, store, poster, AWS access through the remediation role.
import type { Accounts } from '../src/core/aws/accounts.js';
import type { Config } from '../src/core/config.js';
import type { AlertPoster } from './alerts/poster.js';
import type { Store } from './store/types.js';

export interface AppLog {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export interface Services {
  config: Config;
  channel: string;
  store: Store;
  poster: AlertPoster;
  /** AWS access through the member remediation role (Re-check, /trail-status). */
  accounts: Accounts;
  /** Member accounts with display names: the config's list, or the Organization's. */
  members(): Promise<{ ids: string[]; names: Map<string, string> }>;
  nameOf(account: string): string;
  now(): Date;
  log: AppLog;
}

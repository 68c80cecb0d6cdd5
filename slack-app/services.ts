// What the listeners need, injected: config, store, poster, AWS access through the read-only member reader role.
import type { AwsCredentialIdentity } from '@smithy/types';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import pLimit from 'p-limit';
import { partitionOf } from '#core/arn.js';
import { createClient } from '#core/aws/clients.js';
import { NAMES } from '#core/names.js';
import { Accounts } from '#core/aws/accounts.js';
import { accountName, type Config } from '#core/config.js';
import type { Log } from '#core/log.js';
import { resolveMembers } from '#core/aws/discovery.js';
import type { Alert } from '#core/alert.js';
import { AlertPoster, type ChatApi, type PosterOptions } from './alerts/poster.js';
import { MemberDirectory } from './members.js';
import { type OrganizationState, readOrganizationState } from './state.js';
import type { Store } from './store/types.js';

/** The Slack app logs like every other part. */
export type { Log as AppLog } from '#core/log.js';

export interface Services {
  config: Config;
  channel: string;
  store: Store;
  poster: AlertPoster;
  /** AWS access through the read-only member reader role `roles.reader` (Re-check, /trail-status). */
  accounts: Accounts;
  /** Member accounts with display names: the config's list, or the Organization's. */
  members(): Promise<{ ids: string[]; names: Map<string, string> }>;
  /**
   * The gate every alert passes before it is stored or posted (HTTP and Lambda alike): an alert whose
   * account is not a member is refused, logged and counted in `refused.nonMember`. Throws when
   * membership cannot be known (Organizations unreachable and nothing listed yet): the caller answers
   * so that SNS delivers again.
   */
  admitAlert(alert: Alert): Promise<boolean>;
  /** Alerts refused since start, by reason (GET /healthz shows them). */
  refused: { nonMember: number };
  nameOf(account: string): string;
  /** The shared state table `trailguard-state` (last sweep, status snapshot, canaries), read with the app's own credentials. */
  organizationState(): Promise<OrganizationState>;
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
  /** How long the Organization's account list is cached (default MEMBERS_TTL_MS). */
  membersTtlMs?: number;
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
    limit: pLimit(16),
    ...(o.aws?.endpoint ? { endpoint: o.aws.endpoint } : {}),
    ...(o.aws?.credentials ? { credentials: o.aws.credentials } : {}),
  });
  // Names learnt from the Organization, when members come from it.
  const orgNames = new Map<string, string>();
  const nameOf = (account: string) => orgNames.get(account) ?? accountName(config, account);
  const directory = new MemberDirectory({
    config,
    load: () => resolveMembers(config, accounts),
    log: o.log,
    ...(o.membersTtlMs !== undefined ? { ttlMs: o.membersTtlMs } : {}),
  });
  const refused = { nonMember: 0 };
  // The table lives in the central account: the app's own credentials, not a member role.
  let stateClient: DynamoDBClient | undefined;
  const organizationState = () => {
    stateClient ??= createClient(DynamoDBClient, {
      region: config.central.region,
      ...(o.aws?.endpoint ? { endpoint: o.aws.endpoint } : {}),
      ...(o.aws?.credentials ? { credentials: o.aws.credentials } : {}),
    });
    return readOrganizationState(stateClient);
  };
  const poster = new AlertPoster({ store: o.store, chat: o.chat, channel: o.channel, nameOf, log: o.log, ...o.poster });
  const topic = `arn:${partitionOf(config.central.region)}:sns:${config.central.region}:${config.central.account}:${NAMES.topic}`;
  return {
    organizationState,
    config,
    channel: o.channel,
    store: o.store,
    poster,
    accounts,
    nameOf,
    now: () => new Date(),
    log: o.log,
    refused,
    async admitAlert(alert) {
      // TrailGuard's own pipeline in the central account (the sweep schedule, the state table): the remediator alerts
      // with that account, which is seldom a member. Re-check reads only members, whatever the alert names.
      if (alert.trail === null && alert.account === config.central.account) return true;
      if (await directory.isMember(alert.account)) return true;
      refused.nonMember += 1;
      // An alert for a non-member is never posted: no Re-check button may point TrailGuard at that account.
      o.log.warn('alert refused: account is not a TrailGuard member', {
        alertId: alert.id,
        account: alert.account,
        region: alert.region,
        outcome: alert.outcome,
        refused: refused.nonMember,
      });
      // Only TrailGuard publishes to the topic: a genuine alert about an unknown account means the app runs another
      // trailguard.yml than the one applied. Said in Slack (no buttons), never only a log line.
      await poster.notify({
        id: `non-member-alert#${alert.id}`,
        kind: 'non-member-alert',
        topic,
        at: alert.eventTime,
        alert: {
          id: alert.id,
          account: alert.account,
          region: alert.region,
          outcome: alert.outcome,
          eventName: alert.eventName,
          trail: alert.trail?.name ?? null,
        },
      });
      return false;
    },
    async members() {
      const members = await directory.resolve();
      for (const [id, name] of members.names) orgNames.set(id, name);
      return members;
    },
  };
}

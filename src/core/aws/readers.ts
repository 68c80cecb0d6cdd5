// Readers: what exists for each desired resource, in the field shapes the plan compares (each kind's module in
// src/core/aws/kinds/ does the reading); TrailGuard's statements no longer wanted; and every trail of an account.
import { CloudTrailClient, paginateListTrails } from '@aws-sdk/client-cloudtrail';
import {
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  type ListRulesCommandOutput,
} from '@aws-sdk/client-eventbridge';
import { GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GLOBAL, type Resource } from '../desired-state.js';
import { errorCode } from '../errors.js';
import { NAMES } from '../names.js';
import type { TrailInfo } from '../pipeline.js';
import type { Extraneous, Observed } from '../plan.js';
import type { Accounts } from './accounts.js';
import { allPages, orMissing, type Statement } from './kinds/common.js';
import { kindIo, type BusState, type ListedRule } from './kinds/index.js';
import { foreignTopicAccess } from './kinds/sns-topic.js';

export { isMissing } from './kinds/common.js';
export { grantOf } from './kinds/bus-permission.js';
export { ruleTargetFields } from './kinds/event-rule.js';
export { foreignTopicStatements } from './kinds/sns-topic.js';

/** The name prefix every rule TrailGuard owns has: one ListRules with it answers all of a bus's TrailGuard rules. */
const RULE_PREFIX = 'trailguard-';

/** ListRules answers with the IAM error code when the role predates `events:ListRules` in the deploy policy. */
const DENIED = new Set(['AccessDenied', 'AccessDeniedException']);

export class StateReader {
  private readonly buses = new Map<string, Promise<BusState | undefined>>();
  private readonly ruleLists = new Map<string, Promise<Map<string, ListedRule>>>();

  /** `homeRegion` is where global services (IAM) are called. */
  constructor(
    private readonly accounts: Accounts,
    private readonly homeRegion: string,
  ) {}

  private region(resource: Resource): string {
    return resource.region === GLOBAL ? this.homeRegion : resource.region;
  }

  private bus(account: string, region: string, name: string) {
    const key = `${account}/${region}/${name}`;
    let pending = this.buses.get(key);
    if (!pending) {
      pending = (async () => {
        const events = await this.accounts.client(EventBridgeClient, account, region);
        const bus = await orMissing(events.send(new DescribeEventBusCommand({ Name: name })));
        if (!bus?.Arn) return undefined;
        const policy = bus.Policy ? (JSON.parse(bus.Policy) as { Statement?: Statement[] }) : {};
        return { arn: bus.Arn, statements: policy.Statement ?? [] };
      })();
      this.buses.set(key, pending);
    }
    return pending;
  }

  /**
   * Lets go of what was cached for `account` (its rule listings, its buses) once the run is done reading it: a run over
   * 1,000 accounts must not keep 4,000 listings to its end. A later read of the account lists again.
   */
  forget(account: string): void {
    for (const cache of [this.ruleLists, this.buses] as Map<string, unknown>[]) {
      for (const key of cache.keys()) if (key.startsWith(`${account}/`)) cache.delete(key);
    }
  }

  /**
   * The rules on `bus` in `account` and `region` whose names start with `prefix`, by name: EventBridge ListRules with
   * NamePrefix, every page, once per run. A bus that does not exist has none (ListRules answers ResourceNotFound).
   */
  private rules(account: string, region: string, bus: string, prefix: string): Promise<Map<string, ListedRule>> {
    const key = `${account}/${region}/${bus}/${prefix}`;
    let pending = this.ruleLists.get(key);
    if (!pending) {
      pending = (async () => {
        const events = await this.accounts.client(EventBridgeClient, account, region);
        const found = new Map<string, ListedRule>();
        let token: string | undefined;
        do {
          const page: ListRulesCommandOutput | undefined = await orMissing(
            events.send(new ListRulesCommand({ NamePrefix: prefix, EventBusName: bus, ...(token ? { NextToken: token } : {}) })),
          );
          for (const r of page?.Rules ?? []) if (r.Name) found.set(r.Name, { eventPattern: r.EventPattern, state: r.State });
          token = page?.NextToken;
        } while (token);
        return found;
      })();
      this.ruleLists.set(key, pending);
    }
    return pending;
  }

  /**
   * The rule `name` on `bus`: from the bus's one ListRules (TrailGuard's rules share the `trailguard-` prefix, so a
   * member region's two rules cost one call, not two DescribeRule). A role made from a deploy policy older than
   * `events:ListRules` is denied it: then DescribeRule, as before, so an upgrade does not break `plan`.
   */
  private async rule(account: string, region: string, bus: string, name: string): Promise<ListedRule | undefined> {
    const prefix = name.startsWith(RULE_PREFIX) ? RULE_PREFIX : name;
    try {
      return (await this.rules(account, region, bus, prefix)).get(name);
    } catch (error) {
      if (!DENIED.has(errorCode(error))) throw error;
      const events = await this.accounts.client(EventBridgeClient, account, region);
      const rule = await orMissing(events.send(new DescribeRuleCommand({ Name: name, EventBusName: bus })));
      return rule ? { eventPattern: rule.EventPattern, state: rule.State } : undefined;
    }
  }

  /** What exists for `resource` (its kind module's read); AWS errors other than "not found" propagate. */
  async read(resource: Resource): Promise<Observed> {
    const { account } = resource;
    const region = this.region(resource);
    return kindIo(resource.kind).read(resource as never, {
      accounts: this.accounts,
      account,
      region,
      bus: (name) => this.bus(account, region, name),
      rule: (bus, name) => this.rule(account, region, bus, name),
    });
  }

  /**
   * Statements of the remediator's resource policy that TrailGuard did not write: whoever they admit can invoke it with a
   * hand-made CloudTrail record (forged alerts, AssumeRole into every member). Reported as conflicts, never removed.
   */
  async foreignFunctionStatements(account: string, region: string, desired: Resource[]): Promise<Extraneous[]> {
    // Every TrailGuard function: the remediator, and the Slack app's (slack.deploy: lambda), which posts what SNS-shaped
    // records it is handed to Slack.
    const functionNames = desired.filter((r) => r.kind === 'lambda-function' && r.account === account).map((r) => r.name);
    if (functionNames.length === 0) return [];
    const lambda = await this.accounts.client(LambdaClient, account, region);
    const perFunction = await Promise.all(
      functionNames.map(async (functionName, position) => {
        const policy = await orMissing(lambda.send(new GetPolicyCommand({ FunctionName: functionName })));
        const statements = (policy?.Policy ? (JSON.parse(policy.Policy) as { Statement?: Statement[] }).Statement : undefined) ?? [];
        // TrailGuard's own Sids (`trailguard-*`, also those of a delivery mode since switched) are the planner's business.
        return statements
          .map((s, index) => ({ s, name: s.Sid ?? `statement ${index}` }))
          .filter(({ s }) => !s.Sid?.startsWith('trailguard-'))
          .map(({ s, name }) => ({
            // The first function's keys as before; another function's name them too, as two policies may share a Sid.
            key: `${account}/${region}/lambda-permission/${position === 0 ? name : `${functionName}/${name}`}`,
            account,
            region,
            kind: 'lambda-permission' as const,
            name,
            foreign: `a ${functionName} policy statement admitting ${JSON.stringify(s.Principal ?? null)} to ${JSON.stringify(s.Action ?? null)}`,
          }));
      }),
    );
    return perFunction.flat();
  }

  /**
   * Subscriptions of the alerts topic TrailGuard did not configure, and topic-policy statements admitting another
   * account: each a way alerts leak (or forged ones come in). Reported as conflicts, never removed.
   */
  async foreignTopicAccess(account: string, region: string, desired: Resource[]): Promise<Extraneous[]> {
    const topics = desired.filter((r) => r.kind === 'sns-topic' && r.account === account);
    const found = await Promise.all(
      topics.map((topic) =>
        foreignTopicAccess(topic as Extract<Resource, { kind: 'sns-topic' }>, { accounts: this.accounts, account, region }),
      ),
    );
    return found.flat();
  }

  /** TrailGuard's bus grants that are no longer desired (a member removed from the config). */
  async extraneousGrants(account: string, region: string, desired: Resource[]): Promise<Extraneous[]> {
    const bus = await this.bus(account, region, NAMES.bus);
    const wanted = new Set(desired.filter((r) => r.kind === 'bus-permission').map((r) => r.name));
    const statements = bus?.statements ?? [];
    const stale = statements
      .filter((s) => s.Sid?.startsWith('trailguard-') && !wanted.has(s.Sid))
      .map((s) => ({
        key: `${account}/${region}/bus-permission/${s.Sid}`,
        account,
        region,
        kind: 'bus-permission' as const,
        name: s.Sid!,
      }));
    // Whoever another statement admits can put forged tamper records on TrailGuard's bus: a conflict, reported, never removed.
    const foreign = statements
      .map((s, index) => ({ s, name: s.Sid ?? `statement ${index}` }))
      .filter(({ s }) => !s.Sid?.startsWith('trailguard-'))
      .map(({ s, name }) => ({
        key: `${account}/${region}/bus-permission/${name}`,
        account,
        region,
        kind: 'bus-permission' as const,
        name,
        foreign: `a bus policy statement admitting ${JSON.stringify(s.Principal ?? null)} to ${JSON.stringify(s.Action ?? null)}`,
      }));
    return [...stale, ...foreign];
  }
}

export type { TrailInfo } from '../pipeline.js';

/**
 * Every trail of `account`, in every region, from CloudTrail ListTrails (all pages), called once in `region`.
 * AWS documents ListTrails as listing the trails "in the current account" with each one's HomeRegion, unlike
 * DescribeTrails, which answers for one region; so one call per account finds trails in regions TrailGuard does not
 * watch yet. Organization trails of another account that the member can see are listed too. Moto (5.2) lists only
 * multi-region trails and those homed in the called region. Call `accounts.reach(account)` first; AWS errors propagate.
 */
export async function listTrails(accounts: Accounts, account: string, region: string): Promise<TrailInfo[]> {
  const client = await accounts.client(CloudTrailClient, account, region);
  const trails = await allPages(paginateListTrails({ client }, {}), (page) => page.Trails);
  return trails.flatMap((t) =>
    t.TrailARN && t.HomeRegion ? [{ name: t.Name ?? t.TrailARN, arn: t.TrailARN, homeRegion: t.HomeRegion }] : [],
  );
}

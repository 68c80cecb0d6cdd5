// What every resource kind module does against AWS (the I/O half; the pure half is src/core/kinds/kind.ts).
import type { ResourceBase } from '../../kinds/kind.js';
import type { Change, Observed } from '../../plan.js';
import type { Accounts } from '../accounts.js';
import type { Statement } from './common.js';

/** An EventBridge rule as ListRules (or DescribeRule) reports it: the fields the plan compares. */
export interface ListedRule {
  eventPattern: string | undefined;
  state: string | undefined;
}

/** The central bus as EventBridge DescribeEventBus reports it: read once per run, shared by the bus and its grants. */
export interface BusState {
  arn: string;
  statements: Statement[];
}

/** Where a read happens. */
export interface ReadContext {
  accounts: Accounts;
  account: string;
  /** The region the calls go to: the resource's, or the home region for a global (IAM) resource. */
  region: string;
  /** The bus `name` of this account and region, or undefined when it does not exist (cached for the run). */
  bus(name: string): Promise<BusState | undefined>;
  /**
   * The rule `name` on `bus` (`default` or a bus name) of this account and region, or undefined when it does not exist.
   * One EventBridge ListRules serves every rule of the same bus and region (cached for the run), not a DescribeRule each.
   */
  rule(bus: string, name: string): Promise<ListedRule | undefined>;
}

/** Where and what a write changes. */
export interface ApplyContext {
  accounts: Accounts;
  account: string;
  /** The region the calls go to: the resource's, or the home region for a global (IAM) resource. */
  region: string;
  /** True when the resource does not exist yet; otherwise only `fields` differ. */
  create: boolean;
  /** The fields the plan found different (none on a create). */
  fields: ReadonlySet<string>;
  /** Provider ids the read saw (queue URL, mapping UUID, target ids...). */
  ids: Readonly<Record<string, string>>;
  /** The remediator zip (deterministic: its CodeSha256 is in the desired state). */
  code: Buffer;
  /** The Slack app's zip (`slack.deploy: lambda`): its bundle and the config, deterministic as `code` is. */
  slackCode?: Buffer;
  /** Waits between retries of a call AWS says to retry later (IAM is eventually consistent). */
  sleep: (ms: number) => Promise<void>;
}

/**
 * The AWS half of a resource kind, as a Terraform provider's read/create/update/delete: `read` reports what exists in
 * the shape the kind's `desiredFields` has (`{ exists: false }` when it does not; any other AWS error propagates);
 * `apply` creates the resource or converges the differing fields; `remove`, when the kind has it, deletes an owned
 * resource no longer desired (kinds without it are never deleted); `actions` names what those calls need.
 */
export interface KindIo<R extends ResourceBase> {
  /**
   * The IAM actions (`service:Action`, as IAM's Service Authorization Reference names them) that `read` calls, and
   * that `apply` and `remove` call, including those a call implies (tags on create, iam:PassRole). The deploy policy
   * must allow all of them and the plan role exactly the read ones (test/unit/resource-kind-permissions.test.ts).
   */
  readonly actions: { readonly read: readonly string[]; readonly write: readonly string[] };
  read(resource: R, ctx: ReadContext): Promise<Observed>;
  apply(resource: R, ctx: ApplyContext): Promise<void>;
  remove?(change: Change, ctx: Omit<ApplyContext, 'create' | 'fields' | 'ids'>): Promise<void>;
}

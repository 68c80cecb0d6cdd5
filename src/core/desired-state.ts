// Desired state: every resource of the detection pipeline with its exact settings, computed from the config alone.
import { globalRegionOf, partitionOf, roleArn } from './arn.js';
import type { Config } from './config.js';
import {
  PERMISSIONS_BOUNDARY,
  boundaryArn,
  forwarderPermissionsPolicy,
  forwarderTrustPolicy,
  memberRemediationPermissionsPolicy,
  memberRemediationTrustPolicy,
  readerPermissionsPolicy,
  remediatorPermissionsPolicy,
  remediatorTrustPolicy,
  type PolicyDocument,
  type Statement,
} from './iam-policies.js';
import { KINDS, kindSpec, type Resource, type ResourceKind } from './kinds/index.js';
import { NAMES } from './names.js';
import { OWN_PREFIX, ROLE_CALLS, RULE_NAME_CALLS, RULE_TARGET_CALLS } from './pipeline-event.js';

export const GLOBAL = 'global';

export type { Resource, ResourceKind, RuleTarget } from './kinds/index.js';

/** Order in which apply creates and updates resources: the kind registry's order (each kind only depends on kinds before it). */
export const APPLY_ORDER = Object.keys(KINDS) as ResourceKind[];

/** Kinds that carry the trailguard:managed tag; the others are owned by their TrailGuard name. */
export const TAGGED_KINDS: ResourceKind[] = APPLY_ORDER.filter((kind) => KINDS[kind].tagged);

export const REMEDIATOR_RUNTIME = 'nodejs22.x';
export const REMEDIATOR_HANDLER = 'index.handler';
export const REMEDIATOR_TIMEOUT = 60;

export function tamperPattern(watch: readonly string[]): Record<string, unknown> {
  return {
    source: ['aws.cloudtrail'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: { eventSource: ['cloudtrail.amazonaws.com'], eventName: [...watch] },
  };
}

const API_CALL = 'AWS API Call via CloudTrail';

/**
 * Calls on the named rules. The rule name is `requestParameters.name`, or `rule` for the target calls.
 * Exact names, not a prefix: each member rule watches the other one, so no call is forwarded twice.
 */
function ruleCallsPattern(names: readonly string[]): Record<string, unknown>[] {
  const detail = (eventName: readonly string[], key: 'name' | 'rule') => ({
    eventSource: ['events.amazonaws.com'],
    eventName: [...eventName],
    requestParameters: { [key]: [...names] },
  });
  return [
    { source: ['aws.events'], 'detail-type': [API_CALL], detail: detail(RULE_NAME_CALLS, 'name') },
    { source: ['aws.events'], 'detail-type': [API_CALL], detail: detail(RULE_TARGET_CALLS, 'rule') },
  ];
}

/** IAM calls on `trailguard-*` roles (EventBridge prefix matching) and on the remediation role, whatever its name. */
function roleCallsPattern(remediationRole: string): Record<string, unknown> {
  const roles = remediationRole.startsWith(OWN_PREFIX) ? [{ prefix: OWN_PREFIX }] : [{ prefix: OWN_PREFIX }, remediationRole];
  return {
    source: ['aws.iam'],
    'detail-type': [API_CALL],
    detail: { eventSource: ['iam.amazonaws.com'], eventName: [...ROLE_CALLS], requestParameters: { roleName: roles } },
  };
}

/**
 * Pattern of the member `trailguard-guard` rule: calls on `trailguard-forward`, and IAM calls on
 * TrailGuard's roles (they arrive only in the partition's global region). Filtered by name, so no
 * other rule's or role's traffic leaves the account.
 */
export function guardPattern(remediationRole: string): Record<string, unknown> {
  return { $or: [...ruleCallsPattern([NAMES.forwardRule]), roleCallsPattern(remediationRole)] };
}

/** Pattern of the central `trailguard-guard` rule on the TrailGuard bus: everything either member rule forwards about the pipeline. */
export function centralGuardPattern(remediationRole: string): Record<string, unknown> {
  return { $or: [...ruleCallsPattern([NAMES.forwardRule, NAMES.guardRule]), roleCallsPattern(remediationRole)] };
}

/**
 * Pattern of the member `trailguard-forward` rule: the tamper calls, plus the calls on
 * `trailguard-guard`, so that deleting the guard is seen by the forward rule as the reverse is seen by the guard.
 */
export function forwardPattern(watch: readonly string[]): Record<string, unknown> {
  return { $or: [tamperPattern(watch), ...ruleCallsPattern([NAMES.guardRule])] };
}

/** Region where EventBridge receives a partition's IAM (global service) events: `us-east-1` in `aws` (see `globalRegionOf`). */
export function globalEventsRegion(region: string): string {
  return globalRegionOf(region);
}

export function busPermissionSid(principal: string): string {
  return principal === '*' ? 'trailguard-organization' : `trailguard-${principal}`;
}

export interface CentralArns {
  bus: string;
  tamperRule: string;
  guardRule: string;
  function: string;
  remediatorRole: string;
  topic: string;
  dlq: string;
  eventsQueue: string;
}

export function centralArns(config: Config): CentralArns {
  const { account, region } = config.central;
  const p = partitionOf(region);
  return {
    bus: `arn:${p}:events:${region}:${account}:event-bus/${NAMES.bus}`,
    tamperRule: `arn:${p}:events:${region}:${account}:rule/${NAMES.bus}/${NAMES.tamperRule}`,
    guardRule: `arn:${p}:events:${region}:${account}:rule/${NAMES.bus}/${NAMES.guardRule}`,
    function: `arn:${p}:lambda:${region}:${account}:function:${NAMES.remediatorFunction}`,
    remediatorRole: roleArn(account, NAMES.remediatorRole, region),
    topic: `arn:${p}:sns:${region}:${account}:${NAMES.topic}`,
    dlq: `arn:${p}:sqs:${region}:${account}:${NAMES.dlq}`,
    eventsQueue: `arn:${p}:sqs:${region}:${account}:${NAMES.eventsQueue}`,
  };
}

export interface DesiredContext {
  /** Member account ids, resolved from the list or the Organization, minus `exclude`. */
  members: string[];
  /** CodeSha256 of the remediator zip the action would deploy. */
  codeSha256: string;
}

/** The environment the remediator Lambda runs with (DESIGN.md "Remediator"). */
export function remediatorEnvironment(config: Config): Record<string, string> {
  return {
    TRAILGUARD_TOPIC_ARN: centralArns(config).topic,
    TRAILGUARD_REMEDIATION_ROLE: config.roles.remediation,
    ...(config.roles.externalId ? { TRAILGUARD_EXTERNAL_ID: config.roles.externalId } : {}),
    TRAILGUARD_ALLOW: JSON.stringify(config.allow),
    TRAILGUARD_TRAILS: JSON.stringify(config.trails),
    ...(config.organization ? { TRAILGUARD_ORGANIZATION: JSON.stringify(config.organization) } : {}),
    TRAILGUARD_PIPELINE: JSON.stringify(pipelineEnvironment(config)),
  };
}

/**
 * `TRAILGUARD_PIPELINE`: what the remediator needs to put a member rule back to its desired
 * definition (with `memberRules`) and to recognise the deploy role's own changes. Compact: Lambda
 * allows 4 KB of environment in all.
 */
export interface PipelineEnvironment {
  watch: string[];
  regions: string[];
  deployRole: string;
}

/** The `TRAILGUARD_PIPELINE` value for a config; `apply` writes it JSON-encoded into the remediator's environment. */
export function pipelineEnvironment(config: Config): PipelineEnvironment {
  return { watch: [...config.watch], regions: [...config.members.regions], deployRole: config.roles.deploy };
}

function key(account: string, region: string, kind: ResourceKind, name: string): string {
  return `${account}/${region}/${kind}/${name}`;
}

function queuePolicy(queueArn: string, sourceArns: string[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TamperRuleOnly',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': sourceArns } },
      },
    ],
  });
}

function centralResources(config: Config, ctx: DesiredContext): Resource[] {
  const { account, region } = config.central;
  const arns = centralArns(config);
  const queue = config.remediator.delivery === 'queue';
  const c = (kind: ResourceKind, name: string, r = region) => ({ key: key(account, r, kind, name), account, region: r, name });
  const out: Resource[] = [
    {
      ...c('iam-role', NAMES.remediatorRole, GLOBAL),
      kind: 'iam-role',
      description: 'TrailGuard remediator Lambda: assumes TrailGuardRemediator in members, publishes alerts',
      permissionsBoundary: boundaryArn(account, region),
      trust: remediatorTrustPolicy({ centralAccount: account }),
      policyName: NAMES.remediatorRole,
      policy: remediatorPermissionsPolicy({
        centralAccount: account,
        region,
        remediationRole: config.roles.remediation,
        // Without organizationId, the accounts resolved from the Organization: never every AWS account.
        members: config.members.organization && config.organizationId ? null : ctx.members,
        organizationId: config.organizationId,
        delivery: config.remediator.delivery,
      }),
    },
    {
      ...c('sqs-queue', NAMES.dlq),
      kind: 'sqs-queue',
      attributes: {
        MessageRetentionPeriod: '1209600',
        SqsManagedSseEnabled: 'true',
        Policy: queuePolicy(arns.dlq, [arns.tamperRule, arns.guardRule]),
      },
    },
    { ...c('sns-topic', NAMES.topic), kind: 'sns-topic', httpsEndpoint: config.alerts.endpoint, signatureVersion: '2' },
    {
      ...c('lambda-function', NAMES.remediatorFunction),
      kind: 'lambda-function',
      roleArn: arns.remediatorRole,
      runtime: REMEDIATOR_RUNTIME,
      handler: REMEDIATOR_HANDLER,
      timeout: REMEDIATOR_TIMEOUT,
      memorySize: config.remediator.memoryMb,
      environment: remediatorEnvironment(config),
      codeSha256: ctx.codeSha256,
      onFailureArn: queue ? null : arns.dlq,
    },
    { ...c('event-bus', NAMES.bus), kind: 'event-bus' },
  ];
  const principals = config.organizationId ? ['*'] : ctx.members.filter((m) => m !== account);
  for (const principal of principals) {
    out.push({
      ...c('bus-permission', busPermissionSid(principal)),
      kind: 'bus-permission',
      bus: NAMES.bus,
      principal,
      ...(principal === '*' ? { organizationId: config.organizationId } : {}),
    });
  }
  const deadLetter = { DeadLetterConfig: { Arn: arns.dlq }, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 } };
  out.push({
    ...c('event-rule', NAMES.tamperRule),
    kind: 'event-rule',
    bus: NAMES.bus,
    description: 'TrailGuard: CloudTrail tampering forwarded by member accounts',
    pattern: tamperPattern(config.watch),
    targets: [
      queue
        ? { Id: 'trailguard-events', Arn: arns.eventsQueue, ...deadLetter }
        : { Id: 'trailguard-remediator', Arn: arns.function, ...deadLetter },
    ],
  });
  out.push({
    ...c('event-rule', NAMES.guardRule),
    kind: 'event-rule',
    bus: NAMES.bus,
    description: "TrailGuard: changes to TrailGuard's own member rules and roles, forwarded by member accounts",
    pattern: centralGuardPattern(config.roles.remediation),
    targets: [
      queue
        ? { Id: 'trailguard-events', Arn: arns.eventsQueue, ...deadLetter }
        : { Id: 'trailguard-remediator', Arn: arns.function, ...deadLetter },
    ],
  });
  if (queue) {
    out.push(
      {
        ...c('sqs-queue', NAMES.eventsQueue),
        kind: 'sqs-queue',
        attributes: {
          // Six times the function timeout, as Lambda's SQS integration recommends.
          VisibilityTimeout: String(REMEDIATOR_TIMEOUT * 6),
          MessageRetentionPeriod: '1209600',
          SqsManagedSseEnabled: 'true',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arns.dlq, maxReceiveCount: 5 }),
          Policy: queuePolicy(arns.eventsQueue, [arns.tamperRule, arns.guardRule]),
        },
      },
      {
        ...c('event-source-mapping', NAMES.eventsQueue),
        kind: 'event-source-mapping',
        functionName: NAMES.remediatorFunction,
        queueArn: arns.eventsQueue,
        batchSize: 10,
      },
    );
  } else {
    out.push({
      ...c('lambda-permission', 'trailguard-tamper-rule'),
      kind: 'lambda-permission',
      functionName: NAMES.remediatorFunction,
      sourceArn: arns.tamperRule,
    });
    out.push({
      ...c('lambda-permission', 'trailguard-guard-rule'),
      kind: 'lambda-permission',
      functionName: NAMES.remediatorFunction,
      sourceArn: arns.guardRule,
    });
  }
  return out;
}

function memberResources(config: Config, account: string): Resource[] {
  const central = config.central;
  const arns = centralArns(config);
  const g = (kind: ResourceKind, name: string) => ({ key: key(account, GLOBAL, kind, name), account, region: GLOBAL, name });
  // Each reader its own role: the internet-facing Slack app never gets the role that can change trails.
  const remediationCtx = {
    account,
    centralAccount: central.account,
    region: central.region,
    externalId: config.roles.externalId,
    baseline: config.trails,
    organization: config.organization,
  };
  const out: Resource[] = [
    {
      ...g('iam-role', NAMES.forwarderRole),
      kind: 'iam-role',
      description: 'TrailGuard: lets EventBridge forward CloudTrail tampering to the central bus',
      permissionsBoundary: boundaryArn(account, central.region),
      trust: forwarderTrustPolicy(account),
      policyName: NAMES.forwarderRole,
      policy: forwarderPermissionsPolicy({ centralAccount: central.account, region: central.region }),
    },
    {
      ...g('iam-role', config.roles.remediation),
      kind: 'iam-role',
      description: 'TrailGuard: restarts and restores CloudTrail trails; can never stop or delete one',
      permissionsBoundary: boundaryArn(account, central.region),
      trust: memberRemediationTrustPolicy({ ...remediationCtx, trustedPrincipalArns: [arns.remediatorRole] }),
      policyName: config.roles.remediation,
      policy: memberRemediationPermissionsPolicy({ ...remediationCtx, trustedPrincipalArns: [arns.remediatorRole] }),
    },
  ];
  if (config.slack?.roleArn) {
    out.push({
      ...g('iam-role', config.roles.reader),
      kind: 'iam-role',
      description: 'TrailGuard: read-only CloudTrail status for the Slack app (Re-check, /trail-status)',
      permissionsBoundary: boundaryArn(account, central.region),
      trust: memberRemediationTrustPolicy({ ...remediationCtx, trustedPrincipalArns: [config.slack.roleArn] }),
      policyName: config.roles.reader,
      policy: readerPermissionsPolicy({ account, region: central.region }),
    });
  }
  out.push(...memberRules(memberRuleSpec(config), account));
  return out;
}

/** What the member rules depend on: the same facts in the action (from the config) and in the remediator (from its environment). */
export interface MemberRuleSpec {
  /** ARN of the central bus `trailguard`. */
  centralBusArn: string;
  watch: readonly string[];
  /** Watched regions: each gets `trailguard-forward` and `trailguard-guard`. */
  regions: readonly string[];
  remediationRole: string;
}

/** The member-rule facts of a config (the action's side of `memberRules`). */
export function memberRuleSpec(config: Config): MemberRuleSpec {
  return {
    centralBusArn: centralArns(config).bus,
    watch: config.watch,
    regions: config.members.regions,
    remediationRole: config.roles.remediation,
  };
}

export type RuleResource = Extract<Resource, { kind: 'event-rule' }>;

/**
 * The member rules of one account, each forwarding to the central bus through `trailguard-forwarder`:
 * `trailguard-forward` in every watched region, `trailguard-guard` in every watched region and in the
 * partition's global region, where IAM's events arrive even when that region is not watched.
 */
export function memberRules(spec: MemberRuleSpec, account: string): RuleResource[] {
  const home = spec.centralBusArn.split(':')[3]!;
  const guardRegions = [...new Set([...spec.regions, globalEventsRegion(home)])];
  const rule = (region: string, name: string, description: string, pattern: Record<string, unknown>): RuleResource => ({
    key: key(account, region, 'event-rule', name),
    account,
    region,
    name,
    kind: 'event-rule',
    bus: 'default',
    description,
    pattern,
    targets: [{ Id: 'trailguard-central-bus', Arn: spec.centralBusArn, RoleArn: roleArn(account, NAMES.forwarderRole, region) }],
  });
  return [
    ...spec.regions.map((region) =>
      rule(region, NAMES.forwardRule, 'TrailGuard: forwards CloudTrail tampering to the central bus', forwardPattern(spec.watch)),
    ),
    ...guardRegions.map((region) =>
      rule(
        region,
        NAMES.guardRule,
        "TrailGuard: forwards changes to TrailGuard's own rules and roles to the central bus",
        guardPattern(spec.remediationRole),
      ),
    ),
  ];
}

export { DesiredStateError } from './kinds/kind.js';
export { BUS_POLICY_LIMIT, busStatement } from './kinds/bus-permission.js';
export { IAM_LIMITS, iamPolicyLength } from './kinds/iam-role.js';

/** Stands for "any member account" while the boundary is built from the members' own policies. */
const ANY_MEMBER = '000000000000';

/**
 * The `trailguard-boundary` managed policy: the most any TrailGuard role can do, whatever its own policy
 * says. It is the union of every role's statements for this config, member accounts generalised to `*`,
 * so it does not change when members come or go, and any statement a role gains is in it by construction.
 * An administrator creates it once per account (`trailguard iam boundary` prints it); the deploy role
 * can neither create nor change it, nor remove it from a role.
 */
export function permissionsBoundaryPolicy(config: Config): PolicyDocument {
  const seen = new Set<string>();
  const statements: Statement[] = [];
  const resources = [...centralResources(config, { members: [ANY_MEMBER], codeSha256: '' }), ...memberResources(config, ANY_MEMBER)];
  for (const r of resources) {
    if (r.kind !== 'iam-role') continue;
    for (const statement of r.policy.Statement) {
      const general = JSON.parse(JSON.stringify(statement).replaceAll(ANY_MEMBER, '*')) as Statement;
      const text = JSON.stringify({ ...general, Sid: '' });
      if (seen.has(text)) continue;
      seen.add(text);
      statements.push({ ...general, Sid: `${r.name.replace(/[^A-Za-z0-9]/g, '')}${statement.Sid}`.slice(0, 128) });
    }
  }
  return { Version: '2012-10-17', Statement: statements };
}

export function desiredState(config: Config, ctx: DesiredContext): Resource[] {
  const resources = [...centralAccountResources(config, ctx), ...ctx.members.flatMap((m) => memberResources(config, m))];
  checkResources(resources);
  return resources;
}

/** Each kind refuses, before any AWS call, what AWS would refuse (a policy over IAM's quota, a bus policy over EventBridge's). */
function checkResources(resources: readonly Resource[]): void {
  for (const kind of APPLY_ORDER) kindSpec(kind).check?.(resources.filter((r) => r.kind === kind) as never);
}

/** The desired state one account at a time: what a run over many accounts works through without holding it all. */
export interface DesiredByAccount {
  /** Every account with desired resources, the central account first, each once. */
  accounts: string[];
  /** The desired resources of `account` (built on each call: the caller keeps them only while it works on it). */
  resourcesOf(account: string): Resource[];
  /** The regions of `account`'s resources (GLOBAL for IAM), in the order `desiredState` has them. */
  regionsOf(account: string): readonly string[];
}

/**
 * The same resources as `desiredState`, built per account when asked. Why: about 18 KiB of resources per member, all
 * built up front, made a run's memory grow with the organization (180 MiB at 10,000 members). The checks run up front
 * on the central account and one member: every member's resources have the same shape and sizes (only the 12-digit
 * account id differs), so one member stands for all. Throws DesiredStateError as `desiredState` does.
 */
export function desiredStateByAccount(config: Config, ctx: DesiredContext): DesiredByAccount {
  const central = config.central.account;
  const centralOwn = centralAccountResources(config, ctx);
  const isMember = new Set(ctx.members);
  const sample = ctx.members.find((m) => m !== central);
  checkResources([
    ...centralOwn,
    ...(isMember.has(central) ? memberResources(config, central) : []),
    ...(sample ? memberResources(config, sample) : []),
  ]);
  const regions = (resources: readonly Resource[]) => [...new Set(resources.map((r) => r.region))];
  const memberRegions = sample ? regions(memberResources(config, sample)) : [];
  const resourcesOf = (account: string): Resource[] => [
    ...(account === central ? centralAccountResources(config, ctx) : []),
    ...(isMember.has(account) ? memberResources(config, account) : []),
  ];
  return {
    accounts: [...new Set([central, ...ctx.members])],
    resourcesOf,
    regionsOf: (account) => (account === central ? regions(resourcesOf(account)) : isMember.has(account) ? memberRegions : []),
  };
}

/** The central account's own resources (bus, rule, remediator, topic, queues, grants) and its permissions boundary. */
function centralAccountResources(config: Config, ctx: DesiredContext): Resource[] {
  const { account, region } = config.central;
  const boundary: Resource = {
    key: key(account, GLOBAL, 'iam-boundary', PERMISSIONS_BOUNDARY),
    account,
    region: GLOBAL,
    name: PERMISSIONS_BOUNDARY,
    kind: 'iam-boundary',
    arn: boundaryArn(account, region),
    document: permissionsBoundaryPolicy(config),
  };
  return [...centralResources(config, ctx), boundary];
}

// Desired state: every resource of the detection pipeline with its exact settings, computed from the config alone.
import { globalRegionOf, partitionOf, roleArn } from './arn.js';
import { WATCHED_EVENT_SOURCES, type Config } from './config.js';
import {
  PERMISSIONS_BOUNDARY,
  boundaryArn,
  boundaryForm,
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
import type { TopicSubscription } from './kinds/sns-topic.js';
import { codeSha256, createZip, type ZipEntry } from './zip.js';
import { NAMES } from './names.js';
import {
  BUS_CALLS,
  FUNCTION_CALLS,
  MAPPING_CALLS,
  OWN_PREFIX,
  QUEUE_CALLS,
  ROLE_CALLS,
  RULE_NAME_CALLS,
  RULE_TARGET_CALLS,
  SCHEDULE_CALLS,
} from './pipeline-event.js';
import { canaryPattern, scheduleIntervalMs, START_SWEEP_MESSAGE, SWEEP_NAMES } from './sweep.js';
import { cloudWatchAlarm, type CloudWatchAlarmResource } from './kinds/cloudwatch-alarm.js';
import { sweepSchedulerPermissionsPolicy, sweepSchedulerTrustPolicy } from './iam-policies.js';
import { slackFunctionPermissionsPolicy, slackSchedulerPermissionsPolicy } from './iam-policies.js';

export const GLOBAL = 'global';

export type { Resource, ResourceKind, RuleTarget } from './kinds/index.js';

/** Order in which apply creates and updates resources: the kind registry's order (each kind only depends on kinds before it). */
export const APPLY_ORDER = Object.keys(KINDS) as ResourceKind[];

/** Kinds that carry the trailguard:managed tag; the others are owned by their TrailGuard name. */
export const TAGGED_KINDS: ResourceKind[] = APPLY_ORDER.filter((kind) => KINDS[kind].tagged);

export const REMEDIATOR_RUNTIME = 'nodejs22.x';
export const REMEDIATOR_HANDLER = 'index.handler';
export const REMEDIATOR_TIMEOUT = 60;

/**
 * The tamper calls as EventBridge pattern entries: one per CloudTrail `eventSource` in `watch`, with
 * that source's names. EventBridge gives an "AWS API Call via CloudTrail" event the service's own
 * source (`aws.organizations` for organizations.amazonaws.com); `aws.cloudtrail` is accepted too, as
 * TrailGuard's fixtures and cases carry it. Names `watch` does not know keep the CloudTrail source.
 */
export function tamperPatterns(
  watch: readonly string[],
  sources: Readonly<Record<string, string>> = WATCHED_EVENT_SOURCES,
): Record<string, unknown>[] {
  const bySource = new Map<string, string[]>();
  for (const name of watch) {
    const eventSource = sources[name] ?? 'cloudtrail.amazonaws.com';
    bySource.set(eventSource, [...(bySource.get(eventSource) ?? []), name]);
  }
  return [...bySource].map(([eventSource, names]) => {
    const service = `aws.${eventSource.split('.')[0]}`;
    return {
      source: service === 'aws.cloudtrail' ? [service] : ['aws.cloudtrail', service],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: [eventSource], eventName: names },
    };
  });
}

/** Pattern of the central `trailguard-tamper` rule: every tamper call of `watch`, whichever service records it. */
export function tamperPattern(watch: readonly string[]): Record<string, unknown> {
  const entries = tamperPatterns(watch);
  return entries.length === 1 ? entries[0]! : { $or: entries };
}

/**
 * EventBridge's default quota on an event pattern's size, in characters ("Event pattern size",
 * Amazon EventBridge quotas; adjustable up to 4096 on request, which TrailGuard does not assume).
 */
export const EVENT_PATTERN_MAX_CHARS = 2048;

const API_CALL = 'AWS API Call via CloudTrail';

/**
 * Calls on the named rules. The rule name is `requestParameters.name`, or `rule` for the target calls; `buses`, when
 * given, also requires `requestParameters.eventBusName` to be one of them (absent: the default bus).
 * Exact names, not a prefix: each member rule watches the other one, so no call is forwarded twice.
 */
function ruleCallsPattern(names: readonly string[], buses?: readonly unknown[]): Record<string, unknown>[] {
  const detail = (eventName: readonly string[], key: 'name' | 'rule') => ({
    eventSource: ['events.amazonaws.com'],
    eventName: [...eventName],
    requestParameters: { [key]: [...names], ...(buses ? { eventBusName: [...buses] } : {}) },
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
export function guardPattern(remediationRole: string, globalTamper: readonly string[] = []): Record<string, unknown> {
  return {
    $or: [
      ...ruleCallsPattern([NAMES.forwardRule]),
      roleCallsPattern(remediationRole),
      ...(globalTamper.length > 0 ? tamperPatterns(globalTamper) : []),
    ],
  };
}

/**
 * Services whose CloudTrail events EventBridge delivers only in the partition's global region
 * (`us-east-1` in `aws`), like IAM's: a `watch` name they record is forwarded from there even when
 * that region is not watched.
 */
export const GLOBAL_EVENT_SOURCES: readonly string[] = ['organizations.amazonaws.com'];

/** The `watch` names recorded by a global service (`LeaveOrganization`...). */
export function globalTamperCalls(watch: readonly string[]): string[] {
  return watch.filter((name) => GLOBAL_EVENT_SOURCES.includes((WATCHED_EVENT_SOURCES as Record<string, string>)[name] ?? ''));
}

/** Lambda calls that disable, throttle, delete or re-point the remediator, or `trailguard-*` functions' mappings. */
function lambdaCallsPattern(): Record<string, unknown>[] {
  const lambda = (eventName: readonly string[], fields: Record<string, unknown>) => ({
    source: ['aws.lambda'],
    'detail-type': [API_CALL],
    // Lambda's recorded names carry the API version (`DeleteFunction20150331`): the action name is matched as a prefix.
    detail: { eventSource: ['lambda.amazonaws.com'], eventName: eventName.map((prefix) => ({ prefix })), ...fields },
  });
  // A function is named by name, partial ARN or ARN, any of them with a qualifier.
  const own = (name: string) => [{ prefix: name }, { wildcard: `*:function:${name}*` }];
  return [
    lambda(FUNCTION_CALLS, { requestParameters: { functionName: own(NAMES.remediatorFunction) } }),
    lambda(MAPPING_CALLS, { requestParameters: { functionName: own(OWN_PREFIX) } }),
    // DeleteEventSourceMapping's request names only the mapping: the function is in the response.
    lambda(MAPPING_CALLS, { responseElements: { functionArn: [{ wildcard: `*:function:${OWN_PREFIX}*` }] } }),
  ];
}

/**
 * Pattern of the central default bus's `trailguard-sweep-guard` rule: Scheduler's `UpdateSchedule` and `DeleteSchedule`
 * on schedules named `trailguard-sweep*` (the CloudTrail records EventBridge delivers as `source: aws.scheduler`); the
 * calls on its twin `trailguard-central-guard`, which watches this rule in turn (a rule cannot see its own disabling:
 * the record arrives once it is off); and the Lambda calls on the remediator and its mappings (`lambdaCallsPattern`). The central
 * chain is split between the two rules so that each stays within EventBridge's pattern size quota; each call is in one.
 */
export function scheduleGuardPattern(): Record<string, unknown> {
  return {
    $or: [
      {
        source: ['aws.scheduler'],
        'detail-type': [API_CALL],
        detail: {
          eventSource: ['scheduler.amazonaws.com'],
          eventName: [...SCHEDULE_CALLS],
          requestParameters: { name: [{ prefix: SWEEP_NAMES.schedule }] },
        },
      },
      ...ruleCallsPattern([NAMES.centralGuardRule]),
      ...lambdaCallsPattern(),
    ],
  };
}

/** The central rules the central account's guard rules watch (the member-forwarded ones on `trailguard`, the guards on the default bus). */
export const CENTRAL_RULES: readonly { name: string; bus: string }[] = [
  { name: NAMES.tamperRule, bus: NAMES.bus },
  { name: NAMES.guardRule, bus: NAMES.bus },
  { name: SWEEP_NAMES.guardRule, bus: 'default' },
  { name: NAMES.centralGuardRule, bus: 'default' },
];

/**
 * Pattern of the central default bus's `trailguard-central-guard` rule: the rest of the central account's own chain.
 * EventBridge calls on TrailGuard's central rules (exact names, its own excepted: `trailguard-sweep-guard` watches it,
 * so no call is forwarded twice; `trailguard-tamper` and `trailguard-guard` on the `trailguard` bus only, as a
 * member's `trailguard-guard` on the central default bus is watched by that member's `trailguard-forward`); the
 * `trailguard` bus's grants (PutPermission, RemovePermission: removing them cuts every member off); SQS calls
 * that purge, delete or re-wire `trailguard-*` queues of `account` (any SQS endpoint host, by EventBridge `wildcard`).
 */
export function centralChainGuardPattern(account: string): Record<string, unknown> {
  return {
    $or: [
      ...ruleCallsPattern([NAMES.tamperRule, NAMES.guardRule], [NAMES.bus, { wildcard: `*:event-bus/${NAMES.bus}` }]),
      ...ruleCallsPattern([SWEEP_NAMES.guardRule]),
      {
        source: ['aws.events'],
        'detail-type': [API_CALL],
        detail: {
          eventSource: ['events.amazonaws.com'],
          eventName: [...BUS_CALLS],
          requestParameters: { eventBusName: [NAMES.bus, { wildcard: `*:event-bus/${NAMES.bus}` }] },
        },
      },
      {
        source: ['aws.sqs'],
        'detail-type': [API_CALL],
        detail: {
          eventSource: ['sqs.amazonaws.com'],
          eventName: [...QUEUE_CALLS],
          requestParameters: { queueUrl: [{ wildcard: `https://*/${account}/${OWN_PREFIX}*` }] },
        },
      },
    ],
  };
}

/**
 * What the central rules depend on: the same facts in the action (from the config) and in the remediator (from its
 * environment), so both compute the same patterns.
 */
export interface CentralRuleSpec {
  account: string;
  watch: readonly string[];
  remediationRole: string;
}

/** The desired pattern of each central rule of CENTRAL_RULES (`centralResources` deploys these; the remediator compares calls to them). */
export function centralRulePatterns(spec: CentralRuleSpec): Map<string, Record<string, unknown>> {
  return new Map([
    [NAMES.tamperRule, centralTamperPattern(spec.watch)],
    [NAMES.guardRule, centralGuardPattern(spec.remediationRole)],
    [SWEEP_NAMES.guardRule, scheduleGuardPattern()],
    [NAMES.centralGuardRule, centralChainGuardPattern(spec.account)],
  ]);
}

/** The central rules that deliver to the remediator (its queue and DLQ admit exactly these). */
function centralRuleArns(config: Config): string[] {
  const arns = centralArns(config);
  return [arns.tamperRule, arns.guardRule, arns.sweepGuardRule, arns.centralGuardRule];
}

/** Pattern of the central `trailguard-guard` rule on the TrailGuard bus: everything either member rule forwards about the pipeline. */
export function centralGuardPattern(remediationRole: string): Record<string, unknown> {
  return { $or: [...ruleCallsPattern([NAMES.forwardRule, NAMES.guardRule]), roleCallsPattern(remediationRole)] };
}

/**
 * Pattern of the member `trailguard-forward` rule: the tamper calls, plus the calls on
 * `trailguard-guard`, so that deleting the guard is seen by the forward rule as the reverse is seen by the guard.
 */
export function forwardPattern(
  watch: readonly string[],
  sources: Readonly<Record<string, string>> = WATCHED_EVENT_SOURCES,
): Record<string, unknown> {
  // One flat $or: each event source's entry, the guard-rule calls, and the sweep's canary.
  return { $or: [...tamperPatterns(watch, sources), ...ruleCallsPattern([NAMES.guardRule]), canaryPattern()] };
}

/** Pattern of the central `trailguard-tamper` rule: the tamper calls, and the sweep's canaries coming back from members. */
export function centralTamperPattern(watch: readonly string[]): Record<string, unknown> {
  return { $or: [...tamperPatterns(watch), canaryPattern()] };
}

/** Region where EventBridge receives a partition's IAM (global service) events: `us-east-1` in `aws` (see `globalRegionOf`). */
export function globalEventsRegion(region: string): string {
  return globalRegionOf(region);
}

/**
 * Sid of a bus grant: `trailguard-organization` (with organizationId) or `trailguard-members` (one statement naming
 * every member's forwarder role: one statement per member no longer fits EventBridge's 10 KB at 50 members once each
 * names a role). Earlier versions wrote `trailguard-<account>` per member: plan shows those as `delete`.
 */
export function busPermissionSid(principal: string | readonly string[]): string {
  return principal === '*' ? 'trailguard-organization' : 'trailguard-members';
}

export interface CentralArns {
  bus: string;
  tamperRule: string;
  guardRule: string;
  /** The central default bus's rule watching the sweep schedule and `trailguard-central-guard`. */
  sweepGuardRule: string;
  /** The central default bus's rule watching the central chain and `trailguard-sweep-guard`. */
  centralGuardRule: string;
  function: string;
  remediatorRole: string;
  topic: string;
  dlq: string;
  eventsQueue: string;
  alertsDlq: string;
  sweepQueue: string;
  sweepDlq: string;
  stateTable: string;
}

export function centralArns(config: Config): CentralArns {
  const { account, region } = config.central;
  const p = partitionOf(region);
  return {
    bus: `arn:${p}:events:${region}:${account}:event-bus/${NAMES.bus}`,
    tamperRule: `arn:${p}:events:${region}:${account}:rule/${NAMES.bus}/${NAMES.tamperRule}`,
    guardRule: `arn:${p}:events:${region}:${account}:rule/${NAMES.bus}/${NAMES.guardRule}`,
    sweepGuardRule: `arn:${p}:events:${region}:${account}:rule/${SWEEP_NAMES.guardRule}`,
    centralGuardRule: `arn:${p}:events:${region}:${account}:rule/${NAMES.centralGuardRule}`,
    function: `arn:${p}:lambda:${region}:${account}:function:${NAMES.remediatorFunction}`,
    remediatorRole: roleArn(account, NAMES.remediatorRole, region),
    topic: `arn:${p}:sns:${region}:${account}:${NAMES.topic}`,
    dlq: `arn:${p}:sqs:${region}:${account}:${NAMES.dlq}`,
    eventsQueue: `arn:${p}:sqs:${region}:${account}:${NAMES.eventsQueue}`,
    alertsDlq: `arn:${p}:sqs:${region}:${account}:${NAMES.alertsDlq}`,
    sweepQueue: `arn:${p}:sqs:${region}:${account}:${SWEEP_NAMES.queue}`,
    sweepDlq: `arn:${p}:sqs:${region}:${account}:${SWEEP_NAMES.dlq}`,
    stateTable: `arn:${p}:dynamodb:${region}:${account}:table/${SWEEP_NAMES.table}`,
  };
}

export interface DesiredContext {
  /** Member account ids, resolved from the list or the Organization, minus `exclude`. */
  members: string[];
  /** CodeSha256 of the remediator zip the action would deploy. */
  codeSha256: string;
  /** CodeSha256 of the Slack app's zip (`slackAppCode`), with `slack.deploy: lambda`. */
  slackCodeSha256?: string;
}

/**
 * `TRAILGUARD_SWEEP`: the members the planner sweeps (the list apply resolved, or `organization` with organizationId,
 * where the planner asks Organizations itself), the exclusions, the schedule (the planner alerts a gap of twice it) and
 * the canary grace when the config sets one.
 */
export function sweepEnvironment(
  config: Config,
  members: readonly string[],
): { members: string[] | 'organization'; exclude: string[]; canaryGraceSeconds?: number; schedule: string | null } {
  return {
    members: config.members.organization && config.organizationId ? 'organization' : [...members],
    exclude: [...config.members.exclude],
    schedule: config.sweep.schedule,
    ...(config.sweep.canaryGraceSeconds !== undefined ? { canaryGraceSeconds: config.sweep.canaryGraceSeconds } : {}),
  };
}

/** The environment the remediator Lambda runs with (DESIGN.md "Remediator"). */
export function remediatorEnvironment(config: Config, members?: readonly string[]): Record<string, string> {
  return {
    TRAILGUARD_TOPIC_ARN: centralArns(config).topic,
    TRAILGUARD_REMEDIATION_ROLE: config.roles.remediation,
    ...(config.roles.externalId ? { TRAILGUARD_EXTERNAL_ID: config.roles.externalId } : {}),
    TRAILGUARD_ALLOW: JSON.stringify(config.allow),
    TRAILGUARD_TRAILS: JSON.stringify(config.trails),
    ...(config.eventDataStores.length > 0 ? { TRAILGUARD_EVENT_DATA_STORES: JSON.stringify(config.eventDataStores) } : {}),
    ...(config.organization ? { TRAILGUARD_ORGANIZATION: JSON.stringify(config.organization) } : {}),
    TRAILGUARD_PIPELINE: JSON.stringify(pipelineEnvironment(config)),
    ...(members ? { TRAILGUARD_SWEEP: JSON.stringify(sweepEnvironment(config, members)) } : {}),
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

/** Policy of the alerts subscription's dead-letter queue: SNS may send to it for the alerts topic only. */
function alertsDlqPolicy(queueArn: string, topicArn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AlertsTopicOnly',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: queueArn,
        Condition: { ArnEquals: { 'aws:SourceArn': topicArn } },
      },
    ],
  });
}

/**
 * The ARN of `trailguard-alerts-dlq` when a Slack app takes alerts from the topic through TrailGuard (`alerts.endpoint`,
 * or `slack.deploy: lambda`), else null: nothing TrailGuard configures would send to it.
 */
export function alertsDeadLetterQueue(config: Config): string | null {
  return config.alerts.endpoint || slackDeployed(config) ? centralArns(config).alertsDlq : null;
}

/** Whether `apply` deploys the Slack app (`slack.deploy: lambda` with its secrets' names). */
function slackDeployed(config: Config): boolean {
  return config.slack?.deploy === 'lambda' && !!config.slack.secrets;
}

/**
 * The subscriptions `trailguard-alerts` may have: the HTTPS endpoint (`alerts.endpoint`), the deployed Slack function
 * (`slack.deploy: lambda`) and `alerts.acceptedSubscriptions`. Any other is reported as a conflict.
 */
export function knownSubscriptions(config: Config): TopicSubscription[] {
  const { account, region } = config.central;
  return [
    ...(config.alerts.endpoint ? [{ protocol: 'https', endpoint: config.alerts.endpoint }] : []),
    ...(slackDeployed(config)
      ? [{ protocol: 'lambda', endpoint: `arn:${partitionOf(region)}:lambda:${region}:${account}:function:${NAMES.slackFunction}` }]
      : []),
    ...config.alerts.acceptedSubscriptions.map((s) => ({ protocol: s.protocol, endpoint: s.endpoint })),
  ];
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
        listsOrganization: config.members.organization && !!config.organizationId,
      }),
    },
    {
      ...c('sqs-queue', NAMES.dlq),
      kind: 'sqs-queue',
      attributes: {
        MessageRetentionPeriod: '1209600',
        SqsManagedSseEnabled: 'true',
        Policy: queuePolicy(arns.dlq, centralRuleArns(config)),
      },
    },
    // Where an alert the Slack app never took ends (SNS gave up on its HTTPS endpoint or its function; the deployed
    // function failed it past Lambda's retries), before the subscriptions and the function need it.
    ...(alertsDeadLetterQueue(config)
      ? [
          {
            ...c('sqs-queue', NAMES.alertsDlq),
            kind: 'sqs-queue' as const,
            attributes: {
              MessageRetentionPeriod: '1209600',
              SqsManagedSseEnabled: 'true',
              Policy: alertsDlqPolicy(arns.alertsDlq, arns.topic),
            },
          },
        ]
      : []),
    {
      ...c('sns-topic', NAMES.topic),
      kind: 'sns-topic',
      httpsEndpoint: config.alerts.endpoint,
      signatureVersion: '2',
      deadLetterQueueArn: config.alerts.endpoint ? arns.alertsDlq : null,
      knownSubscriptions: knownSubscriptions(config),
      cloudWatchAlarmsArn: watchdogAlarmsArn(config),
    },
    {
      ...c('lambda-function', NAMES.remediatorFunction),
      kind: 'lambda-function',
      roleArn: arns.remediatorRole,
      runtime: REMEDIATOR_RUNTIME,
      handler: REMEDIATOR_HANDLER,
      timeout: REMEDIATOR_TIMEOUT,
      memorySize: config.remediator.memoryMb,
      environment: remediatorEnvironment(config, ctx.members),
      codeSha256: ctx.codeSha256,
      onFailureArn: queue ? null : arns.dlq,
    },
    { ...c('event-bus', NAMES.bus), kind: 'event-bus' },
  ];
  // Only the forwarder roles may put events on the bus (src/core/kinds/bus-permission.ts); the central account's own
  // forwarder needs no grant on its own bus.
  const others = ctx.members.filter((m) => m !== account);
  const principal = config.organizationId ? '*' : others;
  if (principal === '*' || principal.length > 0) {
    out.push({
      ...c('bus-permission', busPermissionSid(principal)),
      kind: 'bus-permission',
      bus: NAMES.bus,
      principal,
      ...(principal === '*' ? { organizationId: config.organizationId } : {}),
    });
  }
  const patterns = centralRulePatterns({ account, watch: config.watch, remediationRole: config.roles.remediation });
  const deadLetter = { DeadLetterConfig: { Arn: arns.dlq }, RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 } };
  out.push({
    ...c('event-rule', NAMES.tamperRule),
    kind: 'event-rule',
    bus: NAMES.bus,
    description: 'TrailGuard: CloudTrail tampering forwarded by member accounts',
    pattern: patterns.get(NAMES.tamperRule)!,
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
    pattern: patterns.get(NAMES.guardRule)!,
    targets: [
      queue
        ? { Id: 'trailguard-events', Arn: arns.eventsQueue, ...deadLetter }
        : { Id: 'trailguard-remediator', Arn: arns.function, ...deadLetter },
    ],
  });
  // The central account's default bus, where no member rule listens, gets two rules that watch each other (as
  // trailguard-forward and trailguard-guard do in members): trailguard-sweep-guard (the schedule, and its twin) and
  // trailguard-central-guard (the central rules, bus grants, remediator, mappings and queues). Both exist without a
  // schedule too: the chain after it still needs watching.
  for (const [name, description, arn] of [
    [
      SWEEP_NAMES.guardRule,
      'TrailGuard: changes to the sweep schedule trailguard-sweep and to trailguard-central-guard',
      arns.sweepGuardRule,
    ],
    [
      NAMES.centralGuardRule,
      "TrailGuard: changes to the central account's own rules, bus grants, remediator and queues",
      arns.centralGuardRule,
    ],
  ] as const) {
    out.push({
      ...c('event-rule', name),
      kind: 'event-rule',
      bus: 'default',
      description,
      pattern: patterns.get(name)!,
      targets: [
        queue
          ? { Id: 'trailguard-events', Arn: arns.eventsQueue, ...deadLetter }
          : { Id: 'trailguard-remediator', Arn: arns.function, ...deadLetter },
      ],
    });
    if (!queue)
      out.push({
        ...c('lambda-permission', `${name}-rule`),
        kind: 'lambda-permission',
        functionName: NAMES.remediatorFunction,
        sourceArn: arn,
      });
  }
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
          Policy: queuePolicy(arns.eventsQueue, centralRuleArns(config)),
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
  out.push(...sweepResources(config));
  out.push(...slackResources(config, ctx));
  // Outside the remediator: they report it throttled, failing or cut off from its queues, which it cannot itself.
  out.push(...watchdogAlarms(config));
  return out;
}

export const SLACK_RUNTIME = 'nodejs22.x';
/** Seconds: a deferred Re-check or `/trail-status` reads every region of an account; a drain posts a burst. */
export const SLACK_TIMEOUT = 60;
export const SLACK_MEMORY_MB = 512;
/** Where the deployed function finds the config: `slackAppCode` puts it in the zip (Lambda runs from /var/task). */
export const SLACK_CONFIG_PATH = '/var/task/trailguard.json';
/** The drain schedule's message: the handler treats a `Scheduled Event` as "post what is due". */
export const SLACK_DRAIN_MESSAGE = { source: 'trailguard.slack', 'detail-type': 'Scheduled Event', detail: {} } as const;
/**
 * The DynamoDB store of `slack-app/store/dynamodb.ts` (`ensureTable`): key `id`, four indexes, TTL on `expiresAt`
 * (replay-ledger entries expire). The store's queries fail on a table without them.
 */
export const SLACK_TABLE_INDEXES = [
  { name: 'byParent', partitionKey: 'parentId', sortKey: 'receivedAt' },
  { name: 'byState', partitionKey: 'state', sortKey: 'nextAttemptAt' },
  { name: 'byTime', partitionKey: 'bucket', sortKey: 'receivedAt' },
  { name: 'byTrail', partitionKey: 'trailKey', sortKey: 'receivedAt' },
] as const;

/** The Slack app's role ARN the members' reader role trusts: `slack.roleArn`, or with `deploy: lambda` the role apply creates. */
export function slackRoleArn(config: Config): string | null {
  if (!config.slack) return null;
  if (config.slack.deploy === 'lambda') return roleArn(config.central.account, NAMES.slackRole, config.central.region);
  return config.slack.roleArn ?? null;
}

/**
 * The config as the deployed Slack app reads it (`trailguard.json` in its zip): the parsed config written back in the
 * shape `validateConfig` takes (regions `auto` again when it was), so the function sees the members, channel,
 * responders and viewers apply saw. It holds no secret: `slack.secrets` are names.
 */
export function slackAppConfig(config: Config): unknown {
  const { discoverRegions, ...members } = config.members;
  return { ...config, members: { ...members, regions: discoverRegions ? 'auto' : members.regions } };
}

/**
 * The Slack function's zip: the files of `dist/slack-app-lambda/` (`bundle`, paths relative to it) and `trailguard.json`
 * (`slackAppConfig`), deterministic (`createZip`), with Lambda's CodeSha256: a config change redeploys the code.
 */
export function slackAppCode(bundle: readonly ZipEntry[], config: Config): { zip: Buffer; sha256: string } {
  const configFile = SLACK_CONFIG_PATH.split('/').pop()!;
  const files = [
    ...bundle.filter((f) => f.path !== configFile),
    { path: configFile, data: Buffer.from(JSON.stringify(slackAppConfig(config), null, 2)) },
  ];
  const zip = createZip(files);
  return { zip, sha256: codeSha256(zip) };
}

/** The deployed Slack function's URL for Slack's Request URLs (commands, interactivity): the function URL + `/slack/events`. */
export function slackEventsUrl(functionUrl: string): string {
  return `${functionUrl.replace(/\/+$/, '')}/slack/events`;
}

/**
 * The environment of `trailguard-slack`: where the config and the store are, the channel, and the NAMES of its secrets
 * (`SLACK_BOT_TOKEN_PARAM`, `SLACK_SIGNING_SECRET_PARAM`, read at cold start by `slack-app/secrets.ts`); never a value.
 */
export function slackEnvironment(config: Config): Record<string, string> {
  const slack = config.slack!;
  return {
    NODE_ENV: 'production',
    TRAILGUARD_CONFIG: SLACK_CONFIG_PATH,
    TRAILGUARD_TABLE: NAMES.slackTable,
    TRAILGUARD_TOPIC_ARN: centralArns(config).topic,
    TRAILGUARD_SLACK_CHANNEL: slack.channel,
    SLACK_BOT_TOKEN_PARAM: slack.secrets!.botToken,
    SLACK_SIGNING_SECRET_PARAM: slack.secrets!.signingSecret,
  };
}

/**
 * With `slack.deploy: lambda` (issue 13), the Slack app in the central account: its role, store, function, URL (for
 * Slack), the topic's Lambda subscription (with the statement letting the topic invoke it), and the schedule (with
 * its role) that drains pending posts every minute. Nothing with `server`.
 */
function slackResources(config: Config, ctx: DesiredContext): Resource[] {
  if (!slackDeployed(config) || !config.slack?.secrets) return [];
  const { account, region } = config.central;
  const arns = centralArns(config);
  const p = partitionOf(region);
  const functionArn = `arn:${p}:lambda:${region}:${account}:function:${NAMES.slackFunction}`;
  const c = (kind: ResourceKind, name: string, r = region) => ({ key: key(account, r, kind, name), account, region: r, name });
  return [
    {
      ...c('iam-role', NAMES.slackRole, GLOBAL),
      kind: 'iam-role',
      description: 'TrailGuard Slack app (Lambda): reads trail status through TrailGuardReader, posts alerts; never remediates',
      permissionsBoundary: boundaryArn(account, region),
      trust: remediatorTrustPolicy({ centralAccount: account }),
      policyName: NAMES.slackRole,
      policy: slackFunctionPermissionsPolicy({
        centralAccount: account,
        region,
        readerRole: config.roles.reader,
        members: config.members.organization && config.organizationId ? null : ctx.members,
        organizationId: config.organizationId,
        secrets: config.slack.secrets,
      }),
    },
    {
      ...c('iam-role', NAMES.slackSchedulerRole, GLOBAL),
      kind: 'iam-role',
      description: 'TrailGuard: lets EventBridge Scheduler invoke trailguard-slack to post alerts still waiting for Slack',
      permissionsBoundary: boundaryArn(account, region),
      trust: sweepSchedulerTrustPolicy(account),
      policyName: NAMES.slackSchedulerRole,
      policy: slackSchedulerPermissionsPolicy({ centralAccount: account, region }),
    },
    {
      ...c('dynamodb-table', NAMES.slackTable),
      kind: 'dynamodb-table',
      partitionKey: 'id',
      indexes: SLACK_TABLE_INDEXES.map((i) => ({ ...i })),
      ttlAttribute: 'expiresAt',
    },
    {
      ...c('lambda-function', NAMES.slackFunction),
      kind: 'lambda-function',
      roleArn: roleArn(account, NAMES.slackRole, region),
      runtime: SLACK_RUNTIME,
      handler: REMEDIATOR_HANDLER,
      timeout: SLACK_TIMEOUT,
      memorySize: SLACK_MEMORY_MB,
      environment: slackEnvironment(config),
      codeSha256: ctx.slackCodeSha256 ?? '',
      // An alert (or a drain, a deferred Re-check) that failed every asynchronous retry is kept, not dropped.
      onFailureArn: arns.alertsDlq,
      bundle: 'slack',
      description: 'TrailGuard Slack app: alerts, Acknowledge, Re-check and /trail-status',
    },
    { ...c('lambda-url', NAMES.slackFunction), kind: 'lambda-url', functionName: NAMES.slackFunction, authType: 'NONE' },
    {
      ...c('lambda-permission', 'trailguard-slack-url'),
      kind: 'lambda-permission',
      functionName: NAMES.slackFunction,
      principal: '*',
      action: 'lambda:InvokeFunctionUrl',
      sourceArn: null,
      functionUrlAuthType: 'NONE',
    },
    {
      // A new function URL needs lambda:InvokeFunction too (since October 2025), only through the URL.
      ...c('lambda-permission', 'trailguard-slack-url-invoke'),
      kind: 'lambda-permission',
      functionName: NAMES.slackFunction,
      principal: '*',
      sourceArn: null,
      invokedViaFunctionUrl: true,
    },
    {
      ...c('lambda-permission', 'trailguard-slack-alerts'),
      kind: 'lambda-permission',
      functionName: NAMES.slackFunction,
      principal: 'sns.amazonaws.com',
      sourceArn: arns.topic,
    },
    {
      ...c('sns-subscription', NAMES.slackFunction),
      kind: 'sns-subscription',
      topicArn: arns.topic,
      protocol: 'lambda',
      endpoint: functionArn,
      deadLetterQueueArn: arns.alertsDlq,
    },
    {
      ...c('scheduler-schedule', NAMES.slackSchedule),
      kind: 'scheduler-schedule',
      scheduleExpression: 'rate(1 minute)',
      target: { arn: functionArn, roleArn: roleArn(account, NAMES.slackSchedulerRole, region), input: JSON.stringify(SLACK_DRAIN_MESSAGE) },
      description: 'TrailGuard: posts alerts still waiting for Slack (trailguard-slack)',
    },
  ];
}

/**
 * The sweep (issue 11): the queue `trailguard-sweep` (with its DLQ) that the remediator consumes through a mapping of
 * bounded concurrency, the state table, and, unless `sweep.schedule` is null, the schedule (with the role it sends as).
 */
function sweepResources(config: Config): Resource[] {
  const { account, region } = config.central;
  const arns = centralArns(config);
  const c = (kind: ResourceKind, name: string, r = region) => ({ key: key(account, r, kind, name), account, region: r, name });
  const out: Resource[] = [
    {
      ...c('sqs-queue', SWEEP_NAMES.dlq),
      kind: 'sqs-queue',
      attributes: { MessageRetentionPeriod: '1209600', SqsManagedSseEnabled: 'true' },
    },
    {
      ...c('sqs-queue', SWEEP_NAMES.queue),
      kind: 'sqs-queue',
      attributes: {
        // Six times the function timeout, as Lambda's SQS integration recommends.
        VisibilityTimeout: String(REMEDIATOR_TIMEOUT * 6),
        // A sweep older than a day is superseded by the next ones.
        MessageRetentionPeriod: '86400',
        SqsManagedSseEnabled: 'true',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arns.sweepDlq, maxReceiveCount: 3 }),
      },
    },
    { ...c('dynamodb-table', SWEEP_NAMES.table), kind: 'dynamodb-table', partitionKey: 'pk', sortKey: 'sk' },
    {
      ...c('event-source-mapping', SWEEP_NAMES.queue),
      kind: 'event-source-mapping',
      functionName: NAMES.remediatorFunction,
      queueArn: arns.sweepQueue,
      // One account per invocation: MaximumConcurrency then bounds the accounts swept at once.
      batchSize: 1,
      maximumConcurrency: config.sweep.concurrency,
    },
  ];
  if (config.sweep.schedule) {
    out.push(
      {
        ...c('iam-role', SWEEP_NAMES.schedulerRole, GLOBAL),
        kind: 'iam-role',
        description: 'TrailGuard: lets EventBridge Scheduler start a sweep (one message on trailguard-sweep)',
        permissionsBoundary: boundaryArn(account, region),
        trust: sweepSchedulerTrustPolicy(account),
        policyName: SWEEP_NAMES.schedulerRole,
        policy: sweepSchedulerPermissionsPolicy({ centralAccount: account, region }),
      },
      {
        ...c('scheduler-schedule', SWEEP_NAMES.schedule),
        kind: 'scheduler-schedule',
        scheduleExpression: config.sweep.schedule,
        target: {
          arn: arns.sweepQueue,
          roleArn: roleArn(account, SWEEP_NAMES.schedulerRole, region),
          input: JSON.stringify(START_SWEEP_MESSAGE),
        },
      },
    );
  }
  return out;
}

/**
 * ArnLike pattern of the watchdog alarms (every NAMES.alarms name starts `trailguard-`), for the alerts topic's
 * `TrailGuardCloudWatchAlarms` statement (SnsTopicResource.cloudWatchAlarmsArn): `arn:<partition>:cloudwatch:<central
 * region>:<central account>:alarm:trailguard-*`.
 */
export function watchdogAlarmsArn(config: Config): string {
  const { account, region } = config.central;
  return `arn:${partitionOf(region)}:cloudwatch:${region}:${account}:alarm:trailguard-*`;
}

/** The period of the SQS and Lambda alarms, in seconds: CloudWatch's 5-minute metrics of those services. */
const ALARM_PERIOD = 300;
/** The fields every resource has, which the alarm builder sets itself. */
type ResourceBaseFields = 'key' | 'account' | 'region' | 'name';
/** How long a tamper record may wait on `trailguard-events` before its age alarms, in seconds. */
export const EVENTS_AGE_ALARM_SECONDS = 300;

/**
 * The watchdog alarms (NAMES.alarms) in the central account and region, every one with AlarmActions and OKActions on
 * `trailguard-alerts`. They live outside the remediator because the remediator cannot report its own death: throttled to
 * 0 (PutFunctionConcurrency), failing, or its queue mapping disabled, it leaves tamper records in `trailguard-dlq` and
 * sweep messages unread, and nothing else says so until someone runs `plan`.
 * - each dead-letter queue TrailGuard deploys (`trailguard-dlq`, `trailguard-sweep-dlq`, `trailguard-alerts-dlq` when it
 *   exists): AWS/SQS ApproximateNumberOfMessagesVisible, Maximum > 0 over one 5-minute period;
 * - the remediator's AWS/Lambda Throttles and Errors, Sum > 0 over 5 minutes;
 * - with `sweep.schedule` (a rate, or a daily-or-more cron: `scheduleIntervalMs`): AWS/SQS NumberOfMessagesDeleted of
 *   `trailguard-sweep`, Sum < 1 in each of two periods of the schedule's interval, missing data breaching (SQS sends no
 *   metric for a queue nobody uses: that silence is the failure);
 * - with `remediator.delivery: queue`: AWS/SQS ApproximateAgeOfOldestMessage of `trailguard-events`, Maximum > 300 s.
 * A weekly or monthly cron gets no sweep alarm, as `sweepGap` does not bound it either. Pure; throws DesiredStateError
 * (the kind's `check`) when the schedule's interval makes an alarm CloudWatch refuses (over 3.5 days).
 */
export function watchdogAlarms(config: Config): CloudWatchAlarmResource[] {
  const { account, region } = config.central;
  const arns = centralArns(config);
  const A = NAMES.alarms;
  const alarm = (name: string, rest: Omit<CloudWatchAlarmResource, ResourceBaseFields | 'kind' | 'topicArn'>) => ({
    key: `${account}/${region}/cloudwatch-alarm/${name}`,
    account,
    region,
    name,
    kind: 'cloudwatch-alarm' as const,
    topicArn: arns.topic,
    ...rest,
  });
  const queueHasMessages = (name: string, queue: string, why: string) =>
    alarm(name, {
      description: `TrailGuard: ${queue} has messages: ${why}`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: [{ name: 'QueueName', value: queue }],
      statistic: 'Maximum',
      period: ALARM_PERIOD,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    });
  const remediatorCount = (name: string, metricName: 'Throttles' | 'Errors', why: string) =>
    alarm(name, {
      description: `TrailGuard: ${NAMES.remediatorFunction} ${why}`,
      namespace: 'AWS/Lambda',
      metricName,
      dimensions: [{ name: 'FunctionName', value: NAMES.remediatorFunction }],
      statistic: 'Sum',
      period: ALARM_PERIOD,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    });
  const out: CloudWatchAlarmResource[] = [
    queueHasMessages(A.dlq, NAMES.dlq, 'tamper records the remediator never handled (throttled, failing or disabled)'),
    queueHasMessages(A.sweepDlq, SWEEP_NAMES.dlq, 'sweep messages the remediator failed three times'),
    ...(alertsDeadLetterQueue(config)
      ? [queueHasMessages(A.alertsDlq, NAMES.alertsDlq, 'alerts SNS could not deliver to the Slack app')]
      : []),
    remediatorCount(A.throttles, 'Throttles', 'is throttled (reserved concurrency 0 switches it off)'),
    remediatorCount(A.errors, 'Errors', 'ends invocations in errors'),
  ];
  const interval = config.sweep.schedule ? scheduleIntervalMs(config.sweep.schedule) : null;
  if (interval !== null)
    out.push(
      alarm(A.sweepMissing, {
        description: `TrailGuard: no sweep message taken from ${SWEEP_NAMES.queue} in twice the schedule ${config.sweep.schedule}`,
        namespace: 'AWS/SQS',
        metricName: 'NumberOfMessagesDeleted',
        dimensions: [{ name: 'QueueName', value: SWEEP_NAMES.queue }],
        statistic: 'Sum',
        period: Math.ceil(interval / 60_000) * 60,
        evaluationPeriods: 2,
        threshold: 1,
        comparisonOperator: 'LessThanThreshold',
        treatMissingData: 'breaching',
      }),
    );
  if (config.remediator.delivery === 'queue')
    out.push(
      alarm(A.eventsAge, {
        description: `TrailGuard: the oldest tamper record on ${NAMES.eventsQueue} waits over ${EVENTS_AGE_ALARM_SECONDS} s`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateAgeOfOldestMessage',
        dimensions: [{ name: 'QueueName', value: NAMES.eventsQueue }],
        statistic: 'Maximum',
        period: ALARM_PERIOD,
        evaluationPeriods: 1,
        threshold: EVENTS_AGE_ALARM_SECONDS,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
      }),
    );
  cloudWatchAlarm.check?.(out);
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
    eventDataStores: config.eventDataStores,
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
  const slackRole = slackRoleArn(config);
  if (slackRole) {
    out.push({
      ...g('iam-role', config.roles.reader),
      kind: 'iam-role',
      description: 'TrailGuard: read-only CloudTrail status for the Slack app (Re-check, /trail-status)',
      permissionsBoundary: boundaryArn(account, central.region),
      trust: memberRemediationTrustPolicy({ ...remediationCtx, trustedPrincipalArns: [slackRole] }),
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
        // Where no forward rule runs, the guard also carries the global services' tamper calls (LeaveOrganization...).
        guardPattern(spec.remediationRole, spec.regions.includes(region) ? [] : globalTamperCalls(spec.watch)),
      ),
    ),
  ];
}

export { DesiredStateError } from './kinds/kind.js';
export { BUS_POLICY_LIMIT, busStatement } from './kinds/bus-permission.js';
export { IAM_LIMITS, iamPolicyLength } from './kinds/iam-role.js';

/** Stands for "any member account" while the boundary is built from the members' own policies. */
const ANY_MEMBER = '000000000000';
/** Stands for the management account while ANY_MEMBER plays a plain member or a delegated administrator. */
const ANY_MANAGEMENT = '000000000001';

/**
 * The member's roles in each part it can play: with `organization`, the management account and a CloudTrail delegated
 * administrator get the organization-trail statements a plain member does not, and the boundary must hold them too.
 */
function memberVariants(config: Config): Resource[] {
  if (!config.organization) return memberResources(config, ANY_MEMBER);
  const as = (organization: Config['organization']) => memberResources({ ...config, organization }, ANY_MEMBER);
  return [
    ...as({ managementAccount: ANY_MANAGEMENT, delegatedAdministrators: [] }),
    ...as({ managementAccount: ANY_MEMBER, delegatedAdministrators: [] }),
    ...as({ managementAccount: ANY_MANAGEMENT, delegatedAdministrators: [ANY_MEMBER] }),
  ];
}

/**
 * The `trailguard-boundary` managed policy: the most any TrailGuard role can do, whatever its own policy
 * says. It is the union of every role's statements for this config, member accounts generalised to `*`
 * (as the plain member, the management account and a delegated administrator each play it), so it does not change
 * when members come or go, and any statement a role gains is in it by construction. Statements whose resources the
 * baseline names are in it in their `boundaryForm` (every trail, bucket, key, log group of the partition), so it does
 * not change when trails come or go either, and its size does not grow with them (IAM's 6,144 characters).
 * An administrator creates it once per account (`trailguard iam boundary` prints it); the deploy role
 * can neither create nor change it, nor remove it from a role.
 */
export function permissionsBoundaryPolicy(config: Config): PolicyDocument {
  const resources = [...centralResources(config, { members: [ANY_MEMBER], codeSha256: '' }), ...memberVariants(config)];
  const general = resources.flatMap((r) =>
    r.kind === 'iam-role'
      ? r.policy.Statement.map(
          (own) =>
            JSON.parse(
              JSON.stringify(boundaryForm(own, config.central.region)).replaceAll(ANY_MEMBER, '*').replaceAll(ANY_MANAGEMENT, '*'),
            ) as Statement,
        )
      : [],
  );
  return { Version: '2012-10-17', Statement: mergeStatements(general) };
}

/**
 * One statement per effect, condition and resource list, with the union of their actions, in the order they first
 * appear; a statement another already allows in full is left out. Why: the roles repeat resources (every trail, `*` for
 * the calls that take none, the Deny list), and one statement each took the boundary past IAM's 6,144 characters. Each
 * gets a short Sid naming its effect, service and resource type (`AllowCloudtrailTrail`, `DenyAny`), numbered on a repeat.
 */
function mergeStatements(statements: readonly Statement[]): Statement[] {
  const groups = new Map<string, Statement & { Action: string[] }>();
  for (const statement of statements) {
    const actions = [statement.Action].flat();
    const resources = [statement.Resource ?? []].flat();
    const group = JSON.stringify([statement.Effect, canonicalCondition(statement.Condition), [...resources].sort()]);
    const found = groups.get(group);
    if (found) {
      found.Action.push(...actions.filter((a) => !found.Action.includes(a)));
      continue;
    }
    groups.set(group, { ...statement, Action: [...new Set(actions)] });
  }
  const merged = [...groups.values()].filter(
    (statement, index, all) => !all.some((other, j) => j !== index && covers(other, statement) && !(covers(statement, other) && j > index)),
  );
  const taken = new Map<string, number>();
  return merged.map(({ Sid: _own, ...statement }) => {
    const base = boundarySid(statement);
    const count = (taken.get(base) ?? 0) + 1;
    taken.set(base, count);
    const Action = statement.Action.length === 1 ? statement.Action[0]! : statement.Action;
    return { Sid: count === 1 ? base : `${base}${count}`, ...statement, Action };
  });
}

/** A condition as comparable text: key order and a one-element list never make two equal conditions differ. */
function canonicalCondition(condition: Statement['Condition']): string {
  if (!condition) return '';
  const sorted = Object.keys(condition)
    .sort()
    .map((operator) => [
      operator,
      Object.keys(condition[operator]!)
        .sort()
        .map((key) => [key, [condition[operator]![key]!].flat().sort()]),
    ]);
  return JSON.stringify(sorted);
}

/** `<Effect><Service><ResourceType>` of a statement's first resource: `AllowKmsKey`, `AllowSqs`, `DenyAny` for `*`. */
function boundarySid(statement: Omit<Statement, 'Sid'>): string {
  const first = [statement.Resource ?? '*'].flat()[0] ?? '*';
  const word = (text: string) =>
    text.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()).replace(/^./, (c) => c.toUpperCase());
  if (first === '*') return `${statement.Effect}Any`;
  const parts = first.split(':');
  const [service, rest] = [parts[2] ?? '', parts.slice(5).join(':')];
  const type = /^([a-z-]+)[/:]/.exec(rest)?.[1] ?? '';
  return `${statement.Effect}${word(service)}${word(type)}`;
}

/** Whether `outer` allows everything `inner` does: same effect and condition, every action and resource of `inner` listed (no wildcard reasoning). */
function covers(outer: Statement, inner: Statement): boolean {
  const list = (v: string | string[] | undefined) => new Set([v ?? []].flat());
  const within = (a: Set<string>, b: Set<string>) => [...a].every((x) => b.has(x));
  return (
    outer.Effect === inner.Effect &&
    JSON.stringify(outer.Condition ?? null) === JSON.stringify(inner.Condition ?? null) &&
    within(list(inner.Action), list(outer.Action)) &&
    within(list(inner.Resource), list(outer.Resource))
  );
}

export function desiredState(config: Config, ctx: DesiredContext): Resource[] {
  const resources = [...centralAccountResources(config, ctx), ...ctx.members.flatMap((m) => memberResources(config, m))];
  checkResources(resources);
  return resources;
}

/** Each kind refuses, before any AWS call, what AWS would refuse (a policy over IAM's quota, a bus policy over EventBridge's). */
function checkResources(resources: readonly Resource[]): void {
  // The function's environment last: IAM's and EventBridge's quotas name the more specific fix when both are exceeded.
  const checkOrder = [...APPLY_ORDER.filter((k) => k !== 'lambda-function'), 'lambda-function' as const];
  for (const kind of checkOrder) kindSpec(kind).check?.(resources.filter((r) => r.kind === kind) as never);
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

// The remediator's answer to guard events: put TrailGuard's member rules back, alert on every change to its rules and roles
// and to the central account's own chain (its rules, bus grants, remediator, mappings and queues).
import {
  DescribeRuleCommand,
  type DescribeRuleCommandOutput,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { STSClient } from '@aws-sdk/client-sts';
import { z } from 'zod';
import { buildPipelineAlert, type Outcome } from '#core/alert.js';
import { partitionOf, roleOfPrincipal } from '#core/arn.js';
import { RoleCredentialsCache } from '#core/aws/assume-role.js';
import { createClient } from '#core/aws/clients.js';
import { ruleTargetFields } from '#core/aws/kinds/event-rule.js';
import {
  CENTRAL_RULES,
  centralRulePatterns,
  memberRules,
  type PipelineEnvironment,
  REMEDIATOR_HANDLER,
  REMEDIATOR_RUNTIME,
  type RuleResource,
} from '#core/desired-state.js';
import { errorCode, errorText, RejectedEventError } from '#core/errors.js';
import { MANAGED_TAG, NAMES } from '#core/names.js';
import { canonical, desiredFields } from '#core/plan.js';
import { OWN_PREFIX, parsePipelineEvent, type PipelineEvent } from '#core/pipeline-event.js';
import { getEventSelectors, getTrailStatus, putEventSelectors, startLogging, trailsHomedHere } from '#core/aws/cloudtrail.js';
import { managementFullyRecorded, restoreManagementEvents } from '#core/event-selectors.js';
import { START_SWEEP_MESSAGE, SWEEP_NAMES } from '#core/sweep.js';
import { publishOrThrow, rejectedResult } from './alerting.js';
import type { HandlerDeps, RemediationResult } from './remediator.js';

export { isPipelineEvent } from '#core/pipeline-event.js';

/** What repairing member rules needs beyond the trail remediator's dependencies. */
export interface GuardDeps {
  /** From `TRAILGUARD_PIPELINE`; null when the deployed function predates it (then nothing is restored, and the alert says why). */
  pipeline: PipelineEnvironment | null;
  /** An EventBridge client acting in `account` (the member remediation role) in `region`. */
  events(account: string, region: string): Promise<EventBridgeClient>;
}

export interface PipelineResult extends RemediationResult {
  /** The rule or role the call touched, and whether TrailGuard put it back (null: nothing to put back). */
  resource: { type: PipelineEvent['resource']['kind']; name: string; arn: string; restored: boolean | null } | null;
}

const PipelineEnvironmentSchema = z.object({
  watch: z.array(z.string().min(1)).min(1),
  regions: z.array(z.string().min(1)).min(1),
  deployRole: z.string().regex(/^[\w+=,.@-]{1,64}$/),
});

/** Reads `TRAILGUARD_PIPELINE`; throws naming the variable and the bad field. */
export function loadPipelineEnvironment(env: NodeJS.ProcessEnv): PipelineEnvironment | null {
  const text = env.TRAILGUARD_PIPELINE;
  if (!text) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('TRAILGUARD_PIPELINE: expected JSON');
  }
  const result = PipelineEnvironmentSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new Error(`TRAILGUARD_PIPELINE.${issue.path.join('.')}: ${issue.message}`);
  }
  return result.data;
}

let defaultGuard: GuardDeps | undefined;

/** Real guard dependencies from the environment: one STS client, credentials cached per account, one client per account and region. */
export function createDefaultGuardDeps(deps: Pick<HandlerDeps, 'settings'>, env: NodeJS.ProcessEnv = process.env): GuardDeps {
  const home = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? deps.settings.topicRegion;
  const roles = new RoleCredentialsCache({
    sts: createClient(STSClient, { region: home }),
    roleName: deps.settings.remediationRole,
    region: home,
    externalId: deps.settings.externalId,
    sessionName: 'trailguard-remediator',
  });
  const clients = new Map<string, EventBridgeClient>();
  return {
    pipeline: loadPipelineEnvironment(env),
    async events(account, region) {
      await roles.credentials(account);
      const key = `${account}/${region}`;
      let client = clients.get(key);
      if (!client) clients.set(key, (client = createClient(EventBridgeClient, { region, credentials: roles.provider(account) })));
      return client;
    },
  };
}

type Actor = 'remediator' | 'deploy' | 'other';

/** The central account, its home region and partition: where the alerts topic lives. */
function centralOf(deps: HandlerDeps): { partition: string; region: string; account: string } {
  const [, partition, , region, account] = deps.settings.topicArn.split(':');
  return { partition: partition!, region: region!, account: account! };
}

function actorOf(event: PipelineEvent, deps: HandlerDeps, pipeline: PipelineEnvironment | null): Actor {
  const role = roleOfPrincipal(event.actor.issuerArn ?? event.actor.arn);
  if (!role || role.account !== event.account) return 'other';
  if (role.roleName === deps.settings.remediationRole) return 'remediator';
  // In the central account the remediator runs as its own role, not the member remediation role.
  if (event.account === centralOf(deps).account && role.roleName === NAMES.remediatorRole) return 'remediator';
  if (pipeline && role.roleName === pipeline.deployRole) return 'deploy';
  return 'other';
}

/** What the call did, as far as its request tells; never the policy documents themselves (they go to Slack). */
export function describeGuardChange(event: PipelineEvent): string[] {
  const p = event.requestParameters;
  const name = event.resource.name;
  switch (event.eventName) {
    case 'DeleteRule':
      return [`rule ${name} deleted`];
    case 'DisableRule':
      return [`rule ${name} disabled`];
    case 'PutRule':
      return [
        `rule ${name} put${typeof p.state === 'string' ? ` with state ${p.state}` : ''}${typeof p.eventPattern === 'string' ? ', event pattern replaced' : ''}`,
      ];
    case 'PutTargets': {
      const targets = Array.isArray(p.targets) ? (p.targets as { id?: unknown; arn?: unknown }[]) : [];
      return targets.length ? targets.map((t) => `target ${String(t.id)} of ${name} set to ${String(t.arn)}`) : [`targets of ${name} put`];
    }
    case 'RemoveTargets':
      return [`targets ${Array.isArray(p.ids) ? p.ids.join(', ') : '?'} removed from ${name}`];
    case 'DeleteRole':
      return [`role ${name} deleted`];
    case 'UpdateAssumeRolePolicy':
      return [`trust policy of ${name} replaced`];
    case 'PutRolePolicy':
      return [`inline policy ${String(p.policyName)} of ${name} put`];
    case 'DeleteRolePolicy':
      return [`inline policy ${String(p.policyName)} of ${name} deleted`];
    case 'AttachRolePolicy':
      return [`managed policy ${String(p.policyArn)} attached to ${name}`];
    case 'DetachRolePolicy':
      return [`managed policy ${String(p.policyArn)} detached from ${name}`];
    case 'PutRolePermissionsBoundary':
      return [`permissions boundary ${String(p.permissionsBoundary)} set on ${name}`];
    case 'DeleteRolePermissionsBoundary':
      return [`permissions boundary removed from ${name}`];
    case 'DeleteSchedule':
      return [`schedule ${name} deleted`];
    case 'PutPermission':
      return [`grant ${String(p.statementId ?? '?')} put on event bus ${name}`];
    case 'RemovePermission':
      if (event.resource.kind === 'lambda-function') return [`invoke permission ${String(p.statementId)} removed from ${name}`];
      return [
        p.removeAllPermissions === true
          ? `every grant removed from event bus ${name}`
          : `grant ${String(p.statementId)} removed from event bus ${name}`,
      ];
    case 'PutFunctionConcurrency':
      return [`reserved concurrency of ${name} set to ${String(p.reservedConcurrentExecutions)}`];
    case 'DeleteFunction':
      return [`function ${name} deleted`];
    case 'UpdateFunctionCode':
      return [`code of ${name} replaced`];
    case 'UpdateFunctionConfiguration':
      return [
        `configuration of ${name} updated (${
          Object.keys(p)
            .filter((k) => k !== 'functionName')
            .join(', ') || 'no fields'
        })`,
      ];
    case 'UpdateEventSourceMapping':
      return [
        p.enabled === false
          ? `event source mapping ${name}${event.resource.functionName ? ` of ${event.resource.functionName}` : ''} disabled`
          : `event source mapping ${name}${event.resource.functionName ? ` of ${event.resource.functionName}` : ''} updated`,
      ];
    case 'DeleteEventSourceMapping':
      return [`event source mapping ${name}${event.resource.functionName ? ` of ${event.resource.functionName}` : ''} deleted`];
    case 'SetQueueAttributes': {
      const attributes = p.attributes && typeof p.attributes === 'object' ? Object.keys(p.attributes) : [];
      return [`attributes ${attributes.join(', ') || '?'} of queue ${name} set`];
    }
    case 'DeleteQueue':
      return [`queue ${name} deleted`];
    case 'PurgeQueue':
      return [`queue ${name} purged: every message in it deleted`];
    case 'UpdateSchedule': {
      const target = (p.target as { arn?: unknown } | undefined)?.arn;
      const changes = [
        ...(p.state === 'DISABLED'
          ? [`schedule ${name} disabled`]
          : typeof p.state === 'string'
            ? [`schedule ${name} state ${p.state}`]
            : []),
        ...(typeof p.scheduleExpression === 'string' ? [`schedule expression of ${name} set to ${p.scheduleExpression}`] : []),
        ...(target !== undefined ? [`target of ${name} set to ${String(target)}`] : []),
      ];
      return changes.length > 0 ? changes : [`schedule ${name} updated`];
    }
  }
}

function resourceArn(event: PipelineEvent): string {
  const p = partitionOf(event.region);
  if (event.resource.kind === 'scheduler-schedule')
    return `arn:${p}:scheduler:${event.region}:${event.account}:schedule/${event.resource.group ?? 'default'}/${event.resource.name}`;
  if (event.resource.kind === 'iam-role') return `arn:${p}:iam::${event.account}:role/${event.resource.name}`;
  if (event.resource.kind === 'event-bus') return `arn:${p}:events:${event.region}:${event.account}:event-bus/${event.resource.name}`;
  if (event.resource.kind === 'lambda-function') return `arn:${p}:lambda:${event.region}:${event.account}:function:${event.resource.name}`;
  if (event.resource.kind === 'event-source-mapping')
    return `arn:${p}:lambda:${event.region}:${event.account}:event-source-mapping:${event.resource.name}`;
  if (event.resource.kind === 'sqs-queue') return `arn:${p}:sqs:${event.region}:${event.account}:${event.resource.name}`;
  const bus = event.resource.bus === 'default' || !event.resource.bus ? '' : `${event.resource.bus}/`;
  return `arn:${p}:events:${event.region}:${event.account}:rule/${bus}${event.resource.name}`;
}

/** The rule's desired definition in this account and region, or undefined when TrailGuard has no such member rule there. */
function desiredRule(event: PipelineEvent, deps: HandlerDeps, pipeline: PipelineEnvironment): RuleResource | undefined {
  if (event.resource.bus !== 'default') return undefined;
  const [, partition, , region, account] = deps.settings.topicArn.split(':');
  const centralBusArn = `arn:${partition}:events:${region}:${account}:event-bus/${NAMES.bus}`;
  const rules = memberRules(
    { centralBusArn, watch: pipeline.watch, regions: pipeline.regions, remediationRole: deps.settings.remediationRole },
    event.account,
  );
  return rules.find((r) => r.region === event.region && r.name === event.resource.name);
}

/** The rule as EventBridge has it, in the shape `desiredFields` gives; null when it does not exist. */
export async function readRule(
  events: EventBridgeClient,
  name: string,
): Promise<{ fields: Record<string, unknown>; targetIds: string[] } | null> {
  let rule: DescribeRuleCommandOutput;
  try {
    rule = await events.send(new DescribeRuleCommand({ Name: name }));
  } catch (error) {
    if (errorCode(error) === 'ResourceNotFoundException') return null;
    throw error;
  }
  const { Targets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: name }));
  const targets = ruleTargetFields(Targets);
  return {
    fields: { eventPattern: rule.EventPattern ? (JSON.parse(rule.EventPattern) as unknown) : null, state: rule.State, targets },
    targetIds: targets.map((t) => String(t.Id)),
  };
}

export function differing(desired: RuleResource, seen: { fields: Record<string, unknown> } | null): string[] {
  if (!seen) return ['missing'];
  const wanted = desiredFields(desired);
  return Object.keys(wanted).filter((k) => canonical(wanted[k]) !== canonical(seen.fields[k]));
}

interface Repair {
  restored: boolean | null;
  actions: string[];
  error: string | null;
  /** Fields that differed from the desired definition when TrailGuard looked ([] = as desired). */
  drift: string[];
}

/** Puts a member rule back to its desired definition (rule, state, targets) and reads it again to verify. */
async function repairRule(events: EventBridgeClient, desired: RuleResource, mayWrite: boolean): Promise<Repair> {
  const actions: string[] = [];
  const before = await readRule(events, desired.name);
  const drift = differing(desired, before);
  if (drift.length === 0) return { restored: null, actions, error: null, drift };
  // The record of TrailGuard's own repair that did not converge: repairing again would answer each of its
  // calls with more calls (a loop); one alert, and no write, bounds it.
  if (!mayWrite)
    return { restored: false, actions, error: `TrailGuard's own change left the rule not as desired: ${drift.join(', ')}`, drift };
  await events.send(
    new PutRuleCommand({
      Name: desired.name,
      EventPattern: JSON.stringify(desired.pattern),
      State: 'ENABLED',
      Description: desired.description,
      ...(before ? {} : { Tags: [{ Key: MANAGED_TAG.key, Value: MANAGED_TAG.value }] }),
    }),
  );
  actions.push(before ? 'PutRule: pattern and state ENABLED' : 'PutRule: recreated');
  const wanted = new Set(desired.targets.map((t) => t.Id));
  const stale = (before?.targetIds ?? []).filter((id) => !wanted.has(id));
  if (stale.length) {
    await events.send(new RemoveTargetsCommand({ Rule: desired.name, Ids: stale }));
    actions.push(`RemoveTargets: ${stale.join(', ')}`);
  }
  const out = await events.send(new PutTargetsCommand({ Rule: desired.name, Targets: desired.targets }));
  if (out.FailedEntryCount)
    throw new Error(`PutTargets: ${(out.FailedEntries ?? []).map((f) => `${f.TargetId} ${f.ErrorCode}`).join('; ')}`);
  actions.push('PutTargets: central bus');
  const left = differing(desired, await readRule(events, desired.name));
  return left.length === 0
    ? { restored: true, actions, error: null, drift }
    : { restored: false, actions, error: `still differs after repair: ${left.join(', ')}`, drift };
}

/**
 * Whether the call itself, as its request tells, moved the rule towards its definition (what
 * `apply` and the remediator's own repair do). DeleteRule and DisableRule never do. The rule as
 * read later is not enough: a window (DisableRule, StopLogging, EnableRule) may already be closed.
 */
function towardsDesired(event: PipelineEvent, desired: RuleResource): boolean {
  const p = event.requestParameters;
  const wanted = new Map(desired.targets.map((t) => [t.Id, t]));
  switch (event.eventName) {
    case 'PutRule':
      return putsPattern(p, desired.pattern);
    case 'PutTargets': {
      const targets = Array.isArray(p.targets) ? (p.targets as Record<string, unknown>[]) : [];
      return (
        targets.length > 0 &&
        targets.every((t) => {
          const want = wanted.get(String(t?.id));
          return want !== undefined && t.arn === want.Arn && (t.roleArn === undefined || t.roleArn === want.RoleArn);
        })
      );
    }
    case 'RemoveTargets':
      return Array.isArray(p.ids) && p.ids.every((id) => !wanted.has(String(id)));
    default:
      return false;
  }
}

/** Whether a PutRule request leaves the rule enabled with exactly `pattern`. */
function putsPattern(p: Record<string, unknown>, pattern: unknown): boolean {
  if (p.state !== undefined && p.state !== 'ENABLED') return false;
  if (typeof p.eventPattern !== 'string') return false;
  try {
    return canonical(JSON.parse(p.eventPattern)) === canonical(pattern);
  } catch {
    return false;
  }
}

interface Verdict {
  outcome: Extract<Outcome, 'pipeline-tampered' | 'blocked' | 'ignored'>;
  restored: boolean | null;
  actions: string[];
  error: string | null;
  reason: string;
}

async function decide(event: PipelineEvent, deps: HandlerDeps & { guard?: GuardDeps }, guard: GuardDeps, actor: Actor): Promise<Verdict> {
  const none = { actions: [] as string[], error: null };
  if (event.errorCode) {
    // Only a failed call TrailGuard itself makes (towards the rule's definition) is its own; a failed
    // DeleteRule or DisableRule with its role is someone holding the role, as on the trail path.
    const desired = actor === 'remediator' && guard.pipeline ? desiredRule(event, deps, guard.pipeline) : undefined;
    return desired && towardsDesired(event, desired)
      ? { ...none, outcome: 'ignored', restored: null, reason: "TrailGuard's own call failed: nothing changed" }
      : { ...none, outcome: 'blocked', restored: null, reason: `the call itself failed with ${event.errorCode}: nothing changed` };
  }
  if (event.resource.kind === 'scheduler-schedule') return scheduleVerdict(event, deps, actor, await configuredSchedule(deps));
  const centralVerdict = centralChainVerdict(event, deps, guard.pipeline, actor);
  if (centralVerdict) return centralVerdict;
  if (event.resource.kind === 'iam-role') {
    // The remediator cannot change roles (least privilege): apply repairs them, the alert says so.
    return { ...none, outcome: 'pipeline-tampered', restored: false, reason: 'role changed: run trailguard apply to repair it' };
  }
  if (!guard.pipeline) {
    return {
      ...none,
      outcome: 'pipeline-tampered',
      restored: false,
      error: 'TRAILGUARD_PIPELINE is missing or invalid in the remediator environment: run trailguard apply',
      reason: 'cannot tell the desired rule',
    };
  }
  const desired = desiredRule(event, deps, guard.pipeline);
  if (!desired) {
    return actor === 'other'
      ? {
          ...none,
          outcome: 'pipeline-tampered',
          restored: null,
          reason: 'a trailguard-* rule TrailGuard does not manage here: nothing to restore',
        }
      : { ...none, outcome: 'ignored', restored: null, reason: 'TrailGuard changed a rule that is not a member rule' };
  }
  let repair: Repair;
  try {
    repair = await repairRule(await guard.events(event.account, event.region), desired, actor !== 'remediator');
  } catch (error) {
    return {
      outcome: 'pipeline-tampered',
      restored: false,
      actions: [],
      error: `${errorCode(error)} repairing ${desired.name} in ${event.account}/${event.region}: ${errorText(error)}`,
      reason: 'repair failed',
    };
  }
  // TrailGuard's own roles pass silently only when the rule is exactly as desired: any other result is alerted,
  // so a deploy role in an attacker's hands can never delete, disable or retarget a rule unseen.
  if (repair.restored === null && actor !== 'other' && towardsDesired(event, desired)) {
    return { ...repair, outcome: 'ignored', reason: `made by TrailGuard's ${actor} role and the rule is as desired` };
  }
  const verdict: Verdict = {
    ...repair,
    outcome: 'pipeline-tampered',
    reason:
      repair.restored === null
        ? 'the rule is still as desired'
        : repair.restored
          ? `rule restored (${repair.drift.join(', ')})`
          : (repair.error ?? 'repair did not converge'),
  };
  // The other member rule of this region may have been taken down while this one was (DisableRule
  // trailguard-guard, then DeleteRule trailguard-forward: the second call was forwarded by nothing).
  // Read it too, and put it back: otherwise the region stays blind after an alert that looks resolved.
  if (actor !== 'remediator') await checkSiblings(event, deps, guard, desired, verdict);
  // While trailguard-forward was down (DisableRule, StopLogging, EnableRule), tamper calls in this region
  // were forwarded by nothing: check the trails homed here now, as the event path would have.
  if (desired.name === NAMES.forwardRule && actor !== 'remediator') await recheckTrails(event, deps, verdict);
  return verdict;
}

/** The bus grant statements apply writes (`busPermissionSid`): removing any other is apply's clean-up of an older grant. */
const CURRENT_GRANTS = new Set(['trailguard-organization', 'trailguard-members']);
/** The remediator's invoke permissions apply writes with direct delivery (one per central rule: `<rule>-rule`). */
const CURRENT_INVOKE_PERMISSIONS = new Set(CENTRAL_RULES.map((r) => `${r.name}-rule`));

/**
 * Whether the call, as its request tells, leaves a central resource as apply sets it: a central rule put with its
 * desired pattern and enabled, or given the remediator (or its events queue) as target; a mapping left enabled on a
 * `trailguard-*` function; the remediator's handler, runtime and role as apply sets them; a bus grant put, or an old
 * one removed. Queues' attributes and the remediator's code are apply's to set (the record cannot tell them from the
 * desired ones: their policy, redrive and code hash depend on the whole config and build), so the deploy role's
 * SetQueueAttributes and UpdateFunctionCode count too. Deleting, disabling, purging, throttling and removing targets never do.
 */
function centralAsApplySetsIt(event: PipelineEvent, deps: HandlerDeps, pipeline: PipelineEnvironment | null): boolean {
  const p = event.requestParameters;
  const { partition, region, account } = centralOf(deps);
  switch (event.eventName) {
    case 'PutRule':
    case 'PutTargets': {
      if (!pipeline) return false;
      const pattern = centralRulePatterns({ account, watch: pipeline.watch, remediationRole: deps.settings.remediationRole }).get(
        event.resource.name,
      );
      if (!pattern) return false;
      if (event.eventName === 'PutTargets') {
        // Either delivery (`remediator.delivery`): the remediator itself, or its events queue.
        const wanted = new Map([
          ['trailguard-remediator', `arn:${partition}:lambda:${region}:${account}:function:${NAMES.remediatorFunction}`],
          ['trailguard-events', `arn:${partition}:sqs:${region}:${account}:${NAMES.eventsQueue}`],
        ]);
        const targets = Array.isArray(p.targets) ? (p.targets as Record<string, unknown>[]) : [];
        return targets.length > 0 && targets.every((t) => wanted.get(String(t?.id)) === t?.arn);
      }
      return putsPattern(p, pattern);
    }
    case 'UpdateEventSourceMapping':
      return p.enabled !== false && (event.resource.functionName ?? NAMES.remediatorFunction).startsWith('trailguard-');
    case 'UpdateFunctionConfiguration': {
      const role = `arn:${partition}:iam::${account}:role/${NAMES.remediatorRole}`;
      return (
        (p.handler === undefined || p.handler === REMEDIATOR_HANDLER) &&
        (p.runtime === undefined || p.runtime === REMEDIATOR_RUNTIME) &&
        (p.role === undefined || p.role === role)
      );
    }
    case 'SetQueueAttributes':
    case 'PutPermission':
      return true;
    case 'RemovePermission':
      // A grant or invoke permission apply no longer writes (an older form, the other delivery's): its clean-up.
      return (
        p.removeAllPermissions !== true &&
        typeof p.statementId === 'string' &&
        !(event.resource.kind === 'lambda-function' ? CURRENT_INVOKE_PERMISSIONS : CURRENT_GRANTS).has(p.statementId)
      );
    case 'UpdateFunctionCode':
      // apply deploys the remediator's code; what the code is, the record does not tell (plan compares CodeSha256).
      return true;
    default:
      return false;
  }
}

/**
 * A call on the central account's own chain past its first link (its rules, the `trailguard` bus grants, the
 * remediator, `trailguard-*` mappings and queues), or undefined when the event is about something else. The
 * remediator's role may not change any of them (least privilege: it never administers itself), so each is alerted
 * `pipeline-tampered` with `restored: false` and "trailguard apply restores it"; TrailGuard's own roles pass silently
 * only when the call leaves the resource as apply sets it.
 */
function centralChainVerdict(
  event: PipelineEvent,
  deps: HandlerDeps,
  pipeline: PipelineEnvironment | null,
  actor: Actor,
): Verdict | undefined {
  const { account, region } = centralOf(deps);
  // Everything of the chain lives in the central account's home region (IAM roles are the role path's).
  if (event.account !== account || event.region !== region || event.resource.kind === 'iam-role') return undefined;
  const { kind, name, bus } = event.resource;
  const centralRule = kind === 'event-rule' && CENTRAL_RULES.some((r) => r.name === name && r.bus === bus);
  // Other rules here may be the central account's own member rules (when it is a member): the member path has them.
  if (kind === 'event-rule' && !centralRule) return undefined;
  const ours =
    centralRule ||
    (kind === 'event-bus' && name === NAMES.bus) ||
    (kind === 'lambda-function' && name === NAMES.remediatorFunction) ||
    (kind === 'event-source-mapping' && (event.resource.functionName ?? '').startsWith(OWN_PREFIX)) ||
    (kind === 'sqs-queue' && name.startsWith(OWN_PREFIX));
  if (!ours) {
    return actor === 'other'
      ? {
          outcome: 'pipeline-tampered',
          restored: null,
          actions: [],
          error: null,
          reason: `${name} is not a resource TrailGuard manages here: nothing to restore`,
        }
      : { outcome: 'ignored', restored: null, actions: [], error: null, reason: 'TrailGuard changed a resource it does not manage here' };
  }
  // Only apply (the deploy role) changes the central bus, function, mappings and queues; the remediator only reads them.
  const mayChange = actor === 'deploy' || (actor === 'remediator' && kind === 'event-rule');
  if (mayChange && centralAsApplySetsIt(event, deps, pipeline)) {
    return {
      outcome: 'ignored',
      restored: null,
      actions: [],
      error: null,
      reason: `made by TrailGuard's ${actor} role and set as apply sets it`,
    };
  }
  const what = describeGuardChange(event).join('; ');
  const lost = event.eventName === 'PurgeQueue' ? ' The purged messages are lost: run trailguard sweep to re-check every account.' : '';
  return {
    outcome: 'pipeline-tampered',
    restored: false,
    actions: [],
    error: null,
    reason: `${what} in the central account ${account}: tamper events or sweeps may no longer reach the remediator; the remediator does not change its own pipeline, trailguard apply restores it.${lost}`,
  };
}

/**
 * A call on the sweep schedule: alerted `pipeline-tampered` (a disabled or deleted schedule means no sweep, so no trail
 * found off and no canary, until `apply` restores it; the remediator may not change schedules). Only the deploy role
 * putting it back (enabled, targeting `trailguard-sweep`) passes silently.
 */
/** `sweep.schedule` as apply wrote it (TRAILGUARD_SWEEP); undefined when this function was deployed without it. */
async function configuredSchedule(deps: HandlerDeps): Promise<string | null | undefined> {
  try {
    return (await deps.sweep?.())?.sweep.schedule;
  } catch {
    return undefined;
  }
}

/**
 * Whether an UpdateSchedule request sets the sweep schedule as apply does: its expression (when known), no start or
 * end date (apply sets neither; an EndDate stops it, a StartDate ahead postpones it), and, when the record carries
 * them, the planner's input and the scheduler role.
 */
function asApplySetsIt(p: Record<string, unknown>, schedule: string | null | undefined, scheduleRole: string): boolean {
  if (typeof schedule === 'string' && p.scheduleExpression !== schedule) return false;
  if (p.endDate !== undefined || p.startDate !== undefined) return false;
  const target = (p.target ?? {}) as { input?: unknown; roleArn?: unknown };
  if (target.roleArn !== undefined && target.roleArn !== scheduleRole) return false;
  if (target.input !== undefined) {
    try {
      if (typeof target.input !== 'string' || canonical(JSON.parse(target.input)) !== canonical(START_SWEEP_MESSAGE)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

function scheduleVerdict(event: PipelineEvent, deps: HandlerDeps, actor: Actor, schedule: string | null | undefined): Verdict {
  const none = { actions: [] as string[], error: null };
  const [, partition, , region, central] = deps.settings.topicArn.split(':');
  const ours =
    event.resource.name === SWEEP_NAMES.schedule &&
    (event.resource.group ?? 'default') === 'default' &&
    event.account === central &&
    event.region === region;
  if (!ours) {
    return actor === 'other'
      ? {
          ...none,
          outcome: 'pipeline-tampered',
          restored: null,
          reason: 'a trailguard-sweep* schedule TrailGuard does not manage: nothing to restore',
        }
      : { ...none, outcome: 'ignored', restored: null, reason: 'TrailGuard changed a schedule that is not its sweep schedule' };
  }
  const p = event.requestParameters;
  const queue = `arn:${partition}:sqs:${region}:${central}:${SWEEP_NAMES.queue}`;
  const target = (p.target as { arn?: unknown } | undefined)?.arn;
  const scheduleRole = `arn:${partition}:iam::${central}:role/${SWEEP_NAMES.schedulerRole}`;
  if (
    actor === 'deploy' &&
    event.eventName === 'UpdateSchedule' &&
    p.state !== 'DISABLED' &&
    target === queue &&
    asApplySetsIt(p, schedule, scheduleRole)
  ) {
    return {
      ...none,
      outcome: 'ignored',
      restored: null,
      reason: "made by TrailGuard's deploy role, enabled, targeting trailguard-sweep with the configured schedule",
    };
  }
  const what = event.eventName === 'DeleteSchedule' ? 'deleted' : p.state === 'DISABLED' ? 'disabled' : 'changed';
  return {
    ...none,
    outcome: 'pipeline-tampered',
    restored: false,
    reason: `the sweep schedule ${SWEEP_NAMES.schedule} was ${what}: no scheduled sweep may run (no trail found off, no canary sent) until trailguard apply restores it; the remediator does not change schedules`,
  };
}

/**
 * Reads every trail homed in the event's account and region and puts back what a missed tamper call
 * would have taken: logging (StartLogging, verified) and all management events (the selectors restore
 * of the event path). Adds what it did to `verdict`; a failure is reported in the alert, never thrown.
 */
async function recheckTrails(event: PipelineEvent, deps: HandlerDeps, verdict: Verdict): Promise<void> {
  const where = `${event.account}/${event.region}`;
  const found: string[] = [];
  try {
    const client = await deps.cloudtrail(event.account, event.region);
    for (const arn of await trailsHomedHere(client)) {
      const name = arn.slice(arn.indexOf(':trail/') + 7);
      const selectors = await getEventSelectors(client, arn);
      if (!managementFullyRecorded(selectors)) {
        await putEventSelectors(client, arn, restoreManagementEvents(selectors));
        verdict.actions.push(`PutEventSelectors: all management events on ${name}`);
        found.push(`${name} did not record all management events: restored`);
      }
      if (!(await getTrailStatus(client, arn)).isLogging) {
        await startLogging(client, arn);
        const { isLogging } = await getTrailStatus(client, arn);
        verdict.actions.push(`StartLogging: ${name}`);
        found.push(isLogging ? `${name} was not logging: restarted` : `${name} was not logging and does not log after StartLogging`);
        if (!isLogging) verdict.restored = false;
      }
    }
  } catch (error) {
    found.push(`could not re-check the trails in ${where}: ${errorCode(error)}: ${errorText(error)}`);
    verdict.error ??= found[found.length - 1]!;
  }
  verdict.reason += found.length
    ? `; tamper calls made while ${NAMES.forwardRule} was down were not forwarded, and the trails in ${where} showed: ${found.join('; ')}`
    : `; the trails homed in ${where} were re-checked: all logging, all management events recorded`;
}

/** Reads (and repairs) the member rules of the event's region other than `touched`, adding what it found to `verdict`. */
async function checkSiblings(
  event: PipelineEvent,
  deps: HandlerDeps,
  guard: GuardDeps,
  touched: RuleResource,
  verdict: Verdict,
): Promise<void> {
  const [, partition, , region, account] = deps.settings.topicArn.split(':');
  const centralBusArn = `arn:${partition}:events:${region}:${account}:event-bus/${NAMES.bus}`;
  const siblings = memberRules(
    { centralBusArn, watch: guard.pipeline!.watch, regions: guard.pipeline!.regions, remediationRole: deps.settings.remediationRole },
    event.account,
  ).filter((r) => r.region === event.region && r.name !== touched.name);
  for (const sibling of siblings) {
    try {
      const repair = await repairRule(await guard.events(event.account, event.region), sibling, true);
      verdict.actions.push(...repair.actions.map((a) => `${sibling.name}: ${a}`));
      if (repair.restored === true)
        verdict.reason += `; ${sibling.name} was not as desired either (${repair.drift.join(', ')}) and is restored`;
      if (repair.restored === false) {
        verdict.reason += `; ${sibling.name} is not as desired either and could not be restored`;
        verdict.error = [verdict.error, `${sibling.name}: ${repair.error}`].filter(Boolean).join('; ');
      }
    } catch (error) {
      verdict.reason += `; ${sibling.name} could not be checked`;
      verdict.error = [
        verdict.error,
        `${errorCode(error)} checking ${sibling.name} in ${event.account}/${event.region}: ${errorText(error)}`,
      ]
        .filter(Boolean)
        .join('; ');
    }
  }
}

/**
 * One guard event (DESIGN.md "Remediator"): parse, put a member rule back when it is not as desired,
 * publish a `pipeline-tampered` (or `blocked`) alert. TrailGuard's own remediation and deploy roles are
 * `ignored` only when the rule ends as desired. Throws only when the alert could not be published.
 */
export async function handlePipelineEvent(raw: unknown, deps: HandlerDeps & { guard?: GuardDeps }): Promise<PipelineResult> {
  const started = Date.now();
  let event: PipelineEvent;
  try {
    event = parsePipelineEvent(raw);
  } catch (error) {
    const reason = error instanceof RejectedEventError ? error.reason : `unexpected parse failure: ${errorText(error)}`;
    deps.log.warn('event rejected', { outcome: 'rejected', reason });
    return { ...rejectedResult(reason), resource: null };
  }
  let guard: GuardDeps;
  try {
    guard = deps.guard ?? (defaultGuard ??= createDefaultGuardDeps(deps));
  } catch (error) {
    guard = { pipeline: null, events: () => Promise.reject(error) };
    deps.log.error('guard environment unusable', { error: errorText(error) });
  }
  const actor = actorOf(event, deps, guard.pipeline);
  const verdict = await decide(event, deps, guard, actor);
  const arn = resourceArn(event);
  const result: PipelineResult = {
    outcome: verdict.outcome,
    account: event.account,
    region: event.region,
    trail: null,
    eventId: event.id,
    eventName: event.eventName,
    isLogging: null,
    actions: verdict.actions,
    error: verdict.error,
    reason: verdict.reason,
    alertMessageId: null,
    resource: { type: event.resource.kind, name: event.resource.name, arn, restored: verdict.restored },
  };
  const line = {
    outcome: verdict.outcome,
    eventId: event.id,
    eventName: event.eventName,
    account: event.account,
    region: event.region,
    resource: arn,
    actor: event.actor.arn,
    reason: verdict.reason,
    actions: verdict.actions,
    restored: verdict.restored,
    error: verdict.error,
    durationMs: Date.now() - started,
  };
  if (verdict.outcome === 'ignored') {
    deps.log.info('guard decided', line);
    return result;
  }
  const alert = buildPipelineAlert(event, {
    outcome: verdict.outcome,
    resourceArn: arn,
    restored: verdict.restored,
    remediatedAt: verdict.restored ? deps.now().toISOString() : null,
    error: verdict.error,
    actions: verdict.actions,
    changes: describeGuardChange(event),
    reason: verdict.reason,
  });
  result.alertMessageId = await publishOrThrow(deps, alert, line);
  // The alert carries the news; the log shouts only when TrailGuard could not put the resource back.
  (verdict.restored === false ? deps.log.error : deps.log.info).call(deps.log, 'guard decided', {
    ...line,
    alertMessageId: result.alertMessageId,
  });
  return result;
}

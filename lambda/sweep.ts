// The scheduled sweep in the remediator: the planner (one SQS message per member) and the worker (one account's
// regions), repairing through the event path's own decision code and alerting each finding once.
import {
  type CloudTrailClient,
  DescribeTrailsCommand,
  GetTrailStatusCommand,
  paginateListTrails,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { DescribeRuleCommand, type EventBridgeClient, ListTargetsByRuleCommand, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { buildAlert, SWEEP_EVENT_NAME, type Alert, type PipelineAlert, type TrailAlert } from '#core/alert.js';
import { partitionOf, trailArn } from '#core/arn.js';
import { allPages } from '#core/aws/kinds/common.js';
import type { TrailBaseline } from '#core/config.js';
import { getEventSelectors } from '#core/aws/cloudtrail.js';
import type { StateTable } from '#core/aws/state-table.js';
import { deliveryFindings, type TrailDeliveryStatus } from '#core/delivery.js';
import { errorCode, errorText } from '#core/errors.js';
import { describeSelectors, managementFullyRecorded } from '#core/event-selectors.js';
import { NAMES } from '#core/names.js';
import { accountStatusRows, type TrailReading, type TrailStatusRow } from '#core/status.js';
import {
  canaryEntry,
  canaryOverdue,
  dedupeFindings,
  FOUND_MISSING_BY_SWEEP,
  FOUND_OFF_BY_SWEEP,
  findingKey,
  missingBaselineTrails,
  readsForeignOrganizationTrails,
  sweepGap,
  type AccountSweepMessage,
  type Finding,
  type FindingItem,
  type FindingKind,
  SWEEP_NAMES,
} from '#core/sweep.js';
import type { TamperEvent } from '#core/tamper-event.js';
import { memberRules } from '#core/desired-state.js';
import { publishOrThrow } from './alerting.js';
import { differing, readRule } from './guard.js';
import { remediate, type Decision, type RemediateDeps } from './remediate.js';
import type { HandlerDeps } from './remediator.js';
import { LOG_STORAGE_KINDS, sweepLogStorage } from './sweep-storage.js';
import type { StorageDeps } from './impairment/storage-common.js';

/** What a sweep needs beyond the remediator's own dependencies. */
export interface SweepDeps
  extends RemediateDeps,
    Pick<StorageDeps, 's3' | 'organizations'>,
    Pick<HandlerDeps, 'publish' | 'log' | 'settings'> {
  state: StateTable;
  /** An EventBridge client acting in a member account and region (reads TrailGuard's rules, puts the canary). */
  events(account: string, region: string): Promise<EventBridgeClient>;
  /** The member accounts to sweep (the configured list, or the Organization's ACTIVE accounts minus exclusions). */
  members(): Promise<string[]>;
  /** Hands account messages to `trailguard-sweep` (SQS SendMessageBatch), or to the in-process runner. */
  enqueue(messages: AccountSweepMessage[]): Promise<void>;
  sweep: SweepSettings;
}

export interface SweepSettings {
  /** Watched regions: each gets TrailGuard's member rules and a canary. */
  regions: string[];
  /** ARN of the central bus the member rules must target. */
  centralBusArn: string;
  /** A canary is judged only once this long has passed since it was sent (ms): EventBridge delivers in seconds. */
  canaryGraceMs: number;
  /**
   * The watched event families (`TRAILGUARD_PIPELINE.watch`). Set: each member rule is compared with its whole
   * definition (pattern, state, targets with the forwarder role), as the guard compares it. Unset: state and target only.
   */
  watch?: readonly string[];
  /**
   * `sweep.schedule` (a Scheduler expression; null: sweeps are run by hand). Set: the planner alerts when the previous
   * sweep is older than twice its interval. Unset (older environments): not checked.
   */
  schedule?: string | null;
}

export interface PlanResult {
  sweepId: string;
  accounts: number;
}

/**
 * The planner: records the sweep as started (`pk=sweep`) and enqueues one account message per member, each naming the
 * watched regions. Throws when the members cannot be listed or the messages not sent: the schedule's message is then
 * redriven and, past its retries, lands in `trailguard-sweep-dlq`.
 */
export async function planSweep(deps: SweepDeps, sweepId?: string): Promise<PlanResult> {
  const startedAt = deps.now().toISOString();
  const id = sweepId ?? `sweep-${startedAt}`;
  let members: string[];
  try {
    members = await deps.members();
    await alertSweepGap(deps, id);
    await deps.state.startSweep({ sweepId: id, startedAt, accounts: members.length });
    const messages = members.map(
      (account): AccountSweepMessage => ({
        trailguard: 'sweep',
        action: 'account',
        sweepId: id,
        account,
        regions: deps.sweep.regions,
        startedAt,
      }),
    );
    await deps.enqueue(messages);
  } catch (error) {
    // A planner that cannot run leaves every account unswept: that must reach a responder, not only the sweep DLQ.
    const alert = plannerFailedAlert(deps, id, error);
    await publishOrThrow(deps, alert, { sweepId: id, outcome: alert.outcome, error: alert.error });
    throw error;
  }
  deps.log.info('sweep planned', { sweepId: id, accounts: members.length, regions: deps.sweep.regions });
  return { sweepId: id, accounts: members.length };
}

/**
 * Publishes a `pipeline-broken` alert about the schedule when the previous sweep (`sweep/latest`) is older than twice
 * `sweep.schedule`: the schedule was disabled or deleted in between and nothing said so. Throws when the table cannot
 * be read (the planner's failure alert then names the cause) or the alert cannot be published.
 */
async function alertSweepGap(deps: SweepDeps, sweepId: string): Promise<void> {
  const schedule = deps.sweep.schedule ?? null;
  if (!schedule) return;
  const previous = await deps.state.latestSweep();
  const reason = sweepGap(previous?.startedAt ?? null, schedule, deps.now());
  if (!reason) return;
  const alert = scheduleAlert(deps, `sweep/${sweepId}/schedule-gap`, reason);
  await publishOrThrow(deps, alert, { sweepId, outcome: alert.outcome, previousSweep: previous?.sweepId, reason });
}

/** A `pipeline-broken` alert about the central account's sweep schedule. */
function scheduleAlert(deps: SweepDeps, id: string, reason: string): PipelineAlert {
  return centralSweepAlert(
    deps,
    id,
    reason,
    'scheduler-schedule',
    SWEEP_NAMES.schedule,
    (at) => `arn:${at.partition}:scheduler:${at.region}:${at.account}:schedule/default/${SWEEP_NAMES.schedule}`,
  );
}

/** The `pipeline-broken` alert for a sweep whose planner failed: about the central account's `trailguard-sweep`. */
function plannerFailedAlert(deps: SweepDeps, sweepId: string, error: unknown): PipelineAlert {
  const reason = `sweep ${sweepId} could not start: ${errorText(error)}; no member account is swept and no canary is sent until it can (the message goes to trailguard-sweep-dlq)`;
  return scheduleAlert(deps, `sweep/${sweepId}/planner`, reason);
}

/** The `pipeline-broken` alert for a worker that could not read or write `trailguard-state` (alerts may repeat). */
function stateUnreadableAlert(deps: SweepDeps, sweepId: string, account: string, error: string): PipelineAlert {
  const reason = `the sweep of ${account} could not use ${SWEEP_NAMES.table} (${error}): its findings were alerted without checking earlier alerts, so they may repeat, and no canary was judged`;
  return centralSweepAlert(
    deps,
    `sweep/${sweepId}/${account}/state`,
    reason,
    'dynamodb-table',
    SWEEP_NAMES.table,
    (at) => `arn:${at.partition}:dynamodb:${at.region}:${at.account}:table/${SWEEP_NAMES.table}`,
  );
}

/** A `pipeline-broken` alert about one of the sweep's own central resources (in the central bus's account and region). */
function centralSweepAlert(
  deps: SweepDeps,
  id: string,
  reason: string,
  type: 'scheduler-schedule' | 'dynamodb-table',
  name: string,
  arnOf: (at: { partition: string; region: string; account: string }) => string,
): PipelineAlert {
  const [, partition = 'aws', , region = deps.settings.topicRegion, account = ''] = deps.sweep.centralBusArn.split(':');
  return {
    ...sweepAlertBase({ account, region, kind: 'unreadable', resource: name }, id, deps.now(), reason, 'sweep', null),
    error: reason,
    trail: null,
    resource: { type, name, arn: arnOf({ partition, region, account }), restored: false },
    outcome: 'pipeline-broken',
  };
}

/** One finding of an account sweep and what became of it. */
export interface SweepFinding extends Finding {
  outcome: Alert['outcome'] | 'already-compliant';
  repaired: boolean;
  reason: string;
  /** Published now (false: an open finding already alerted). */
  alerted: boolean;
}

export interface AccountSweepResult {
  account: string;
  sweepId: string;
  findings: SweepFinding[];
  /** Earlier alerts whose findings are gone (a `resolved` alert was published for each). */
  resolved: string[];
  /** Findings the sweep could not repair (what makes `trailguard sweep` exit non-zero). */
  unrepaired: number;
}

const TRAIL_KINDS: readonly FindingKind[] = [
  'not-logging',
  'baseline-drift',
  'selectors',
  'delivery-error',
  'missing',
  ...LOG_STORAGE_KINDS,
];

/**
 * A tamper record the sweep did not receive but whose effect it observed: the event path's decision code takes it as
 * input, so the sweep repairs exactly what an event would have repaired. The actor is the sweep itself (no ARN), so no
 * allow pattern and no loop protection can match it.
 */
function observedEvent(
  eventName: TamperEvent['eventName'],
  trail: { name: string; arn: string; account: string },
  region: string,
  account: string,
  now: Date,
): TamperEvent {
  return {
    id: `sweep/${eventName}/${trail.arn}/${now.toISOString()}`,
    eventName,
    eventTime: now.toISOString(),
    account,
    region,
    eventRegion: region,
    trail,
    actor: { arn: 'trailguard-sweep', type: 'TrailGuardSweep', issuerArn: null, accountId: null, sourceIp: null, userAgent: null },
    errorCode: null,
    errorMessage: null,
    requestParameters: { name: trail.arn },
    responseElements: {},
  };
}

interface RegionOutcome {
  region: string;
  found: { finding: Finding; repaired: boolean; alert: () => Alert; outcome: SweepFinding['outcome']; reason: string }[];
  rows: TrailStatusRow[];
  error?: string;
  canarySent?: { sentAt: string; sweepId: string };
  /** No canary was judged (none sent yet, or still within its grace): an open canary finding is not gone, only unjudged. */
  canaryUnjudged?: boolean;
  /** trailguard-state could not be read here: findings are alerted without dedupe, and the worker then fails. */
  stateError?: string;
  /** When the last canary from this member-region arrived (`canary` item), null when none ever did; unset when unknown. */
  lastCanaryAt?: string | null;
}

function sweepTrailAlert(event: TamperEvent, decision: Decision, finding: Finding, sweepId: string, reason: string): TrailAlert {
  const outcome = decision.outcome === 'ignored' ? 'alert-only' : decision.outcome;
  return {
    ...buildAlert(event, { ...decision, outcome, reason }),
    id: `sweep/${sweepId}/${findingKey(finding)}`.slice(0, 256),
    trigger: 'sweep',
  };
}

/** The fields every sweep alert fills the same way (the sweep is its actor; nothing was remediated by it). */
function sweepAlertBase(finding: Finding, id: string, now: Date, reason: string, trigger: Alert['trigger'], resolves: string | null) {
  return {
    schema: 'trailguard.alert/v1' as const,
    id: id.slice(0, 256),
    account: finding.account,
    region: finding.region,
    actor: { arn: 'trailguard-sweep', type: 'TrailGuardSweep', sourceIp: null, userAgent: null, issuerArn: null },
    eventTime: now.toISOString(),
    remediatedAt: null,
    error: null,
    actions: [],
    changes: [],
    callError: null,
    reason,
    trigger,
    resolves,
    eventName: SWEEP_EVENT_NAME as typeof SWEEP_EVENT_NAME,
    isLogging: null,
  };
}

function pipelineAlert(
  finding: Finding,
  sweepId: string,
  now: Date,
  fields: {
    outcome: 'pipeline-broken' | 'resolved';
    reason: string;
    trigger: Alert['trigger'];
    resolves?: string;
    lastCanaryAt?: string | null;
  },
): PipelineAlert {
  const p = partitionOf(finding.region);
  const name = finding.kind === 'rule' ? finding.resource : NAMES.forwardRule;
  const id = `${fields.outcome === 'resolved' ? 'resolved' : 'sweep'}/${sweepId}/${findingKey(finding)}`;
  return {
    ...sweepAlertBase(finding, id, now, fields.reason, fields.trigger, fields.resolves ?? null),
    error: fields.outcome === 'pipeline-broken' ? fields.reason : null,
    ...(fields.lastCanaryAt !== undefined ? { lastCanaryAt: fields.lastCanaryAt } : {}),
    trail: null,
    resource: { type: 'event-rule', name, arn: `arn:${p}:events:${finding.region}:${finding.account}:rule/${name}`, restored: false },
    outcome: fields.outcome,
  };
}

/** The update for an earlier alert whose finding is gone: same target (trail or rule), `resolves` naming that alert. */
function resolvedAlert(item: FindingItem, sweepId: string, now: Date): Alert {
  const [account = '', region = '', kind = '', ...rest] = item.key.split('#');
  const finding: Finding = { account, region, kind: kind as FindingKind, resource: rest.join('#') };
  const reason = `the sweep no longer finds this (${kind} on ${finding.resource}, first seen ${item.firstSeenAt})`;
  if (!TRAIL_KINDS.includes(finding.kind) && !finding.resource.includes(':trail/')) {
    return pipelineAlert(finding, sweepId, now, { outcome: 'resolved', reason, trigger: 'sweep', resolves: item.alertId });
  }
  return {
    ...sweepAlertBase(finding, `resolved/${sweepId}/${item.key}`, now, reason, 'sweep', item.alertId),
    trail: { name: finding.resource.split(':trail/')[1] ?? finding.resource, arn: finding.resource, account },
    outcome: 'resolved',
  };
}

/**
 * Sweeps one trail homed in `region`: logging, baseline settings, event selectors, delivery errors. Read with the swept
 * account's client; `owner` (default the swept account) is where the event path's decisions repair it: the management
 * account for an organization trail seen from a member.
 */
async function sweepTrail(
  trail: Trail,
  ctx: { account: string; region: string; sweepId: string; client: CloudTrailClient; owner?: string },
  deps: SweepDeps,
): Promise<{ found: RegionOutcome['found']; reading: TrailReading }> {
  const arn = trail.TrailARN!;
  const target = { name: trail.Name ?? arn, arn, account: ctx.owner ?? ctx.account };
  const found: RegionOutcome['found'] = [];
  const decideAndRecord = async (eventName: TamperEvent['eventName'], kind: FindingKind, prefix: string | null) => {
    const now = deps.now();
    const event = observedEvent(eventName, target, ctx.region, ctx.account, now);
    const decision = await remediate(event, deps.settings, deps);
    if (decision.outcome === 'already-compliant' || decision.outcome === 'ignored') return decision;
    const finding: Finding = { account: ctx.account, region: ctx.region, kind, resource: arn };
    const reason = prefix ? `${prefix}; ${decision.reason}` : `found by the sweep; ${decision.reason}`;
    const repaired = ['restarted', 'restored', 'recreated'].includes(decision.outcome);
    found.push({
      finding,
      repaired,
      outcome: decision.outcome,
      reason,
      alert: () => sweepTrailAlert(event, decision, finding, ctx.sweepId, reason),
    });
    return decision;
  };
  const raw = (await ctx.client.send(new GetTrailStatusCommand({ Name: arn }))) as unknown as Record<string, unknown>;
  let isLogging = raw.IsLogging === true;
  if (!isLogging) {
    const decision = await decideAndRecord('StopLogging', 'not-logging', FOUND_OFF_BY_SWEEP);
    isLogging = decision.isLogging === true;
  }
  if (deps.settings.trails.some((b) => b.name === target.name)) {
    // The UpdateTrail decision compares with the baseline and restores only what differs.
    const decision = await decideAndRecord('UpdateTrail', 'baseline-drift', null);
    if (decision.isLogging !== null) isLogging = decision.isLogging;
  }
  let selectors = await getEventSelectors(ctx.client, arn);
  if (!managementFullyRecorded(selectors)) {
    await decideAndRecord('PutEventSelectors', 'selectors', null);
    selectors = await getEventSelectors(ctx.client, arn);
  }
  // The same reading the event path makes after a remediation (src/core/delivery.ts), each named as CloudTrail names it.
  const errors = deliveryFindings(raw as TrailDeliveryStatus).map((f) => `${f.field}: ${f.error}`);
  if (errors.length > 0) {
    const finding: Finding = { account: ctx.account, region: ctx.region, kind: 'delivery-error', resource: arn };
    const reason = `the trail logs, but GetTrailStatus reports ${errors.join('; ')}: its logs are not delivered`;
    const event = observedEvent('UpdateTrail', target, ctx.region, ctx.account, deps.now());
    found.push({
      finding,
      repaired: false,
      outcome: 'delivery-failing',
      reason,
      alert: () => ({
        ...sweepTrailAlert(
          event,
          { outcome: 'delivery-failing', isLogging, reason, actions: [], changes: [], error: errors.join('; '), remediatedAt: null },
          finding,
          ctx.sweepId,
          reason,
        ),
        eventName: SWEEP_EVENT_NAME,
      }),
    });
  }
  // Where the logs go: a lifecycle rule deleting them makes no delivery error, so GetTrailStatus alone cannot tell.
  found.push(...(await sweepLogStorage(trail, { ...ctx, owner: target.account }, deps)));
  const latest = raw.LatestDeliveryTime instanceof Date ? raw.LatestDeliveryTime.toISOString() : null;
  return {
    found,
    reading: {
      status: {
        isLogging,
        latestDeliveryTime: latest,
        latestDeliveryError: (raw.LatestDeliveryError as string | undefined) || null,
        selectorsProblem: managementFullyRecorded(selectors)
          ? null
          : `management events not fully recorded (${describeSelectors(selectors)})`,
      },
    },
  };
}

/** The finding for an own trail whose sweep failed part-way (GetTrailStatus, GetEventSelectors or a decision threw). */
function unreadTrailFinding(
  trail: Trail,
  account: string,
  region: string,
  sweepId: string,
  text: string,
  now: Date,
): RegionOutcome['found'][number] {
  const arn = trail.TrailARN!;
  // The owner, as its ARN names it: the swept account, or the management account of an organization trail read from a member.
  const target = { name: trail.Name ?? arn, arn, account: arn.split(':')[4] ?? account };
  const finding: Finding = { account, region, kind: 'unreadable', resource: arn };
  const reason = `the sweep could not read the trail ${arn}: ${text}; whether it logs is not checked`;
  const event = observedEvent('StopLogging', target, region, account, now);
  return {
    finding,
    repaired: false,
    outcome: 'failed',
    reason,
    alert: () => ({
      ...sweepTrailAlert(
        event,
        { outcome: 'failed', isLogging: null, reason, actions: [], changes: [], error: text, remediatedAt: null },
        finding,
        sweepId,
        reason,
      ),
      eventName: SWEEP_EVENT_NAME,
    }),
  };
}

/**
 * The finding for a baseline trail the account does not have: the event path's DeleteTrail decision on an observed
 * event (recreated from the baseline, or alerted when it cannot be, e.g. a possible organization trail whose baseline
 * does not pin `isOrganizationTrail`). It is recreated in `region`, the first watched region (where the central region
 * is first): nothing records where a trail deleted unseen lived.
 */
async function missingTrailFinding(
  baseline: TrailBaseline,
  account: string,
  region: string,
  sweepId: string,
  deps: SweepDeps,
): Promise<RegionOutcome['found'][number]> {
  const organization = baseline.isOrganizationTrail && deps.settings.organization;
  const owner = organization ? organization.managementAccount : account;
  const arn = trailArn(region, owner, baseline.name);
  const now = deps.now();
  // An observed event made in `account`: an organization trail is recreated where AWS allows it, as on the event path.
  const event = observedEvent('DeleteTrail', { name: baseline.name, arn, account }, region, account, now);
  const decision = await remediate(event, deps.settings, deps);
  const finding: Finding = { account, region, kind: 'missing', resource: arn };
  const reason = `${FOUND_MISSING_BY_SWEEP}; ${decision.reason}`;
  return {
    finding,
    repaired: decision.outcome === 'recreated',
    // The sweep's observed event has no actor TrailGuard could ignore; the type still has the outcome.
    outcome: decision.outcome === 'ignored' ? 'alert-only' : decision.outcome,
    reason,
    alert: () => sweepTrailAlert(event, decision, finding, sweepId, reason),
  };
}

/** What is wrong with one of TrailGuard's member rules in a region, or null when it is enabled and targets the central bus. */
async function ruleProblem(events: EventBridgeClient, name: string, centralBusArn: string): Promise<string | null> {
  try {
    const rule = await events.send(new DescribeRuleCommand({ Name: name }));
    if (rule.State !== 'ENABLED') return `${name} is ${rule.State ?? 'not enabled'}`;
  } catch (error) {
    if (errorCode(error) === 'ResourceNotFoundException') return `${name} is missing`;
    throw error;
  }
  const { Targets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: name }));
  if (!Targets.some((t) => t.Arn === centralBusArn)) return `${name} does not target the central bus ${centralBusArn}`;
  return null;
}

/**
 * What is wrong with each of TrailGuard's member rules in `region`. With the watched families known, a rule is
 * compared with its desired definition: a pattern narrowed to the canary alone keeps the rule enabled, targeting the
 * central bus and carrying the canary, while no tampering is forwarded.
 */
async function ruleProblems(events: EventBridgeClient, account: string, region: string, deps: SweepDeps) {
  const names = [NAMES.forwardRule, NAMES.guardRule];
  const { watch } = deps.sweep;
  const desired = watch
    ? memberRules(
        { centralBusArn: deps.sweep.centralBusArn, watch, regions: deps.sweep.regions, remediationRole: deps.settings.remediationRole },
        account,
      ).filter((r) => r.region === region)
    : [];
  return Promise.all(
    names.map(async (name) => {
      const rule = desired.find((r) => r.name === name);
      if (!rule) return { name, problem: await ruleProblem(events, name, deps.sweep.centralBusArn) };
      const drift = differing(rule, await readRule(events, name));
      const problem =
        drift.length === 0
          ? null
          : drift[0] === 'missing'
            ? `${name} is missing`
            : `${name} differs from TrailGuard's definition (${drift.join(', ')})`;
      return { name, problem };
    }),
  );
}

async function sweepRegion(
  account: string,
  region: string,
  watched: boolean,
  message: AccountSweepMessage,
  deps: SweepDeps,
  readsForeign: (owner: string) => Promise<boolean>,
): Promise<RegionOutcome> {
  const out: RegionOutcome = { region, found: [], rows: [] };
  const now = deps.now();
  // The trails and TrailGuard's own pipeline are read side by side: a worker's time is its longest chain of calls.
  const trailsPart = (async () => {
    const client = await deps.cloudtrail(account, region);
    const { trailList = [] } = await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
    const own = trailList.filter((t) => t.TrailARN && t.HomeRegion === region && t.TrailARN.split(':')[4] === account);
    // An organization trail logs every member, and its owner (the management account) is often kept out of `members`:
    // then no worker sweeps it as its own. One member reads it (GetTrailStatus works on it from a member) and the event
    // path's decisions repair it through its owner.
    const foreign = (
      await Promise.all(
        trailList
          .filter((t) => t.TrailARN && t.HomeRegion === region && t.IsOrganizationTrail === true && t.TrailARN.split(':')[4] !== account)
          .map(async (t) => ((await readsForeign(t.TrailARN!.split(':')[4]!)) ? [t] : [])),
      )
    ).flat();
    const swept = await Promise.all(
      [...own, ...foreign].map((trail) =>
        sweepTrail(trail, { account, region, sweepId: message.sweepId, client, owner: trail.TrailARN!.split(':')[4] }, deps).catch(
          (error): { found: RegionOutcome['found']; reading: TrailReading } => ({
            // A trail the sweep could not read is not checked: that is a finding (and keeps its open findings open).
            found: [unreadTrailFinding(trail, account, region, message.sweepId, errorText(error), deps.now())],
            reading: { error: errorText(error) },
          }),
        ),
      ),
    );
    const readings = own.map((trail, i) => ({
      trail: { arn: trail.TrailARN!, trail: trail.Name ?? trail.TrailARN!, home: region, multiRegion: trail.IsMultiRegionTrail === true },
      reading: swept[i]!.reading,
    }));
    return {
      found: swept.flatMap((s) => s.found),
      // The status rows are the account's own trails; a foreign one's findings are alerted, its row is its owner's.
      rows: accountStatusRows({ account, name: account }, [{ region, trails: trailList, error: null }], readings),
    };
  })();
  const pipelinePart = (async () => {
    if (!watched) return null;
    const events = await deps.events(account, region);
    // An unreadable trailguard-state must not hide what the sweep finds: no canary is judged, the rest goes on.
    let stateError: string | undefined;
    const tolerant = <T>(read: Promise<T>): Promise<T | null> =>
      read.catch((error: unknown) => {
        stateError ??= errorText(error);
        return null;
      });
    const [problems, previous, arrived] = await Promise.all([
      ruleProblems(events, account, region, deps),
      tolerant(deps.state.status(account, region)),
      tolerant(deps.state.canary(account, region)),
    ]);
    // After reading what arrived, so this canary is never taken for the previous one; before the trails are done.
    const put = await events.send(
      new PutEventsCommand({ Entries: [canaryEntry({ account, region, sweepId: message.sweepId, sentAt: now.toISOString() })] }),
    );
    const putError =
      (put.FailedEntryCount ?? 0) > 0 ? `PutEvents of the canary failed: ${put.Entries?.[0]?.ErrorCode ?? 'unknown error'}` : null;
    return { problems, previous, arrived, putError, stateError };
  })();
  const [trails, pipeline] = await Promise.all([trailsPart, pipelinePart]);
  out.found.push(...trails.found);
  out.rows = trails.rows;
  if (!pipeline) return out;
  const { problems, previous, arrived, putError, stateError } = pipeline;
  if (putError) throw new Error(putError);
  if (stateError) out.stateError = stateError;
  else out.lastCanaryAt = arrived?.lastSeenAt ?? null;
  for (const { name, problem } of problems) {
    if (!problem) continue;
    const finding: Finding = { account, region, kind: 'rule', resource: name };
    const reason = `${problem} in ${account} ${region}: tampering there is not forwarded to TrailGuard; run trailguard apply to repair it`;
    out.found.push({
      finding,
      repaired: false,
      outcome: 'pipeline-broken',
      reason,
      alert: () => pipelineAlert(finding, message.sweepId, now, { outcome: 'pipeline-broken', reason, trigger: 'sweep' }),
    });
  }
  // The canary of the previous sweep must have come back through the forwarding rule by now.
  const sent = previous?.canary ?? null;
  const overdue = stateError ? null : canaryOverdue({ sent, arrived }, now, deps.sweep.canaryGraceMs);
  if (overdue === null) out.canaryUnjudged = true;
  if (overdue) {
    const finding: Finding = { account, region, kind: 'canary', resource: 'canary' };
    const last = arrived?.lastSeenAt ?? null;
    const reason =
      `the canary sent to ${account} ${region} at ${sent!.sentAt} has not reached TrailGuard ` +
      `(last canary seen: ${last ?? 'never'}): events from this member-region are not forwarded`;
    out.found.push({
      finding,
      repaired: false,
      outcome: 'pipeline-broken',
      reason,
      alert: () =>
        pipelineAlert(finding, message.sweepId, now, { outcome: 'pipeline-broken', reason, trigger: 'canary', lastCanaryAt: last }),
    });
  }
  // A canary still within its grace is judged by the next sweep: keep its time, so a late one is never skipped for ever.
  out.canarySent = overdue === null && sent ? sent : { sentAt: now.toISOString(), sweepId: message.sweepId };
  return out;
}

/**
 * The last canary seen from a member-region and the canary its last snapshot says was sent, from trailguard-state;
 * null when the table cannot be read (the worker then reports the table itself).
 */
async function lastCanary(
  account: string,
  region: string,
  deps: SweepDeps,
): Promise<{ lastCanaryAt: string | null; sent: { sentAt: string; sweepId: string } | null } | null> {
  try {
    const [arrived, previous] = await Promise.all([deps.state.canary(account, region), deps.state.status(account, region)]);
    return { lastCanaryAt: arrived?.lastSeenAt ?? null, sent: previous?.canary ?? null };
  } catch {
    return null;
  }
}

/**
 * The worker: sweeps one member account in every region of the message plus every home region of its trails
 * (ListTrails), repairs through the event path's decisions, publishes one alert per new finding (and a `resolved`
 * alert per finding gone), writes each region's status snapshot and counts the account done. A region that cannot be
 * read becomes a `pipeline-broken` finding (it is not watched while unreadable). Throws only when an alert could not
 * be published (AlertPublishError), so the message is redriven.
 */
export async function sweepAccount(message: AccountSweepMessage, deps: SweepDeps): Promise<AccountSweepResult> {
  const { account, sweepId } = message;
  const watched = new Set(message.regions);
  const outcomes: RegionOutcome[] = [];
  // Asked only when a foreign organization trail is seen (the Lambda's list is cached a few minutes per container).
  let members: Promise<string[] | null> | undefined;
  const readsForeign = async (owner: string) => {
    members ??= deps.members().catch((error: unknown) => {
      deps.log.warn('sweep: members could not be listed; this worker reads foreign organization trails too', {
        sweepId,
        account,
        error: errorText(error),
      });
      return null;
    });
    const list = await members;
    return !list?.includes(owner) && readsForeignOrganizationTrails(account, list);
  };
  const sweepOne = async (region: string) => {
    try {
      outcomes.push(await sweepRegion(account, region, watched.has(region), message, deps, readsForeign));
    } catch (error) {
      const text = errorText(error);
      const finding: Finding = { account, region, kind: 'unreadable', resource: 'account' };
      const reason = `the sweep could not read ${account} ${region}: ${text}; its trails and TrailGuard's rules there are not checked`;
      const now = deps.now();
      // What trailguard-state knows is not lost with the member: the last canary seen goes into the alert and the
      // snapshot, and the canary sent before stays the one the next sweep judges (it did not send another).
      const canary = watched.has(region) ? await lastCanary(account, region, deps) : null;
      outcomes.push({
        region,
        rows: [],
        error: text,
        ...(canary ? { lastCanaryAt: canary.lastCanaryAt, ...(canary.sent ? { canarySent: canary.sent } : {}) } : {}),
        found: [
          {
            finding,
            repaired: false,
            outcome: 'pipeline-broken',
            reason,
            alert: () =>
              pipelineAlert(finding, sweepId, now, {
                outcome: 'pipeline-broken',
                reason,
                trigger: 'sweep',
                ...(canary ? { lastCanaryAt: canary.lastCanaryAt } : {}),
              }),
          },
        ],
      });
    }
  };
  // The watched regions start at once; ListTrails only adds the home regions of trails outside them.
  let listError: string | null = null;
  let listed: { name: string; arn: string }[] | null = null;
  const others = (async () => {
    try {
      const client = await deps.cloudtrail(account, message.regions[0]!);
      const Trails = await allPages(paginateListTrails({ client }, {}), (page) => page.Trails);
      listed = Trails.flatMap((t) => (t.TrailARN ? [{ name: t.Name ?? t.TrailARN, arn: t.TrailARN }] : []));
      const homes = Trails.filter((t) => t.TrailARN?.split(':')[4] === account && t.HomeRegion).map((t) => t.HomeRegion!);
      return [...new Set(homes)].filter((r) => !watched.has(r));
    } catch (error) {
      listError = errorText(error);
      deps.log.warn('sweep: ListTrails failed; sweeping the watched regions only', { sweepId, account, error: listError });
      return [];
    }
  })();
  await Promise.all([...message.regions.map(sweepOne), others.then((regions) => Promise.all(regions.map(sweepOne)))]);
  if (listed) {
    // The sweep compares with the desired baseline, not only with the trails it can list: a baseline trail deleted while
    // its DeleteTrail event was missed is found here, and recreated by the event path's own DeleteTrail decision.
    const region = message.regions[0]!;
    const outcome = outcomes.find((o) => o.region === region && !o.error);
    const management = deps.settings.organization?.managementAccount;
    for (const baseline of missingBaselineTrails(deps.settings.trails, account, listed)) {
      // An organization trail is one trail for every member: judged by its owner, or (owner not swept) by the one member
      // that reads foreign organization trails; otherwise every member would recreate it, and alert it, at once.
      if (baseline.isOrganizationTrail && management && account !== management && !(await readsForeign(management))) continue;
      outcome?.found.push(await missingTrailFinding(baseline, account, region, sweepId, deps));
    }
  }
  if (listError) {
    // Trails homed outside the watched regions are unseen while ListTrails fails: that is a finding, not a log line.
    const region = message.regions[0]!;
    const finding: Finding = { account, region, kind: 'unreadable', resource: 'ListTrails' };
    const reason = `the sweep could not list ${account}'s trails (ListTrails: ${listError}): trails homed outside the watched regions are not checked`;
    const now = deps.now();
    outcomes
      .find((o) => o.region === region)
      ?.found.push({
        finding,
        repaired: false,
        outcome: 'pipeline-broken',
        reason,
        alert: () => pipelineAlert(finding, sweepId, now, { outcome: 'pipeline-broken', reason, trigger: 'sweep' }),
      });
  }

  // Each region's findings, alerts and snapshot are its own: written side by side.
  const perRegion = await Promise.all(
    outcomes
      .sort((a, b) => a.region.localeCompare(b.region))
      .map(async (outcome) => {
        const findings: SweepFinding[] = [];
        const resolved: string[] = [];
        // A duplicate beats silence: with trailguard-state unreadable every finding is alerted and nothing resolved.
        let stateError = outcome.stateError;
        const write = async (what: Promise<unknown>) => {
          try {
            await what;
          } catch (error) {
            stateError ??= errorText(error);
          }
        };
        let items: FindingItem[] = [];
        try {
          items = await deps.state.findings(account, outcome.region);
        } catch (error) {
          stateError ??= errorText(error);
        }
        const deduped = dedupeFindings(outcome.found, items);
        const { alert } = deduped;
        // What the sweep could not read it did not check: a finding there is not gone, it is unseen (not `resolved`).
        const unread = new Set(outcome.found.filter((f) => f.finding.kind === 'unreadable').map((f) => f.finding.resource));
        const resolve =
          outcome.error || stateError
            ? []
            : deduped.resolve
                .filter((item) => !(outcome.canaryUnjudged && item.key.split('#')[2] === 'canary'))
                .filter((item) => item.key.split('#')[2] === 'unreadable' || !unread.has(item.key.split('#').slice(3).join('#')));
        const toAlert = new Set(alert.map((a) => findingKey(a.finding)));
        for (const f of outcome.found) {
          const key = findingKey(f.finding);
          const alerted = toAlert.has(key);
          if (alerted) {
            const a = f.alert();
            await publishOrThrow(deps, a, { sweepId, account, region: outcome.region, finding: key, outcome: a.outcome });
            deps.log.info('sweep finding', {
              sweepId,
              account,
              region: outcome.region,
              finding: key,
              outcome: f.outcome,
              reason: f.reason,
            });
            if (!f.repaired)
              await write(deps.state.putFinding({ key, firstSeenAt: deps.now().toISOString(), alertId: a.id, state: 'open' }));
          }
          findings.push({ ...f.finding, outcome: f.outcome, repaired: f.repaired, reason: f.reason, alerted });
        }
        for (const item of resolve) {
          await publishOrThrow(deps, resolvedAlert(item, sweepId, deps.now()), {
            sweepId,
            account,
            region: outcome.region,
            finding: item.key,
          });
          await write(deps.state.putFinding({ ...item, state: 'resolved' }));
          resolved.push(item.alertId);
        }
        await write(
          deps.state.putStatus({
            account,
            region: outcome.region,
            sweepId,
            checkedAt: deps.now().toISOString(),
            rows: outcome.rows,
            ...(outcome.error ? { error: outcome.error } : {}),
            ...(outcome.canarySent ? { canary: outcome.canarySent } : {}),
            ...(outcome.lastCanaryAt ? { lastCanaryAt: outcome.lastCanaryAt } : {}),
          }),
        );
        return { findings, resolved, stateError };
      }),
  );
  const findings = perRegion.flatMap((r) => r.findings);
  const resolved = perRegion.flatMap((r) => r.resolved);
  const stateError = perRegion.find((r) => r.stateError)?.stateError;
  if (stateError) {
    // The findings are out; now say why they may repeat, and fail so the message is retried once the table is back.
    const alert = stateUnreadableAlert(deps, sweepId, account, stateError);
    await publishOrThrow(deps, alert, { sweepId, account, outcome: alert.outcome, error: stateError });
    throw new Error(`sweep of ${account}: ${SWEEP_NAMES.table} unreadable: ${stateError}`);
  }
  await deps.state.finishAccount(sweepId, findings.length, deps.now());
  return { account, sweepId, findings, resolved, unrepaired: findings.filter((f) => !f.repaired).length };
}

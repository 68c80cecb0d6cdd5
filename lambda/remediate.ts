// The remediator's decisions: what a tamper event calls for, carried out through injected CloudTrail access.
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { AlertFacts, Outcome } from '../src/core/alert.js';
import { arnMatches, roleOfPrincipal } from '../src/core/arn.js';
import type { TrailBaseline } from '../src/core/config.js';
import { errorCode, errorText, RemediationError } from '../src/core/errors.js';
import {
  baselineDrift,
  createTrail,
  getEventSelectors,
  getTrail,
  getTrailStatus,
  isNotFound,
  putEventSelectors,
  startLogging,
  updateTrailToBaseline,
} from '../src/core/aws/cloudtrail.js';
import {
  describeSelectors,
  managementFullyRecorded,
  normalizeSelectors,
  restoreManagementEvents,
} from '../src/core/event-selectors.js';
import type { TamperEvent } from '../src/core/tamper-event.js';

export interface RemediationPolicy {
  /** Role name TrailGuard assumes in members: its own changes must not trigger it again. */
  remediationRole: string;
  /** Principal ARN patterns whose changes are reported, not reverted. */
  allow: string[];
  /** Baseline trails: restore or recreate to these. */
  trails: TrailBaseline[];
}

export interface RemediateDeps {
  /** A CloudTrail client acting in `account` (assumed role) in `region`. */
  cloudtrail(account: string, region: string): Promise<CloudTrailClient>;
  now(): Date;
}

export interface Decision extends Omit<AlertFacts, 'outcome'> {
  outcome: Exclude<Outcome, 'rejected'>;
  /** Why: one short sentence for the log. */
  reason: string;
}

const BASELINE_FIELDS: Record<string, keyof TrailBaseline> = {
  s3BucketName: 's3BucketName',
  isMultiRegionTrail: 'isMultiRegionTrail',
  includeGlobalServiceEvents: 'includeGlobalServiceEvents',
  enableLogFileValidation: 'enableLogFileValidation',
  s3KeyPrefix: 's3KeyPrefix',
  kmsKeyId: 'kmsKeyId',
  snsTopicName: 'snsTopicName',
  cloudWatchLogsLogGroupArn: 'cloudWatchLogsLogGroupArn',
  cloudWatchLogsRoleArn: 'cloudWatchLogsRoleArn',
};

/** What the tamper call changed, as far as its request tells. */
export function describeChanges(event: TamperEvent): string[] {
  switch (event.eventName) {
    case 'StopLogging':
      return ['logging stopped'];
    case 'DeleteTrail':
      return ['trail deleted'];
    case 'UpdateTrail':
      return Object.entries(event.requestParameters)
        .filter(([key]) => key !== 'name')
        .map(([key, value]) => `${key} -> ${JSON.stringify(value)}`);
    case 'PutEventSelectors':
      return [`event selectors set to: ${describeSelectors(normalizeSelectors(event.requestParameters))}`];
  }
}

function baselineFor(policy: RemediationPolicy, event: TamperEvent): TrailBaseline | undefined {
  return policy.trails.find((t) => t.name === event.trail.name);
}

function isOwnRole(policy: RemediationPolicy, event: TamperEvent): boolean {
  const role = roleOfPrincipal(event.actor.issuerArn ?? event.actor.arn);
  return role !== null && role.roleName === policy.remediationRole && role.account === event.account;
}

/**
 * Loop protection without a blind spot: TrailGuard's own role is ignored only when its call
 * moved the trail towards the baseline (or failed). Anything else it did is treated as tampering.
 */
function isOwnRestoration(policy: RemediationPolicy, event: TamperEvent): boolean {
  if (!isOwnRole(policy, event)) return false;
  if (event.errorCode) return true;
  if (event.eventName === 'PutEventSelectors') return managementFullyRecorded(normalizeSelectors(event.requestParameters));
  if (event.eventName === 'UpdateTrail') {
    const baseline = baselineFor(policy, event);
    if (!baseline) return false;
    return Object.entries(event.requestParameters).every(([key, value]) => {
      if (key === 'name') return true;
      const field = BASELINE_FIELDS[key];
      return field !== undefined && baseline[field] === value;
    });
  }
  return false;
}

class Step {
  readonly actions: string[] = [];
  constructor(
    readonly event: TamperEvent,
    readonly client: CloudTrailClient,
  ) {}

  async run<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      const result = await fn();
      this.actions.push(action);
      return result;
    } catch (error) {
      const code = errorCode(error);
      const { trail, account, region } = this.event;
      throw new RemediationError(`${code} on ${action.split(':')[0]} for trail ${trail.name} in ${account}/${region}: ${errorText(error)}`, code, { cause: error });
    }
  }
}

/** Makes sure the trail logs: GetTrailStatus, and StartLogging plus a second check only when it does not. */
async function ensureLogging(step: Step): Promise<{ isLogging: boolean; restarted: boolean }> {
  const { client, event } = step;
  const status = await step.run('GetTrailStatus', () => getTrailStatus(client, event.trail.arn));
  if (status.isLogging) return { isLogging: true, restarted: false };
  await step.run('StartLogging', () => startLogging(client, event.trail.arn));
  return { isLogging: (await step.run('GetTrailStatus', () => getTrailStatus(client, event.trail.arn))).isLogging, restarted: true };
}

type Remedy = Pick<Decision, 'outcome' | 'isLogging' | 'reason'>;

async function remedyFor(event: TamperEvent, policy: RemediationPolicy, step: Step): Promise<Remedy> {
  const { client } = step;
  const trail = event.trail.arn;
  const baseline = baselineFor(policy, event);
  switch (event.eventName) {
    case 'StopLogging': {
      // The critical path: StartLogging is idempotent, so no read before it.
      await step.run('StartLogging', () => startLogging(client, trail));
      const { isLogging } = await step.run('GetTrailStatus', () => getTrailStatus(client, trail));
      return isLogging
        ? { outcome: 'restarted', isLogging, reason: 'logging restarted and verified' }
        : { outcome: 'failed', isLogging, reason: 'StartLogging succeeded but the trail still reports not logging' };
    }
    case 'DeleteTrail': {
      if (!baseline) {
        const exists = await step.run('GetTrail', () => getTrail(client, trail));
        const isLogging = exists ? (await step.run('GetTrailStatus', () => getTrailStatus(client, trail))).isLogging : false;
        return { outcome: 'alert-only', isLogging, reason: 'no baseline names this trail, so it cannot be recreated' };
      }
      try {
        await step.run('CreateTrail', () => createTrail(client, baseline));
      } catch (error) {
        if (!(error instanceof RemediationError) || error.code !== 'TrailAlreadyExistsException') throw error;
        // Someone recreated it first: make sure it matches the baseline instead.
        await step.run('UpdateTrail', () => updateTrailToBaseline(client, trail, baseline));
      }
      const { isLogging } = await ensureLogging(step);
      return isLogging
        ? { outcome: 'recreated', isLogging, reason: 'trail recreated from the baseline and logging' }
        : { outcome: 'failed', isLogging, reason: 'trail recreated but it does not report logging' };
    }
    case 'UpdateTrail': {
      let restored = false;
      if (baseline) {
        const current = await step.run('GetTrail', () => getTrail(client, trail));
        if (!current) return { outcome: 'failed', isLogging: false, reason: 'the trail no longer exists' };
        const drift = baselineDrift(baseline, current);
        if (drift.length > 0) {
          await step.run(`UpdateTrail: ${drift.join(', ')}`, () => updateTrailToBaseline(client, trail, baseline));
          restored = true;
        }
      }
      const { isLogging, restarted } = await ensureLogging(step);
      restored ||= restarted;
      if (!isLogging) return { outcome: 'failed', isLogging, reason: 'the trail does not report logging after remediation' };
      if (!baseline) return { outcome: 'alert-only', isLogging, reason: 'no baseline names this trail: settings reported, not restored' };
      return restored
        ? { outcome: 'restored', isLogging, reason: 'trail settings restored to the baseline' }
        : { outcome: 'already-compliant', isLogging, reason: 'trail already matches the baseline' };
    }
    case 'PutEventSelectors': {
      const current = await step.run('GetEventSelectors', () => getEventSelectors(client, trail));
      let restored = false;
      if (!managementFullyRecorded(current)) {
        const wanted = restoreManagementEvents(current);
        await step.run('PutEventSelectors: all management events', () => putEventSelectors(client, trail, wanted));
        restored = true;
      }
      const { isLogging, restarted } = await ensureLogging(step);
      restored ||= restarted;
      if (!isLogging) return { outcome: 'failed', isLogging, reason: 'the trail does not report logging after remediation' };
      return restored
        ? { outcome: 'restored', isLogging, reason: 'management events recorded again' }
        : { outcome: 'already-compliant', isLogging, reason: 'management events are still fully recorded' };
    }
  }
}

/** Decides and carries out the response to one tamper event. Never throws for AWS errors: they become `failed`. */
export async function remediate(event: TamperEvent, policy: RemediationPolicy, deps: RemediateDeps): Promise<Decision> {
  const changes = describeChanges(event);
  const base = { changes, actions: [] as string[], error: null, remediatedAt: null, isLogging: null };
  if (isOwnRestoration(policy, event)) {
    return { ...base, outcome: 'ignored', reason: `caused by TrailGuard's own role ${policy.remediationRole}` };
  }
  if (event.errorCode) {
    return { ...base, outcome: 'blocked', reason: `the call itself failed with ${event.errorCode}: nothing changed` };
  }
  const principals = [event.actor.arn, event.actor.issuerArn].filter((p): p is string => p !== null);
  const allowedBy = policy.allow.find((pattern) => principals.some((arn) => arnMatches(pattern, arn)));
  if (allowedBy) {
    return { ...base, outcome: 'allowed', reason: `actor matches allow pattern ${allowedBy}: reported, not reverted` };
  }
  let step: Step | undefined;
  try {
    const client = await deps.cloudtrail(event.account, event.region);
    step = new Step(event, client);
    const remedy = await remedyFor(event, policy, step);
    const changed = ['restarted', 'restored', 'recreated'].includes(remedy.outcome);
    return {
      ...base,
      ...remedy,
      actions: step.actions,
      remediatedAt: changed ? deps.now().toISOString() : null,
      error: remedy.outcome === 'failed' ? remedy.reason : null,
    };
  } catch (error) {
    const message = errorText(error);
    const notFound = error instanceof RemediationError && isNotFound(error.cause);
    return {
      ...base,
      actions: step?.actions ?? [],
      outcome: 'failed',
      isLogging: notFound ? false : null,
      error: message,
      reason: notFound ? 'the trail no longer exists' : 'remediation failed',
    };
  }
}

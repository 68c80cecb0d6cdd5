// The calls on what a trail delivers to or encrypts with (its bucket, key, log group), dispatched from ./index.ts: find
// the watched trail that uses the resource, decide through the family module (s3, kms, logs), publish one alert.
import { buildStorageAlert } from '#core/alert.js';
import { errorCode, errorText } from '#core/errors.js';
import type { Log } from '#core/log.js';
import {
  STORAGE_RESOURCES,
  type StorageCall,
  type StorageEvent,
  type StorageResource,
  type StorageResourceType,
} from '#core/impairment-event.js';
import { partitionOf } from '#core/arn.js';
import type { Alert } from '#core/alert.js';
import { publishOrThrow, rejectedResult } from '../alerting.js';
import type { RemediationResult } from '../remediator.js';
import { allowPatternOf, isOwnRole, type RemediationPolicy } from '../remediate.js';
import { findWatchedTrail, Steps, type StorageDeps, type StorageHandler, type Repair, type WatchedTrail } from './storage-common.js';
import { kmsHandlers } from './kms.js';
import { logsHandlers } from './logs.js';
import { s3Handlers } from './s3.js';

/** The baseline field that grants TrailGuard's role the repair of each resource type (src/core/iam-policies.ts). */
/** Calls TrailGuard answers by reading the new policy, never writing it. */
const POLICY_CALLS = new Set(['PutBucketPolicy', 'DeleteBucketPolicy', 'PutKeyPolicy']);

const PIN: Record<StorageResourceType, string> = {
  's3-bucket': 's3BucketName with retentionDays',
  'kms-key': 'kmsKeyId as a key ARN or key id',
  'log-group': 'cloudWatchLogsLogGroupArn',
};

/** For the alert of a record that names no resource: its type, and an ARN that says so (the alert needs one). */
function unnamedResource(event: StorageEvent): StorageResource {
  const type = STORAGE_RESOURCES[event.eventName];
  return {
    type,
    name: '(unknown)',
    arn: `arn:${partitionOf(event.region)}:${type === 's3-bucket' ? 's3' : type === 'kms-key' ? 'kms' : 'logs'}:${event.region}:${event.account}:unknown`,
  };
}

/** Event name -> the family handler that decides it. One line per family, so each family's additions merge. */
export const STORAGE_HANDLERS: Record<StorageCall, StorageHandler> = {
  ...s3Handlers,
  ...kmsHandlers,
  ...logsHandlers,
};

export interface StorageHandlerDeps extends StorageDeps {
  settings: RemediationPolicy & { topicArn: string };
  publish(alert: Alert): Promise<string>;
  log: Log;
}

/** The repair, or the early answers every family shares (blocked, allowed), for a resource a watched trail uses. */
async function decide(event: StorageEvent, trail: WatchedTrail, steps: Steps, deps: StorageHandlerDeps): Promise<Repair> {
  const policy = deps.settings;
  const resource = event.resource!;
  if (event.errorCode) {
    return {
      outcome: 'blocked',
      reason: `the call itself failed with ${event.errorCode}: nothing changed`,
      changes: [`${event.eventName} attempted on ${resource.type} ${resource.name}`],
      restored: null,
    };
  }
  const allowedBy = allowPatternOf(policy.allow, event.actor);
  if (allowedBy) {
    return {
      outcome: 'allowed',
      reason: `actor matches allow pattern ${allowedBy}: reported, not reverted`,
      changes: [`${event.eventName} on ${resource.type} ${resource.name}`],
      restored: null,
    };
  }
  const ownRole = isOwnRole(policy, event);
  return STORAGE_HANDLERS[event.eventName]({ event, resource, trail, policy, deps, steps, ownRole });
}

/**
 * Handles one parsed record of a call on a trail's bucket, key or log group (the registry in ./index.ts parses and
 * dispatches it). Resolves to `ignored` (no alert) for a resource no watched trail uses or TrailGuard's own repair,
 * and otherwise publishes one alert whose `trail` is the watched trail and `resource` what was touched. AWS errors
 * become `failed` alerts, including not being able to tell whether the resource is a trail's. Throws AlertPublishError only.
 */
export async function handleStorageEvent(event: StorageEvent, deps: StorageHandlerDeps): Promise<RemediationResult> {
  const started = Date.now();
  const base = { account: event.account, region: event.region, eventId: event.id, eventName: event.eventName };
  const line = { ...base, eventSource: event.eventSource, actor: event.actor.arn, resource: event.resource?.arn ?? null };
  let trail: WatchedTrail | null = null;
  let repair: Repair;
  let error: string | null = null;
  const steps = new Steps(event.resource ?? unnamedResource(event));
  if (!event.resource) {
    // A real record of a watched call that names no resource: it cannot be matched to a trail, so it is alerted as it stands.
    repair = {
      outcome: event.errorCode ? 'blocked' : 'alert-only',
      reason: `cannot be acted on: ${event.problem}`,
      changes: [`${event.eventName} called`],
      restored: null,
    };
  } else {
    try {
      trail = await findWatchedTrail(event, event.resource, deps.settings, deps);
      if (!trail) {
        deps.log.info('remediation decided', {
          ...line,
          outcome: 'ignored',
          reason: `no watched trail uses ${event.resource.type} ${event.resource.name}`,
          durationMs: Date.now() - started,
        });
        const ignored: RemediationResult = {
          ...rejectedResult(`no watched trail uses ${event.resource.type} ${event.resource.name}`),
          ...base,
          outcome: 'ignored',
        };
        return ignored;
      }
      repair = await decide(event, trail, steps, deps);
    } catch (caught) {
      error = errorText(caught);
      // TrailGuard's role is granted writes only on what the baseline pins: say which field grants it.
      const denied = /AccessDenied/i.test(errorCode(caught));
      // A policy the call just replaced is only read (never written): a denied read is the new policy shutting
      // TrailGuard's role out, which it may do to CloudTrail as well; no baseline pin grants that read back.
      const policyCall = POLICY_CALLS.has(event.eventName);
      const hint =
        denied && trail && policyCall
          ? `: TrailGuard's role may no longer read the policy of ${event.resource.type} ${event.resource.name} (${errorCode(caught)}), so the new policy may deny it and CloudTrail may be locked out too; check the policy${event.resource.type === 's3-bucket' ? " (the bucket owner's root user can always delete a bucket policy)" : ''}`
          : denied && trail
            ? `: TrailGuard's role may not act on it; pin it in the baseline of trail ${trail.name} (${PIN[event.resource.type]}) and run apply, which grants exactly that`
            : '';
      repair = {
        outcome: 'failed',
        reason: `remediation failed${hint}`,
        changes: [`${event.eventName} on ${event.resource.type} ${event.resource.name}`],
        restored: false,
      };
    }
  }
  if (repair.outcome === 'failed') error ??= repair.reason;
  const shownTrail = trail ?? {
    name: '(unknown)',
    // Which trail is unknown (the record named no resource, or finding it failed): the alert says so, as the trail path does.
    arn: `arn:${partitionOf(event.region)}:cloudtrail:${event.region}:${event.account}:trail/(unknown)`,
    account: event.account,
  };
  const result: RemediationResult = {
    ...rejectedResult(repair.reason),
    ...base,
    outcome: repair.outcome,
    trail: shownTrail.name,
    isLogging: repair.isLogging ?? null,
    actions: steps.actions,
    error,
  };
  const decided = {
    ...line,
    outcome: repair.outcome,
    trail: shownTrail.name,
    reason: repair.reason,
    actions: steps.actions,
    error,
    durationMs: Date.now() - started,
  };
  if (repair.outcome === 'ignored') {
    deps.log.info('remediation decided', decided);
    return result;
  }
  const changed = repair.restored === true;
  const alert = buildStorageAlert(
    event,
    { name: shownTrail.name, arn: shownTrail.arn, account: shownTrail.account },
    event.resource ?? unnamedResource(event),
    {
      outcome: repair.outcome,
      isLogging: repair.isLogging ?? null,
      remediatedAt: changed ? deps.now().toISOString() : null,
      error,
      actions: steps.actions,
      changes: repair.changes,
      reason: repair.reason,
      restored: repair.restored,
    },
  );
  const alertMessageId = await publishOrThrow(deps, alert, decided);
  (repair.outcome === 'failed' ? deps.log.error : deps.log.info).call(deps.log, 'remediation decided', { ...decided, alertMessageId });
  return { ...result, alertMessageId };
}

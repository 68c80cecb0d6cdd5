// The log-impairment registry: each watched call that is not on a trail, mapped to its family module, and the one
// path (parse, blocked / allowed / own restoration, family decision, alert) they all take.
import type { Alert } from '#core/alert.js';
import { buildImpairmentAlert } from '#core/alert.js';
import { errorText, RejectedEventError, RemediationError } from '#core/errors.js';
import {
  type ImpairmentCall,
  type ImpairmentEvent,
  isStorageCall,
  type StorageEvent,
  parseImpairmentEvent,
} from '#core/impairment-event.js';
import type { Log } from '#core/log.js';
import { publishOrThrow, rejectedResult } from '../alerting.js';
import { allowPatternOf, isOwnRole } from '../remediate.js';
import type { RemediatorSettings } from '../settings.js';
import { type ImpairmentDecision, type ImpairmentDeps, type ImpairmentHandler, type ImpairmentRemedy, ImpairmentStep } from './common.js';
import { deleteStore, stopIngestion, updateStore } from './lake.js';
import { handleStorageEvent, type StorageHandlerDeps } from './storage.js';
import { deregisterDelegatedAdmin, disableServiceAccess, leaveOrganization, removeAccount } from './organizations.js';

export { isImpairmentEvent } from '#core/impairment-event.js';

/** Every impairment call's handler, one line per name (a name without one is still alerted, never dropped). */
export const IMPAIRMENT_HANDLERS: Partial<Record<ImpairmentCall, ImpairmentHandler>> = {
  StopEventDataStoreIngestion: stopIngestion,
  DeleteEventDataStore: deleteStore,
  UpdateEventDataStore: updateStore,
  DeregisterOrganizationDelegatedAdmin: deregisterDelegatedAdmin,
  LeaveOrganization: leaveOrganization,
  RemoveAccountFromOrganization: removeAccount,
  DisableAWSServiceAccess: disableServiceAccess,
  DeregisterDelegatedAdministrator: deregisterDelegatedAdmin,
};

/** For a name whose family module is missing: alerted as it stands. */
const UNHANDLED: ImpairmentHandler = {
  resource: (event) => ({ type: 'organization', name: event.eventName, arn: null }),
  changes: (event) => [`${event.eventName} called`],
  async remediate(event) {
    return {
      outcome: 'alert-only',
      isLogging: null,
      restored: null,
      reason: `this TrailGuard release watches ${event.eventName} but has no handler for it`,
    };
  },
};

export interface ImpairmentHandlerDeps extends ImpairmentDeps, Omit<StorageHandlerDeps, 'settings'> {
  settings: RemediatorSettings;
  publish(alert: Alert): Promise<string>;
  log: Log;
}

/** The result of one impairment event: the remediator's result, with the resource in `trail`'s place. */
export interface ImpairmentResult {
  outcome: ImpairmentDecision['outcome'] | 'rejected';
  account: string | null;
  region: string | null;
  trail: string | null;
  eventId: string | null;
  eventName: string | null;
  isLogging: boolean | null;
  actions: string[];
  error: string | null;
  reason: string;
  alertMessageId: string | null;
}

/**
 * Decides one impairment event (never throws for AWS errors: they become `failed`): `ignored` for
 * TrailGuard's own restoration, `blocked` when the call itself failed, `allowed` for the allow
 * list, else the family's decision.
 */
export async function decideImpairment(
  event: ImpairmentEvent,
  handler: ImpairmentHandler,
  deps: ImpairmentHandlerDeps,
): Promise<ImpairmentDecision> {
  const { settings } = deps;
  const resource = handler.resource(event);
  const base = { changes: handler.changes(event), actions: [] as string[], error: null, remediatedAt: null, isLogging: null };
  const decided = (remedy: ImpairmentRemedy, actions: string[] = []): ImpairmentDecision => ({
    ...base,
    ...remedy,
    actions,
    resource: { ...resource, restored: remedy.restored },
    remediatedAt: remedy.restored === true ? deps.now().toISOString() : null,
    error: remedy.outcome === 'failed' ? remedy.reason : null,
  });
  if (handler.isOwnRestoration?.(event, settings)) {
    return decided({
      outcome: 'ignored',
      isLogging: null,
      restored: null,
      reason: `TrailGuard's own call towards the baseline, made with its role ${settings.remediationRole}`,
    });
  }
  const ownRole = isOwnRole(settings, event) ? ` with TrailGuard's own role ${settings.remediationRole}` : '';
  if (event.errorCode) {
    return decided({
      outcome: 'blocked',
      isLogging: null,
      restored: null,
      reason: `the call${ownRole} itself failed with ${event.errorCode}: nothing changed`,
    });
  }
  const pattern = allowPatternOf(settings.allow, event.actor);
  if (pattern) {
    return decided({
      outcome: 'allowed',
      isLogging: null,
      restored: null,
      reason: `actor matches allow pattern ${pattern}: reported, not reverted`,
    });
  }
  const step = new ImpairmentStep(event, resource);
  try {
    const remedy = await handler.remediate(event, settings, deps, step);
    return decided({ ...remedy, reason: `${remedy.reason}${ownRole ? ` (the call was made${ownRole})` : ''}` }, step.actions);
  } catch (error) {
    const message = errorText(error);
    return {
      ...decided({ outcome: 'failed', isLogging: null, restored: false, reason: `remediation failed: ${message}` }, step.actions),
      error: error instanceof RemediationError ? message : `unexpected: ${message}`,
    };
  }
}

/**
 * One impairment event: parse, decide, publish. Resolves to `rejected` (one `warn` line, no AWS call,
 * no alert) for a record that is not one, or does not concern logging. Throws AlertPublishError only.
 */
export async function handleImpairmentEvent(raw: unknown, deps: ImpairmentHandlerDeps): Promise<ImpairmentResult> {
  const started = Date.now();
  let event: ImpairmentEvent;
  try {
    event = parseImpairmentEvent(raw);
  } catch (error) {
    const reason = error instanceof RejectedEventError ? error.reason : `unexpected parse failure: ${errorText(error)}`;
    deps.log.warn('event rejected', { outcome: 'rejected', reason });
    return rejectedResult(reason);
  }
  // The trail's bucket, key and log group: matched to the watched trail that uses them (./storage.ts).
  if (isStorageCall(event.eventName)) return handleStorageEvent(event as StorageEvent, deps);
  const handler = IMPAIRMENT_HANDLERS[event.eventName] ?? UNHANDLED;
  const unconcerned = handler.notConcerned?.(event);
  if (unconcerned) {
    deps.log.warn('event rejected', { outcome: 'rejected', reason: unconcerned, eventId: event.id, eventName: event.eventName });
    return rejectedResult(unconcerned);
  }
  const decision = await decideImpairment(event, handler, deps);
  const result: ImpairmentResult = {
    outcome: decision.outcome,
    account: event.account,
    region: event.region,
    trail: decision.resource.name,
    eventId: event.id,
    eventName: event.eventName,
    isLogging: decision.isLogging,
    actions: decision.actions,
    error: decision.error,
    reason: decision.reason,
    alertMessageId: null,
  };
  const line = {
    outcome: decision.outcome,
    eventId: event.id,
    eventName: event.eventName,
    account: event.account,
    region: event.region,
    resource: decision.resource,
    actor: event.actor.arn,
    reason: decision.reason,
    actions: decision.actions,
    error: decision.error,
    durationMs: Date.now() - started,
  };
  if (decision.outcome === 'ignored') {
    deps.log.info('remediation decided', line);
    return result;
  }
  const alert = buildImpairmentAlert(event, { ...decision, outcome: decision.outcome }, decision.resource);
  result.alertMessageId = await publishOrThrow(deps, alert, line);
  (decision.outcome === 'failed' ? deps.log.error : deps.log.info).call(deps.log, 'remediation decided', {
    ...line,
    alertMessageId: result.alertMessageId,
  });
  return result;
}

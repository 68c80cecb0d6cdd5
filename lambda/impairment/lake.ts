// CloudTrail Lake: ingestion stopped, an event data store deleted or weakened. Moto has no Lake, so only recorded responses test it.
import {
  GetEventDataStoreCommand,
  type GetEventDataStoreResponse,
  RestoreEventDataStoreCommand,
  StartEventDataStoreIngestionCommand,
  UpdateEventDataStoreCommand,
  type UpdateEventDataStoreRequest,
} from '@aws-sdk/client-cloudtrail';
import { partitionOf } from '#core/arn.js';
import type { EventDataStoreBaseline } from '#core/config.js';
import { errorCode } from '#core/errors.js';
import type { ImpairmentEvent } from '#core/impairment-event.js';
import { RemediationError } from '#core/errors.js';
import { isOwnRole } from '../remediate.js';
import type { ImpairmentHandler, ImpairmentPolicy, ImpairmentRemedy, ImpairmentResource, ImpairmentStep } from './common.js';

/** The part of GetEventDataStore a decision reads. */
export type EventDataStoreState = Pick<
  GetEventDataStoreResponse,
  | 'EventDataStoreArn'
  | 'Name'
  | 'Status'
  | 'RetentionPeriod'
  | 'TerminationProtectionEnabled'
  | 'MultiRegionEnabled'
  | 'OrganizationEnabled'
>;

/** Statuses in which the store ingests events, or is about to (CloudTrail API reference, EventDataStoreStatus). */
const INGESTING = new Set(['ENABLED', 'STARTING_INGESTION']);

/** One baseline setting the store does not meet. */
export interface EventDataStoreDrift {
  field: 'retentionPeriod' | 'terminationProtectionEnabled' | 'multiRegionEnabled' | 'organizationEnabled';
  wanted: number | boolean;
  current: number | boolean | null;
}

const BOOLEAN_FIELDS = [
  ['terminationProtectionEnabled', 'TerminationProtectionEnabled'],
  ['multiRegionEnabled', 'MultiRegionEnabled'],
  ['organizationEnabled', 'OrganizationEnabled'],
] as const;

/**
 * The baseline settings `store` does not meet. `retentionPeriod` is a floor (days): a longer
 * retention is not drift, since shortening it would delete events. Pure: the sweep calls it with
 * what GetEventDataStore returned.
 */
export function eventDataStoreDrift(store: EventDataStoreState, baseline: EventDataStoreBaseline): EventDataStoreDrift[] {
  const drift: EventDataStoreDrift[] = [];
  if (baseline.retentionPeriod !== undefined && (store.RetentionPeriod ?? 0) < baseline.retentionPeriod) {
    drift.push({ field: 'retentionPeriod', wanted: baseline.retentionPeriod, current: store.RetentionPeriod ?? null });
  }
  for (const [field, key] of BOOLEAN_FIELDS) {
    const wanted = baseline[field];
    if (wanted !== undefined && (store[key] ?? false) !== wanted) drift.push({ field, wanted, current: store[key] ?? null });
  }
  return drift;
}

/**
 * What is wrong with an event data store, in words: ingestion stopped, pending deletion, and each
 * baseline setting it misses. Empty when it ingests and meets its baseline. Pure (for the sweep).
 */
export function eventDataStoreProblems(store: EventDataStoreState, baseline?: EventDataStoreBaseline): string[] {
  const name = store.Name ?? store.EventDataStoreArn ?? 'event data store';
  const problems: string[] = [];
  if (store.Status === 'PENDING_DELETION') problems.push(`${name} is deleted (pending deletion: restorable for 7 days)`);
  else if (!INGESTING.has(store.Status ?? '')) problems.push(`${name} does not ingest events (status ${store.Status ?? 'unknown'})`);
  if (baseline) problems.push(...eventDataStoreDrift(store, baseline).map((d) => `${name}: ${describeDrift(d)}`));
  return problems;
}

function describeDrift(d: EventDataStoreDrift): string {
  return d.field === 'retentionPeriod'
    ? `retention ${d.current ?? 'unknown'} days, below the baseline's ${d.wanted}`
    : `${d.field} is ${d.current ?? 'unset'}, the baseline wants ${d.wanted}`;
}

/** The store's ARN from `requestParameters.eventDataStore` (an ARN or the id that ends it), or null. */
function storeOf(event: ImpairmentEvent): ImpairmentResource {
  const reference = event.requestParameters.eventDataStore;
  if (typeof reference !== 'string' || !/^[\w:/.-]{1,256}$/.test(reference)) {
    return { type: 'event-data-store', name: '(unknown)', arn: null };
  }
  const arn = reference.startsWith('arn:')
    ? reference
    : `arn:${partitionOf(event.region)}:cloudtrail:${event.region}:${event.account}:eventdatastore/${reference}`;
  return { type: 'event-data-store', name: reference.split('/').pop() || reference, arn };
}

function unknownStore(event: ImpairmentEvent): ImpairmentRemedy {
  return {
    outcome: 'alert-only',
    isLogging: null,
    restored: null,
    reason: `detail.requestParameters.eventDataStore is missing or malformed: cannot tell which event data store ${event.eventName} concerned`,
  };
}

async function getStore(step: ImpairmentStep, deps: Parameters<ImpairmentHandler['remediate']>[2], arn: string) {
  // Lake calls go to the store's home region and owner, which its ARN names (the call may have been made elsewhere).
  const [, , , region, account] = arn.split(':');
  const client = await deps.cloudtrail(account || step.event.account, region || step.event.region);
  const read = () => step.run('GetEventDataStore', () => client.send(new GetEventDataStoreCommand({ EventDataStore: arn })));
  return { client, read };
}

function baselineFor(policy: ImpairmentPolicy, store: EventDataStoreState): EventDataStoreBaseline | undefined {
  return policy.eventDataStores.find((b) => b.name === store.Name);
}

const isNotFound = (error: unknown) =>
  error instanceof RemediationError && ['EventDataStoreNotFoundException', 'ResourceNotFoundException'].includes(errorCode(error.cause));

/** StopEventDataStoreIngestion: start it again (idempotent), then read the status back. */
export const stopIngestion: ImpairmentHandler = {
  resource: storeOf,
  changes: (event) => [`ingestion stopped on event data store ${storeOf(event).name}: CloudTrail Lake records nothing new`],
  async remediate(event, _policy, deps, step) {
    const { arn } = step.resource;
    if (!arn) return unknownStore(event);
    const { client, read } = await getStore(step, deps, arn);
    const before = await read();
    if (INGESTING.has(before.Status ?? '')) {
      return {
        outcome: 'already-compliant',
        isLogging: true,
        restored: null,
        reason: `the event data store already ingests (status ${before.Status})`,
      };
    }
    await step.run('StartEventDataStoreIngestion', () => client.send(new StartEventDataStoreIngestionCommand({ EventDataStore: arn })));
    const after = await read();
    return INGESTING.has(after.Status ?? '')
      ? { outcome: 'restarted', isLogging: true, restored: true, reason: `ingestion restarted and verified (status ${after.Status})` }
      : {
          outcome: 'failed',
          isLogging: false,
          restored: false,
          reason: `StartEventDataStoreIngestion succeeded but the event data store reports status ${after.Status ?? 'unknown'}`,
        };
  },
};

/** DeleteEventDataStore: restore it while CloudTrail keeps it (7 days, status PENDING_DELETION); else only alert. */
export const deleteStore: ImpairmentHandler = {
  resource: storeOf,
  changes: (event) => [`event data store ${storeOf(event).name} deleted: it stops ingesting and its events go after 7 days`],
  async remediate(event, _policy, deps, step) {
    const { arn } = step.resource;
    if (!arn) return unknownStore(event);
    const { client, read } = await getStore(step, deps, arn);
    let before: GetEventDataStoreResponse;
    try {
      before = await read();
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return {
        outcome: 'alert-only',
        isLogging: false,
        restored: false,
        reason: 'the event data store is gone beyond its restore window (GetEventDataStore: not found): it cannot be restored',
      };
    }
    if (before.Status !== 'PENDING_DELETION') {
      return {
        outcome: 'already-compliant',
        isLogging: INGESTING.has(before.Status ?? ''),
        restored: null,
        reason: `the event data store is not pending deletion (status ${before.Status ?? 'unknown'}): someone restored it first`,
      };
    }
    await step.run('RestoreEventDataStore', () => client.send(new RestoreEventDataStoreCommand({ EventDataStore: arn })));
    const after = await read();
    return INGESTING.has(after.Status ?? '')
      ? {
          outcome: 'restored',
          isLogging: true,
          restored: true,
          reason: `event data store restored from pending deletion and ingesting (status ${after.Status})`,
        }
      : {
          outcome: 'failed',
          isLogging: false,
          restored: false,
          reason: `RestoreEventDataStore succeeded but the event data store reports status ${after.Status ?? 'unknown'}`,
        };
  },
};

/** UpdateEventDataStore fields a baseline pins, by request parameter. */
const PINNED = ['retentionPeriod', 'terminationProtectionEnabled', 'multiRegionEnabled', 'organizationEnabled'] as const;

function describeUpdate(event: ImpairmentEvent): string[] {
  return Object.entries(event.requestParameters)
    .filter(([key]) => key !== 'eventDataStore')
    .map(([key, value]) => {
      if (key === 'retentionPeriod') return `retention set to ${JSON.stringify(value)} days`;
      if (key === 'terminationProtectionEnabled' && value === false)
        return 'termination protection switched off: the store can now be deleted';
      if (key === 'advancedEventSelectors') return `event selectors replaced: ${JSON.stringify(value).slice(0, 500)}`;
      return `${key} -> ${JSON.stringify(value)}`;
    });
}

/** Whether the call set only fields `baseline` pins, each to the baseline's value (what TrailGuard's own repair sends). */
function isBaselineWrite(event: ImpairmentEvent, baseline: EventDataStoreBaseline): boolean {
  const fields = Object.keys(event.requestParameters).filter((k) => k !== 'eventDataStore');
  return (
    fields.length > 0 &&
    fields.every((k) => (PINNED as readonly string[]).includes(k) && baseline[k as (typeof PINNED)[number]] === event.requestParameters[k])
  );
}

/** UpdateEventDataStore: put the baseline's settings back when a baseline names the store; else alert. */
export const updateStore: ImpairmentHandler = {
  resource: storeOf,
  changes: describeUpdate,
  async remediate(event, policy, deps, step) {
    const { arn } = step.resource;
    if (!arn) return unknownStore(event);
    const { client, read } = await getStore(step, deps, arn);
    const current = await read();
    const isLogging = INGESTING.has(current.Status ?? '');
    const baseline = baselineFor(policy, current);
    // TrailGuard's own UpdateEventDataStore sets only this store's pinned fields to its baseline's values: when its
    // record comes back and the store meets that baseline, it is not tampering. Decided on the store the record names
    // (not on any baseline store's values), so TrailGuard's role giving one store another's retention is still undone.
    if (baseline && isOwnRole(policy, event) && isBaselineWrite(event, baseline) && eventDataStoreDrift(current, baseline).length === 0) {
      return {
        outcome: 'ignored',
        isLogging,
        restored: null,
        reason: `TrailGuard's own call towards the baseline of event data store ${current.Name}, made with its role ${policy.remediationRole}`,
      };
    }
    if (!baseline) {
      return {
        outcome: 'alert-only',
        isLogging,
        restored: null,
        reason: `no baseline names event data store ${current.Name ?? arn} (eventDataStores in trailguard.yml): its settings are reported, not restored`,
      };
    }
    const drift = eventDataStoreDrift(current, baseline);
    let restored = false;
    if (drift.length > 0) {
      const input: UpdateEventDataStoreRequest = { EventDataStore: arn };
      for (const d of drift) {
        if (d.field === 'retentionPeriod') input.RetentionPeriod = d.wanted as number;
        else if (d.field === 'terminationProtectionEnabled') input.TerminationProtectionEnabled = d.wanted as boolean;
        else if (d.field === 'multiRegionEnabled') input.MultiRegionEnabled = d.wanted as boolean;
        else input.OrganizationEnabled = d.wanted as boolean;
      }
      await step.run(`UpdateEventDataStore: ${drift.map((d) => d.field).join(', ')}`, () =>
        client.send(new UpdateEventDataStoreCommand(input)),
      );
      const still = eventDataStoreDrift(await read(), baseline);
      if (still.length > 0) {
        return {
          outcome: 'failed',
          isLogging,
          restored: false,
          reason: `UpdateEventDataStore succeeded but the store still misses its baseline: ${still.map(describeDrift).join('; ')}`,
        };
      }
      restored = true;
    }
    const unpinned = Object.keys(event.requestParameters).filter(
      (k) => k !== 'eventDataStore' && !((PINNED as readonly string[]).includes(k) && baseline[k as (typeof PINNED)[number]] !== undefined),
    );
    const done = restored ? `restored ${drift.map(describeDrift).join('; ')}` : '';
    if (unpinned.length > 0) {
      return {
        outcome: 'alert-only',
        isLogging,
        restored,
        reason: `${done ? `${done}; but the` : 'the'} call changed settings the baseline does not pin: ${unpinned.join(', ')}; reported, not restored`,
      };
    }
    return restored
      ? {
          outcome: 'restored',
          isLogging,
          restored: true,
          reason: `event data store settings restored to the baseline and verified: ${done}`,
        }
      : { outcome: 'already-compliant', isLogging, restored: null, reason: 'the event data store still meets its baseline' };
  },
};

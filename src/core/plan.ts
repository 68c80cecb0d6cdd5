// The plan: a pure diff of desired resources against what the readers observed, each change with its reason.
import { TAGGED_KINDS, type Resource, type ResourceKind } from './desired-state.js';

export type Observed =
  | { exists: false }
  | {
      exists: true;
      /** Carries trailguard:managed=true (or, for untaggable kinds, bears a TrailGuard name). */
      managed: boolean;
      fields: Record<string, unknown>;
      /** Provider ids the writers need (queue URL, mapping UUID, target ids to remove...). */
      ids?: Record<string, string>;
    };

export type ChangeAction = 'create' | 'update' | 'delete' | 'conflict';

export interface Change {
  key: string;
  account: string;
  region: string;
  kind: ResourceKind;
  name: string;
  action: ChangeAction;
  /** `create`, `update: targets, eventPattern`, `delete: no longer desired`, `conflict: not managed by TrailGuard`. */
  reason: string;
  fields: string[];
}

/** An owned resource that exists but is no longer desired (a bus statement for a removed member). */
export interface Extraneous {
  key: string;
  account: string;
  region: string;
  kind: ResourceKind;
  name: string;
  /** Set on a statement TrailGuard did not write (a foreign Sid on its own bus): reported as a conflict, never deleted. */
  foreign?: string;
}

/** JSON with sorted object keys: equal values give equal strings whatever the key order. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const inlinePolicyField = (name: string) => `inline policy ${name}`;

/** The fields of a resource that apply compares and converges, in the shape readers report them. */
export function desiredFields(resource: Resource): Record<string, unknown> {
  switch (resource.kind) {
    case 'iam-role':
      return { permissionsBoundary: resource.permissionsBoundary, trustPolicy: resource.trust, [inlinePolicyField(resource.policyName)]: resource.policy, otherPolicies: [] };
    case 'event-bus':
      return {};
    case 'bus-permission':
      // Semantic, not textual: EventBridge and emulators store the same grant in different shapes.
      return { grant: { principal: resource.principal, organizationId: resource.organizationId ?? null } };
    case 'event-rule':
      return { eventPattern: resource.pattern, state: 'ENABLED', targets: [...resource.targets].sort((a, b) => a.Id.localeCompare(b.Id)) };
    case 'sqs-queue':
      return Object.fromEntries(
        Object.entries(resource.attributes).map(([k, v]) => [k, k === 'Policy' || k === 'RedrivePolicy' ? JSON.parse(v) : v]),
      );
    case 'sns-topic':
      // Nobody outside the central account may publish alerts (apply cannot reset the policy: it stays drift and fails).
      return { httpsSubscription: resource.httpsEndpoint, signatureVersion: resource.signatureVersion, publishers: [] };
    case 'lambda-function':
      return {
        role: resource.roleArn,
        runtime: resource.runtime,
        handler: resource.handler,
        timeout: resource.timeout,
        memorySize: resource.memorySize,
        environment: resource.environment,
        code: resource.codeSha256,
        onFailure: resource.onFailureArn,
        throttled: false,
        layers: [],
        vpcSubnets: [],
      };
    case 'lambda-permission':
      return { principal: 'events.amazonaws.com', action: 'lambda:InvokeFunction', sourceArn: resource.sourceArn };
    case 'event-source-mapping':
      return { batchSize: resource.batchSize, functionResponseTypes: ['ReportBatchItemFailures'], enabled: true, filterCriteria: null };
    case 'iam-boundary':
      return { document: resource.document };
  }
}

function identity(r: Resource | Extraneous) {
  return { key: r.key, account: r.account, region: r.region, kind: r.kind, name: r.name };
}

/** Compares desired resources with observations; a resource that was not observed at all is left out (its account failed). */
export function planChanges(desired: Resource[], observed: ReadonlyMap<string, Observed>, extraneous: Extraneous[] = []): Change[] {
  const changes: Change[] = [];
  for (const resource of desired) {
    const seen = observed.get(resource.key);
    if (!seen) continue;
    if (!seen.exists) {
      changes.push({ ...identity(resource), action: 'create', reason: 'create', fields: [] });
      continue;
    }
    if (TAGGED_KINDS.includes(resource.kind) && !seen.managed) {
      changes.push({ ...identity(resource), action: 'conflict', reason: 'conflict: not managed by TrailGuard', fields: [] });
      continue;
    }
    const wanted = desiredFields(resource);
    const differing = Object.keys(wanted).filter((field) => canonical(wanted[field]) !== canonical(seen.fields[field]));
    if (differing.length > 0) {
      const who = resource.kind === 'iam-boundary' ? '; an administrator updates it (trailguard iam boundary)' : '';
      changes.push({ ...identity(resource), action: 'update', reason: `update: ${differing.join(', ')}${who}`, fields: differing });
    }
  }
  for (const extra of extraneous) {
    if (extra.foreign) {
      changes.push({ ...identity(extra), action: 'conflict', reason: `conflict: not written by TrailGuard (${extra.foreign})`, fields: [] });
      continue;
    }
    changes.push({ ...identity(extra), action: 'delete', reason: 'delete: no longer desired', fields: [] });
  }
  return changes;
}

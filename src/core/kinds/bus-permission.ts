// One statement of the central bus's policy letting a member (or the Organization) call events:PutEvents.
import { partitionOf } from '../arn.js';
import { DesiredStateError, type KindSpec, type ResourceBase } from './kind.js';

export interface BusPermissionResource extends ResourceBase {
  kind: 'bus-permission';
  bus: string;
  /** A member account id, or `*` with `organizationId`. */
  principal: string;
  organizationId?: string;
}

/** Bytes EventBridge allows for an event bus's permission policy (PutPermission reference: 10 KB). */
export const BUS_POLICY_LIMIT = 10_240;

/** Canonical bus-policy statement for a principal, as EventBridge stores it. */
export function busStatement(resource: BusPermissionResource, busArn: string): Record<string, unknown> {
  const p = busArn.split(':')[1];
  return {
    Sid: resource.name,
    Effect: 'Allow',
    Principal: resource.principal === '*' ? '*' : { AWS: `arn:${p}:iam::${resource.principal}:root` },
    Action: 'events:PutEvents',
    Resource: busArn,
    ...(resource.organizationId ? { Condition: { StringEquals: { 'aws:PrincipalOrgID': resource.organizationId } } } : {}),
  };
}

export const busPermission: KindSpec<BusPermissionResource> = {
  kind: 'bus-permission',
  // A policy statement has no tags: TrailGuard's are those whose Sid starts with `trailguard-`.
  tagged: false,
  describeConflict: (c) =>
    `statement ${c.name} of TrailGuard's bus policy ${c.reason.replace(/^conflict: /, '')}: whoever it admits can put forged events on the central bus; TrailGuard never changes it, remove it`,
  // Every grant is a statement of one policy per bus: together they must fit EventBridge's limit.
  check(grants) {
    const byBus = new Map<string, Record<string, unknown>[]>();
    for (const g of grants) {
      const busArn = `arn:${partitionOf(g.region)}:events:${g.region}:${g.account}:event-bus/${g.bus}`;
      byBus.set(busArn, [...(byBus.get(busArn) ?? []), busStatement(g, busArn)]);
    }
    for (const statements of byBus.values()) {
      const size = Buffer.byteLength(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
      if (size <= BUS_POLICY_LIMIT) continue;
      throw new DesiredStateError(
        `the central bus policy would be ${size} bytes for ${statements.length} member accounts, over EventBridge's ${BUS_POLICY_LIMIT}-byte limit: ` +
          'set organizationId in trailguard.yml so that one aws:PrincipalOrgID statement covers every member',
      );
    }
  },
  // Semantic, not textual: EventBridge and emulators store the same grant in different shapes.
  desiredFields: (r) => ({ grant: { principal: r.principal, organizationId: r.organizationId ?? null } }),
};

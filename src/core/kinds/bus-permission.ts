// One statement of the central bus's policy letting a member (or the Organization) call events:PutEvents.
import type { KindSpec, ResourceBase } from './kind.js';

export interface BusPermissionResource extends ResourceBase {
  kind: 'bus-permission';
  bus: string;
  /** A member account id, or `*` with `organizationId`. */
  principal: string;
  organizationId?: string;
}

export const busPermission: KindSpec<BusPermissionResource> = {
  kind: 'bus-permission',
  // A policy statement has no tags: TrailGuard's are those whose Sid starts with `trailguard-`.
  tagged: false,
  // Semantic, not textual: EventBridge and emulators store the same grant in different shapes.
  desiredFields: (r) => ({ grant: { principal: r.principal, organizationId: r.organizationId ?? null } }),
};

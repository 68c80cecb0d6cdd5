// One statement of the central bus's policy letting the members' forwarder roles (or the Organization's) call events:PutEvents.
import { partitionOf } from '../arn.js';
import { NAMES } from '../names.js';
import { DesiredStateError, type KindSpec, type ResourceBase } from './kind.js';

export interface BusPermissionResource extends ResourceBase {
  kind: 'bus-permission';
  bus: string;
  /**
   * The member account ids whose `trailguard-forwarder` role the statement admits (one id or a list), or `*` with
   * `organizationId`: the forwarder role of any account of the Organization.
   */
  principal: string | readonly string[];
  organizationId?: string;
}

/** Bytes EventBridge allows for an event bus's permission policy (PutPermission reference: 10 KB). */
export const BUS_POLICY_LIMIT = 10_240;

/**
 * `arn:<partition>:iam::<account>:role/trailguard-forwarder`: the role the member rules assume to put events on the
 * central bus (`*` for any account). Only it is admitted: its trust admits events.amazonaws.com alone, so no principal
 * of a member can put a forged canary or tamper record on the bus itself.
 */
export function forwarderRoleArn(partition: string, account: string): string {
  return `arn:${partition}:iam::${account}:role/${NAMES.forwarderRole}`;
}

/** The member account ids of a grant, sorted (empty for the Organization's `*`). */
export function grantAccounts(resource: Pick<BusPermissionResource, 'principal'>): string[] {
  return resource.principal === '*' ? [] : [resource.principal].flat().sort();
}

/**
 * Canonical bus-policy statement of a grant, as TrailGuard writes it (EventBridge PutPermission with `Policy`). Members:
 * `Principal.AWS` names each member account (its root: an account principal always exists, while a role principal
 * must exist when the policy is written and becomes an internal id if the role is recreated); the Organization:
 * `Principal: *` with `aws:PrincipalOrgID`. Both carry an `ArnLike` on `aws:PrincipalArn` (IAM global condition key; a
 * forwarded event is put by the forwarder role's session, whose `aws:PrincipalArn` is the role's ARN), so only
 * `trailguard-forwarder` may put events, never another principal of a member.
 */
export function busStatement(resource: BusPermissionResource, busArn: string): Record<string, unknown> {
  const p = busArn.split(':')[1]!;
  const roots = grantAccounts(resource).map((account) => `arn:${p}:iam::${account}:root`);
  const principal = resource.principal === '*' ? '*' : { AWS: roots.length === 1 ? roots[0] : roots };
  const condition = {
    ...(resource.principal === '*' && resource.organizationId ? { StringEquals: { 'aws:PrincipalOrgID': resource.organizationId } } : {}),
    ArnLike: { 'aws:PrincipalArn': forwarderRoleArn(p, '*') },
  };
  return { Sid: resource.name, Effect: 'Allow', Principal: principal, Action: 'events:PutEvents', Resource: busArn, Condition: condition };
}

export const busPermission: KindSpec<BusPermissionResource> = {
  kind: 'bus-permission',
  // A policy statement has no tags: TrailGuard's are those whose Sid starts with `trailguard-`.
  tagged: false,
  describeConflict: (c) =>
    `statement ${c.name} of TrailGuard's bus policy ${c.reason.replace(/^conflict: /, '')}: whoever it admits can put forged events on the central bus; TrailGuard never changes it, remove it`,
  // Every grant is a statement of one policy per bus: together they must fit EventBridge's limit.
  check(grants) {
    const byBus = new Map<string, { statements: Record<string, unknown>[]; members: number }>();
    for (const g of grants) {
      const busArn = `arn:${partitionOf(g.region)}:events:${g.region}:${g.account}:event-bus/${g.bus}`;
      const seen = byBus.get(busArn) ?? { statements: [], members: 0 };
      seen.statements.push(busStatement(g, busArn));
      seen.members += grantAccounts(g).length;
      byBus.set(busArn, seen);
    }
    for (const { statements, members } of byBus.values()) {
      const size = Buffer.byteLength(JSON.stringify({ Version: '2012-10-17', Statement: statements }));
      if (size <= BUS_POLICY_LIMIT) continue;
      throw new DesiredStateError(
        `the central bus policy would be ${size} bytes for ${members} member accounts, over EventBridge's ${BUS_POLICY_LIMIT}-byte limit: ` +
          'set organizationId in trailguard.yml so that one aws:PrincipalOrgID statement covers every member',
      );
    }
  },
  // Semantic, not textual: EventBridge and emulators store the same grant in different shapes.
  desiredFields: (r) => {
    const p = partitionOf(r.region);
    return {
      grant: {
        principal: r.principal === '*' ? '*' : grantAccounts(r).join(','),
        organizationId: r.organizationId ?? null,
        principalArn: forwarderRoleArn(p, '*'),
      },
    };
  },
};

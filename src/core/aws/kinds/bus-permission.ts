// A bus grant, AWS half: the statement with its Sid in the bus policy, written with PutPermission's `Policy` (the only
// form that can name a role as principal or add a condition other than aws:PrincipalOrgID).
import { DescribeEventBusCommand, EventBridgeClient, PutPermissionCommand, RemovePermissionCommand } from '@aws-sdk/client-eventbridge';
import { busStatement, type BusPermissionResource } from '../../kinds/bus-permission.js';
import { NAMES } from '../../names.js';
import type { Statement } from './common.js';
import type { KindIo } from './kind.js';

/**
 * `{ principal, organizationId, principalArn }` of an EventBridge grant, whatever shape the service stored it in:
 * `principal` is `*` or every principal ARN, sorted and comma-joined (an account's root as its bare id);
 * `principalArn` the `ArnLike`/`ArnEquals` pattern on `aws:PrincipalArn`, or null.
 */
export function grantOf(statement: Statement): { principal: string; organizationId: string | null; principalArn: string | null } {
  const raw = statement.Principal;
  const aws = typeof raw === 'string' ? raw : ((raw as { AWS?: unknown } | undefined)?.AWS ?? '');
  // Every principal counts: a list that admits the member and someone else is not the member's grant.
  const principal = (Array.isArray(aws) ? aws : [aws])
    .map((p) => String(p))
    .map((text) => /^arn:[\w-]+:iam::(\d{12}|\*):root$/.exec(text)?.[1] ?? text)
    .sort()
    .join(',');
  const org = statement.Condition?.StringEquals?.['aws:PrincipalOrgID'];
  const arn = statement.Condition?.ArnLike?.['aws:PrincipalArn'] ?? statement.Condition?.ArnEquals?.['aws:PrincipalArn'];
  return {
    principal,
    organizationId: typeof org === 'string' ? org : null,
    principalArn: typeof arn === 'string' ? arn : null,
  };
}

export const busPermissionIo: KindIo<BusPermissionResource> = {
  actions: {
    read: ['events:DescribeEventBus'],
    // The policy is written whole: the other statements are read first and kept as they are.
    write: ['events:DescribeEventBus', 'events:PutPermission', 'events:RemovePermission'],
  },

  async read(resource, { bus }) {
    const statement = (await bus(resource.bus))?.statements.find((s) => s.Sid === resource.name);
    if (!statement) return { exists: false };
    return { exists: true, managed: true, fields: { grant: grantOf(statement) } };
  },

  async apply(resource, { accounts, account, region }) {
    const events = await accounts.client(EventBridgeClient, account, region);
    const bus = await events.send(new DescribeEventBusCommand({ Name: resource.bus }));
    const current = bus.Policy ? (JSON.parse(bus.Policy) as { Statement?: Statement[] }) : {};
    // PutPermission with Policy replaces the whole policy: every other statement (a foreign one is a reported
    // conflict, never removed by TrailGuard) goes back unchanged, and this one is replaced in place, with no window
    // in which the members' forwarded events are refused.
    const others = (current.Statement ?? []).filter((s) => s.Sid !== resource.name);
    await events.send(
      new PutPermissionCommand({
        EventBusName: resource.bus,
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [...others, busStatement(resource, bus.Arn!)] }),
      }),
    );
  },

  // The only kind TrailGuard deletes: a grant no longer desired (the per-member statements of earlier versions).
  async remove(change, { accounts, account, region }) {
    const events = await accounts.client(EventBridgeClient, account, region);
    await events.send(new RemovePermissionCommand({ EventBusName: NAMES.bus, StatementId: change.name }));
  },
};

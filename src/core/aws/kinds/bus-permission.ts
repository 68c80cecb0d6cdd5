// A bus grant, AWS half: the statement with its Sid in the bus policy; PutPermission (after RemovePermission on an update).
import { EventBridgeClient, PutPermissionCommand, RemovePermissionCommand } from '@aws-sdk/client-eventbridge';
import type { BusPermissionResource } from '../../kinds/bus-permission.js';
import { NAMES } from '../../names.js';
import type { Statement } from './common.js';
import type { KindIo } from './kind.js';

/** `{ principal, organizationId }` of an EventBridge grant, whatever shape the service stored it in. */
export function grantOf(statement: Statement): { principal: string; organizationId: string | null } {
  const raw = statement.Principal;
  const aws = typeof raw === 'string' ? raw : ((raw as { AWS?: unknown } | undefined)?.AWS ?? '');
  // Every principal counts: a list that admits the member and someone else is not the member's grant.
  const account = (Array.isArray(aws) ? aws : [aws])
    .map((p) => String(p))
    .map((text) => /^arn:[\w-]+:iam::(\d{12}|\*):root$/.exec(text)?.[1] ?? text)
    .sort()
    .join(',');
  const org = statement.Condition?.StringEquals?.['aws:PrincipalOrgID'];
  return { principal: account, organizationId: typeof org === 'string' ? org : null };
}

export const busPermissionIo: KindIo<BusPermissionResource> = {
  actions: { read: ['events:DescribeEventBus'], write: ['events:PutPermission', 'events:RemovePermission'] },

  async read(resource, { bus }) {
    const statement = (await bus(resource.bus))?.statements.find((s) => s.Sid === resource.name);
    if (!statement) return { exists: false };
    return { exists: true, managed: true, fields: { grant: grantOf(statement) } };
  },

  async apply(resource, { accounts, account, region, create }) {
    const events = await accounts.client(EventBridgeClient, account, region);
    if (!create) await events.send(new RemovePermissionCommand({ EventBusName: resource.bus, StatementId: resource.name }));
    await events.send(
      new PutPermissionCommand({
        EventBusName: resource.bus,
        Action: 'events:PutEvents',
        Principal: resource.principal,
        StatementId: resource.name,
        ...(resource.organizationId
          ? { Condition: { Type: 'StringEquals', Key: 'aws:PrincipalOrgID', Value: resource.organizationId } }
          : {}),
      }),
    );
  },

  // The only kind TrailGuard deletes: a grant for a member removed from the config.
  async remove(change, { accounts, account, region }) {
    const events = await accounts.client(EventBridgeClient, account, region);
    await events.send(new RemovePermissionCommand({ EventBusName: NAMES.bus, StatementId: change.name }));
  },
};

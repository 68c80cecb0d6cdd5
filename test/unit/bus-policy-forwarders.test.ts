// The central bus policy admits only the members' trailguard-forwarder roles: any other principal of a member (or of
// the Organization) that could put events on the bus could forge canaries and tamper records.
import { DescribeEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Accounts } from '#core/aws/accounts.js';
import { StateReader } from '#core/aws/readers.js';
import { validateConfig } from '#core/config.js';
import { BUS_POLICY_LIMIT, busStatement, centralArns, desiredState } from '#core/desired-state.js';
import { planChanges } from '#core/plan.js';

const CENTRAL = '111111111111';
const events = mockClient(EventBridgeClient);
const accounts = { client: async <C>(Client: new (o: { region: string }) => C, _a: string, region: string) => new Client({ region }) };

function config(members: string[], extra: Record<string, unknown> = {}) {
  return validateConfig({
    version: 1,
    central: { account: CENTRAL, region: 'us-east-1' },
    members: { accounts: members.map((id) => ({ id })), regions: ['us-east-1'] },
    ...extra,
  });
}
const grantsOf = (members: string[], extra: Record<string, unknown> = {}) =>
  desiredState(config(members, extra), { members, codeSha256: 'sha' }).filter((r) => r.kind === 'bus-permission');
const BUS = `arn:aws:events:us-east-1:${CENTRAL}:event-bus/trailguard`;

beforeEach(() => events.reset());

describe('central bus policy', () => {
  it('admits each member only through its forwarder role (the account AND aws:PrincipalArn)', () => {
    const statements = grantsOf(['222222222222', '333333333333']).map((g) => busStatement(g, BUS));

    expect(statements).toHaveLength(1);
    const principals = statements.flatMap((s) => [(s.Principal as { AWS: string | string[] }).AWS].flat());
    // Account principals, not role ARNs: a role principal must exist when the policy is written (a first apply writes
    // the central bus before the members' roles) and turns into an internal id when the role is recreated.
    expect(principals.sort()).toEqual(['arn:aws:iam::222222222222:root', 'arn:aws:iam::333333333333:root']);
    expect(statements[0]!.Condition).toEqual({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/trailguard-forwarder' } });
  });

  it('with organizationId, admits the Organization only through a forwarder role (aws:PrincipalOrgID AND aws:PrincipalArn)', () => {
    const [grant, ...rest] = grantsOf(['222222222222'], { organizationId: 'o-abc123def4' });

    expect(rest).toEqual([]);
    expect(busStatement(grant!, BUS)).toMatchObject({
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: BUS,
      Condition: {
        StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' },
        ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/trailguard-forwarder' },
      },
    });
  });

  it('uses the partition of the central region', () => {
    const c = validateConfig({
      version: 1,
      central: { account: CENTRAL, region: 'cn-north-1' },
      members: { accounts: [{ id: '222222222222' }], regions: ['cn-north-1'] },
    });
    const [grant] = desiredState(c, { members: ['222222222222'], codeSha256: 'sha' }).filter((r) => r.kind === 'bus-permission');

    expect(JSON.stringify(busStatement(grant!, centralArns(c).bus))).toContain(
      '"aws:PrincipalArn":"arn:aws-cn:iam::*:role/trailguard-forwarder"',
    );
  });

  it("stays under EventBridge's 10 KB policy limit at 50 members", () => {
    const members = Array.from({ length: 50 }, (_, i) => String(400000000000 + i));
    const statements = grantsOf(members).map((g) => busStatement(g, BUS));

    expect(Buffer.byteLength(JSON.stringify({ Version: '2012-10-17', Statement: statements }))).toBeLessThan(BUS_POLICY_LIMIT);
  });

  it.each([
    ['a member root (the policy before forwarder roles)', [{ AWS: 'arn:aws:iam::222222222222:root' }], undefined],
    ['the Organization without aws:PrincipalArn', ['*'], { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } }],
  ])('a TrailGuard statement admitting %s is drift', async (_label, [principal], condition) => {
    const org = condition ? { organizationId: 'o-abc123def4' } : {};
    const [grant] = grantsOf(['222222222222'], org);
    events.on(DescribeEventBusCommand).resolves({
      Name: 'trailguard',
      Arn: BUS,
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: grant!.name,
            Effect: 'Allow',
            Principal: principal,
            Action: 'events:PutEvents',
            Resource: BUS,
            ...(condition ? { Condition: condition } : {}),
          },
        ],
      }),
    });
    const reader = new StateReader(accounts as unknown as Accounts, 'us-east-1');

    const changes = planChanges([grant!], new Map([[grant!.key, await reader.read(grant!)]]));

    expect(changes).toEqual([expect.objectContaining({ key: grant!.key, action: 'update' })]);
  });

  it('the statement apply writes reads back as no drift', async () => {
    for (const org of [{}, { organizationId: 'o-abc123def4' }]) {
      const [grant] = grantsOf(['222222222222', '333333333333'], org);
      events.reset();
      events.on(DescribeEventBusCommand).resolves({
        Name: 'trailguard',
        Arn: BUS,
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [busStatement(grant!, BUS)] }),
      });
      const reader = new StateReader(accounts as unknown as Accounts, 'us-east-1');

      expect(planChanges([grant!], new Map([[grant!.key, await reader.read(grant!)]]))).toEqual([]);
    }
  });
});

describe('central bus policy size', () => {
  it('refuses, before any AWS call, a members statement over 10 KB, asking for organizationId', async () => {
    const { KINDS } = await import('#core/kinds/index.js');
    const [grant] = grantsOf(['222222222222']);
    const many = Array.from({ length: 400 }, (_, i) => String(400000000000 + i));

    expect(() => KINDS['bus-permission'].check!([{ ...grant!, principal: many }] as never)).toThrow(
      /for 400 member accounts, over EventBridge's 10240-byte limit: set organizationId/,
    );
  });
});

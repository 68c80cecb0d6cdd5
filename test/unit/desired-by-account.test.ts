// The desired state one account at a time (what a run over many accounts works through): the same resources as the
// whole, the same refusals up front, and nothing of a member built before that member is asked for.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';
import { DesiredStateError, desiredState, desiredStateByAccount, type Resource } from '#core/desired-state.js';

const central = '111111111111';
const members = ['222222222222', '333333333333', '444444444444'];
const config = (extra: object = {}, ids = members) =>
  validateConfig({
    version: 1,
    central: { account: central, region: 'us-east-1' },
    members: { accounts: ids.map((id) => ({ id })), regions: ['us-east-1', 'eu-west-1'] },
    ...extra,
  });
const ctx = (ids = members) => ({ members: ids, codeSha256: 'sha' });

function grouped(resources: Resource[]): Map<string, Resource[]> {
  const out = new Map<string, Resource[]>();
  for (const r of resources) out.set(r.account, [...(out.get(r.account) ?? []), r]);
  return out;
}

describe('desiredStateByAccount', () => {
  it.each([
    ['members only', config(), members],
    ['the central account is also a member', config({}, [central, ...members]), [central, ...members]],
    [
      'organizationId and a Slack reader role',
      config({ organizationId: 'o-abc123def4', slack: { channel: 'C0123456789', roleArn: `arn:aws:iam::${central}:role/slack` } }),
      members,
    ],
  ])('gives each account exactly its resources of desiredState, the central account first (%s)', (_name, c, ids) => {
    const whole = grouped(desiredState(c, ctx(ids)));

    const byAccount = desiredStateByAccount(c, ctx(ids));

    expect(byAccount.accounts).toEqual([...whole.keys()]);
    for (const [account, resources] of whole) {
      expect(byAccount.resourcesOf(account)).toEqual(resources);
      expect(byAccount.regionsOf(account)).toEqual([...new Set(resources.map((r) => r.region))]);
    }
  });

  it('refuses up front, like desiredState, per-account policies over AWS’s limits', () => {
    const many = Array.from({ length: 250 }, (_, i) => String(400000000000 + i));

    expect(() => desiredStateByAccount(config({}, many), ctx(many))).toThrow(DesiredStateError);
    const organization = { organizationId: 'o-abc123def4', members: { organization: true, regions: ['us-east-1'] } };
    expect(() => desiredStateByAccount(config(organization, many), ctx(many))).not.toThrow();
  });

  it('holds no member resource: a member asked twice is built twice, and the members share one list of regions', () => {
    const byAccount = desiredStateByAccount(config(), ctx());

    expect(byAccount.resourcesOf(members[0]!)).not.toBe(byAccount.resourcesOf(members[0]!));
    expect(byAccount.regionsOf(members[0]!)).toBe(byAccount.regionsOf(members[2]!));
  });
});

import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';
import { desiredState } from '#core/desired-state.js';
import { canonical, desiredFields, planChanges, type Observed } from '#core/plan.js';

const config = validateConfig({
  version: 1,
  central: { account: '111111111111', region: 'us-east-1' },
  members: { accounts: [{ id: '222222222222' }] },
});
const desired = desiredState(config, { members: ['222222222222'], codeSha256: 'abc' });
const inSync = (): Map<string, Observed> => new Map(desired.map((r) => [r.key, { exists: true, managed: true, fields: desiredFields(r) }]));

describe('planChanges', () => {
  it('plans nothing when everything matches', () => {
    expect(planChanges(desired, inSync())).toEqual([]);
  });

  it('plans a create for a missing resource', () => {
    const observed = inSync();
    observed.set('222222222222/us-east-1/event-rule/trailguard-forward', { exists: false });

    expect(planChanges(desired, observed).map((c) => `${c.key} ${c.reason}`)).toEqual([
      '222222222222/us-east-1/event-rule/trailguard-forward create',
    ]);
  });

  it('names every drifted field', () => {
    const observed = inSync();
    const key = '111111111111/us-east-1/lambda-function/trailguard-remediator';
    const current = observed.get(key) as Extract<Observed, { exists: true }>;
    observed.set(key, { ...current, fields: { ...current.fields, code: 'old', timeout: 3 } });

    expect(planChanges(desired, observed)).toEqual([
      expect.objectContaining({ key, action: 'update', reason: 'update: timeout, code', fields: ['timeout', 'code'] }),
    ]);
  });

  it('reports an untagged resource with our name as a conflict, never an update', () => {
    const observed = inSync();
    const key = '222222222222/global/iam-role/trailguard-forwarder';
    observed.set(key, { exists: true, managed: false, fields: {} });

    expect(planChanges(desired, observed)).toEqual([
      expect.objectContaining({ key, action: 'conflict', reason: 'conflict: not managed by TrailGuard' }),
    ]);
  });

  it('leaves out resources that could not be read, and deletes extraneous grants', () => {
    const observed = inSync();
    observed.delete('222222222222/global/iam-role/trailguard-forwarder');
    const extra = {
      key: '111111111111/us-east-1/bus-permission/trailguard-999999999999',
      account: '111111111111',
      region: 'us-east-1',
      kind: 'bus-permission' as const,
      name: 'trailguard-999999999999',
    };

    expect(planChanges(desired, observed, [extra]).map((c) => `${c.name} ${c.reason}`)).toEqual([
      'trailguard-999999999999 delete: no longer desired',
    ]);
  });
});

describe('canonical', () => {
  it('ignores key order and undefined values, not array order', () => {
    expect(canonical({ b: 1, a: { d: [1, 2], c: undefined } })).toBe(canonical({ a: { d: [1, 2] }, b: 1 }));
    expect(canonical([1, 2])).not.toBe(canonical([2, 1]));
  });
});

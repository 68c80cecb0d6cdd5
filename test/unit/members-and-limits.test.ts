import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import pLimit from 'p-limit';
import { validateConfig } from '#core/config.js';
import { resolveMembers } from '#core/aws/discovery.js';

describe('resolveMembers', () => {
  it('takes every ACTIVE account of the organization over all pages, minus exclude', async () => {
    mockClient(STSClient).on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
    const org = mockClient(OrganizationsClient);
    org
      .on(ListAccountsCommand, { NextToken: undefined })
      .resolves({
        Accounts: [
          { Id: '111111111111', Name: 'security', Status: 'ACTIVE' },
          { Id: '222222222222', Name: 'payments', Status: 'ACTIVE' },
        ],
        NextToken: 'p2',
      })
      .on(ListAccountsCommand, { NextToken: 'p2' })
      .resolves({
        Accounts: [
          { Id: '333333333333', Name: 'closing', Status: 'SUSPENDED' },
          { Id: '444444444444', Name: 'sandbox', Status: 'ACTIVE' },
        ],
      });
    const config = validateConfig({
      version: 1,
      central: { account: '111111111111', region: 'us-east-1' },
      members: { organization: true, exclude: ['444444444444'] },
    });

    const members = await resolveMembers(
      config,
      new Accounts({ region: 'us-east-1', roleName: 'r', sessionName: 's', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
    );

    expect(members.ids).toEqual(['111111111111', '222222222222']);
    expect(members.names.get('222222222222')).toBe('payments');
    expect(org.commandCalls(ListAccountsCommand)).toHaveLength(2);
  });
});

describe('concurrency', () => {
  it('never has more than the limit in flight, and keeps result order', async () => {
    const limit = pLimit(3);
    let active = 0;
    let peak = 0;
    const task = (i: number) =>
      limit(async () => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 2));
        active -= 1;
        return i;
      });

    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => task(i)));

    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('with limit 1 never runs two at once, whichever microtask a new caller arrives in', async () => {
    // A task ends and hands its slot to a waiting one; a caller arriving before the waiter resumes must still wait.
    const peaks: number[] = [];
    for (let delay = 0; delay <= 8; delay += 1) {
      const limit = pLimit(1);
      let active = 0;
      let peak = 0;
      const task = (until: Promise<void>) => async () => {
        active += 1;
        peak = Math.max(peak, active);
        await until;
        active -= 1;
      };
      let release!: () => void;
      const first = limit(task(new Promise<void>((r) => (release = r))));
      const waiting = limit(task(Promise.resolve()));
      release();
      let caller: Promise<void> = Promise.resolve();
      for (let i = 0; i < delay; i += 1) caller = caller.then(() => undefined);
      const late = caller.then(() => limit(task(Promise.resolve())));

      await Promise.all([first, waiting, late]);
      peaks.push(peak);
    }

    expect(peaks).toEqual(Array(9).fill(1));
  });
});

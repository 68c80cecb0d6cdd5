import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';
import { MemberDirectory, type Members } from '../../slack-app/members.js';
import { recordingLog } from '../support/recording-log.js';

const orgConfig = validateConfig({
  version: 1,
  central: { account: '111111111111', region: 'us-east-1' },
  members: { organization: true },
});
const listConfig = validateConfig({
  version: 1,
  central: { account: '111111111111', region: 'us-east-1' },
  members: { accounts: [{ id: '222222222222' }] },
});
const members = (...ids: string[]): Members => ({ ids, names: new Map() });

describe('MemberDirectory', () => {
  it('lists the Organization once per TTL, one listing at a time', async () => {
    let now = 0;
    const answers = [members('222222222222'), members('222222222222', '333333333333')];
    let loads = 0;
    const directory = new MemberDirectory({
      config: orgConfig,
      load: async () => answers[loads++]!,
      log: recordingLog(),
      ttlMs: 1000,
      now: () => now,
    });

    const concurrent = await Promise.all([directory.isMember('333333333333'), directory.isMember('222222222222')]);
    now = 999;
    const cached = await directory.isMember('333333333333');
    now = 1000;
    const refreshed = await directory.isMember('333333333333');

    expect(concurrent).toEqual([false, true]);
    expect(cached).toBe(false);
    expect(refreshed).toBe(true);
    expect(loads).toBe(2);
  });

  it('keeps the last list when a refresh fails (logged), and throws when it never had one', async () => {
    let now = 0;
    let fail = false;
    const log = recordingLog();
    const directory = new MemberDirectory({
      config: orgConfig,
      load: async () => (fail ? Promise.reject(new Error('AccessDeniedException: ListAccounts')) : members('222222222222')),
      log,
      ttlMs: 1000,
      now: () => now,
    });
    const never = new MemberDirectory({
      config: orgConfig,
      load: async () => Promise.reject(new Error('AccessDeniedException: ListAccounts')),
      log: recordingLog(),
    });

    await directory.resolve();
    fail = true;
    now = 5000;

    expect(await directory.isMember('222222222222')).toBe(true);
    expect(log.lines.map((l) => l.message)).toEqual(['organization accounts not listed; using the last list']);
    await expect(never.isMember('222222222222')).rejects.toThrow('AccessDeniedException');
  });

  it('without members.organization reads the config every time (no AWS, nothing to go stale)', async () => {
    let loads = 0;
    const directory = new MemberDirectory({
      config: listConfig,
      load: async () => {
        loads++;
        return members('222222222222');
      },
      log: recordingLog(),
    });

    await directory.isMember('222222222222');
    await directory.isMember('222222222222');

    expect(loads).toBe(2);
  });
});

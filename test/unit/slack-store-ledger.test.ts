// The replay ledger kept in the Slack app's SQLite store: one entry per signature for its window, shared by every connection to the file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../slack-app/store/sqlite.js';

const open: SqliteStore[] = [];
const store = (file: string) => {
  const s = new SqliteStore(file);
  open.push(s);
  return s;
};

afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe('SqliteStore.rememberRequest (the replay ledger)', () => {
  it('refuses a signature a second connection to the same file already remembered', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tg-ledger-')), 'trailguard.db');
    const [a, b] = [store(file), store(file)];
    const now = new Date('2026-11-29T12:00:00Z');
    const until = new Date(now.getTime() + 6 * 60_000);

    expect(await a.rememberRequest('v0=abc', until, now)).toBe(true);
    expect(await b.rememberRequest('v0=abc', until, now)).toBe(false);
    expect(await a.rememberRequest('v0=abc', until, now)).toBe(false);
    expect(await b.rememberRequest('v0=other', until, now)).toBe(true);
  });

  it('forgets a signature once its window has passed, so the file does not grow for ever', async () => {
    const s = store(':memory:');
    const now = new Date('2026-11-29T12:00:00Z');
    const until = new Date(now.getTime() + 6 * 60_000);
    await s.rememberRequest('v0=abc', until, now);

    expect(await s.rememberRequest('v0=abc', until, new Date(until.getTime() - 1))).toBe(false);
    expect(await s.rememberRequest('v0=abc', new Date(until.getTime() + 6 * 60_000), until)).toBe(true);
  });
});

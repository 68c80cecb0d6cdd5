// Review (r13): first-day environment of the Slack app server. Blank variables (a `.env` line `PORT=` or
// `TRAILGUARD_DB=`) and numbers that are not plain port numbers.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSettings } from '../../slack-app/settings.js';

function load(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'tg-r13-env-'));
  writeFileSync(
    join(dir, 'trailguard.yml'),
    'version: 1\ncentral: { account: "639000000300", region: us-east-1 }\nmembers: { accounts: [ { id: "639000000301" } ] }\nslack: { channel: C0SECURITY1 }\n',
  );
  return loadSettings({ SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 's', TRAILGUARD_CONFIG: join(dir, 'trailguard.yml'), ...env });
}

describe('review (r13): blank and odd Slack app settings', () => {
  // `PORT=` was Number('') = 0: the server listened on a random port that no proxy, load balancer or Slack request
  // reaches, and logged it as if all was well. Blank now means the default, as HOST= does.
  it('a blank PORT is the default 3000, not a random port', () => {
    expect(load({ PORT: '' }).port).toBe(3000);
  });

  // Number() also took `0x50` (80), `1e3` (1000) and `  ` (0): a port other than the one written.
  it('a PORT that is not a plain number is refused, naming PORT', () => {
    for (const value of ['0x50', '1e3', '80.0', ' ']) expect(() => load({ PORT: value }), value).toThrow(/PORT/);
  });

  // `TRAILGUARD_DB=` was taken as the path '': SQLite then opens a private temporary database that is deleted when
  // the app stops, so pending alerts, acknowledgements and the exactly-once marks are lost on every restart.
  it('a blank TRAILGUARD_DB is the default ./trailguard.db, not a temporary database', () => {
    expect(load({ TRAILGUARD_DB: '' }).dbPath).toBe('./trailguard.db');
  });
});

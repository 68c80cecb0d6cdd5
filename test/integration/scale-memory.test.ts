// A run holds a few accounts at a time, not the organization: each account's SDK clients and role credentials are let
// go when the account is done, without a second AssumeRole, and the report is the same (issue 10 item 10).
import { describe, expect, inject, it } from 'vitest';
import pLimit from 'p-limit';
import { Accounts } from '#core/aws/accounts.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { validateConfig } from '#core/config.js';
import type { Mode } from '#core/pipeline.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { CENTRAL_CREDENTIALS } from '../support/aws.js';

const code = loadRemediatorCode();
const AT_ONCE = 2;

/** Runs `mode` for `central` and its members, recording the most accounts ever held at once and every AssumeRole. */
async function run(mode: Mode, central: string, members: string[], regions: string[] | 'auto') {
  const seen = { mostHeld: 0, mostWithCredentials: 0, assumeRoles: 0 };
  const accounts: Accounts = new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 'trailguard-test',
    credentials: CENTRAL_CREDENTIALS,
    endpoint: inject('motoEndpoint'),
    limit: pLimit(8),
    onCall: (_client, command) => {
      if (command === 'AssumeRoleCommand') seen.assumeRoles += 1;
      seen.mostHeld = Math.max(seen.mostHeld, accounts.cachedAccounts().length);
      seen.mostWithCredentials = Math.max(seen.mostWithCredentials, accounts.roles.cachedAccounts().length);
    },
  });
  const config = validateConfig({
    version: 1,
    central: { account: central, region: 'us-east-1' },
    members: { accounts: members.map((id) => ({ id })), regions },
  });
  const report = await runPipeline({ config, mode, accounts, code, sleep: async () => undefined, accountsAtOnce: AT_ONCE });
  return { report, seen, left: { clients: accounts.cachedAccounts(), credentials: accounts.roles.cachedAccounts() } };
}

describe('memory of a run over many accounts', () => {
  const central = '720000000000';
  const members = Array.from({ length: 8 }, (_, i) => String(720000000001 + i));

  it('apply and then plan hold at most accountsAtOnce accounts, let every one go, and assume each role once', async () => {
    const applied = await run('apply', central, members, ['us-east-1', 'eu-west-1']);

    expect(applied.report.errors).toEqual([]);
    expect(applied.report.drift).toBe(false);
    expect(applied.report.rows.filter((r) => r.status === 'created').length).toBe(1 + 1 + members.length * 3);
    expect(applied.seen.mostHeld).toBeLessThanOrEqual(AT_ONCE);
    expect(applied.seen.mostWithCredentials).toBeLessThanOrEqual(AT_ONCE);
    expect(applied.left).toEqual({ clients: [], credentials: [] });
    // Central and every member once: letting an account go never made its own later calls assume the role again.
    expect(applied.seen.assumeRoles).toBe(1 + members.length);

    const planned = await run('plan', central, members, ['us-east-1', 'eu-west-1']);

    expect(planned.report.changes).toEqual([]);
    expect(planned.report.drift).toBe(false);
    expect(planned.seen.mostHeld).toBeLessThanOrEqual(AT_ONCE);
    expect(planned.left).toEqual({ clients: [], credentials: [] });
    expect(planned.seen.assumeRoles).toBe(1 + members.length);
  });

  it('with regions: auto, discovery lets clients go but keeps credentials for the read that follows (one AssumeRole per account)', async () => {
    const autoCentral = '720000000100';
    const autoMembers = ['720000000101', '720000000102', '720000000103', '720000000104', '720000000105'];

    const planned = await run('plan', autoCentral, autoMembers, 'auto');

    expect(planned.report.regions).toEqual(['us-east-1']);
    expect(planned.report.rows.filter((r) => r.status === 'drift').length).toBe(1 + 1 + autoMembers.length * 2);
    expect(planned.seen.mostHeld).toBeLessThanOrEqual(AT_ONCE);
    expect(planned.left).toEqual({ clients: [], credentials: [] });
    expect(planned.seen.assumeRoles).toBe(1 + autoMembers.length);
  });
});

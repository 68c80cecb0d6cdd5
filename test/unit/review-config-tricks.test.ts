// Review r2: configs that pass validation but leave TrailGuard watching nothing (green while blind).
import { describe, expect, it } from 'vitest';
import { parseConfig, validateConfig } from '#core/config.js';
import { ConfigError } from '#core/errors.js';

const base = { version: 1, central: { account: '521111111111', region: 'us-east-1' } };

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

describe('review: members.exclude', () => {
  // Every listed member excluded: no member gets a rule or a role, and plan/apply/status report "ok" (only the central
  // account's resources are planned). A one-line slip in a PR silently switches the whole detection off.
  it('excluding every listed member is a config error naming members.exclude', () => {
    const found = issues(() =>
      validateConfig({
        ...base,
        members: { accounts: [{ id: '522222222222' }, { id: '523333333333' }], exclude: ['522222222222', '523333333333'] },
      }),
    );
    expect(found.some((i) => i.startsWith('members.exclude'))).toBe(true);
  });

  it('excluding some members is fine', () => {
    expect(() =>
      validateConfig({ ...base, members: { accounts: [{ id: '522222222222' }, { id: '523333333333' }], exclude: ['523333333333'] } }),
    ).not.toThrow();
  });
});

describe('review: YAML 1.1 booleans and unknown fields', () => {
  it('`organization: yes` is refused with its path (YAML 1.2: a string), not read as true or false', () => {
    const found = issues(() =>
      parseConfig(`version: 1\ncentral: { account: "521111111111", region: us-east-1 }\nmembers:\n  organization: yes\n`),
    );
    expect(found.some((i) => i.startsWith('members.organization'))).toBe(true);
  });

  it('a misspelt field is refused with its path', () => {
    const found = issues(() =>
      parseConfig(
        `version: 1\ncentral: { account: "521111111111", region: us-east-1 }\nmembers:\n  accounts: [{ id: "522222222222" }]\n  exlude: ["522222222222"]\n`,
      ),
    );
    expect(found).toContain('members.exlude: unknown field');
  });
});

describe('review: an Organization that resolves to no member', () => {
  // members.organization: true with exclude covering every ACTIVE account (or an empty ListAccounts): before the fix the
  // pipeline planned only the central account and reported ok.
  it('runPipeline fails instead of reporting ok with zero members', async () => {
    const { mockClient } = await import('aws-sdk-client-mock');
    const { OrganizationsClient, ListAccountsCommand } = await import('@aws-sdk/client-organizations');
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const { Accounts } = await import('#core/aws/accounts.js');
    const { runPipeline } = await import('#core/aws/run-pipeline.js');
    const orgs = mockClient(OrganizationsClient);
    const sts = mockClient(STSClient);
    orgs.on(ListAccountsCommand).resolves({ Accounts: [{ Id: '522222222222', Name: 'only', Status: 'ACTIVE' }] });
    sts.on(GetCallerIdentityCommand).resolves({ Account: '521111111111' });
    const config = validateConfig({ ...base, members: { organization: true, exclude: ['522222222222'], regions: ['us-east-1'] } });
    const accounts = new Accounts({
      region: 'us-east-1',
      roleName: 'OrganizationAccountAccessRole',
      sessionName: 't',
      credentials: { accessKeyId: 'a', secretAccessKey: 's' },
    });

    await expect(runPipeline({ config, mode: 'plan', accounts, code: { zip: Buffer.from(''), sha256: 'x' } })).rejects.toThrow(
      /no member accounts/,
    );
    orgs.restore();
    sts.restore();
  });
});

describe('review: allow patterns that exempt everyone', () => {
  // `allow` is for break-glass roles: their changes are reported, not reverted. A pattern whose role name is only
  // wildcards exempts every role at path / in every account (in practice every human and CI role), and passes
  // validation: one line in a pull request turns remediation off organization-wide; the plan shows it only as
  // `update: environment` on the remediator.
  // NOT FIXED (a design decision: the matcher supports it on purpose). Suggested fix: refuse, with the path
  // `allow[i]`, a pattern whose principal name (the last component of role/ and user/, the role of assumed-role/) has
  // no character other than * and ?, or at least name the allow change in the plan's summary.
  it('`allow: [arn:aws:iam::*:role/*]` is refused with its path', () => {
    const found = issues(() =>
      validateConfig({ ...base, members: { accounts: [{ id: '522222222222' }] }, allow: ['arn:aws:iam::*:role/*'] }),
    );
    expect(found.some((i) => i.startsWith('allow[0]'))).toBe(true);
  });

  it('refuses every pattern that names no principal, and keeps named ones (a path, a name with wildcards)', () => {
    const allowed = (pattern: string) =>
      issues(() => validateConfig({ ...base, members: { accounts: [{ id: '522222222222' }] }, allow: [pattern] })).length === 0;

    for (const pattern of [
      'arn:aws:iam::*:role/*',
      'arn:aws:iam::*:user/?*',
      'arn:aws:iam::*:*',
      'arn:aws:sts::*:assumed-role/*/*',
      'arn:aws:iam::522222222222:role/**',
    ]) {
      expect(allowed(pattern), pattern).toBe(false);
    }
    for (const pattern of [
      'arn:aws:iam::*:role/BreakGlass',
      'arn:aws:iam::*:role/breakglass/*',
      'arn:aws:iam::*:role/*Admin',
      'arn:aws:sts::*:assumed-role/BreakGlass/*',
    ]) {
      expect(allowed(pattern), pattern).toBe(true);
    }
  });
});

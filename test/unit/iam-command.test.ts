// `trailguard iam`: the documents an administrator creates, printed from the config without any AWS call.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { validateConfig } from '#core/config.js';
import { permissionsBoundaryPolicy } from '#core/desired-state.js';
import { applyRoleTrustPolicy, deployRolePolicy, planRolePolicy } from '#core/iam-policies.js';

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'tg-iam-')), 'trailguard.yml');
  writeFileSync(path, text);
  return path;
}

const CONFIG = `version: 1
central: { account: "111111111111", region: us-east-1 }
members:
  accounts: [{ id: "222222222222" }]
roles: { plan: TrailGuardPlanReadOnly }
slack: { channel: C0123456789, roleArn: "arn:aws:iam::111111111111:role/slack-app" }
`;

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['iam', ...argv], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), tty: false, env: {} });
  return { code, stdout, stderr };
}

describe('trailguard iam', () => {
  it('prints the boundary, both OIDC roles, the member plan role and the Slack role, exactly as the core generates them', async () => {
    const path = configFile(CONFIG);
    const config = validateConfig({
      version: 1,
      central: { account: '111111111111', region: 'us-east-1' },
      members: { accounts: [{ id: '222222222222' }] },
      roles: { plan: 'TrailGuardPlanReadOnly' },
      slack: { channel: 'C0123456789', roleArn: 'arn:aws:iam::111111111111:role/slack-app' },
    });

    const out = await run('--config', path, '--repository', 'acme/infra', '--json');
    const printed = JSON.parse(out.stdout) as Record<string, { title: string; document: unknown }[]>;

    expect(out.code).toBe(0);
    expect(Object.keys(printed)).toEqual(['boundary', 'apply-role', 'plan-role', 'member-plan-role', 'slack-role']);
    expect(printed.boundary![0]!.document).toEqual(permissionsBoundaryPolicy(config));
    expect(printed['apply-role']!.map((d) => d.document)).toEqual([
      applyRoleTrustPolicy({ account: '111111111111', region: 'us-east-1', repository: 'acme/infra' }),
      deployRolePolicy({
        deployRole: 'OrganizationAccountAccessRole',
        remediationRole: 'TrailGuardRemediator',
        readerRole: 'TrailGuardReader',
        region: 'us-east-1',
      }),
    ]);
    expect(printed['plan-role']![1]!.document).toEqual(planRolePolicy({ memberRole: 'TrailGuardPlanReadOnly' }));
    expect(JSON.stringify(printed['slack-role'])).toContain('arn:aws:iam::222222222222:role/TrailGuardReader');
    // App Home reads the shared state table, and nothing more of DynamoDB.
    const slackStatements = JSON.stringify(printed['slack-role']);
    expect(slackStatements).toContain('arn:aws:dynamodb:us-east-1:111111111111:table/trailguard-state');
    expect(slackStatements.match(/"dynamodb:[A-Za-z]+"/g)?.sort()).toEqual(['"dynamodb:GetItem"', '"dynamodb:Query"']);
  });

  it('trusts a GitHub environment when one is given, and prints one section alone', async () => {
    const out = await run('apply-role', '--config', configFile(CONFIG), '--repository', 'acme/infra', '--environment', 'production');

    expect(out.code).toBe(0);
    expect(out.stdout).toContain('"token.actions.githubusercontent.com:sub": "repo:acme/infra:environment:production"');
    expect(out.stdout).not.toContain('# Permissions boundary');
  });

  it('never prints a plan role that would assume the deploy role in members: without roles.plan it says what to set', async () => {
    const out = await run(
      'plan-role',
      '--config',
      configFile(CONFIG.replace('roles: { plan: TrailGuardPlanReadOnly }\n', '')),
      '--repository',
      'acme/infra',
    );

    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/not printed: set roles\.plan in .*a role trusted from pull requests must never assume that/);
    expect(out.stdout).not.toContain('"sts:AssumeRole"');
  });

  it('refuses bad flags with exit 2 and the usage, a bad config with exit 1 naming the field', async () => {
    const badRepo = await run('--config', configFile(CONFIG), '--repository', 'not a repo');
    const badRole = await run('--config', configFile(CONFIG), '--apply-role', 'trailguard-deploy');
    const badConfig = await run('--config', configFile(CONFIG.replace('"222222222222"', '"2222"')));

    expect([badRepo.code, badRepo.stderr.split('\n')[0]]).toEqual([2, 'trailguard: --repository: expected owner/name, got "not a repo"']);
    expect([badRole.code, badRole.stderr.split('\n')[0]]).toEqual([
      2,
      'trailguard: --apply-role: must not start with trailguard- (the deploy role may edit those roles)',
    ]);
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toContain('members.accounts[0].id: expected 12 digits');
  });
});

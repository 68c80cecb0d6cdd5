// The deploy role per account: the management account has no OrganizationAccountAccessRole, so the action and CLI assume another role there.
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Accounts, deployRoleOptions } from '#core/aws/accounts.js';
import { AssumeRoleError } from '#core/aws/assume-role.js';
import { validateConfig } from '#core/config.js';

const sts = mockClient(STSClient);

const config = validateConfig({
  version: 1,
  central: { account: '111111111111', region: 'us-east-1' },
  members: { accounts: [{ id: '222222222222' }, { id: '333333333333' }] },
  organization: { managementAccount: '333333333333' },
  roles: { deploy: 'OrganizationAccountAccessRole', deployOverrides: { '333333333333': 'TrailGuardDeploy' } },
});

function accounts() {
  return new Accounts({
    ...deployRoleOptions(config),
    region: 'us-east-1',
    sessionName: 'trailguard-test',
    credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 's' },
  });
}

beforeEach(() => {
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => ({
    Credentials: {
      AccessKeyId: `ASIA-${input.RoleArn}`,
      SecretAccessKey: 's',
      SessionToken: 't',
      Expiration: new Date(Date.now() + 3600_000),
    },
  }));
});

describe('deploy role overrides', () => {
  it('assumes the override in its account and roles.deploy everywhere else', async () => {
    const a = accounts();

    await a.reach('333333333333');
    await a.reach('222222222222');

    expect(sts.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input.RoleArn)).toEqual([
      'arn:aws:iam::333333333333:role/TrailGuardDeploy',
      'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
    ]);
  });

  it('clients in the overridden account act with the override role’s credentials', async () => {
    const a = accounts();
    await a.reach('333333333333');

    const client = await a.client(STSClient, '333333333333', 'us-east-1');

    expect((await client.config.credentials()).accessKeyId).toBe('ASIA-arn:aws:iam::333333333333:role/TrailGuardDeploy');
  });

  it('a denied override names the role that was tried', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));

    await expect(accounts().reach('333333333333')).rejects.toThrow(
      new AssumeRoleError('333333333333', 'TrailGuardDeploy', 'AccessDenied', 'not authorized'),
    );
  });
});

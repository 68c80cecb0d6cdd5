import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AssumeRoleError, RoleCredentialsCache } from '#core/aws/assume-role.js';

const sts = mockClient(STSClient);
let clock = Date.parse('2026-11-29T00:00:00Z');

function credentialsExpiringIn(ms: number, key = 'ASIAKEY') {
  return { Credentials: { AccessKeyId: key, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(clock + ms) } };
}

function cache(externalId: string | null = null) {
  return new RoleCredentialsCache({
    sts: new STSClient({ region: 'us-east-1' }),
    roleName: 'TrailGuardRemediator',
    region: 'us-east-1',
    externalId,
    sessionName: 'trailguard-test',
    now: () => clock,
  });
}

describe('RoleCredentialsCache', () => {
  beforeEach(() => {
    sts.reset();
    clock = Date.parse('2026-11-29T00:00:00Z');
  });

  it('assumes the role once per account and reuses the credentials', async () => {
    sts.on(AssumeRoleCommand).resolves(credentialsExpiringIn(3600_000));
    const roles = cache('ext-1');

    const first = await roles.credentials('222222222222');
    const second = await roles.credentials('222222222222');

    expect(second).toBe(first);
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(1);
    expect(sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input).toEqual({
      RoleArn: 'arn:aws:iam::222222222222:role/TrailGuardRemediator',
      RoleSessionName: 'trailguard-test',
      DurationSeconds: 3600,
      ExternalId: 'ext-1',
    });
  });

  it('shares one call between concurrent callers for the same account', async () => {
    sts.on(AssumeRoleCommand).resolves(credentialsExpiringIn(3600_000));
    const roles = cache();

    await Promise.all([roles.credentials('222222222222'), roles.credentials('222222222222'), roles.credentials('333333333333')]);

    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('renews shortly before expiry', async () => {
    sts.on(AssumeRoleCommand).resolvesOnce(credentialsExpiringIn(3600_000, 'OLD')).resolves(credentialsExpiringIn(3600_000, 'NEW'));
    const roles = cache();
    await roles.credentials('222222222222');

    clock += 3600_000 - 9 * 60_000; // nine minutes left: inside the ten-minute margin
    const renewed = await roles.credentials('222222222222');

    expect(renewed.accessKeyId).toBe('NEW');
    expect(sts.commandCalls(AssumeRoleCommand)).toHaveLength(2);
  });

  it('turns a denial into an AssumeRoleError naming role and account, and does not cache it', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' });
    sts.on(AssumeRoleCommand).rejectsOnce(denied).resolves(credentialsExpiringIn(3600_000));
    const roles = cache();

    await expect(roles.credentials('222222222222')).rejects.toThrow(
      new AssumeRoleError('222222222222', 'TrailGuardRemediator', 'AccessDenied', 'User is not authorized to perform: sts:AssumeRole'),
    );
    await expect(roles.credentials('222222222222')).resolves.toMatchObject({ accessKeyId: 'ASIAKEY' });
  });
});

// What init reads, with recorded AWS answers for what moto cannot show: a member's view of another account's
// organization trail, a member that cannot be assumed, ListAccounts denied, and SUSPENDED accounts.
import { CloudTrailClient, GetTrailCommand, ListTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeOrganizationCommand, ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { takeInventory } from '#core/aws/inventory.js';

const sts = mockClient(STSClient);
const org = mockClient(OrganizationsClient);
const cloudtrail = mockClient(CloudTrailClient);
const [CENTRAL, MEMBER, LOCKED, SUSPENDED, MANAGEMENT] = ['111111111111', '222222222222', '444444444444', '555555555555', '333333333333'];
const ORG_TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org-audit`;

function accounts() {
  return new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 'trailguard-init',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
  });
}

beforeEach(() => {
  sts.reset();
  org.reset();
  cloudtrail.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: CENTRAL });
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
    // The management account has no OrganizationAccountAccessRole.
    if (input.RoleArn.includes(LOCKED) || input.RoleArn.includes(MANAGEMENT))
      throw Object.assign(new Error(`not authorized to perform sts:AssumeRole on ${input.RoleArn}`), { name: 'AccessDenied' });
    return {
      Credentials: {
        AccessKeyId: `ASIA${input.RoleArn.split(':')[4]}`,
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(Date.now() + 3600_000),
      },
    };
  });
  org.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-abc123def4', MasterAccountId: MANAGEMENT } });
});

describe('takeInventory', () => {
  it('members are the ACTIVE accounts; an organization trail of an unreachable management account is read by ARN through a member; a locked member is unreadable, not dropped', async () => {
    org.on(ListAccountsCommand).resolves({
      Accounts: [
        { Id: CENTRAL, Name: 'security', State: 'ACTIVE' },
        { Id: MEMBER, Name: 'payments', State: 'ACTIVE' },
        { Id: LOCKED, Name: 'locked', Status: 'ACTIVE' },
        { Id: SUSPENDED, Name: 'gone', State: 'SUSPENDED' },
      ],
    });
    cloudtrail.on(ListTrailsCommand).resolves({ Trails: [{ Name: 'org-audit', TrailARN: ORG_TRAIL_ARN, HomeRegion: 'us-east-1' }] });
    cloudtrail
      .on(GetTrailCommand)
      .resolves({ Trail: { Name: 'org-audit', S3BucketName: 'central-trail-logs', IsOrganizationTrail: true, TrailARN: ORG_TRAIL_ARN } });

    const found = await takeInventory(accounts(), 'us-east-1', null);

    expect(found.central).toEqual({ account: CENTRAL, region: 'us-east-1' });
    expect(found.organization).toEqual({ id: 'o-abc123def4', managementAccount: MANAGEMENT });
    expect(found.members).toEqual([
      { id: CENTRAL, name: 'security' },
      { id: MEMBER, name: 'payments' },
      { id: LOCKED, name: 'locked' },
    ]);
    expect(found.unreadable).toEqual([{ account: LOCKED, error: expect.stringContaining('AccessDenied') }]);
    expect(found.trails).toEqual([
      {
        arn: ORG_TRAIL_ARN,
        name: 'org-audit',
        homeRegion: 'us-east-1',
        owner: MANAGEMENT,
        settings: expect.objectContaining({ IsOrganizationTrail: true }),
      },
    ]);
    // Listed by two members, read once, by its ARN (the management account is not one TrailGuard can reach here).
    const [read] = cloudtrail.commandCalls(GetTrailCommand);
    expect(cloudtrail.commandCalls(GetTrailCommand)).toHaveLength(1);
    expect(read!.args[0].input).toEqual({ Name: ORG_TRAIL_ARN });
    const client = read!.thisValue as CloudTrailClient;
    expect(['AKIDTEST', `ASIA${MEMBER}`]).toContain((await client.config.credentials()).accessKeyId);
  });

  it('without --accounts, a caller that may not list the Organization is told where to run init, or to pass --accounts', async () => {
    org
      .on(ListAccountsCommand)
      .rejects(Object.assign(new Error("You don't have permissions to access this resource."), { name: 'AccessDeniedException' }));

    await expect(takeInventory(accounts(), 'us-east-1', null)).rejects.toThrow(
      "cannot list the accounts of Organization o-abc123def4 (Organizations ListAccounts: You don't have permissions to access this resource.): run init in the management account or a delegated administrator, or pass --accounts",
    );
  });

  it('with --accounts, a denied ListAccounts only costs the names', async () => {
    org.on(ListAccountsCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    cloudtrail.on(ListTrailsCommand).resolves({ Trails: [] });

    const found = await takeInventory(accounts(), 'us-east-1', [MEMBER]);

    expect(found.members).toEqual([{ id: MEMBER, name: null }]);
    expect(found.membersFrom).toBe('accounts');
    expect(found.unreadable).toEqual([]);
  });

  it('a caller without credentials is told to configure them', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('The security token included in the request is invalid.'), { name: 'InvalidClientTokenId' }));

    await expect(takeInventory(accounts(), 'us-east-1', null)).rejects.toThrow(
      'cannot identify the caller (STS GetCallerIdentity): The security token included in the request is invalid.; configure AWS credentials for the central account',
    );
  });
});

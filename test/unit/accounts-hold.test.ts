// Accounts.hold: what an account's work keeps (SDK clients, role credentials) is let go when its last holder is done.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import pLimit from 'p-limit';
import { Accounts } from '#core/aws/accounts.js';
import { ACCOUNTS_AT_ONCE, accountsAtOnce } from '#core/aws/discovery.js';

const sts = mockClient(STSClient);
const CALLER = '111111111111';
const MEMBER = '222222222222';
const OTHER = '333333333333';

const accounts = () =>
  new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 'trailguard-test',
    credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 's' },
  });
const assumedInto = () => sts.commandCalls(AssumeRoleCommand).map((c) => String(c.args[0].input.RoleArn));

beforeEach(() => {
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: CALLER });
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => ({
    Credentials: {
      AccessKeyId: `ASIA-${input.RoleArn}`,
      SecretAccessKey: 's',
      SessionToken: 't',
      Expiration: new Date(Date.now() + 3600_000),
    },
  }));
});

describe('Accounts.hold', () => {
  it("the last holder letting go drops the account's clients and credentials; the next use assumes the role again", async () => {
    const a = accounts();
    const release = a.hold(MEMBER);
    await a.reach(MEMBER);
    const first = await a.client(CloudTrailClient, MEMBER, 'eu-west-1');
    await a.reach(OTHER);
    await a.client(CloudTrailClient, OTHER, 'eu-west-1');

    release();

    expect(a.cachedAccounts()).toEqual([OTHER]);
    expect(a.roles.cachedAccounts()).toEqual([OTHER]);
    await a.reach(MEMBER);
    expect(await a.client(CloudTrailClient, MEMBER, 'eu-west-1')).not.toBe(first);
    expect(assumedInto().filter((arn) => arn.includes(MEMBER))).toHaveLength(2);
  });

  it('keeps everything while another holder still works in the account, and letting go twice changes nothing', async () => {
    const a = accounts();
    const pipeline = a.hold(MEMBER);
    const status = a.hold(MEMBER);
    await a.reach(MEMBER);
    const client = await a.client(CloudTrailClient, MEMBER, 'us-east-1');

    pipeline();
    pipeline();

    expect(await a.client(CloudTrailClient, MEMBER, 'us-east-1')).toBe(client);
    expect(a.roles.cachedAccounts()).toEqual([MEMBER]);
    status();
    expect(a.cachedAccounts()).toEqual([]);
    expect(a.roles.cachedAccounts()).toEqual([]);
  });

  it('keepCredentials drops the clients only: the account is reached again without a second AssumeRole', async () => {
    const a = accounts();
    const discovery = a.hold(MEMBER);
    await a.reach(MEMBER);
    await a.client(CloudTrailClient, MEMBER, 'us-east-1');

    discovery({ keepCredentials: true });

    expect(a.cachedAccounts()).toEqual([]);
    await a.reach(MEMBER);
    expect(assumedInto()).toEqual([`arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole`]);
  });
});

describe('accountsAtOnce', () => {
  const withLimit = (concurrency?: number) =>
    new Accounts({
      region: 'us-east-1',
      roleName: 'r',
      sessionName: 's',
      credentials: { accessKeyId: 'a', secretAccessKey: 's' },
      ...(concurrency ? { limit: pLimit(concurrency) } : {}),
    });

  it('is 16 for the default concurrency and without a limit, and follows a higher request concurrency so apply keeps every slot busy', () => {
    expect([
      accountsAtOnce(withLimit()),
      accountsAtOnce(withLimit(4)),
      accountsAtOnce(withLimit(16)),
      accountsAtOnce(withLimit(48)),
    ]).toEqual([ACCOUNTS_AT_ONCE, 16, 16, 48]);
  });
});

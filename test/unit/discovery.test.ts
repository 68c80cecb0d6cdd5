// Discovery of the members' trails with recorded ListTrails answers: what moto cannot show (a single-region trail in
// another region, several pages, an organization trail of another account, a denied ListTrails).
import { CloudTrailClient, ListTrailsCommand, type ListTrailsCommandOutput } from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { validateConfig } from '#core/config.js';
import { discover } from '#core/aws/discovery.js';
import { uncoveredTrails } from '#core/pipeline.js';

const sts = mockClient(STSClient);
const cloudtrail = mockClient(CloudTrailClient);
const PAYMENTS = '222222222222';
const LOGS = '333333333333';
const trail = (account: string, region: string, name: string) => ({
  Name: name,
  HomeRegion: region,
  TrailARN: `arn:aws:cloudtrail:${region}:${account}:trail/${name}`,
});

/** ListTrails pages per account; the account is told apart by the access key its AssumeRole gave. */
function answer(pages: Record<string, ListTrailsCommandOutput['Trails'][]>, denied: string[] = []) {
  cloudtrail.on(ListTrailsCommand).callsFake(async (input: { NextToken?: string }, getClient: () => CloudTrailClient) => {
    const account = (await getClient().config.credentials()).accessKeyId.replace('ASIA', '');
    if (denied.includes(account))
      throw Object.assign(new Error(`User is not authorized to perform: cloudtrail:ListTrails`), { name: 'AccessDeniedException' });
    const page = Number(input.NextToken ?? 0);
    const list = pages[account] ?? [[]];
    return { Trails: list[page], NextToken: page + 1 < list.length ? String(page + 1) : undefined };
  });
}

function config(regions: unknown) {
  return validateConfig({
    version: 1,
    central: { account: '111111111111', region: 'eu-west-1' },
    members: { accounts: [{ id: PAYMENTS }, { id: LOGS }], regions },
  });
}

const accounts = () =>
  new Accounts({
    region: 'eu-west-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 'test',
    credentials: { accessKeyId: 'AKIACENTRAL', secretAccessKey: 's' },
  });

beforeEach(() => {
  sts.reset();
  cloudtrail.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => ({
    Credentials: {
      AccessKeyId: `ASIA${/::(\d{12}):/.exec(input.RoleArn)![1]}`,
      SecretAccessKey: 's',
      SessionToken: 't',
      Expiration: new Date(Date.now() + 3600_000),
    },
  }));
});

describe('discover', () => {
  it('with auto, watches the central region and every home region, from one ListTrails per member (every page)', async () => {
    answer({
      [PAYMENTS]: [[trail(PAYMENTS, 'us-east-1', 'org-audit')], [trail(PAYMENTS, 'ap-south-1', 'legacy')]],
      [LOGS]: [[trail('444444444444', 'ca-central-1', 'organization-trail')]],
    });

    const found = await discover(config('auto'), accounts());

    expect(found.regions).toEqual(['eu-west-1', 'ap-south-1', 'ca-central-1', 'us-east-1']);
    expect(found.errors).toEqual(new Map());
    expect(cloudtrail.commandCalls(ListTrailsCommand)).toHaveLength(3);
    expect(uncoveredTrails(found.trails, found.regions)).toEqual([]);
  });

  it("with a list, reports each own trail homed outside it, including a single-region trail; not another account's organization trail", async () => {
    answer({
      [PAYMENTS]: [
        [trail(PAYMENTS, 'us-east-1', 'org-audit'), trail(PAYMENTS, 'ap-south-1', 'legacy'), trail(PAYMENTS, 'eu-west-1', 'eu-audit')],
      ],
      [LOGS]: [[trail('444444444444', 'ca-central-1', 'organization-trail')]],
    });

    const found = await discover(config(['eu-west-1']), accounts());

    expect(found.regions).toEqual(['eu-west-1']);
    expect(uncoveredTrails(found.trails, found.regions).map((u) => `${u.account} ${u.region} ${u.trail}`)).toEqual([
      `${PAYMENTS} ap-south-1 legacy`,
      `${PAYMENTS} us-east-1 org-audit`,
    ]);
  });

  it('keeps a member whose trails cannot be listed as an error, and goes on with the others', async () => {
    answer({ [PAYMENTS]: [[trail(PAYMENTS, 'us-east-1', 'org-audit')]] }, [LOGS]);

    const found = await discover(config('auto'), accounts());

    expect(found.errors.get(LOGS)).toMatch(
      /^ListTrails: User is not authorized to perform: cloudtrail:ListTrails; trails in regions TrailGuard does not watch cannot be found$/,
    );
    expect(found.regions).toEqual(['eu-west-1', 'us-east-1']);
  });
});

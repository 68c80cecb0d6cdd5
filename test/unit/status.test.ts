// Trail status with recorded CloudTrail answers: a single-region trail homed outside the watched regions (which
// DescribeTrails in those regions never returns, and moto's ListTrails does not list) is found and marked uncovered.
import { CloudTrailClient, GetEventSelectorsCommand, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { collectTrailStatus } from '#core/aws/trail-status.js';
import { needsAttention } from '#core/status.js';

const sts = mockClient(STSClient);
const cloudtrail = mockClient(CloudTrailClient);
const ACCOUNT = '222222222222';
const arn = (region: string, name: string) => `arn:aws:cloudtrail:${region}:${ACCOUNT}:trail/${name}`;

beforeEach(() => {
  sts.reset();
  cloudtrail.reset();
  // Every trail records all management events unless a test says otherwise.
  cloudtrail
    .on(GetEventSelectorsCommand)
    .resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }] });
  // The caller's own account: no AssumeRole needed.
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  cloudtrail.on(DescribeTrailsCommand).resolves({
    trailList: [{ Name: 'eu-audit', TrailARN: arn('eu-west-1', 'eu-audit'), HomeRegion: 'eu-west-1', IsMultiRegionTrail: false }],
  });
  cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
});

describe('collectTrailStatus', () => {
  it('reads a trail only ListTrails found, in its home region, and says nobody watches it', async () => {
    const accounts = new Accounts({
      region: 'eu-west-1',
      roleName: 'OrganizationAccountAccessRole',
      sessionName: 'test',
      credentials: { accessKeyId: 'AKIA', secretAccessKey: 's' },
    });
    const listed = new Map([
      [
        ACCOUNT,
        [
          { name: 'legacy', arn: arn('ap-south-1', 'legacy'), homeRegion: 'ap-south-1' },
          { name: 'eu-audit', arn: arn('eu-west-1', 'eu-audit'), homeRegion: 'eu-west-1' },
        ],
      ],
    ]);

    const rows = await collectTrailStatus(accounts, [{ account: ACCOUNT, name: 'payments' }], ['eu-west-1'], {
      listed,
      watched: ['eu-west-1'],
    });

    expect(rows.map((r) => `${r.region} ${r.trail} logging=${r.isLogging} ${r.uncovered ?? 'watched'}`)).toEqual([
      'eu-west-1 eu-audit logging=true watched',
      'ap-south-1 legacy logging=true not watched: no trailguard-forward rule in ap-south-1, so tampering with this trail is never seen',
    ]);
    expect(rows.filter(needsAttention).map((r) => r.trail)).toEqual(['legacy']);
    const statusCalls = cloudtrail.commandCalls(GetTrailStatusCommand).map((c) => c.args[0].input.Name);
    expect(statusCalls).toContain(arn('ap-south-1', 'legacy'));
  });

  it('marks nothing when not asked to (the Slack app passes no watched regions)', async () => {
    const accounts = new Accounts({
      region: 'eu-west-1',
      roleName: 'OrganizationAccountAccessRole',
      sessionName: 'test',
      credentials: { accessKeyId: 'AKIA', secretAccessKey: 's' },
    });

    const rows = await collectTrailStatus(accounts, [{ account: ACCOUNT, name: 'payments' }], ['eu-west-1']);

    expect(rows.map((r) => r.uncovered)).toEqual([null]);
  });
});

// Review r2: `trailguard status` rows that say nothing needs attention although the trail records nothing useful.
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { collectTrailStatus } from '#core/aws/trail-status.js';
import { needsAttention } from '#core/status.js';

const sts = mockClient(STSClient);
const cloudtrail = mockClient(CloudTrailClient);
const ACCOUNT = '522222222222';
const ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-audit`;

beforeEach(() => {
  sts.reset();
  cloudtrail.reset();
  // Every trail records all management events unless a test says otherwise.
  cloudtrail
    .on(GetEventSelectorsCommand)
    .resolves({ EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [] }] });
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  cloudtrail
    .on(DescribeTrailsCommand)
    .resolves({ trailList: [{ Name: 'org-audit', TrailARN: ARN, HomeRegion: 'us-east-1', IsMultiRegionTrail: true }] });
});

const accounts = () =>
  new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 't',
    credentials: { accessKeyId: 'a', secretAccessKey: 's' },
  });

describe('review: status of a trail that logs but delivers nothing', () => {
  // An attacker who cannot stop the trail (SCP) removes the bucket policy (or deletes the bucket): CloudTrail keeps
  // IsLogging=true and reports LatestDeliveryError (AccessDenied / NoSuchBucket). Nothing is written anywhere, yet the
  // row did not need attention and `trailguard status` exited 0. (DESIGN names this case `delivery-failing`.)
  it('a logging trail whose delivery fails needs attention (status exits non-zero)', async () => {
    cloudtrail
      .on(GetTrailStatusCommand)
      .resolves({ IsLogging: true, LatestDeliveryError: 'AccessDenied', LatestDeliveryTime: new Date('2026-11-01T00:00:00Z') });

    const rows = await collectTrailStatus(accounts(), [{ account: ACCOUNT, name: 'payments' }], ['us-east-1'], { watched: ['us-east-1'] });

    expect(rows).toHaveLength(1);
    expect(rows[0]!.latestDeliveryError).toBe('AccessDenied');
    expect(rows.filter(needsAttention)).toHaveLength(1);
  });

  it('a healthy trail needs no attention (control)', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestDeliveryTime: new Date() });

    const rows = await collectTrailStatus(accounts(), [{ account: ACCOUNT, name: 'payments' }], ['us-east-1'], { watched: ['us-east-1'] });

    expect(rows.filter(needsAttention)).toEqual([]);
  });

  // NOT FIXED: status never reads event selectors. A trail whose selectors exclude management events (or record read
  // events only) logs, delivers, and records no StopLogging/DeleteTrail/anything else: status shows it healthy.
  // Suggested fix: GetEventSelectors per trail in its home region (cloudtrail:GetEventSelectors, read-only) and flag a
  // trail that records no write management events (classic selectors: no selector with IncludeManagementEvents and
  // ReadWriteType All|WriteOnly; advanced: no selector with eventCategory Management that is not readOnly=true).
  it('a logging trail that records no management events needs attention', async () => {
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestDeliveryTime: new Date() });
    cloudtrail
      .on(GetEventSelectorsCommand)
      .resolves({ TrailARN: ARN, EventSelectors: [{ ReadWriteType: 'ReadOnly', IncludeManagementEvents: true }] });

    const rows = await collectTrailStatus(accounts(), [{ account: ACCOUNT, name: 'payments' }], ['us-east-1'], { watched: ['us-east-1'] });

    expect(rows.filter(needsAttention)).toHaveLength(1);
  });
});

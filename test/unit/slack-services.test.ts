// The Slack app reads members through its own read-only role, never the role that can change trails.
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';
import { collectTrailStatus } from '#core/aws/trail-status.js';
import type { ChatApi } from '../../slack-app/alerts/poster.js';
import { createServices } from '../../slack-app/services.js';
import type { Store } from '../../slack-app/store/types.js';

const sts = mockClient(STSClient);
const cloudtrail = mockClient(CloudTrailClient);
const silent = { info() {}, warn() {}, error() {} };

afterEach(() => {
  sts.reset();
  cloudtrail.reset();
});

describe('Slack app AWS access', () => {
  it('Re-check and /trail-status assume roles.reader in the member, with the external id, never roles.remediation', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: 'ASIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) },
    });
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [] });
    const config = validateConfig({
      version: 1,
      central: { account: '111111111111', region: 'us-east-1' },
      members: { accounts: [{ id: '222222222222' }] },
      roles: { externalId: 'tg-ext-1' },
      slack: { channel: 'C0123456789', roleArn: 'arn:aws:iam::111111111111:role/slack-app' },
    });
    const services = createServices({
      config,
      channel: 'C0123456789',
      store: {} as Store,
      chat: {} as ChatApi,
      log: silent,
      aws: { credentials: { accessKeyId: 'AKIA', secretAccessKey: 's' } },
    });

    await collectTrailStatus(services.accounts, [{ account: '222222222222', name: 'payments' }], ['us-east-1']);

    expect(sts.commandCalls(AssumeRoleCommand).map((c) => [c.args[0].input.RoleArn, c.args[0].input.ExternalId])).toEqual([
      ['arn:aws:iam::222222222222:role/TrailGuardReader', 'tg-ext-1'],
    ]);
  });
});

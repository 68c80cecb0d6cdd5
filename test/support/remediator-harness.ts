// One place for remediator unit tests: mocked AWS clients (aws-sdk-client-mock), the real handler over its real default
// dependencies, the alerts it published (checked against the alert contract) and the lines it logged.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { KMSClient } from '@aws-sdk/client-kms';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { createDefaultDeps, createHandler, type RemediationResult } from '../../lambda/remediator.js';
import { AnyAlertSchema, type Alert } from '#core/alert.js';
import { recordingLog } from './recording-log.js';

export const HARNESS_TOPIC_ARN = 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts';

/** The remediator's environment in tests; each test overrides what it is about. */
export const HARNESS_ENV: Record<string, string> = {
  AWS_REGION: 'us-east-1',
  TRAILGUARD_TOPIC_ARN: HARNESS_TOPIC_ARN,
  TRAILGUARD_REMEDIATION_ROLE: 'TrailGuardRemediator',
  TRAILGUARD_ALLOW: JSON.stringify(['arn:aws:iam::*:role/BreakGlass']),
  TRAILGUARD_TRAILS: '[]',
};

/**
 * Mocks of every client the remediator builds. Call once per test file (module scope), then
 * `reset()` in `beforeEach`: AssumeRole succeeds, Publish returns `msg-<n>`, DescribeOrganization
 * names management account 333333333333; the test adds the responses its case records.
 */
export function remediatorHarness() {
  const sts = mockClient(STSClient);
  const cloudtrail = mockClient(CloudTrailClient);
  const sns = mockClient(SNSClient);
  const organizations = mockClient(OrganizationsClient);
  const kms = mockClient(KMSClient);
  let published = 0;

  function reset(): void {
    for (const mock of [sts, cloudtrail, sns, organizations, kms]) mock.reset();
    published = 0;
    sts.on(AssumeRoleCommand).resolves({
      Credentials: {
        AccessKeyId: 'ASIAMEMBER',
        SecretAccessKey: 'member-secret-key',
        SessionToken: 'session-token-value',
        Expiration: new Date(Date.now() + 3600_000),
      },
    });
    sns.on(PublishCommand).callsFake(async () => ({ MessageId: `msg-${++published}` }));
    organizations.on(DescribeOrganizationCommand).resolves({ Organization: { Id: 'o-abc123def4', MasterAccountId: '333333333333' } });
  }

  /** A handler over the real default dependencies with `env` on top of HARNESS_ENV. */
  function setup(env: Record<string, string> = {}) {
    const log = recordingLog();
    const deps = createDefaultDeps({
      env: { ...HARNESS_ENV, ...env },
      log,
      clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } },
    });
    const handler = createHandler(() => deps);
    return { log, deps, handle: (event: unknown) => handler(event) as Promise<RemediationResult> };
  }

  /** Every alert published so far, parsed with the alert contract (a malformed alert fails the test here). */
  function alerts(): Alert[] {
    return sns.commandCalls(PublishCommand).map((call) => AnyAlertSchema.parse(JSON.parse(call.args[0].input.Message!)));
  }

  /** The roles assumed, as ARNs, in order. */
  function assumedRoles(): string[] {
    return sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn!);
  }

  return { sts, cloudtrail, sns, organizations, kms, reset, setup, alerts, assumedRoles };
}

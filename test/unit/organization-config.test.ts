// trailguard.yml for organizations: who may create organization trails, how TrailGuard reaches them, and the baseline fields AWS rewrites.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '#core/config.js';
import { ConfigError } from '#core/errors.js';
import { loadSettings } from '../../lambda/settings.js';

const base = `
version: 1
central: { account: "111111111111", region: us-east-1 }
members:
  accounts:
    - { id: "222222222222" }
    - { id: "333333333333", name: management }
`;

function issues(text: string): string[] {
  try {
    parseConfig(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a ConfigError');
}

describe('organization, deploy-role overrides and organization-trail baselines', () => {
  it('reads the management account, the CloudTrail delegated administrators and a deploy role per account', () => {
    const config = parseConfig(`${base}
organization: { managementAccount: "333333333333", delegatedAdministrators: ["444444444444"] }
roles:
  deploy: OrganizationAccountAccessRole
  deployOverrides: { "333333333333": TrailGuardDeploy }
trails:
  - { name: org-trail, s3BucketName: org-trail-logs-333333333333, isOrganizationTrail: true }
`);

    expect(config.organization).toEqual({ managementAccount: '333333333333', delegatedAdministrators: ['444444444444'] });
    expect(config.roles.deployOverrides).toEqual({ '333333333333': 'TrailGuardDeploy' });
    expect(config.trails[0]!.isOrganizationTrail).toBe(true);
  });

  it('leaves isOrganizationTrail unset when the baseline does not say: it is then never enforced', () => {
    const config = parseConfig(`${base}trails: [{ name: org-audit, s3BucketName: logs-bucket }]\n`);

    expect(config.trails[0]!.isOrganizationTrail).toBeUndefined();
    expect(config.organization).toBeUndefined();
  });

  it('refuses an organization-trail baseline without the account allowed to create one', () => {
    expect(issues(`${base}trails: [{ name: org-trail, s3BucketName: logs-bucket, isOrganizationTrail: true }]\n`)).toEqual([
      expect.stringMatching(/^trails\[0\]\.isOrganizationTrail: .*set organization\.managementAccount/),
    ]);
  });

  it('names the path of each bad organization field', () => {
    expect(
      issues(`${base}
organization: { managementAccount: "3333", delegatedAdministrators: ["444444444444", "555555555555", "666666666666", "777777777777"] }
roles: { deployOverrides: { "33": TrailGuardDeploy, "333333333333": "bad role name!" } }
`),
    ).toEqual(
      expect.arrayContaining([
        'organization.managementAccount: expected 12 digits',
        expect.stringMatching(/^organization\.delegatedAdministrators: .*3/),
        expect.stringMatching(/^roles\.deployOverrides\.33: /),
        expect.stringMatching(/^roles\.deployOverrides\.333333333333: expected an IAM role name/),
      ]),
    );
  });

  it('refuses a management account TrailGuard would never deploy its role to', () => {
    const outside = `
version: 1
central: { account: "111111111111", region: us-east-1 }
members: { accounts: [{ id: "222222222222" }] }
organization: { managementAccount: "333333333333" }
`;
    expect(issues(outside)).toEqual([expect.stringMatching(/^organization\.managementAccount: .*list 333333333333 in members\.accounts/)]);
    expect(
      issues(
        outside.replace('members: { accounts: [{ id: "222222222222" }] }', 'members: { organization: true, exclude: ["333333333333"] }'),
      ),
    ).toEqual([expect.stringMatching(/^organization\.managementAccount: .*members\.exclude/)]);
    expect(
      parseConfig(outside.replace('members: { accounts: [{ id: "222222222222" }] }', 'members: { organization: true }')).organization
        ?.managementAccount,
    ).toBe('333333333333');
  });

  it('refuses the management account as its own delegated administrator', () => {
    expect(issues(`${base}organization: { managementAccount: "333333333333", delegatedAdministrators: ["333333333333"] }\n`)).toEqual([
      expect.stringMatching(/^organization\.delegatedAdministrators\[0\]: /),
    ]);
  });

  it('accepts the forms CloudTrail accepts for the bucket, topic, key and log group, and refuses others', () => {
    const config = parseConfig(`${base}trails:
  - name: org-audit
    s3BucketName: "arn:aws:s3:::org-audit-logs"
    kmsKeyId: "arn:aws:kms:us-east-1:555555555555:alias/org-cloudtrail"
    snsTopicName: "arn:aws:sns:us-east-1:222222222222:trail-notes"
    cloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:222222222222:log-group:trail:*"
`);
    expect(config.trails[0]).toMatchObject({ s3BucketName: 'arn:aws:s3:::org-audit-logs' });

    expect(issues(`${base}trails: [{ name: org-audit, s3BucketName: "arn:aws:s3:::Bad_Bucket" }]\n`)).toEqual([
      expect.stringMatching(/^trails\[0\]\.s3BucketName: expected an S3 bucket name or bucket ARN/),
    ]);
  });
});

describe('the remediator environment', () => {
  const env = { TRAILGUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts' };

  it('reads TRAILGUARD_ORGANIZATION', () => {
    const settings = loadSettings({ ...env, TRAILGUARD_ORGANIZATION: JSON.stringify({ managementAccount: '333333333333' }) });

    expect(settings.organization).toEqual({ managementAccount: '333333333333', delegatedAdministrators: [] });
    expect(loadSettings(env).organization).toBeNull();
  });

  it('refuses an organization-trail baseline without TRAILGUARD_ORGANIZATION, naming the variable', () => {
    expect(() =>
      loadSettings({
        ...env,
        TRAILGUARD_TRAILS: JSON.stringify([{ name: 'org-trail', s3BucketName: 'org-trail-logs', isOrganizationTrail: true }]),
      }),
    ).toThrow(/TRAILGUARD_TRAILS\[0\]\.isOrganizationTrail: .*TRAILGUARD_ORGANIZATION/);
  });
});

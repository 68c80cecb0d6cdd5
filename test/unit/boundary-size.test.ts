// The permissions boundary trailguard-boundary (one IAM managed policy, at most 6,144 characters) must fit the largest
// realistic config, must not change or grow with the baseline, and must hold every statement of every role in every
// part a member plays (plain member, management account, delegated administrator); an oversized one is still refused
// before any AWS call.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';
import { desiredState, IAM_LIMITS, iamPolicyLength, permissionsBoundaryPolicy } from '#core/desired-state.js';
import type { Statement } from '#core/iam-policies.js';
import { DesiredStateError } from '#core/kinds/kind.js';
import { kindSpec } from '#core/kinds/index.js';
import { checkAgainstReference } from '../support/iam-reference.js';

const MEMBER = '222222222222';
const MANAGEMENT = '333333333333';
const DELEGATED = '444444444444';
const LOG_ARCHIVE = '555555555555';
const MEMBERS = [MEMBER, MANAGEMENT, DELEGATED, LOG_ARCHIVE];

/**
 * `count` baseline trails, each with its own bucket (retention enforced) and KMS key (by ARN, id or alias), every third with a log group and
 * its CloudWatch Logs role: about as much as the remediator's environment (Lambda's 4 KB, TRAILGUARD_TRAILS) takes.
 */
function trails(count: number, region: string, partition: string, aliases = false) {
  return Array.from({ length: count }, (_, i) => ({
    name: `audit-${i}`,
    s3BucketName: `acme-logs-${i}`,
    retentionDays: 2555,
    ...(i === 0 && !aliases ? { isOrganizationTrail: true } : {}),
    kmsKeyId: aliases
      ? `arn:${partition}:kms:${region}:${LOG_ARCHIVE}:alias/ct-${i}`
      : `${i % 2 === 0 ? `arn:${partition}:kms:${region}:${LOG_ARCHIVE}:key/` : ''}1234abcd-12ab-34cd-56ef-1234567890${String(i).padStart(2, '0')}`,
    ...(i % 3 === 0
      ? {
          cloudWatchLogsLogGroupArn: `arn:${partition}:logs:${region}:${MEMBER}:log-group:ct-${i}`,
          cloudWatchLogsRoleArn: `arn:${partition}:iam::${MEMBER}:role/ct-logs-${i}`,
        }
      : {}),
  }));
}

/**
 * The worst realistic config: an organization with its management account and a delegated administrator, ten
 * baseline trails each with a bucket, a key (half by alias), a log group and a role, event data stores, the queue
 * delivery, the sweep and the Slack app deployed on Lambda with secrets in both services; in the partition and region
 * with the longest names TrailGuard knows.
 */
function worst(count = 10, region = 'us-gov-west-1', partition = 'aws-us-gov', organizationId: string | undefined = 'o-abc123def4') {
  return validateConfig({
    version: 1,
    central: { account: '111111111111', region },
    ...(organizationId ? { organizationId } : {}),
    // With organizationId the sweep's environment names no account (as Lambda's 4 KB asks of large organizations).
    members: organizationId ? { organization: true, regions: [region] } : { accounts: MEMBERS.map((id) => ({ id })), regions: [region] },
    organization: { managementAccount: MANAGEMENT, delegatedAdministrators: [DELEGATED] },
    remediator: { delivery: 'queue' },
    trails: [
      ...trails(Math.ceil(count / 2), region, partition),
      ...trails(Math.floor(count / 2), region, partition, true).map((t) => ({ ...t, name: `${t.name}-b` })),
    ],
    eventDataStores: [{ name: 'org-lake' }, { name: 'org-lake-2' }],
    slack: {
      channel: 'C0123456789',
      responders: ['U0123456789'],
      deploy: 'lambda',
      secrets: { botToken: 'ssm:/trailguard/slack/bot-token', signingSecret: 'secretsmanager:trailguard/slack-signing-secret' },
    },
  });
}

/** Whether an IAM ARN pattern (`*` and `?` wildcards, matching `/` and `:` too) matches `resource`. */
function matches(pattern: string, resource: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  );
  return regex.test(resource) || pattern === resource;
}

/** What a role's Allow statement grants that no Allow statement of the boundary (same condition or none) allows. */
function outside(boundary: readonly Statement[], statement: Statement): string[] {
  return [statement.Action].flat().flatMap((action) =>
    [statement.Resource ?? '*'].flat().flatMap((resource) => {
      const allowed = boundary.some(
        (b) =>
          b.Effect === 'Allow' &&
          [b.Action].flat().includes(action) &&
          [b.Resource ?? '*'].flat().some((p) => matches(p, resource)) &&
          (!b.Condition || JSON.stringify(b.Condition) === JSON.stringify(statement.Condition)),
      );
      return allowed ? [] : [`${statement.Sid}: ${action} on ${resource}`];
    }),
  );
}

describe('the permissions boundary for the worst realistic config', () => {
  it("fits IAM's managed-policy quota, in the partition and region with the longest names, and desiredState accepts it", () => {
    const config = worst();

    const boundary = permissionsBoundaryPolicy(config);

    expect(iamPolicyLength(boundary)).toBeLessThanOrEqual(IAM_LIMITS.managedPolicy);
    expect(() => desiredState(config, { members: MEMBERS, codeSha256: 'x' })).not.toThrow();
  });

  it('is the same document for 2, 10 or 20 baseline trails: adding a trail never needs an administrator', () => {
    const documents = [2, 10, 20].map((count) => JSON.stringify(permissionsBoundaryPolicy(worst(count, 'us-east-1', 'aws'))));

    expect(new Set(documents).size).toBe(1);
  });

  it('holds every Allow of every role in every account, the management account and delegated administrators included', () => {
    for (const organizationId of ['o-abc123def4', undefined]) {
      const config = worst(10, 'us-east-1', 'aws', organizationId);
      const boundary = permissionsBoundaryPolicy(config).Statement;
      const roles = desiredState(config, { members: MEMBERS, codeSha256: 'x' }).flatMap((r) => (r.kind === 'iam-role' ? [r] : []));

      const missing = roles.flatMap((r) =>
        r.policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) =>
          outside(boundary, s).map((m) => `${r.account} ${r.name} ${m}`),
        ),
      );

      expect(roles.map((r) => `${r.account} ${r.name}`)).toEqual(
        expect.arrayContaining([
          `${MANAGEMENT} TrailGuardRemediator`,
          `${DELEGATED} TrailGuardRemediator`,
          '111111111111 trailguard-slack',
        ]),
      );
      expect(missing).toEqual([]);
    }
  });

  it("keeps every role's Deny and only what IAM's Service Authorization Reference accepts, with unique Sids", async () => {
    const config = worst(10, 'us-east-1', 'aws');
    const boundary = permissionsBoundaryPolicy(config);
    const denied = boundary.Statement.filter((s) => s.Effect === 'Deny').flatMap((s) => [s.Action].flat());

    const findings = await checkAgainstReference([{ name: 'boundary', use: 'boundary', document: boundary }]);

    expect(denied).toEqual(
      expect.arrayContaining([
        'cloudtrail:StopLogging',
        'cloudtrail:DeleteTrail',
        'kms:ScheduleKeyDeletion',
        'cloudtrail:DeleteEventDataStore',
      ]),
    );
    expect(findings).toEqual([]);
  });

  it('an oversized boundary is still refused before any AWS call, naming the quota', () => {
    const config = worst();
    const boundary = desiredState(config, { members: MEMBERS, codeSha256: 'x' }).find((r) => r.kind === 'iam-boundary')!;
    const padding: Statement[] = Array.from({ length: 40 }, (_, i) => ({
      Sid: `Padding${i}`,
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: `arn:aws:sqs:us-east-1:111111111111:a-queue-name-long-enough-to-fill-the-policy-${i}`,
    }));
    const oversized = { ...boundary, document: { ...boundary.document, Statement: [...boundary.document.Statement, ...padding] } };

    expect(iamPolicyLength(oversized.document)).toBeGreaterThan(IAM_LIMITS.managedPolicy);
    expect(() => kindSpec('iam-boundary').check!([oversized])).toThrow(DesiredStateError);
    expect(() => kindSpec('iam-boundary').check!([oversized])).toThrow(
      /trailguard-boundary policy would be \d+ characters, over IAM's 6144/,
    );
    expect(() => kindSpec('iam-boundary').check!([boundary])).not.toThrow();
  });
});

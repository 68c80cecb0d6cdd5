// Every IAM document TrailGuard generates, for every branch of the config, checked against IAM's Service Authorization Reference.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';
import { busStatement, centralArns, desiredState } from '#core/desired-state.js';
import type * as iam from '#core/iam-policies.js';
import { canonical } from '#core/plan.js';
import { iamDocuments, parseIamArgs } from '../../src/iam-command.js';
import { checkAgainstReference, type NamedPolicy } from '../support/iam-reference.js';

const doc = (...Statement: iam.Statement[]): iam.PolicyDocument => ({ Version: '2012-10-17', Statement });
const base = { version: 1, central: { account: '111111111111', region: 'us-east-1' } };
const baseline = { name: 'org-audit', s3BucketName: 'central-trail-logs' };

/** The configs whose documents differ: every branch of the policy generators is taken by at least one. */
const CONFIGS: Record<string, { config: unknown; members: string[] }> = {
  'explicit members, direct delivery, no baseline': {
    config: { ...base, members: { accounts: [{ id: '222222222222' }, { id: '333333333333' }] } },
    members: ['222222222222', '333333333333'],
  },
  'organization with organizationId, queue delivery': {
    config: { ...base, organizationId: 'o-abc123def4', members: { organization: true }, remediator: { delivery: 'queue' } },
    members: ['222222222222', '333333333333'],
  },
  'organization without organizationId': { config: { ...base, members: { organization: true } }, members: ['222222222222'] },
  'baseline with a CloudWatch Logs role, externalId, Slack role': {
    config: {
      ...base,
      members: { accounts: [{ id: '222222222222' }], regions: ['us-east-1', 'eu-west-1'] },
      roles: { externalId: 'tg-ext-1' },
      trails: [
        {
          ...baseline,
          cloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:222222222222:log-group:ct',
          cloudWatchLogsRoleArn: 'arn:aws:iam::222222222222:role/ct-logs',
        },
      ],
      slack: { channel: 'C0123456789', roleArn: 'arn:aws:iam::111111111111:role/trailguard-slack' },
      alerts: { endpoint: 'https://trailguard.example.com/sns' },
    },
    members: ['222222222222'],
  },
  'log-impairment repairs: retentionDays, a key ARN, a key id, a log group (issue 12)': {
    config: {
      ...base,
      members: { accounts: [{ id: '222222222222' }, { id: '555555555555' }] },
      trails: [
        {
          ...baseline,
          retentionDays: 365,
          s3BucketAccount: '555555555555',
          kmsKeyId: 'arn:aws:kms:us-east-1:555555555555:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          cloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:222222222222:log-group:ct:*',
        },
        { ...baseline, name: 'second-trail', kmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ac' },
      ],
    },
    members: ['222222222222', '555555555555'],
  },
  'the Slack app deployed on Lambda, secrets in SSM and Secrets Manager (issue 13)': {
    config: {
      ...base,
      members: { accounts: [{ id: '222222222222' }] },
      slack: {
        channel: 'C0123456789',
        deploy: 'lambda',
        secrets: { botToken: 'ssm:/trailguard/slack/bot-token', signingSecret: 'secretsmanager:trailguard/slack-signing' },
      },
    },
    members: ['222222222222'],
  },
  'another partition': {
    config: {
      ...base,
      central: { account: '111111111111', region: 'cn-north-1' },
      members: { accounts: [{ id: '222222222222' }] },
      trails: [baseline],
    },
    members: ['222222222222'],
  },
};

/** Every document TrailGuard generates for a config: roles of the desired state, resource policies, and the documents `trailguard iam` prints. */
function generatedPolicies(label: string, raw: unknown, members: string[]): NamedPolicy[] {
  const config = validateConfig(raw);
  const out: NamedPolicy[] = [];
  const busArn = centralArns(config).bus;
  for (const r of desiredState(config, { members, codeSha256: 'sha' })) {
    if (r.kind === 'iam-role') {
      out.push({ name: `${label}: role ${r.name} trust`, use: 'trust', document: r.trust });
      out.push({ name: `${label}: role ${r.name} policy`, use: 'identity', document: r.policy });
    }
    if (r.kind === 'sqs-queue' && r.attributes.Policy)
      out.push({ name: `${label}: queue ${r.name} policy`, use: 'resource', document: JSON.parse(r.attributes.Policy) });
    if (r.kind === 'bus-permission')
      out.push({
        name: `${label}: bus grant ${r.name}`,
        use: 'resource',
        document: doc(busStatement(r, busArn) as unknown as iam.Statement),
      });
    if (r.kind === 'lambda-permission') {
      // The statement Lambda's AddPermission writes from what the writer sends (a function URL's: `*`, with its auth type;
      // the URL's InvokeFunction: `*`, only when invoked through the URL).
      const principal = r.principal ?? 'events.amazonaws.com';
      const statement = {
        Sid: r.name,
        Effect: 'Allow' as const,
        Principal: principal === '*' ? { AWS: '*' } : { Service: principal },
        Action: r.action ?? 'lambda:InvokeFunction',
        Resource: centralArns(config).function.replace(/function:.*$/, `function:${r.functionName}`),
      };
      out.push({
        name: `${label}: function permission ${r.name}`,
        use: 'resource',
        document: doc({
          ...statement,
          Condition: r.sourceArn
            ? { ArnLike: { 'aws:SourceArn': r.sourceArn }, StringEquals: { 'aws:SourceAccount': r.account } }
            : r.invokedViaFunctionUrl
              ? { Bool: { 'lambda:InvokedViaFunctionUrl': 'true' } }
              : { StringEquals: { 'lambda:FunctionUrlAuthType': r.functionUrlAuthType ?? 'NONE' } },
        }),
      });
    }
  }
  // Everything `trailguard iam` prints: boundary, OIDC trusts, apply/plan/member-plan/Slack role permissions.
  const withPlan = { ...config, roles: { ...config.roles, plan: 'TrailGuardPlanReadOnly' } };
  for (const environment of [null, 'production']) {
    const args = { ...parseIamArgs(['--repository', 'acme/infra'], {}), environment };
    for (const d of Object.values(iamDocuments(withPlan, args)).flat()) {
      if (d.document) out.push({ name: `${label}: ${d.title}`, use: d.use, document: d.document });
    }
  }
  // One document per distinct text: members' roles differ only by account.
  const seen = new Set<string>();
  return out.filter((p) => {
    const text = canonical(p.document).replace(/\d{12}/g, 'ACCOUNT');
    if (seen.has(text)) return false;
    seen.add(text);
    return true;
  });
}

describe("IAM documents against IAM's Service Authorization Reference", () => {
  for (const [label, { config, members }] of Object.entries(CONFIGS)) {
    it(`every action, resource and condition key fits the reference: ${label}`, async () => {
      const policies = generatedPolicies(label, config, members);

      const findings = await checkAgainstReference(policies);

      expect(policies.length).toBeGreaterThan(5);
      expect(policies.map((p) => p.use)).toEqual(expect.arrayContaining(['trust', 'identity', 'resource', 'boundary']));
      expect(policies.some((p) => p.name.includes('GitHub OIDC'))).toBe(true);
      expect(findings).toEqual([]);
    });
  }

  it('catches what IAM would refuse or ignore: an unknown action, a resource type the action does not take, an unsupported condition key', async () => {
    const bad: NamedPolicy = {
      name: 'bad',
      use: 'identity',
      document: doc(
        { Sid: 'BusPolicyOnBusArn', Effect: 'Allow', Action: 'events:PutPermission', Resource: 'arn:aws:events:*:*:event-bus/trailguard' },
        { Sid: 'Typo', Effect: 'Allow', Action: 'cloudtrail:StartLoging', Resource: '*' },
        {
          Sid: 'TopicArnForQueue',
          Effect: 'Allow',
          Action: 'sqs:SendMessage',
          Resource: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts',
        },
        { Sid: 'RuleArnForBus', Effect: 'Allow', Action: 'events:DescribeEventBus', Resource: 'arn:aws:events:*:*:rule/trailguard-*' },
        {
          Sid: 'WrongKey',
          Effect: 'Allow',
          Action: 'sns:Publish',
          Resource: '*',
          Condition: { StringEquals: { 'iam:PassedToService': 'sns.amazonaws.com' } },
        },
      ),
    };

    const findings = await checkAgainstReference([bad]);

    expect(findings).toEqual([
      'bad: statement BusPolicyOnBusArn: events:PutPermission supports no resource type, so its Resource must be "*", not arn:aws:events:*:*:event-bus/trailguard',
      'bad: statement Typo: cloudtrail:StartLoging is not an action of cloudtrail',
      expect.stringMatching(/^bad: statement TopicArnForQueue: arn:aws:sns:\S+ is none of the resource types sqs:SendMessage supports/),
      expect.stringMatching(
        /^bad: statement RuleArnForBus: arn:aws:events:\*:\*:rule\/trailguard-\* is none of the resource types events:DescribeEventBus supports/,
      ),
      'bad: statement WrongKey: condition key iam:PassedToService is not one sns:Publish supports',
    ]);
  });
});

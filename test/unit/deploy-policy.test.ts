import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deployRolePolicy } from '#core/iam-policies.js';
import { sdkOperationsCalled } from '../support/sdk-calls.js';

/** The IAM actions behind every AWS SDK command the action and CLI import, read from their sources. */
function actionsUsed(files: string[]): string[] {
  const prefix: Record<string, string> = {
    eventbridge: 'events',
    iam: 'iam',
    lambda: 'lambda',
    sns: 'sns',
    sqs: 'sqs',
    organizations: 'organizations',
    cloudtrail: 'cloudtrail',
    sts: 'sts',
    dynamodb: 'dynamodb',
    scheduler: 'scheduler',
    cloudwatch: 'cloudwatch',
  };
  const out = new Set<string>();
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z]+)'/g)) {
      for (const name of m[1]!.split(',').map((n) => n.trim().split(/\s+as\s+/)[0]!)) {
        // A paginator calls its operation once per page.
        const command = /^(\w+)Command$/.exec(name) ?? /^paginate(\w+)$/.exec(name);
        if (command) out.add(`${prefix[m[2]!]}:${command[1]}`);
      }
    }
    // An adapter calling another's functions (trail-status.ts -> cloudtrail.ts): the operations inside those.
    for (const op of sdkOperationsCalled(file)) {
      const [service, operation] = op.split(':') as [string, string];
      out.add(`${prefix[service]}:${operation}`);
    }
  }
  // GetCallerIdentity needs no permission; it always works.
  out.delete('sts:GetCallerIdentity');
  return [...out].sort();
}

// Each resource kind's reads and writes live in its module under src/core/aws/kinds/.
const KIND_FILES = readdirSync('src/core/aws/kinds')
  .filter((f) => f.endsWith('.ts'))
  .map((f) => `src/core/aws/kinds/${f}`);
const FILES = [
  'src/core/aws/readers.ts',
  'src/core/aws/writers.ts',
  ...KIND_FILES,
  'src/core/aws/organizations.ts',
  'src/core/aws/assume-role.ts',
  'src/core/aws/trail-status.ts',
];

describe('deployRolePolicy', () => {
  it('allows every AWS call the action and the CLI make, and nothing beyond their own resources', () => {
    const policy = deployRolePolicy();
    const allowed = new Set(policy.Statement.flatMap((s) => [s.Action].flat()));

    const used = actionsUsed(FILES);

    expect(used.length).toBeGreaterThan(30);
    expect(used.filter((a) => !allowed.has(a))).toEqual([]);
  });

  it('lists no action the code never calls, except tagging on create', () => {
    const implied = [
      'iam:TagRole',
      'events:TagResource',
      'sqs:TagQueue',
      'sns:TagResource',
      'lambda:TagResource',
      'iam:PassRole',
      'dynamodb:TagResource',
      'cloudwatch:TagResource',
    ];
    const used = new Set([...actionsUsed(FILES), ...implied]);

    expect(
      deployRolePolicy()
        .Statement.flatMap((s) => [s.Action].flat())
        .filter((a) => !used.has(a)),
    ).toEqual([]);
  });

  it('is the policy the README shows', () => {
    const readme = readFileSync('README.md', 'utf8');
    const block = /<!-- deploy-policy -->\s*```json\n([\s\S]*?)```/.exec(readme)?.[1];

    expect(block, 'README.md has a ```json block after <!-- deploy-policy -->').toBeDefined();
    expect(JSON.parse(block!)).toEqual(deployRolePolicy());
  });
});

// What apply creates for the sweep, and the permissions it adds: from the config alone.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';
import { desiredState, forwardPattern, type Resource } from '#core/desired-state.js';

const REGIONS = ['us-east-1', 'eu-west-1'];
const base = {
  version: 1,
  central: { account: '111111111111', region: 'us-east-1' },
  members: { accounts: [{ id: '222222222222' }], regions: ['us-east-1', 'eu-west-1'] },
};
const state = (extra: object = {}) => desiredState(validateConfig({ ...base, ...extra }), { members: ['222222222222'], codeSha256: 'x' });
const find = (all: Resource[], kind: string, name: string) => all.find((r) => r.kind === kind && r.name === name);

describe('sweep resources', () => {
  it('the schedule sends the start message to trailguard-sweep, as its own role, at sweep.schedule', () => {
    const all = state({ sweep: { schedule: 'rate(1 hour)' } });

    expect(find(all, 'scheduler-schedule', 'trailguard-sweep')).toMatchObject({
      account: '111111111111',
      scheduleExpression: 'rate(1 hour)',
      target: {
        arn: 'arn:aws:sqs:us-east-1:111111111111:trailguard-sweep',
        roleArn: 'arn:aws:iam::111111111111:role/trailguard-sweep-scheduler',
        input: JSON.stringify({ trailguard: 'sweep', action: 'plan' }),
      },
    });
    const role = find(all, 'iam-role', 'trailguard-sweep-scheduler');
    expect(role?.kind === 'iam-role' && role.policy.Statement).toEqual([
      { Sid: 'StartSweep', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:us-east-1:111111111111:trailguard-sweep' },
    ]);
    expect(role?.kind === 'iam-role' && role.trust.Statement[0]).toMatchObject({
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
    });
  });

  it('schedule: null creates no schedule and no scheduler role, but keeps the queue, table and mapping for trailguard sweep', () => {
    const all = state({ sweep: { schedule: null } });

    expect(
      all
        .filter(
          (r) =>
            (r.name.startsWith('trailguard-sweep') && r.kind !== 'event-rule' && r.kind !== 'lambda-permission') ||
            r.name === 'trailguard-state',
        )
        .map((r) => `${r.kind}/${r.name}`),
    ).toEqual([
      'sqs-queue/trailguard-sweep-dlq',
      'sqs-queue/trailguard-sweep',
      'dynamodb-table/trailguard-state',
      'event-source-mapping/trailguard-sweep',
      // The dead-letter queue still catches failed manual sweeps, so its alarm stays; with no schedule there is no
      // heartbeat to miss, so no trailguard-sweep-missing alarm.
      'cloudwatch-alarm/trailguard-sweep-dlq-messages',
    ]);
    // The schedule's guard rule stays: it also watches trailguard-central-guard, which watches the chain after the schedule.
    expect(all.filter((r) => r.kind === 'event-rule' && r.bus === 'default' && r.account === '111111111111').map((r) => r.name)).toEqual([
      'trailguard-sweep-guard',
      'trailguard-central-guard',
    ]);
  });

  it('the mapping hands one account per invocation to the remediator, at most sweep.concurrency at once', () => {
    expect(find(state({ sweep: { concurrency: 25 } }), 'event-source-mapping', 'trailguard-sweep')).toMatchObject({
      functionName: 'trailguard-remediator',
      queueArn: 'arn:aws:sqs:us-east-1:111111111111:trailguard-sweep',
      batchSize: 1,
      maximumConcurrency: 25,
    });
    const queue = find(state(), 'sqs-queue', 'trailguard-sweep');
    expect(queue?.kind === 'sqs-queue' && JSON.parse(queue.attributes.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:111111111111:trailguard-sweep-dlq',
      maxReceiveCount: 3,
    });
  });

  it('the remediator may use the sweep queue and the state table only, and knows whom to sweep', () => {
    const all = state();
    const role = find(all, 'iam-role', 'trailguard-remediator');
    const statements = role?.kind === 'iam-role' ? role.policy.Statement : [];

    expect(statements.find((s) => s.Sid === 'SweepStateTable')).toEqual({
      Sid: 'SweepStateTable',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
      Resource: 'arn:aws:dynamodb:us-east-1:111111111111:table/trailguard-state',
    });
    expect(statements.find((s) => s.Sid === 'ConsumeAndPlanSweepQueue')?.Resource).toBe(
      'arn:aws:sqs:us-east-1:111111111111:trailguard-sweep',
    );
    expect(statements.some((s) => [s.Action].flat().includes('organizations:ListAccounts'))).toBe(false);
    const fn = find(all, 'lambda-function', 'trailguard-remediator');
    expect(fn?.kind === 'lambda-function' && JSON.parse(fn.environment.TRAILGUARD_SWEEP!)).toEqual({
      members: ['222222222222'],
      exclude: [],
      // The planner alerts a previous sweep older than twice this.
      schedule: 'rate(15 minutes)',
    });
  });

  it('with organization: true and organizationId, the planner lists the Organization itself', () => {
    const all = state({ organizationId: 'o-abc123def4', members: { organization: true, regions: ['us-east-1'] } });
    const role = find(all, 'iam-role', 'trailguard-remediator');
    const fn = find(all, 'lambda-function', 'trailguard-remediator');

    expect(role?.kind === 'iam-role' && role.policy.Statement.find((s) => s.Sid === 'ListOrganizationAccountsToSweep')?.Action).toBe(
      'organizations:ListAccounts',
    );
    expect(fn?.kind === 'lambda-function' && JSON.parse(fn.environment.TRAILGUARD_SWEEP!).members).toBe('organization');
  });

  it('the member role may put only trailguard.canary, only on its own default bus', () => {
    const role = find(state(), 'iam-role', 'TrailGuardRemediator');
    const puts = role?.kind === 'iam-role' ? role.policy.Statement.filter((s) => [s.Action].flat().includes('events:PutEvents')) : [];

    expect(puts).toEqual([
      {
        Sid: 'PutCanaryOnDefaultBus',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Resource: 'arn:aws:events:*:222222222222:event-bus/default',
        Condition: { StringEquals: { 'events:source': 'trailguard.canary' } },
      },
    ]);
  });

  it('the member forwarding rule and the central tamper rule also match the canary', () => {
    const all = state();
    const canary = { source: ['trailguard.canary'], 'detail-type': ['TrailGuard Canary'] };

    expect((forwardPattern(['StopLogging']).$or as object[]).at(-1)).toEqual(canary);
    const tamper = find(all, 'event-rule', 'trailguard-tamper');
    expect(tamper?.kind === 'event-rule' && tamper.pattern.$or).toContainEqual(canary);
  });
});

describe('the remediator environment and Lambda’s 4 KB quota', () => {
  const many = Array.from({ length: 45 }, (_, i) => String(640000000000 + i));
  const trails = Array.from({ length: 12 }, (_, i) => ({
    name: `audit-${i}`,
    s3BucketName: `central-trail-logs-${i}`,
    s3KeyPrefix: 'x'.repeat(150),
  }));

  it('refuses, before any AWS call, an environment Lambda cannot hold, and says what to do', () => {
    const config = validateConfig({
      ...base,
      organizationId: 'o-abc123def4',
      members: { accounts: many.map((id) => ({ id })), regions: REGIONS },
      trails,
    });

    expect(() => desiredState(config, { members: many, codeSha256: 'x' })).toThrow(
      /trailguard-remediator: its environment would be \d+ bytes, over Lambda's 4096-byte limit .*members.organization: true with organizationId/,
    );
  });

  it('with the Organization, the sweep environment names no account', () => {
    const config = validateConfig({ ...base, organizationId: 'o-abc123def4', members: { organization: true, regions: REGIONS } });

    expect(() =>
      desiredState(config, { members: Array.from({ length: 1000 }, (_, i) => String(640000000000 + i)), codeSha256: 'x' }),
    ).not.toThrow();
  });
});

// One module per resource kind: the registries cover every kind the desired state produces, and a plan change carries
// the observed (before) and desired (after) value of each field it changes, shown once and clipped wherever it is shown.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';
import { APPLY_ORDER, desiredState, TAGGED_KINDS, type Resource } from '#core/desired-state.js';
import { KINDS } from '#core/kinds/index.js';
import { DesiredStateError } from '#core/kinds/kind.js';
import { KIND_IO } from '#core/aws/kinds/index.js';
import { applyChange } from '#core/aws/writers.js';
import { canonical, clipPair, desiredFields, planChanges, VALUE_CLIP, type Change, type Observed } from '#core/plan.js';
import type { PipelineReport, Row } from '#core/pipeline.js';
import { renderComment, renderSummary } from '../../src/action/report.js';
import { reportTable } from '../../src/cli.js';

const base = { version: 1, central: { account: '111111111111', region: 'us-east-1' }, members: { accounts: [{ id: '222222222222' }] } };
const configs = [
  validateConfig(base),
  validateConfig({ ...base, remediator: { delivery: 'queue' }, alerts: { endpoint: 'https://alerts.example.com/sns' } }),
  validateConfig({
    ...base,
    organizationId: 'o-abc123def4',
    slack: { channel: 'C0123456789', roleArn: 'arn:aws:iam::111111111111:role/slack' },
  }),
  // The Slack app deployed by apply (issue 13): its function URL and the topic's Lambda subscription.
  validateConfig({
    ...base,
    slack: { channel: 'C0123456789', deploy: 'lambda', secrets: { botToken: 'ssm:/tg/bot', signingSecret: 'ssm:/tg/signing' } },
  }),
];
const everyResource: Resource[] = configs.flatMap((c) => desiredState(c, { members: ['222222222222'], codeSha256: 'abc' }));
const inSync = (desired: Resource[]): Map<string, Observed> =>
  new Map(desired.map((r) => [r.key, { exists: true, managed: true, fields: desiredFields(r) }]));
const desired = desiredState(configs[0]!, { members: ['222222222222'], codeSha256: 'abc' });
const forwardKey = '222222222222/us-east-1/event-rule/trailguard-forward';

describe('resource kinds: one module each, in two registries', () => {
  it('every kind the desired state produces has its pure part (fields, ownership) and its I/O part (read, apply)', () => {
    const produced = [...new Set(everyResource.map((r) => r.kind))].sort() as (keyof typeof KINDS)[];

    expect(Object.keys(KINDS).sort()).toEqual(produced);
    expect(Object.keys(KIND_IO).sort()).toEqual(produced);
    for (const kind of produced) {
      expect(KINDS[kind].kind).toBe(kind);
      expect(typeof KIND_IO[kind].read).toBe('function');
      expect(typeof KIND_IO[kind].apply).toBe('function');
    }
  });

  it('the registry order is the apply order, and ownership by tag is each kind module’s own statement', () => {
    expect(APPLY_ORDER).toEqual(Object.keys(KINDS));
    expect(APPLY_ORDER.indexOf('iam-role')).toBeLessThan(APPLY_ORDER.indexOf('lambda-function'));
    expect(APPLY_ORDER.indexOf('event-bus')).toBeLessThan(APPLY_ORDER.indexOf('event-rule'));
    expect(APPLY_ORDER.at(-1)).toBe('iam-boundary');
    expect([...TAGGED_KINDS].sort()).toEqual([
      // CloudWatch tags alarms (PutMetricAlarm Tags): an untagged trailguard-* alarm is someone else's, a conflict.
      'cloudwatch-alarm',
      'dynamodb-table',
      'event-bus',
      'event-rule',
      'iam-role',
      'lambda-function',
      'sns-topic',
      'sqs-queue',
    ]);
  });

  it('only a kind whose module can delete is ever deleted: any other delete is refused before an AWS call', async () => {
    const clients: string[] = [];
    const accounts = { client: async (ctor: { name: string }) => void clients.push(ctor.name) } as never;
    const change: Change = {
      key: forwardKey,
      account: '222222222222',
      region: 'us-east-1',
      kind: 'event-rule',
      name: 'trailguard-forward',
      action: 'delete',
      reason: 'delete: no longer desired',
      fields: [],
    };

    await expect(applyChange(change, undefined, undefined, { accounts, homeRegion: 'us-east-1', code: Buffer.alloc(0) })).rejects.toThrow(
      'TrailGuard deletes only bus-permission, not event-rule',
    );

    expect(clients).toEqual([]);
  });
});

describe('each kind refuses what AWS would refuse, before any AWS call', () => {
  it('bus grants over EventBridge’s policy limit, roles and the boundary over IAM’s quotas: DesiredStateError naming the fix', () => {
    const grant = everyResource.find((r) => r.kind === 'bus-permission' && r.principal !== '*')!;
    const grants = Array.from({ length: 120 }, (_, i) => ({
      ...grant,
      name: `trailguard-${700000000000 + i}`,
      principal: String(700000000000 + i),
    }));
    const role = everyResource.find((r) => r.kind === 'iam-role')!;
    const bigRole = {
      ...role,
      policy: {
        Version: '2012-10-17',
        Statement: Array.from({ length: 200 }, (_, i) => ({
          Sid: `S${i}`,
          Effect: 'Allow',
          Action: 'cloudtrail:StartLogging',
          Resource: `arn:aws:cloudtrail:us-east-1:222222222222:trail/t${i}`,
        })),
      },
    };
    const boundary = everyResource.find((r) => r.kind === 'iam-boundary')!;
    const bigBoundary = { ...boundary, document: bigRole.policy };

    expect(() => KINDS['bus-permission'].check!(grants as never)).toThrow(DesiredStateError);
    expect(() => KINDS['bus-permission'].check!(grants as never)).toThrow(/set organizationId/);
    expect(() => KINDS['iam-role'].check!([bigRole] as never)).toThrow(/over IAM's 10240 and 2048/);
    expect(() => KINDS['iam-boundary'].check!([bigBoundary] as never)).toThrow(/over IAM's 6144 for a managed policy/);
    expect(() => KINDS['bus-permission'].check!(grants.slice(0, 3) as never)).not.toThrow();
  });
});

describe('plan changes carry before and after', () => {
  it('an update names the observed and the desired value of each differing field, as canonical JSON', () => {
    const observed = inSync(desired);
    const seen = observed.get(forwardKey) as Extract<Observed, { exists: true }>;
    observed.set(forwardKey, { ...seen, fields: { ...seen.fields, state: 'DISABLED' } });

    const [change] = planChanges(desired, observed);

    expect(change).toMatchObject({
      action: 'update',
      fields: ['state'],
      diff: [{ field: 'state', before: '"DISABLED"', after: '"ENABLED"' }],
    });
  });

  it('a value longer than the clip ends in … and never exceeds it; a missing field shows as null', () => {
    const observed = inSync(desired);
    const seen = observed.get(forwardKey) as Extract<Observed, { exists: true }>;
    const { eventPattern: _gone, ...rest } = seen.fields;
    observed.set(forwardKey, {
      ...seen,
      fields: { ...rest, targets: [{ Id: 'x'.repeat(500), Arn: 'arn:aws:events:us-east-1:999999999999:event-bus/attacker' }] },
    });

    const [change] = planChanges(desired, observed);
    const byField = new Map(change!.diff!.map((d) => [d.field, d]));

    expect(byField.get('eventPattern')?.before).toBe('null');
    for (const d of change!.diff!) {
      expect(d.before.length).toBeLessThanOrEqual(VALUE_CLIP);
      expect(d.after.length).toBeLessThanOrEqual(VALUE_CLIP);
    }
    expect(byField.get('targets')?.before.endsWith('…')).toBe(true);
  });

  it('two long values that differ past the clip are each cut around their first difference, so the change shows', () => {
    const accounts = Array.from({ length: 20 }, (_, i) => String(400000000000 + i));
    const [before, after] = clipPair(
      canonical({ principal: accounts.join(',') }),
      canonical({ principal: [...accounts, '499999999999'].join(',') }),
    );

    expect(before).not.toBe(after);
    expect(after).toContain('499999999999');
    expect(before.startsWith('…') && after.startsWith('…')).toBe(true);
    expect([...before].length).toBeLessThanOrEqual(VALUE_CLIP);
    expect([...after].length).toBeLessThanOrEqual(VALUE_CLIP);
    // Values that differ early are cut as before, from their start.
    expect(clipPair('"ENABLED"', '"DISABLED"')).toEqual(['"ENABLED"', '"DISABLED"']);
  });

  it('a secret in the function environment or in the alerts endpoint never reaches the plan: names and hosts only', () => {
    const config = validateConfig({ ...base, alerts: { endpoint: 'https://alerts.example.com/sns?token=desired-token' } });
    const resources = desiredState(config, { members: ['222222222222'], codeSha256: 'abc' });
    const observed = inSync(resources);
    const fnKey = '111111111111/us-east-1/lambda-function/trailguard-remediator';
    const topicKey = '111111111111/us-east-1/sns-topic/trailguard-alerts';
    const fn = observed.get(fnKey) as Extract<Observed, { exists: true }>;
    const env = fn.fields.environment as Record<string, string>;
    observed.set(fnKey, {
      ...fn,
      fields: { ...fn.fields, environment: { ...env, TRAILGUARD_ALLOW: '["x"]', DB_PASSWORD: 'hunter2-secret' } },
    });
    const topic = observed.get(topicKey) as Extract<Observed, { exists: true }>;
    observed.set(topicKey, {
      ...topic,
      fields: { ...topic.fields, httpsSubscription: 'https://admin:s3cret-pw@alerts.example.com/sns?token=observed-token' },
    });

    const changes = planChanges(resources, observed);
    const text = JSON.stringify(changes);
    const envDiff = changes.find((c) => c.kind === 'lambda-function')!.diff!.find((d) => d.field === 'environment')!;
    const urlDiff = changes.find((c) => c.kind === 'sns-topic')!.diff!.find((d) => d.field === 'httpsSubscription')!;

    for (const secret of ['hunter2-secret', 's3cret-pw', 'admin', 'observed-token', 'desired-token', '["x"]'])
      expect(text).not.toContain(secret);
    expect(envDiff).toEqual({
      field: 'environment',
      before: '{"DB_PASSWORD":"***","TRAILGUARD_ALLOW":"***"}',
      after: '{"TRAILGUARD_ALLOW":"***"}',
    });
    expect(urlDiff).toEqual({
      field: 'httpsSubscription',
      before: '"https://***@alerts.example.com/sns?***"',
      after: '"https://alerts.example.com/sns?***"',
    });
  });

  it('creates, conflicts and deletes carry no values (there is nothing to compare)', () => {
    const observed = inSync(desired);
    observed.set(forwardKey, { exists: false });

    expect(planChanges(desired, observed)[0]?.diff).toBeUndefined();
  });
});

describe('before/after in the CLI table, the job summary and the PR comment', () => {
  const update: Change = {
    key: forwardKey,
    account: '222222222222',
    region: 'us-east-1',
    kind: 'event-rule',
    name: 'trailguard-forward',
    action: 'update',
    reason: 'update: state, targets',
    fields: ['state', 'targets'],
    diff: [
      { field: 'state', before: '"DISABLED"', after: '"ENABLED"' },
      // Observed values are written by whoever changed the resource: a pipe, a backtick or a mention must not escape the cell.
      { field: 'targets', before: '[{"Id":"a|b`@octocat <b>x</b>"}]', after: '[{"Id":"trailguard-central-bus"}]' },
    ],
  };
  const row: Row = {
    account: '222222222222',
    name: 'payments',
    region: 'us-east-1',
    status: 'drift',
    changes: [update],
    remaining: [],
    errors: [],
    uncovered: [],
  };
  const report: PipelineReport = {
    mode: 'plan',
    central: { account: '111111111111', region: 'us-east-1' },
    members: ['222222222222'],
    regions: ['us-east-1'],
    rows: [row],
    changes: [update],
    conflicts: [],
    drift: true,
    errors: [],
    uncovered: [],
    deadLetters: [],
    durationMs: 10,
  };
  const count = (text: string, part: string) => text.split(part).length - 1;

  it('the CLI table shows each field’s before → after once, under its change', () => {
    const text = reportTable(report);

    expect(count(text, 'state: "DISABLED" → "ENABLED"')).toBe(1);
    expect(count(text, 'targets: [{"Id":"a|b`@octocat <b>x</b>"}] → [{"Id":"trailguard-central-bus"}]')).toBe(1);
    expect(text).not.toContain('still drifting');
  });

  it('the job summary and the PR comment show it once, inside code spans that keep the table row whole', () => {
    for (const text of [renderSummary(report), renderComment(report)]) {
      const line = text.split('\n').find((l) => l.startsWith('| 222222222222'))!;

      expect(count(text, '`"DISABLED"` → `"ENABLED"`')).toBe(1);
      expect(line.replace(/\\\|/g, '').split('|')).toHaveLength(6);
      expect(line).toContain('`[{"Id":"a\\|b\'@octocat <b>x</b>"}]`');
    }
  });
});

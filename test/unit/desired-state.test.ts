import { describe, expect, it } from 'vitest';
import { validateConfig, WATCHED_EVENTS } from '#core/config.js';
import { DesiredStateError, desiredState, forwardPattern, remediatorEnvironment, tamperPattern } from '#core/desired-state.js';

const base = {
  version: 1,
  central: { account: '111111111111', region: 'us-east-1' },
  members: { accounts: [{ id: '222222222222' }, { id: '333333333333' }], regions: ['us-east-1', 'eu-west-1'] },
};
const ctx = { members: ['222222222222', '333333333333'], codeSha256: 'sha' };
const keys = (config: object, members = ctx.members) => desiredState(validateConfig(config), { ...ctx, members }).map((r) => r.key);

describe('desiredState', () => {
  it('lists every resource of DESIGN.md for direct delivery', () => {
    expect(keys(base)).toEqual([
      '111111111111/global/iam-role/trailguard-remediator',
      '111111111111/us-east-1/sqs-queue/trailguard-dlq',
      '111111111111/us-east-1/sns-topic/trailguard-alerts',
      '111111111111/us-east-1/lambda-function/trailguard-remediator',
      '111111111111/us-east-1/event-bus/trailguard',
      // One statement naming each member's trailguard-forwarder role.
      '111111111111/us-east-1/bus-permission/trailguard-members',
      '111111111111/us-east-1/event-rule/trailguard-tamper',
      '111111111111/us-east-1/event-rule/trailguard-guard',
      // The central default bus's two guard rules, each watching the other (sweep-guard: the sweep schedule;
      // central-guard: the central rules, bus grants, remediator, mappings, queues), with their invoke permissions.
      '111111111111/us-east-1/event-rule/trailguard-sweep-guard',
      '111111111111/us-east-1/lambda-permission/trailguard-sweep-guard-rule',
      '111111111111/us-east-1/event-rule/trailguard-central-guard',
      '111111111111/us-east-1/lambda-permission/trailguard-central-guard-rule',
      '111111111111/us-east-1/lambda-permission/trailguard-tamper-rule',
      '111111111111/us-east-1/lambda-permission/trailguard-guard-rule',
      // The sweep (issue 11): its queue and DLQ, the state table, the mapping, and the schedule with the role it sends as.
      '111111111111/us-east-1/sqs-queue/trailguard-sweep-dlq',
      '111111111111/us-east-1/sqs-queue/trailguard-sweep',
      '111111111111/us-east-1/dynamodb-table/trailguard-state',
      '111111111111/us-east-1/event-source-mapping/trailguard-sweep',
      '111111111111/global/iam-role/trailguard-sweep-scheduler',
      '111111111111/us-east-1/scheduler-schedule/trailguard-sweep',
      // The watchdogs outside the remediator (review rv2): both dead-letter queues, its throttles and errors, the sweep
      // missing for twice the schedule; no alerts-dlq alarm (no alerts.endpoint) and no events-age one (direct delivery).
      '111111111111/us-east-1/cloudwatch-alarm/trailguard-dlq-messages',
      '111111111111/us-east-1/cloudwatch-alarm/trailguard-sweep-dlq-messages',
      '111111111111/us-east-1/cloudwatch-alarm/trailguard-remediator-throttles',
      '111111111111/us-east-1/cloudwatch-alarm/trailguard-remediator-errors',
      '111111111111/us-east-1/cloudwatch-alarm/trailguard-sweep-missing',
      '111111111111/global/iam-boundary/trailguard-boundary',
      ...['222222222222', '333333333333'].flatMap((m) => [
        `${m}/global/iam-role/trailguard-forwarder`,
        `${m}/global/iam-role/TrailGuardRemediator`,
        `${m}/us-east-1/event-rule/trailguard-forward`,
        `${m}/eu-west-1/event-rule/trailguard-forward`,
        `${m}/us-east-1/event-rule/trailguard-guard`,
        `${m}/eu-west-1/event-rule/trailguard-guard`,
      ]),
    ]);
  });

  it('with queue delivery, feeds the remediator from trailguard-events instead of invoking it', () => {
    const all = desiredState(validateConfig({ ...base, remediator: { delivery: 'queue' } }), ctx);
    const rule = all.find((r) => r.name === 'trailguard-tamper');

    expect(all.map((r) => r.key)).toEqual(
      expect.arrayContaining([
        '111111111111/us-east-1/sqs-queue/trailguard-events',
        '111111111111/us-east-1/event-source-mapping/trailguard-events',
      ]),
    );
    expect(all.map((r) => r.kind)).not.toContain('lambda-permission');
    expect(rule?.kind === 'event-rule' && rule.targets[0]?.Arn).toBe('arn:aws:sqs:us-east-1:111111111111:trailguard-events');
  });

  it('grants the whole organization in one statement when organizationId is set', () => {
    const grants = desiredState(validateConfig({ ...base, organizationId: 'o-abc123def4' }), ctx).filter(
      (r) => r.kind === 'bus-permission',
    );

    expect(grants).toEqual([expect.objectContaining({ name: 'trailguard-organization', principal: '*', organizationId: 'o-abc123def4' })]);
  });

  // The bus policy names one forwarder role per member (about 55 bytes each): IAM's limit on the remediator's policy
  // (which lists each member) is reached first now; the bus check itself is in resource-kinds and bus-policy-forwarders.
  it('refuses, before any AWS call, per-account policies over AWS’s size limits', () => {
    const many = Array.from({ length: 250 }, (_, i) => String(400000000000 + i));
    const config = { ...base, members: { accounts: many.map((id) => ({ id })), regions: ['us-east-1'] } };

    expect(() => desiredState(validateConfig(config), { ...ctx, members: many })).toThrow(DesiredStateError);
    expect(() => desiredState(validateConfig(config), { ...ctx, members: many })).toThrow(/set organizationId in trailguard.yml/);
    const organization = { ...base, organizationId: 'o-abc123def4', members: { organization: true, regions: ['us-east-1'] } };
    expect(() => desiredState(validateConfig(organization), { ...ctx, members: many })).not.toThrow();
  });

  it('forwards only the watched tamper calls (and calls on its own rules), to the central bus through the member forwarder role', () => {
    const rule = desiredState(validateConfig({ ...base, watch: ['StopLogging', 'DeleteTrail'] }), ctx).find(
      (r) => r.key === '222222222222/eu-west-1/event-rule/trailguard-forward',
    );

    expect(rule?.kind === 'event-rule' && (rule.pattern.$or as unknown[])[0]).toEqual(tamperPattern(['StopLogging', 'DeleteTrail']));
    expect(rule).toMatchObject({
      bus: 'default',
      pattern: forwardPattern(['StopLogging', 'DeleteTrail']),
      targets: [
        {
          Arn: 'arn:aws:events:us-east-1:111111111111:event-bus/trailguard',
          RoleArn: 'arn:aws:iam::222222222222:role/trailguard-forwarder',
        },
      ],
    });
  });

  it('gives the remediator its contract environment', () => {
    const env = remediatorEnvironment(
      validateConfig({ ...base, roles: { externalId: 'ext-123' }, allow: ['arn:aws:iam::*:role/BreakGlass'] }),
    );

    expect(env).toEqual({
      TRAILGUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts',
      TRAILGUARD_REMEDIATION_ROLE: 'TrailGuardRemediator',
      TRAILGUARD_EXTERNAL_ID: 'ext-123',
      TRAILGUARD_ALLOW: '["arn:aws:iam::*:role/BreakGlass"]',
      TRAILGUARD_TRAILS: '[]',
      // The default watch: the whole log-impairment family (issue 12).
      TRAILGUARD_PIPELINE: JSON.stringify({
        watch: [...WATCHED_EVENTS],
        regions: ['us-east-1', 'eu-west-1'],
        deployRole: 'OrganizationAccountAccessRole',
      }),
    });
  });

  it('lets the Slack app role assume only the members’ read-only reader role, never the remediation role', () => {
    const desired = desiredState(
      validateConfig({ ...base, slack: { channel: 'C0123456789', roleArn: 'arn:aws:iam::111111111111:role/trailguard-slack' } }),
      ctx,
    );
    const trust = (name: string) => {
      const role = desired.find((r) => r.key === `222222222222/global/iam-role/${name}`);
      return role?.kind === 'iam-role' ? role.trust.Statement[0]?.Principal : undefined;
    };

    expect(trust('TrailGuardRemediator')).toEqual({ AWS: ['arn:aws:iam::111111111111:role/trailguard-remediator'] });
    expect(trust('TrailGuardReader')).toEqual({ AWS: ['arn:aws:iam::111111111111:role/trailguard-slack'] });
  });
});

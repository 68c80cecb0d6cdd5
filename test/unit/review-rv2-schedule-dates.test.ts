// Review rv2: `plan` reads the sweep schedule's expression, state, flexible window and target, not its StartDate or
// EndDate. UpdateSchedule with an EndDate a minute away (or a StartDate years away) keeps the schedule ENABLED and
// targeted while Scheduler stops invoking it: the guard alerts the call ("trailguard apply restores it"), but `plan`
// shows no drift and `apply` changes nothing, so the sweep stays off and TrailGuard's own repair advice is false.
// Fixed: the read carries startDate and endDate, desired null (apply's UpdateSchedule sets neither, so it clears them).
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { schedulerScheduleIo } from '#core/aws/kinds/scheduler-schedule.js';
import { schedulerSchedule, type SchedulerScheduleResource } from '#core/kinds/scheduler-schedule.js';
import { canonical } from '#core/plan.js';

const CENTRAL = '111111111111';
const REGION = 'us-east-1';
const scheduler = mockClient(SchedulerClient);
const resource = {
  kind: 'scheduler-schedule',
  key: 'k',
  account: CENTRAL,
  region: REGION,
  name: 'trailguard-sweep',
  scheduleExpression: 'rate(15 minutes)',
  target: {
    arn: `arn:aws:sqs:${REGION}:${CENTRAL}:trailguard-sweep`,
    roleArn: `arn:aws:iam::${CENTRAL}:role/trailguard-sweep-scheduler`,
    input: '{"trailguard":"sweep","action":"plan"}',
  },
} as unknown as SchedulerScheduleResource;

const asDeployed = {
  Arn: `arn:aws:scheduler:${REGION}:${CENTRAL}:schedule/default/trailguard-sweep`,
  Name: 'trailguard-sweep',
  ScheduleExpression: 'rate(15 minutes)',
  State: 'ENABLED' as const,
  FlexibleTimeWindow: { Mode: 'OFF' as const },
  Target: { Arn: resource.target.arn, RoleArn: resource.target.roleArn, Input: resource.target.input },
};

async function drift(): Promise<string[]> {
  const accounts = { client: async () => new SchedulerClient({ region: REGION }) };
  const seen = await schedulerScheduleIo.read(resource, { accounts, account: CENTRAL, region: REGION } as never);
  const wanted = schedulerSchedule.desiredFields(resource) as Record<string, unknown>;
  const fields = (seen as { fields: Record<string, unknown> }).fields;
  return Object.keys({ ...wanted, ...fields }).filter((k) => canonical(wanted[k]) !== canonical(fields[k]));
}

beforeEach(() => scheduler.reset());

describe('review rv2: a sweep schedule ended or postponed is drift', () => {
  it('(control) the schedule as apply writes it has no drift', async () => {
    scheduler.on(GetScheduleCommand).resolves(asDeployed);
    expect(await drift()).toEqual([]);
  });

  it('an EndDate is drift', async () => {
    scheduler.on(GetScheduleCommand).resolves({ ...asDeployed, EndDate: new Date('2026-11-29T18:00:00Z') });
    expect(await drift()).not.toEqual([]);
  });

  it('a StartDate years away is drift', async () => {
    scheduler.on(GetScheduleCommand).resolves({ ...asDeployed, StartDate: new Date('2099-01-01T00:00:00Z') });
    expect(await drift()).not.toEqual([]);
  });
});

// The sweep schedule, AWS half: GetSchedule in the default group; CreateSchedule, or UpdateSchedule with every setting.
import { CreateScheduleCommand, GetScheduleCommand, SchedulerClient, UpdateScheduleCommand } from '@aws-sdk/client-scheduler';
import type { SchedulerScheduleResource } from '../../kinds/scheduler-schedule.js';
import { orMissing } from './common.js';
import type { KindIo } from './kind.js';

function parseInput(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return text;
  }
}

function dateText(date: Date | undefined): string | null {
  return date && Number.isFinite(date.getTime()) ? date.toISOString() : null;
}

export const schedulerScheduleIo: KindIo<SchedulerScheduleResource> = {
  // CreateSchedule and UpdateSchedule pass the target's role to Scheduler.
  actions: { read: ['scheduler:GetSchedule'], write: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'iam:PassRole'] },

  async read(resource, { accounts, account, region }) {
    const scheduler = await accounts.client(SchedulerClient, account, region);
    const out = await orMissing(scheduler.send(new GetScheduleCommand({ Name: resource.name })));
    if (!out?.Arn) return { exists: false };
    return {
      exists: true,
      managed: true,
      fields: {
        scheduleExpression: out.ScheduleExpression,
        state: out.State,
        flexibleTimeWindow: out.FlexibleTimeWindow?.Mode,
        target: { arn: out.Target?.Arn, roleArn: out.Target?.RoleArn, input: parseInput(out.Target?.Input) },
        activeWindow: { start: dateText(out.StartDate), end: dateText(out.EndDate) },
        kmsKey: out.KmsKeyArn || null,
      },
    };
  },

  async apply(resource, { accounts, account, region, create }) {
    const scheduler = await accounts.client(SchedulerClient, account, region);
    const settings = {
      Name: resource.name,
      ScheduleExpression: resource.scheduleExpression,
      State: 'ENABLED' as const,
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      Description: resource.description ?? 'TrailGuard: starts a sweep of every member account',
      Target: { Arn: resource.target.arn, RoleArn: resource.target.roleArn, Input: resource.target.input },
    };
    await scheduler.send(create ? new CreateScheduleCommand(settings) : new UpdateScheduleCommand(settings));
  },
};

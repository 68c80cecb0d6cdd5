// An EventBridge Scheduler schedule: `trailguard-sweep` sends the start-a-sweep message to the sweep queue;
// `trailguard-slack-drain` invokes the Slack function every minute to post what is still waiting.
import type { KindSpec, ResourceBase } from './kind.js';

export interface SchedulerScheduleResource extends ResourceBase {
  kind: 'scheduler-schedule';
  /** `rate(15 minutes)` or `cron(...)` (sweep.schedule). */
  scheduleExpression: string;
  /** The queue it sends to, the role it sends as, and the message body. */
  target: { arn: string; roleArn: string; input: string };
  /** Scheduler's Description (default: the sweep's). */
  description?: string;
}

export const schedulerSchedule: KindSpec<SchedulerScheduleResource> = {
  kind: 'scheduler-schedule',
  // Scheduler tags schedule groups, not schedules: TrailGuard owns the schedule by its name in the default group.
  tagged: false,
  desiredFields: (r) => ({
    scheduleExpression: r.scheduleExpression,
    state: 'ENABLED',
    flexibleTimeWindow: 'OFF',
    target: { arn: r.target.arn, roleArn: r.target.roleArn, input: JSON.parse(r.target.input) },
    // A StartDate far ahead (or an EndDate passed) stops an ENABLED schedule as surely as DISABLED; a customer key
    // of someone else's can be disabled. TrailGuard sets none of them.
    activeWindow: { start: null, end: null },
    kmsKey: null,
  }),
};

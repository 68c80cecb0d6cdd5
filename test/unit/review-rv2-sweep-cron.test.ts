// Review rv2: a first-day user writes the sweep schedule as a Unix cron (5 fields) or with `*` in both day fields.
// trailguard.yml took any `cron(...)`; EventBridge Scheduler refuses these (Scheduler User Guide, "Cron-based
// schedules": six fields, and `?` in one of day-of-month / day-of-week), so the error would come from AWS at `apply`,
// not from the config check naming the field. Bad input must be a clear error naming the field, before any AWS call.
// Fixed: a cron must have Scheduler's six fields (minutes hours day-of-month month day-of-week year) with `?` in
// exactly one of the two day fields.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';

const configWith = (schedule: string) => () =>
  validateConfig({
    version: 1,
    central: { account: '111111111111', region: 'us-east-1' },
    members: { accounts: [{ id: '222222222222' }], regions: ['us-east-1'] },
    sweep: { schedule },
  });

describe('review rv2: sweep.schedule cron expressions Scheduler refuses', () => {
  it.each([['cron(*/15 * * * *)'], ['cron(0 6 * * * *)'], ['cron(0 6 1 * MON *)'], ['cron(bogus)']])(
    '%s is refused naming sweep.schedule',
    (schedule) => {
      expect(configWith(schedule)).toThrow(/sweep\.schedule/);
    },
  );

  it.each([['cron(0/15 * * * ? *)'], ['cron(0 6 ? * MON *)'], ['cron(0 6 1 * ? *)'], ['rate(15 minutes)']])(
    '(control) %s is accepted',
    (schedule) => {
      expect(configWith(schedule)).not.toThrow();
    },
  );
});

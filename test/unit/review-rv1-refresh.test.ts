// Review rv1: the Refresh button of /trail-status starts an Organization-wide sweep, with no bound on how often.
import { describe, expect, it } from 'vitest';
import { validateConfig } from '#core/config.js';
import { refreshStatus } from '../../slack-app/listeners/commands/snapshot.js';
import type { Services } from '../../slack-app/services.js';
import { recordingLog } from '../support/recording-log.js';

const config = validateConfig({
  version: 1,
  central: { account: '791111111111', region: 'us-east-1' },
  members: { accounts: [{ id: '792222222222' }], regions: ['us-east-1'] },
  slack: { channel: 'C0123456789', responders: ['U0RESPONDER1'], viewers: ['U0VIEWER001'] },
});

const services = (now: () => Date) =>
  ({
    config,
    channel: 'C0123456789',
    store: {},
    log: recordingLog(),
    now,
  }) as unknown as Services;

describe('review rv1: Refresh', () => {
  // Fixed: Refresh starts a sweep only when none started in the last 5 minutes (this instance's last start, or
  // sweep/latest in the state table). Each press (a distinct signed request, so the replay ledger does not help) puts a start-a-sweep
  // message on trailguard-sweep, and each sweep reads every member (30 calls per member: 30,000 for 1,000
  // accounts). Any viewer (read-only by the README) can queue hundreds of sweeps in a minute: the scheduled sweep waits
  // behind them (each new one also looks "fresh", so the sweep-gap check stays quiet), and the members' CloudTrail
  // read quotas are spent while the remediator needs them (a throttled GetTrailStatus turns a restart into
  // `failed`). Suggested fix: Refresh starts a sweep only when none started in the last few minutes (the state table's
  // `sweep/latest`, shared by every instance); otherwise it answers "a sweep started N s ago".
  it('twenty presses within a minute start at most one sweep', async () => {
    let started = 0;
    let clock = Date.parse('2026-11-29T18:00:00.000Z');
    const source = { latest: async () => null, startSweep: async () => void started++ };
    const listener = refreshStatus(
      services(() => new Date(clock)),
      source,
    );

    for (let i = 0; i < 20; i += 1) {
      clock += 2_000;
      await listener({
        ack: async () => undefined,
        body: { user: { id: 'U0VIEWER001' } },
        respond: async () => undefined,
      } as never);
    }

    expect(started).toBeLessThanOrEqual(1);
  });

  it('a sweep started by another instance within 5 minutes (sweep/latest) also holds a press back, and one older does not', async () => {
    let started = 0;
    const clock = Date.parse('2026-11-29T18:00:00.000Z');
    let latest = new Date(clock - 60_000);
    const source = { latest: async () => null, startSweep: async () => void started++, lastSweepStartedAt: async () => latest };
    const press = () =>
      refreshStatus(
        services(() => new Date(clock)),
        source,
      )({ ack: async () => undefined, body: { user: { id: 'U0VIEWER001' } }, respond: async () => undefined } as never);

    await press();
    expect(started).toBe(0);
    latest = new Date(clock - 6 * 60_000);
    await press();
    expect(started).toBe(1);
  });
});

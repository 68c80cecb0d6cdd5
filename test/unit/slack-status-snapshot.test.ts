// /trail-status from the sweep's snapshot (with its age and a Refresh button), and Refresh starting a sweep.
import { describe, expect, it } from 'vitest';
import type { StatusItem } from '#core/aws/state-table.js';
import { validateConfig } from '#core/config.js';
import { refreshStatus, type SnapshotSource } from '../../slack-app/listeners/commands/snapshot.js';
import { trailStatus } from '../../slack-app/listeners/commands/trail-status.js';
import type { Services } from '../../slack-app/services.js';
import { recordingLog } from '../support/recording-log.js';

const NOW = new Date('2026-01-01T00:10:00.000Z');
const config = validateConfig({
  version: 1,
  central: { account: '111111111111', region: 'us-east-1' },
  members: { accounts: [{ id: '222222222222', name: 'payments-prod' }, { id: '333333333333' }], regions: ['us-east-1'] },
  slack: { channel: 'C0123456789', responders: ['U0RESPONDER1'] },
});
const row = (account: string, isLogging: boolean) => ({
  account,
  name: account,
  region: 'us-east-1',
  trail: 'audit',
  arn: `arn:aws:cloudtrail:us-east-1:${account}:trail/audit`,
  multiRegion: false,
  isLogging,
  latestDeliveryTime: null,
  latestDeliveryError: null,
  error: null,
});
const item = (account: string, isLogging: boolean): StatusItem => ({
  account,
  region: 'us-east-1',
  sweepId: 's1',
  checkedAt: '2026-01-01T00:06:00.000Z',
  rows: [row(account, isLogging)],
});

function services(): Services {
  return {
    config,
    store: { openIncidents: async () => [] },
    members: async () => ({ ids: ['222222222222', '333333333333'], names: new Map([['222222222222', 'payments-prod']]) }),
    // Any live read would go through here: the snapshot path must not touch it.
    accounts: new Proxy({}, { get: () => () => Promise.reject(new Error('live read')) }),
    log: recordingLog(),
    now: () => NOW,
  } as unknown as Services;
}

async function command(source: SnapshotSource, user = 'U0RESPONDER1') {
  const responses: Record<string, unknown>[] = [];
  await trailStatus(
    services(),
    source,
  )({
    ack: async () => undefined,
    command: { text: '', user_id: user, channel_id: 'C0123456789' },
    respond: async (r: Record<string, unknown>) => void responses.push(r),
  } as never);
  return responses;
}

describe('/trail-status from the sweep snapshot', () => {
  it('answers from the latest sweep, says how old it is, and offers Refresh', async () => {
    const [answer] = await command({
      latest: async () => ({
        sweep: { sweepId: 's1', startedAt: '2026-01-01T00:05:00.000Z', finishedAt: '2026-01-01T00:06:30.000Z', accounts: 2, findings: 1 },
        items: [item('222222222222', false), item('333333333333', true), item('999999999999', true)],
      }),
      startSweep: async () => undefined,
    });
    const text = JSON.stringify(answer);

    expect(answer).toMatchObject({ response_type: 'ephemeral', text: 'CloudTrail: 1 problems (sweep 4 min ago)' });
    expect(text).toContain('NOT LOGGING');
    expect(text).toContain('payments-prod');
    // A non-member in the table is not shown.
    expect(text).not.toContain('999999999999');
    expect(text).toContain('(4 min ago)');
    expect((answer!.blocks as { type: string; elements?: { action_id?: string }[] }[]).at(-1)).toMatchObject({
      type: 'actions',
      elements: [{ action_id: 'trailguard_refresh' }],
    });
  });

  it('says which member-regions the snapshot does not cover yet', async () => {
    const [answer] = await command({
      latest: async () => ({ sweep: null, items: [item('222222222222', true)] }),
      startSweep: async () => undefined,
    });

    expect(JSON.stringify(answer)).toContain('1 member-region not in it yet');
  });

  it('Refresh starts a sweep for a responder and refuses anyone else', async () => {
    let started = 0;
    const source = { latest: async () => null, startSweep: async () => void started++ };
    const press = async (user: string) => {
      const responses: { text?: string }[] = [];
      await refreshStatus(
        services(),
        source,
      )({
        ack: async () => undefined,
        body: { user: { id: user } },
        respond: async (r: { text?: string }) => void responses.push(r),
      } as never);
      return responses[0]?.text;
    };

    expect(await press('U0STRANGER1')).toBe('Only TrailGuard responders and viewers can start a sweep.');
    expect(started).toBe(0);
    expect(await press('U0RESPONDER1')).toMatch(/^Sweep started/);
    expect(started).toBe(1);
  });
});

// Review rv1: /trail-status from the sweep snapshot says "organization healthy" about what it has not seen.
import { describe, expect, it } from 'vitest';
import type { StatusItem } from '#core/aws/state-table.js';
import { validateConfig } from '#core/config.js';
import { trailStatus } from '../../slack-app/listeners/commands/trail-status.js';
import type { Services } from '../../slack-app/services.js';
import { recordingLog } from '../support/recording-log.js';

const NOW = new Date('2026-11-29T18:00:00.000Z');
const MEMBERS = ['791000000001', '791000000002', '791000000003'];
const config = validateConfig({
  version: 1,
  central: { account: '791111111111', region: 'us-east-1' },
  members: { accounts: MEMBERS.map((id) => ({ id })), regions: ['us-east-1'] },
  slack: { channel: 'C0123456789', responders: ['U0RESPONDER1'] },
});

const item = (account: string, checkedAt: string): StatusItem => ({
  account,
  region: 'us-east-1',
  sweepId: 's1',
  checkedAt,
  rows: [
    {
      account,
      name: account,
      region: 'us-east-1',
      trail: 'audit',
      arn: `arn:aws:cloudtrail:us-east-1:${account}:trail/audit`,
      multiRegion: false,
      isLogging: true,
      latestDeliveryTime: null,
      latestDeliveryError: null,
      error: null,
    },
  ],
});

function services(): Services {
  return {
    config,
    store: { openIncidents: async () => [] },
    members: async () => ({ ids: MEMBERS, names: new Map() }),
    accounts: new Proxy({}, { get: () => () => Promise.reject(new Error('live read')) }),
    log: recordingLog(),
    now: () => NOW,
  } as unknown as Services;
}

async function answer(items: StatusItem[], startedAt: string): Promise<string> {
  const responses: { text?: string }[] = [];
  await trailStatus(services(), {
    latest: async () => ({ sweep: { sweepId: 's1', startedAt, finishedAt: startedAt, accounts: 3, findings: 0 }, items }),
    startSweep: async () => undefined,
  })({
    ack: async () => undefined,
    command: { text: '', user_id: 'U0RESPONDER1', channel_id: 'C0123456789' },
    respond: async (r: { text?: string }) => void responses.push(r),
  } as never);
  return responses[0]?.text ?? '';
}

describe('review rv1: /trail-status is not green about what the snapshot does not cover', () => {
  it('all members swept 5 minutes ago, all logging: healthy (control)', async () => {
    const at = '2026-11-29T17:55:00.000Z';
    expect(
      await answer(
        MEMBERS.map((m) => item(m, at)),
        at,
      ),
    ).toMatch(/^CloudTrail: organization healthy/);
  });

  // The header and the message text are the answer a responder reads (and Slack's notification shows); "2
  // member-regions not in it yet" was only a footnote in a context block: two of three members never read (a sweep
  // that failed for them, a new member) were reported "🟢 organization healthy". Fixed: with member-regions missing,
  // "no problem found" is a 🟠 header naming how many were not checked.
  it('two of three members missing from the snapshot: not "organization healthy"', async () => {
    const at = '2026-11-29T17:55:00.000Z';
    expect(await answer([item(MEMBERS[0]!, at)], at)).not.toMatch(/organization healthy/);
  });

  // The sweep stopped three days ago (schedule disabled, the sweep queue's mapping throttled): the last snapshot still
  // said "🟢 organization healthy (sweep 72 h ago)". Fixed: a snapshot older than twice sweep.schedule (the planner's
  // own sweep-gap rule) makes "no problem found" a 🟠 header saying how old it is.
  it('a snapshot three days old (sweep.schedule 15 minutes): not "organization healthy"', async () => {
    const at = '2026-11-26T18:00:00.000Z';
    expect(
      await answer(
        MEMBERS.map((m) => item(m, at)),
        at,
      ),
    ).not.toMatch(/organization healthy/);
  });
});

// App Home view: within a Home view's limits whatever the organization's size, and says what it left out.
import { describe, expect, it } from 'vitest';
import type { TrailStatusRow } from '#core/status.js';
import type { Incident } from '../../slack-app/store/types.js';
import { homeView, MAX_HOME_BLOCKS } from '../../slack-app/views/home.js';
import { makeAlert } from '../support/alerts.js';

const NOW = new Date('2026-11-29T12:00:00.000Z');

const incident = (i: number): Incident => {
  const alert = makeAlert({ account: '222222222222', trail: { name: `trail-${i}-${'x'.repeat(200)}`, arn: 'arn' } });
  return {
    id: alert.id,
    alert,
    receivedAt: new Date(NOW.getTime() - i * 1000).toISOString(),
    state: 'posted',
    channel: 'C1',
    ts: `1.${i}`,
    parentId: null,
    count: 1,
    acknowledgedBy: null,
    acknowledgedAt: null,
    attempts: 0,
    nextAttemptAt: NOW.toISOString(),
    lastError: null,
    statusLine: null,
    digest: false,
    sendingAt: null,
  };
};

const stopped = (i: number): TrailStatusRow => ({
  account: String(300000000000 + i),
  name: `account-${i}`,
  region: 'us-east-1',
  trail: `trail-${i}`,
  arn: null,
  multiRegion: false,
  isLogging: false,
  latestDeliveryTime: null,
  latestDeliveryError: null,
  error: null,
  uncovered: null,
});

describe('homeView', () => {
  it('stays within 100 blocks and 3,000 characters a section for 1,000 stopped trails and 500 incidents', () => {
    const view = homeView({
      now: NOW,
      members: { ids: Array.from({ length: 1000 }, (_, i) => String(300000000000 + i)), error: null },
      regions: ['us-east-1'],
      state: {
        sweep: { sweepId: 's1', startedAt: NOW.toISOString(), finishedAt: NOW.toISOString(), accounts: 1000, findings: 1000 },
        status: Array.from({ length: 1000 }, (_, i) => ({
          account: String(300000000000 + i),
          region: 'us-east-1',
          sweepId: 's1',
          checkedAt: NOW.toISOString(),
          rows: [stopped(i)],
          error: null,
        })),
        canaries: [],
      },
      open: Array.from({ length: 500 }, (_, i) => incident(i)),
      acknowledged: [],
    });

    expect(view.blocks.length).toBeLessThanOrEqual(MAX_HOME_BLOCKS);
    for (const block of view.blocks as { type: string; text?: { text: string } }[])
      if (block.type === 'section') expect(block.text!.text.length).toBeLessThanOrEqual(3000);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('0 of 1000 trails logging');
    expect(text).toMatch(/\d+ more not shown here/);
    // The canary part still comes after the long lists.
    expect(text).toContain('no canary has arrived yet');
  });

  it('says why the state table could not be read, and still shows the incidents', () => {
    const view = homeView({
      now: NOW,
      members: { ids: ['222222222222'], error: null },
      regions: ['us-east-1'],
      state: { error: 'reading the state table trailguard-state: AccessDeniedException' },
      open: [incident(3)],
      acknowledged: [],
    });

    const text = JSON.stringify(view.blocks);
    expect(text).toContain('Trail status unavailable: reading the state table trailguard-state: AccessDeniedException');
    expect(text).toContain('open for 3s');
  });
});

import { describe, expect, it } from 'vitest';
import { lazyAuthorize } from '../../slack-app/app.js';
import { ACTION_ACK, ACTION_RECHECK } from '../../slack-app/ids.js';
import type { Incident } from '../../slack-app/store/types.js';
import { alertMessage, loggingGap } from '../../slack-app/views/alert.js';
import { digestMessage, digestReplies } from '../../slack-app/views/digest.js';
import { MAX_BLOCKS, MAX_TEXT } from '../../slack-app/views/format.js';
import { orgSummary, recheckLine } from '../../slack-app/views/status.js';
import type { Alert } from '#core/alert.js';
import type { TrailStatusRow } from '#core/status.js';
import { makeAlert } from '../support/alerts.js';

const incident = (alert: Alert, extra: Partial<Incident> = {}): Incident => ({
  id: alert.id,
  alert,
  receivedAt: new Date().toISOString(),
  state: 'posted',
  channel: 'C1',
  ts: '1.1',
  parentId: null,
  count: 1,
  acknowledgedBy: null,
  acknowledgedAt: null,
  attempts: 0,
  nextAttemptAt: '',
  lastError: null,
  statusLine: null,
  digest: false,
  sendingAt: null,
  ...extra,
});

/** Every text in a message, wherever Block Kit nests it. */
function texts(value: unknown): string[] {
  if (typeof value === 'string') return [];
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return [...(typeof o.text === 'string' ? [o.text] : []), ...Object.values(o).flatMap(texts)];
  }
  return [];
}
const blocksOf = (message: { attachments?: { blocks: unknown[] }[]; blocks?: unknown[] }) =>
  message.attachments?.[0]?.blocks ?? message.blocks ?? [];

describe('alert message', () => {
  it('colours by urgency and offers both buttons until acknowledged', () => {
    const failed = alertMessage(incident(makeAlert({ outcome: 'failed', error: 'AccessDenied' })), { accountName: 'payments' });
    const restarted = alertMessage(incident(makeAlert()), { accountName: 'payments' });
    const acked = alertMessage(incident(makeAlert(), { acknowledgedBy: 'U1', acknowledgedAt: new Date().toISOString() }), {
      accountName: 'payments',
    });
    const ids = (m: typeof failed) => JSON.stringify(m).match(/trailguard_(ack|recheck)/g);

    expect(failed.attachments[0]!.color).toBe('#E01E5A');
    expect(restarted.attachments[0]!.color).toBe('#ECB22E');
    expect(failed.text).toContain('🚨');
    expect(ids(restarted)).toEqual([ACTION_ACK, ACTION_RECHECK]);
    expect(ids(acked)).toEqual([ACTION_RECHECK]);
    expect(JSON.stringify(acked)).toContain('Acknowledged by <@U1>');
  });

  it('says why TrailGuard could not act, escaped, for an alert-only record', () => {
    const reason = 'cannot be acted on: detail.requestParameters is absent: cannot tell which trail StopLogging concerned <!channel>';
    const message = alertMessage(incident(makeAlert({ outcome: 'alert-only', reason })), { accountName: 'payments' });

    expect(texts(blocksOf(message))).toContain(`*Why*\n${reason.replace('<!channel>', '&lt;!channel&gt;')}`);
  });

  it('says how long logging was off', () => {
    const alert = makeAlert({ eventTime: '2026-11-20T10:02:13Z', remediatedAt: '2026-11-20T10:02:17Z' });
    expect(loggingGap(alert)).toBe('4s');
    expect(loggingGap({ ...alert, outcome: 'failed', remediatedAt: null })).toBe('still off');
    expect(loggingGap({ ...alert, eventName: 'UpdateTrail' })).toBeNull();
  });

  it('stays within Block Kit limits with hostile, huge values, and escapes mrkdwn', () => {
    const huge = makeAlert({
      error: `<!channel> ${'x'.repeat(10_000)}`,
      changes: Array.from({ length: 500 }, (_, i) => `field${i} -> ${'y'.repeat(50)}`),
    });
    const message = alertMessage(incident(huge), { accountName: 'n'.repeat(500) });

    expect(blocksOf(message).length).toBeLessThanOrEqual(MAX_BLOCKS);
    expect(Math.max(...texts(message).map((t) => t.length))).toBeLessThanOrEqual(MAX_TEXT);
    expect(JSON.stringify(message)).not.toContain('<!channel>');
  });
});

describe('digest', () => {
  it('groups a storm over 400 accounts within limits and says what it left out', () => {
    const alerts = Array.from({ length: 1000 }, (_, i) => makeAlert({ account: String(300000000000 + (i % 400)) }));
    const message = digestMessage(incident(alerts[0]!, { digest: true }), alerts, (a) => `account-${a}`);
    const replies = digestReplies(alerts, (a) => `account-${a}`);

    expect(message.text).toBe('🚨 Tampering storm: 1000 CloudTrail tamper events in 400 accounts');
    expect(blocksOf(message).length).toBeLessThanOrEqual(MAX_BLOCKS);
    expect(Math.max(...texts(message).map((t) => t.length))).toBeLessThanOrEqual(MAX_TEXT);
    for (const reply of replies) expect(reply.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    expect(
      replies
        .flatMap((r) => texts(r))
        .join('\n')
        .match(/• /g),
    ).toHaveLength(1000);
  });
});

describe('status views', () => {
  const row = (account: string, extra: Partial<TrailStatusRow>): TrailStatusRow => ({
    account,
    name: `n${account}`,
    region: 'us-east-1',
    trail: 'org-audit',
    arn: 'arn',
    multiRegion: true,
    isLogging: true,
    latestDeliveryTime: null,
    latestDeliveryError: null,
    error: null,
    ...extra,
  });

  it('puts problems first and counts the rows left out', () => {
    const rows = [...Array.from({ length: 3000 }, (_, i) => row(String(300000000000 + i), { isLogging: false })), row('399999999999', {})];
    const summary = orgSummary(rows, [], ['us-east-1']);

    expect(summary.text).toBe('CloudTrail: 3000 problems');
    expect(summary.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
    expect(JSON.stringify(summary)).toMatch(/\d+ more rows left out/);
  });

  it('writes a plain re-check line for an AssumeRole denial', () => {
    const line = recheckLine(
      [row('222222222222', { trail: null, isLogging: null, error: 'AccessDenied assuming TrailGuardRemediator in 222222222222: no' })],
      'U1',
      '2026-11-29T00:00:00Z',
    );
    expect(line).toContain('❌ Re-check by <@U1>');
    expect(line).toContain('AccessDenied assuming TrailGuardRemediator in 222222222222');
  });
});

describe('lazyAuthorize', () => {
  it('calls auth.test once on first use, and again only after a failure', async () => {
    let calls = 0;
    const authorize = lazyAuthorize('xoxb', async () => {
      calls += 1;
      if (calls === 1) throw new Error('slack down');
      return { user_id: 'U1', bot_id: 'B1' };
    });

    await expect(authorize()).rejects.toThrow('slack down');
    expect(await authorize()).toEqual({ botToken: 'xoxb', botId: 'B1', botUserId: 'U1' });
    await authorize();
    expect(calls).toBe(2);
  });
});

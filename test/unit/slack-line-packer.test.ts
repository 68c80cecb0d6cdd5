// Slack's text limits for every packed view: one line packer behind the digest, its thread replies and the status views.
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../slack-app/store/types.js';
import { digestMessage, digestReplies } from '../../slack-app/views/digest.js';
import { MAX_BLOCKS, MAX_TEXT, packLines } from '../../slack-app/views/format.js';
import { accountDetail, incidentsList } from '../../slack-app/views/status.js';
import type { Alert } from '#core/alert.js';
import type { TrailStatusRow } from '#core/status.js';
import { makeAlert } from '../support/alerts.js';

const incident = (alert: Alert, extra: Partial<Incident> = {}): Incident => ({
  id: alert.id,
  alert,
  receivedAt: '2026-11-29T10:00:00.000Z',
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

/** Every text field in a message, wherever Block Kit nests it. */
function texts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(texts);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return [...(typeof o.text === 'string' ? [o.text] : []), ...Object.values(o).flatMap(texts)];
  }
  return [];
}
const blocksOf = (m: { attachments?: { blocks: unknown[] }[]; blocks?: unknown[] }) => m.attachments?.[0]?.blocks ?? m.blocks ?? [];
const longest = (m: unknown) => Math.max(...texts(m).map((t) => t.length));

// An alert's error and actor come from AWS and the tamperer; nothing bounds their length before Slack.
const hostile = (i: number) =>
  makeAlert({
    account: String(222222222200 + (i % 3)),
    error: `AccessDenied ${'x'.repeat(9000)}`,
    outcome: 'failed',
    actor: {
      arn: `arn:aws:sts::222222222222:assumed-role/${'r'.repeat(3000)}/x`,
      type: 'AssumedRole',
      sourceIp: '203.0.113.24',
      userAgent: 'aws-cli/2',
    },
  });

describe('one line packer for every view', () => {
  const cases: [string, () => unknown[]][] = [
    [
      'digest thread replies with 9,000-character errors',
      () =>
        digestReplies(
          Array.from({ length: 30 }, (_, i) => hostile(i)),
          (a) => `acct-${a}`,
        ),
    ],
    [
      'digest message whose account names are 5,000 characters',
      () => {
        const alerts = Array.from({ length: 200 }, (_, i) => makeAlert({ account: String(222222222000 + i) }));
        return [digestMessage(incident(alerts[0]!, { digest: true }), alerts, (a) => `${a}-${'n'.repeat(5000)}`)];
      },
    ],
    [
      'account detail with 5,000-character trail names',
      () => {
        const row = (i: number): TrailStatusRow => ({
          account: '222222222222',
          name: 'payments',
          region: 'us-east-1',
          trail: `t${i}-${'z'.repeat(5000)}`,
          arn: 'arn',
          multiRegion: true,
          isLogging: false,
          latestDeliveryTime: null,
          latestDeliveryError: null,
          error: null,
        });
        return [
          accountDetail(
            '222222222222',
            'payments',
            Array.from({ length: 200 }, (_, i) => row(i)),
          ),
        ];
      },
    ],
    ['incident list of 2,000 incidents', () => [incidentsList(Array.from({ length: 2000 }, () => incident(makeAlert())))]],
  ];

  it.each(cases)('%s: every message within 50 blocks, every text within 3,000 characters', (_name, render) => {
    const messages = render() as { attachments?: { blocks: unknown[] }[]; blocks?: unknown[] }[];

    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) {
      expect(blocksOf(message).length).toBeLessThanOrEqual(MAX_BLOCKS);
      expect(longest(blocksOf(message))).toBeLessThanOrEqual(MAX_TEXT);
    }
  });

  it('digest replies still show one detail line per alert, a clipped one marked with …', () => {
    const alerts = Array.from({ length: 30 }, (_, i) => hostile(i));

    const lines = digestReplies(alerts, (a) => `acct-${a}`)
      .flatMap((r) => texts(r.blocks))
      .join('\n')
      .split('\n')
      .filter((l) => l.startsWith('• '));

    expect(lines).toHaveLength(30);
    for (const line of lines) expect(line.endsWith('…')).toBe(true);
  });

  it('each digest reply says which alerts it details, so a retry posts only the rest', () => {
    const alerts = Array.from({ length: 120 }, (_, i) => makeAlert({ account: String(222222222000 + (i % 60)) }));

    const replies = digestReplies(alerts, (a) => `acct-${a}`);

    expect(replies.length).toBeGreaterThan(1);
    expect(replies.flatMap((r) => r.alertIds).sort()).toEqual(alerts.map((a) => a.id).sort());
    for (const reply of replies) {
      const shown = texts(reply.blocks).join('\n');
      for (const id of reply.alertIds) expect(shown).toContain(alerts.find((a) => a.id === id)!.trail.name);
    }
  });
});

describe('packLines', () => {
  const line = (n: number, size = 1000) => `${n}:${'x'.repeat(size - String(n).length - 1)}`;
  const cases: [string, string[], Parameters<typeof packLines>[1], { sections: number[]; packed: number }][] = [
    // [name, lines, options, lines per section and how many were packed]
    ['no lines: no sections', [], {}, { sections: [], packed: 0 }],
    ['two 1,000-character lines share a section; a third does not fit', [line(1), line(2), line(3)], {}, { sections: [2, 1], packed: 3 }],
    [
      'a section limit leaves the rest out and says how many made it',
      Array.from({ length: 10 }, (_, i) => line(i)),
      { maxSections: 2 },
      { sections: [2, 2], packed: 4 },
    ],
    [
      'a heading takes room in every section',
      [line(1, 1400), line(2, 1400)],
      { heading: 'h'.repeat(200) },
      { sections: [1, 1], packed: 2 },
    ],
    [
      'a line longer than a section is clipped, never split or dropped',
      [line(1, 10_000), line(2, 10)],
      {},
      { sections: [1, 1], packed: 2 },
    ],
  ];

  it.each(cases)('%s', (_name, lines, options, expected) => {
    const { sections, packed } = packLines(lines, options);

    expect({ sections: sections.map((s) => s.lines), packed }).toEqual(expected);
    for (const section of sections) expect(section.text.length).toBeLessThanOrEqual(MAX_TEXT);
  });

  it('starts later sections with the continued heading', () => {
    const { sections } = packLines([line(1, 2000), line(2, 2000)], {
      heading: '*222222222222* (payments)',
      continued: '*222222222222* (continued)',
    });

    expect(sections.map((s) => s.text.split('\n')[0])).toEqual(['*222222222222* (payments)', '*222222222222* (continued)']);
  });
});

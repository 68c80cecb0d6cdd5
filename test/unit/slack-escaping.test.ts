// Every view, fed hostile names (a trail named `<!channel>`, an account name with a disguised link, an echoed query):
// no mrkdwn or `text` field may carry a control sequence the attacker chose (a mention, a link, a channel ping).
import { describe, expect, it } from 'vitest';
import type { Alert, PipelineAlert } from '#core/alert.js';
import type { TrailStatusRow } from '#core/status.js';
import { alertMessage, repeatReply } from '../../slack-app/views/alert.js';
import { digestMessage, digestReplies } from '../../slack-app/views/digest.js';
import { accountDetail, incidentsList, orgSummary, recheckLine, unknownAccount } from '../../slack-app/views/status.js';
import type { Incident } from '../../slack-app/store/types.js';
import { makeAlert } from '../support/alerts.js';

const HOSTILE = '<!channel> <@U0EVIL0001> <#C0EVIL0001> <https://evil.example/fix|Click to restore logging> & <!subteam^S0EVIL>';
const RESPONDER = 'U0RESPONDER';
const ACCOUNT = '222222222222';

/** The control sequences TrailGuard itself writes: dates, the responder's mention, links to its own messages. */
const OWN = [
  /^<!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|[^<>]*>$/,
  new RegExp(`^<@${RESPONDER}>$`),
  /^<https:\/\/slack\.com\/archives\/C[A-Z0-9]+\/p\d+\|open>$/,
];

const hostileAlert = () =>
  makeAlert({
    account: ACCOUNT,
    outcome: 'failed',
    trail: { name: HOSTILE, arn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${HOSTILE}` },
    actor: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${HOSTILE}`, type: HOSTILE, sourceIp: HOSTILE, userAgent: HOSTILE },
    // V8's Date.parse skips a parenthesised comment: this still reads as a date, with the hostile text in the fallback.
    eventTime: `2026-01-01 (${HOSTILE})`,
    error: HOSTILE,
    reason: `${HOSTILE} (reason)`,
    actions: [HOSTILE],
    changes: [HOSTILE],
    callError: { code: HOSTILE, message: HOSTILE },
  });

const pipelineAlert = (): PipelineAlert => {
  const { trail: _trail, isLogging: _l, ...base } = hostileAlert();
  return {
    ...base,
    eventName: 'DeleteRule',
    trail: null,
    isLogging: null,
    outcome: 'pipeline-tampered',
    resource: { type: 'event-rule', name: HOSTILE, arn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/x`, restored: false },
  } as unknown as PipelineAlert;
};

const incident = (alert: Alert = hostileAlert(), extra: Partial<Incident> = {}): Incident => ({
  id: alert.id,
  alert,
  receivedAt: new Date().toISOString(),
  state: 'posted',
  channel: 'C0SECURITY1',
  ts: '1700000000.000100',
  parentId: null,
  count: 3,
  acknowledgedBy: RESPONDER,
  acknowledgedAt: new Date().toISOString(),
  attempts: 0,
  nextAttemptAt: new Date().toISOString(),
  lastError: null,
  statusLine: recheckLine(rows(), RESPONDER, new Date().toISOString()),
  digest: false,
  sendingAt: null,
  ...extra,
});

const rows = (): TrailStatusRow[] => [
  {
    account: ACCOUNT,
    name: HOSTILE,
    region: 'us-east-1',
    trail: HOSTILE,
    arn: null,
    multiRegion: true,
    isLogging: false,
    latestDeliveryTime: `2026-01-01 (${HOSTILE})`,
    latestDeliveryError: HOSTILE,
    error: null,
  },
  { ...rows0(), error: HOSTILE },
];
const rows0 = (): TrailStatusRow => ({
  account: ACCOUNT,
  name: HOSTILE,
  region: 'eu-west-1',
  trail: HOSTILE,
  arn: null,
  multiRegion: false,
  isLogging: null,
  latestDeliveryTime: null,
  latestDeliveryError: null,
  error: null,
});

/** Every string Slack parses as mrkdwn in a message: `text`, mrkdwn text objects, attachments' text and fallback. */
function mrkdwnStrings(view: unknown): string[] {
  if (typeof view === 'string') return [view];
  const found: string[] = [];
  const walk = (node: unknown, key: string | null, parent: Record<string, unknown> | null) => {
    if (typeof node === 'string') {
      const plain = parent?.type === 'plain_text';
      if (!plain && (key === 'text' || key === 'fallback' || key === 'pretext')) found.push(node);
      return;
    }
    if (Array.isArray(node)) for (const item of node) walk(item, null, null);
    else if (node && typeof node === 'object')
      for (const [k, v] of Object.entries(node as Record<string, unknown>)) walk(v, k, node as Record<string, unknown>);
  };
  walk(view, null, null);
  return found;
}

const VIEWS: Record<string, () => unknown> = {
  'alert message': () => alertMessage(incident(), { accountName: HOSTILE }),
  'alert message, not acknowledged': () => alertMessage(incident(hostileAlert(), { acknowledgedBy: null }), { accountName: HOSTILE }),
  'pipeline alert message': () => alertMessage(incident(pipelineAlert()), { accountName: HOSTILE }),
  'repeat reply': () => repeatReply(hostileAlert()),
  'storm digest': () => digestMessage(incident(hostileAlert(), { digest: true }), [hostileAlert(), pipelineAlert()], () => HOSTILE),
  'storm digest replies': () => digestReplies([hostileAlert(), pipelineAlert()], () => HOSTILE),
  '/trail-status summary': () => orgSummary(rows(), [incident()], ['us-east-1', 'eu-west-1']),
  '/trail-status <account>': () => accountDetail(ACCOUNT, HOSTILE, rows()),
  '/trail-status incidents': () => incidentsList([incident(), incident(pipelineAlert())]),
  '/trail-status <unknown query>': () => unknownAccount(HOSTILE, [HOSTILE, 'payments-prod']),
  're-check line': () => recheckLine(rows(), RESPONDER, new Date().toISOString()),
  're-check line, every read failing': () => recheckLine([{ ...rows0(), error: HOSTILE }], RESPONDER, new Date().toISOString()),
};

/** Views that only count and name no attacker-controlled string. */
const SUMMARY_ONLY = new Set(['re-check line']);

describe('every view escapes attacker-controlled text', () => {
  it.each(Object.keys(VIEWS))('%s: no control sequence but TrailGuard’s own, no bare &', (name) => {
    const texts = mrkdwnStrings(VIEWS[name]!());

    const all = texts.join('\n');
    expect(texts.length).toBeGreaterThan(0);
    // The hostile text is shown (escaped), not dropped: the view still says what the attacker named.
    if (!SUMMARY_ONLY.has(name)) expect(all).toContain('&lt;!channel&gt;');
    for (const text of texts) {
      for (const sequence of text.match(/<[^>]*>?/g) ?? [])
        expect(
          OWN.some((re) => re.test(sequence)),
          `${name}: ${sequence}`,
        ).toBe(true);
      expect(text.replace(/&(amp|lt|gt);/g, ''), name).not.toContain('&');
    }
  });
});

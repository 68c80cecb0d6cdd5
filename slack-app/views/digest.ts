// The storm digest: many alerts within a minute become one message grouped by account, details in its thread.
import { alertTarget, type Alert } from '#core/alert.js';
import { ACTION_ACK, ACTION_RECHECK, BLOCK_ACTIONS } from '../ids.js';
import type { Incident } from '../store/types.js';
import { clip, esc, MAX_BLOCKS, packLines, sectionBlocks, slackDate } from './format.js';

interface Group {
  account: string;
  name: string;
  alerts: Alert[];
}

export function groupByAccount(alerts: Alert[], nameOf: (account: string) => string): Group[] {
  const groups = new Map<string, Group>();
  for (const alert of alerts) {
    const group = groups.get(alert.account) ?? { account: alert.account, name: nameOf(alert.account), alerts: [] };
    group.alerts.push(alert);
    groups.set(alert.account, group);
  }
  return [...groups.values()].sort((a, b) => b.alerts.length - a.alerts.length || a.account.localeCompare(b.account));
}

const tally = (alerts: Alert[]) => {
  const byOutcome = new Map<string, number>();
  for (const a of alerts) byOutcome.set(a.outcome, (byOutcome.get(a.outcome) ?? 0) + 1);
  return [...byOutcome].map(([o, n]) => `${n} ${o}`).join(', ');
};

export function digestMessage(root: Incident, alerts: Alert[], nameOf: (account: string) => string) {
  const groups = groupByAccount(alerts, nameOf);
  const failed = alerts.filter((a) => a.outcome === 'failed').length;
  const title = `🚨 Tampering storm: ${alerts.length} CloudTrail tamper events in ${groups.length} account${groups.length === 1 ? '' : 's'}`;
  const lines = groups.map((g) => `• *${esc(g.account)}* (${esc(g.name)}): ${g.alerts.length} — ${tally(g.alerts)}`);
  // Header, summary, "more accounts", acknowledgement and actions take five blocks; one more is kept spare.
  const { sections, packed: shown } = packLines(lines, { maxSections: MAX_BLOCKS - 6 });
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, 150), emoji: true } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `Since ${slackDate(root.receivedAt)}: ${tally(alerts)}.${failed ? ` *${failed} failed to remediate.*` : ''} Details per account are in the thread.`,
      },
    },
    ...sectionBlocks(sections),
  ];
  if (shown < lines.length)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${lines.length - shown} more accounts not listed here; all are in the thread.` }],
    });
  const buttons: unknown[] = [];
  if (!root.acknowledgedBy)
    buttons.push({
      type: 'button',
      action_id: ACTION_ACK,
      text: { type: 'plain_text', text: 'Acknowledge' },
      style: 'primary',
      value: root.id,
    });
  else
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `✅ Acknowledged by <@${root.acknowledgedBy}> at ${slackDate(root.acknowledgedAt ?? '')}` }],
    });
  buttons.push({ type: 'button', action_id: ACTION_RECHECK, text: { type: 'plain_text', text: 'Re-check' }, value: root.id });
  blocks.push({ type: 'actions', block_id: BLOCK_ACTIONS, elements: buttons });
  return { text: title, attachments: [{ color: failed ? '#E01E5A' : '#ECB22E', blocks }] };
}

/** Blocks in one thread reply: Slack allows 50; two are kept spare. */
const REPLY_BLOCKS = MAX_BLOCKS - 2;

export interface DigestReply {
  text: string;
  blocks: unknown[];
  /** The alerts this reply details: once it is posted they are shown, and a retry posts only the others. */
  alertIds: string[];
}

/**
 * Thread replies with the detail of each alert, grouped by account, several accounts per reply, each reply within
 * Slack's limits (50 blocks, 3,000 characters a section). Every alert is in exactly one reply, one line each.
 */
export function digestReplies(alerts: Alert[], nameOf: (account: string) => string): DigestReply[] {
  const replies: DigestReply[] = [];
  let current: DigestReply = { text: 'TrailGuard storm details', blocks: [], alertIds: [] };
  for (const group of groupByAccount(alerts, nameOf)) {
    // Each line is clipped: one long error, ARN or name must not make a section Slack refuses (3,000 characters).
    const lines = group.alerts.map((a) =>
      clip(
        `• ${slackDate(a.eventTime)} ${a.eventName} on ${esc(alertTarget(a).name)} (${esc(a.region)}) by \`${esc(a.actor.arn)}\`: *${a.outcome}*${a.error ? ` — ${esc(a.error)}` : ''}`,
        2000,
      ),
    );
    const { sections } = packLines(lines, {
      heading: `*${esc(group.account)}* (${esc(group.name)})`,
      continued: `*${esc(group.account)}* (continued)`,
    });
    let next = 0;
    for (const section of sections) {
      if (current.blocks.length >= REPLY_BLOCKS) {
        replies.push(current);
        current = { text: 'TrailGuard storm details', blocks: [], alertIds: [] };
      }
      current.blocks.push(...sectionBlocks([section]));
      current.alertIds.push(...group.alerts.slice(next, next + section.lines).map((a) => a.id));
      next += section.lines;
    }
  }
  if (current.blocks.length) replies.push(current);
  return replies;
}

// The storm digest: many alerts within a minute become one message grouped by account, details in its thread.
import { alertTarget, type Alert } from '../../src/core/alert.js';
import { ACTION_ACK, ACTION_RECHECK, BLOCK_ACTIONS } from '../ids.js';
import type { Incident } from '../store/types.js';
import { clip, esc, MAX_BLOCKS, slackDate } from './format.js';

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
  const budget = MAX_BLOCKS - 5;
  const sections: string[] = [];
  let current = '';
  let shown = 0;
  for (const line of lines) {
    if (current.length + line.length + 1 > 2900) {
      if (sections.length + 1 >= budget) break;
      sections.push(current);
      current = '';
    }
    current += `${current ? '\n' : ''}${line}`;
    shown += 1;
  }
  if (current) sections.push(current);
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: `Since ${slackDate(root.receivedAt)}: ${tally(alerts)}.${failed ? ` *${failed} failed to remediate.*` : ''} Details per account are in the thread.` } },
    ...sections.map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } })),
  ];
  if (shown < lines.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${lines.length - shown} more accounts not listed here; all are in the thread.` }] });
  const buttons: unknown[] = [];
  if (!root.acknowledgedBy) buttons.push({ type: 'button', action_id: ACTION_ACK, text: { type: 'plain_text', text: 'Acknowledge' }, style: 'primary', value: root.id });
  else blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `✅ Acknowledged by <@${root.acknowledgedBy}> at ${slackDate(root.acknowledgedAt ?? '')}` }] });
  buttons.push({ type: 'button', action_id: ACTION_RECHECK, text: { type: 'plain_text', text: 'Re-check' }, value: root.id });
  blocks.push({ type: 'actions', block_id: BLOCK_ACTIONS, elements: buttons });
  return { text: title, attachments: [{ color: failed ? '#E01E5A' : '#ECB22E', blocks }] };
}

/** Thread replies with the detail of each alert, several accounts per reply, each reply within Slack's limits. */
export function digestReplies(alerts: Alert[], nameOf: (account: string) => string): { text: string; blocks: unknown[] }[] {
  const replies: { text: string; blocks: unknown[] }[] = [];
  let blocks: unknown[] = [];
  for (const group of groupByAccount(alerts, nameOf)) {
    // Each line is clipped: one long error, ARN or name must not make a section Slack refuses (3,000 characters).
    const lines = group.alerts.map((a) =>
      clip(`• ${slackDate(a.eventTime)} ${a.eventName} on ${esc(alertTarget(a).name)} (${esc(a.region)}) by \`${esc(a.actor.arn)}\`: *${a.outcome}*${a.error ? ` — ${esc(a.error)}` : ''}`, 2000),
    );
    let text = `*${esc(group.account)}* (${esc(group.name)})`;
    for (const line of lines) {
      if (text.length + line.length + 1 > 2900) {
        blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
        text = `*${esc(group.account)}* (continued)`;
        if (blocks.length >= 48) {
          replies.push({ text: 'TrailGuard storm details', blocks });
          blocks = [];
        }
      }
      text += `\n${line}`;
    }
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
    if (blocks.length >= 48) {
      replies.push({ text: 'TrailGuard storm details', blocks });
      blocks = [];
    }
  }
  if (blocks.length) replies.push({ text: 'TrailGuard storm details', blocks });
  return replies;
}

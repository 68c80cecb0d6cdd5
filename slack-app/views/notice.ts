// Notices: what the channel must know that is not an alert (an unreadable message from the topic, the subscription lost).
import type { Notice } from '../store/types.js';
import { alarmDigest, alarmMessage } from './alarm.js';
import { clip, esc, headedMessage, slackDate } from './format.js';

/** How much of an unreadable message is shown: enough to recognise it, never a wall of text. */
export const EXCERPT_CHARS = 500;

/**
 * The message for a notice: `text` (the notification and the fallback) and Block Kit `blocks`. Every value the topic's
 * publisher or SNS chose (subject, error, excerpt, topic) is escaped (`esc`) and clipped, and the excerpt sits in a
 * code block, so nothing in it can mention a channel, link or format.
 */
export function noticeMessage(notice: Notice): { text: string; blocks: unknown[] } {
  if (notice.kind === 'cloudwatch-alarm' && notice.alarm) return alarmMessage(notice.alarm, notice.topic, notice.at);
  const topic = esc(notice.topic);
  const when = slackDate(notice.at);
  let title: string;
  let body: string[];
  if (notice.kind === 'unreadable-alert') {
    title = '⚠️ Unreadable TrailGuard alert';
    body = [
      `A message from ${topic} (${when}) is not a \`trailguard.alert/v1\` alert this app can read, so it is shown here as received.`,
      ...(notice.subject ? [`*Subject*: ${esc(clip(notice.subject, 200))}`] : []),
      ...(notice.error ? [`*Why it cannot be read*: ${esc(clip(notice.error, 600))}`] : []),
      "Update the Slack app to the remediator's version; meanwhile check the account it names with `/trail-status`.",
    ];
  } else if (notice.kind === 'non-member-alert') {
    const a = notice.alert;
    title = '⚠️ TrailGuard alert about an account this app does not know';
    body = [
      `An alert from ${topic} (${when}) is about account ${esc(a?.account ?? '?')}, which is not a member in this app's \`trailguard.yml\`, so it is shown here without buttons (no Re-check of an account TrailGuard does not protect).`,
      ...(a
        ? [
            `*What it says*: ${esc(clip(`${a.outcome}: ${a.eventName}${a.trail ? ` on ${a.trail}` : ''} in ${a.account}/${a.region}`, 300))}`,
          ]
        : []),
      'The app and the remediator disagree on the members: restart the app with the `trailguard.yml` that was last applied (or add the account to `members`), then check it with `/trail-status`.',
    ];
  } else if (notice.kind === 'unsubscribed') {
    title = '🚨 TrailGuard alerts no longer reach Slack';
    body = [
      `SNS confirmed at ${when} that this app's subscription to ${topic} was removed: *no further alert will arrive*.`,
      'Someone with `sns:Unsubscribe` or `sns:DeleteTopic` did this (or an operator did). Run `trailguard apply` to subscribe the app again, and find out who removed it (CloudTrail: `Unsubscribe`, `DeleteTopic`).',
    ];
  } else {
    title = '🚨 TrailGuard could not confirm its subscription';
    body = [
      `SNS asked at ${when} to confirm this app's subscription to ${topic}, and the confirmation failed: *no alert will arrive until it is confirmed*.`,
      ...(notice.error ? [`*Error*: ${esc(clip(notice.error, 600))}`] : []),
      'SNS sends the request again for a while; if this stays, let the app reach SNS over HTTPS and run `trailguard apply`.',
    ];
  }
  const { text, blocks } = headedMessage(title, body);
  if (notice.kind === 'unreadable-alert' && notice.excerpt !== undefined && notice.excerpt !== null)
    blocks.push({
      type: 'section',
      // Backticks would close the code block early: shown as a look-alike.
      text: { type: 'mrkdwn', text: `\`\`\`${esc(clip(notice.excerpt, EXCERPT_CHARS)).replace(/`/g, 'ˋ')}\`\`\`` },
    });
  return { text, blocks };
}

/** Unreadable messages named one by one in a digest; the rest are counted. */
export const DIGEST_SHOWN = 5;

/**
 * One message for many unreadable messages at once (a flood on the topic): how many, from which topic, and the first
 * DIGEST_SHOWN with their problem and the start of their text, escaped. Whoever may publish to the topic must not be
 * able to bury the channel's alerts under one message each.
 */
export function unreadableDigest(notices: readonly Notice[]): { text: string; blocks: unknown[] } {
  const topics = [...new Set(notices.map((n) => n.topic))].map(esc).join(', ');
  const title = `⚠️ ${notices.length} unreadable TrailGuard alerts`;
  const lines = notices.slice(0, DIGEST_SHOWN).map((n) => {
    const excerpt = esc(clip((n.excerpt ?? '').replace(/\s+/g, ' '), 120)).replace(/`/g, 'ˋ');
    return `• ${slackDate(n.at)}: ${esc(clip(n.error ?? 'unreadable', 200))} — \`${excerpt}\``;
  });
  const more = notices.length > DIGEST_SHOWN ? [`…and ${notices.length - DIGEST_SHOWN} more.`] : [];
  const body = [
    `${notices.length} messages from ${topics} are not \`trailguard.alert/v1\` alerts this app can read. Someone may be flooding the topic, or the remediator is newer than this app; check the members with \`/trail-status\`.`,
    ...lines,
    ...more,
  ];
  return headedMessage(title, body);
}

/** The message for notices posted together: one notice as itself, a flood of alarm notifications or unreadable messages as a digest. */
export function noticesMessage(notices: readonly Notice[]): { text: string; blocks: unknown[] } {
  if (notices.length === 1) return noticeMessage(notices[0]!);
  const alarms = notices.flatMap((n) => (n.kind === 'cloudwatch-alarm' && n.alarm ? [{ alarm: n.alarm, at: n.at }] : []));
  return alarms.length === notices.length ? alarmDigest(alarms) : unreadableDigest(notices);
}

// The alert message: who did what to which trail, what TrailGuard did, and the Acknowledge / Re-check buttons.
import { alertTarget, type Alert, type Outcome } from '#core/alert.js';
import { ACTION_ACK, ACTION_RECHECK, BLOCK_ACTIONS, BLOCK_STATUS } from '../ids.js';
import type { Incident } from '../store/types.js';
import { clip, duration, esc, MAX_FIELD, MAX_HEADER, slackDate } from './format.js';

type Style = { emoji: string; color: string; level: 'urgent' | 'warning' | 'info' };

export const OUTCOME_STYLE: Record<Exclude<Outcome, 'ignored' | 'rejected'>, Style> = {
  failed: { emoji: '🚨', color: '#E01E5A', level: 'urgent' },
  'alert-only': { emoji: '🔴', color: '#E01E5A', level: 'urgent' },
  restarted: { emoji: '⚠️', color: '#ECB22E', level: 'warning' },
  restored: { emoji: '⚠️', color: '#ECB22E', level: 'warning' },
  recreated: { emoji: '⚠️', color: '#ECB22E', level: 'warning' },
  'already-compliant': { emoji: 'ℹ️', color: '#36C5F0', level: 'info' },
  blocked: { emoji: '🛡️', color: '#2EB67D', level: 'info' },
  allowed: { emoji: 'ℹ️', color: '#36C5F0', level: 'info' },
  // Someone went for the detection pipeline itself: the next step may be the trail, unseen.
  'pipeline-tampered': { emoji: '🚨', color: '#E01E5A', level: 'urgent' },
  // Found by the sweep: nothing forwards this member-region's tampering, so it is as urgent as tampering itself.
  'pipeline-broken': { emoji: '🚨', color: '#E01E5A', level: 'urgent' },
  // Logging is on but nothing reaches the bucket (or the log group): as blind as stopped logging.
  'delivery-failing': { emoji: '🚨', color: '#E01E5A', level: 'urgent' },
  resolved: { emoji: '✅', color: '#2EB67D', level: 'info' },
};

const DID: Record<Exclude<Outcome, 'ignored' | 'rejected'>, string> = {
  restarted: 'Restarted logging',
  restored: 'Restored the trail to its baseline',
  recreated: 'Recreated the trail from its baseline and started logging',
  'already-compliant': 'Nothing to do: the trail already complies',
  allowed: 'Nothing: the actor is on the allow list',
  blocked: 'Nothing: the call itself failed, so nothing changed',
  'alert-only': 'Alert only: no baseline to restore from',
  failed: 'Remediation FAILED',
  'pipeline-tampered': "TrailGuard's own pipeline was tampered with",
  'pipeline-broken': "TrailGuard's forwarding from this member-region is broken: tampering there is not seen",
  'delivery-failing': 'Alert only: the trail logs but cannot deliver its logs',
  resolved: 'Resolved: the sweep no longer finds this',
};

const TARGET_LABEL = {
  trail: 'Trail',
  'event-rule': 'EventBridge rule',
  'iam-role': 'IAM role',
  'scheduler-schedule': 'Sweep schedule',
  'dynamodb-table': 'TrailGuard state table',
  'event-bus': 'EventBridge event bus',
  'lambda-function': 'Lambda function',
  'event-source-mapping': 'Lambda event source mapping',
  'sqs-queue': 'SQS queue',
  'event-data-store': 'CloudTrail Lake event data store',
  account: 'Account',
  organization: 'Organization',
} as const;

/** For a pipeline alert: whether the rule or role is back, in words. */
function restoredLine(alert: Alert): string | null {
  if (alert.trail) return null;
  const { restored, type } = alert.resource;
  if (type !== 'event-rule' && type !== 'iam-role') {
    if (restored === true) return 'Put back and verified';
    return restored === false ? '*NOT put back*: see why below' : null;
  }
  if (restored === true) return 'Restored to its desired definition and verified';
  if (restored === null) return 'Nothing to restore: it still matches its desired definition';
  return type === 'iam-role'
    ? '*NOT restored*: run `trailguard apply` to repair the role'
    : '*NOT restored*: see the error; `trailguard apply` repairs it';
}

const RESOURCE_LABEL: Record<string, string> = { 's3-bucket': 'S3 bucket', 'kms-key': 'KMS key', 'log-group': 'CloudWatch Logs group' };

/**
 * For a log-impairment alert (a trail alert with `resource`): what TrailGuard did to the bucket, key or log group, in
 * place of the trail-restore wording, which would be wrong there. Null for other alerts.
 */
function impairmentLine(alert: Alert): string | null {
  if (!alert.trail || !alert.resource) return null;
  const { type, name, restored } = alert.resource;
  const what = `${RESOURCE_LABEL[type] ?? type} ${name} of trail ${alert.trail.name}`;
  if (alert.outcome === 'blocked' || alert.outcome === 'allowed') return DID[alert.outcome];
  if (restored === true) return `Put the ${what} back and verified it`;
  if (restored === null) return `Nothing to put back on the ${what}`;
  return alert.outcome === 'failed'
    ? `Remediation FAILED: the ${what} is *NOT* back`
    : `Alert only: the ${what} is *NOT* put back (see Why)`;
}

export interface AlertView {
  accountName: string;
}

/** How long logging was off: from the tamper call to TrailGuard's verified fix, for the outcomes where it was off. */
export function loggingGap(alert: Alert): string | null {
  if (alert.eventName !== 'StopLogging' && alert.eventName !== 'DeleteTrail') return null;
  if (!alert.remediatedAt) return alert.outcome === 'failed' || alert.outcome === 'alert-only' ? 'still off' : null;
  return duration(Date.parse(alert.remediatedAt) - Date.parse(alert.eventTime));
}

export function alertTitle(alert: Alert): string {
  const style = OUTCOME_STYLE[alert.outcome];
  return clip(
    `${style.emoji} ${alert.eventName} on ${alertTarget(alert).name} in ${alert.account} (${alert.region}): ${alert.outcome}`,
    MAX_HEADER,
  );
}

export function alertBlocks(incident: Incident, view: AlertView): unknown[] {
  const { alert } = incident;
  const restored = restoredLine(alert);
  const did = [impairmentLine(alert) ?? DID[alert.outcome], ...(restored ? [restored] : []), ...alert.actions.map((a) => `• ${a}`)].join(
    '\n',
  );
  const target = alertTarget(alert);
  const gap = loggingGap(alert);
  const fields = [
    `*Account*\n${esc(alert.account)} (${esc(view.accountName)})`,
    `*Region*\n${esc(alert.region)}`,
    `*${TARGET_LABEL[target.type]}*\n${esc(target.name)}`,
    ...(alert.trail && alert.resource
      ? [`*${RESOURCE_LABEL[alert.resource.type] ?? alert.resource.type}*\n${esc(alert.resource.name)}`]
      : []),
    `*Event time*\n${slackDate(alert.eventTime)}`,
    `*Actor*\n\`${esc(alert.actor.arn)}\` (${esc(alert.actor.type)})`,
    `*Source IP*\n${esc(alert.actor.sourceIp ?? 'unknown')}`,
    ...(gap ? [`*Logging off for*\n${gap}`] : []),
    ...(alert.isLogging !== null ? [`*Logging now*\n${alert.isLogging ? 'yes' : '*NO*'}`] : []),
  ].map((text) => ({ type: 'mrkdwn', text: clip(text, MAX_FIELD) }));
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: alertTitle(alert), emoji: true } },
    { type: 'section', fields: fields.slice(0, 10) },
    { type: 'section', text: { type: 'mrkdwn', text: clip(`*What TrailGuard did*\n${esc(did)}`) } },
  ];
  // Above all for alert-only: the responder reads why TrailGuard could not (or chose not to) act.
  if (typeof alert.reason === 'string' && alert.reason && alert.reason !== alert.error)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Why*\n${esc(alert.reason)}`) } });
  if (alert.changes.length)
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`*What changed*\n${alert.changes.map((c) => `• ${esc(c)}`).join('\n')}`) },
    });
  if (alert.error) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Error*\n\`\`\`${esc(alert.error)}\`\`\``) } });
  if (alert.callError)
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: clip(`The call failed with ${esc(alert.callError.code)}: ${esc(alert.callError.message ?? '')}`) },
      ],
    });
  if (incident.count > 1)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `🔁 Tampered with *${incident.count} times* within the hour; details in the thread.` }],
    });
  const status = [
    incident.acknowledgedBy ? `✅ Acknowledged by <@${incident.acknowledgedBy}> at ${slackDate(incident.acknowledgedAt ?? '')}` : null,
    incident.statusLine,
  ].filter((s): s is string => Boolean(s));
  if (status.length)
    blocks.push({ type: 'context', block_id: BLOCK_STATUS, elements: status.map((text) => ({ type: 'mrkdwn', text: clip(text) })) });
  const buttons: unknown[] = [];
  if (!incident.acknowledgedBy) {
    buttons.push({
      type: 'button',
      action_id: ACTION_ACK,
      text: { type: 'plain_text', text: 'Acknowledge' },
      style: 'primary',
      value: incident.id,
    });
  }
  buttons.push({ type: 'button', action_id: ACTION_RECHECK, text: { type: 'plain_text', text: 'Re-check' }, value: incident.id });
  blocks.push({ type: 'actions', block_id: BLOCK_ACTIONS, elements: buttons });
  return blocks;
}

/** chat.postMessage / chat.update arguments: the colour bar of the outcome around the blocks, and a plain-text fallback. */
export function alertMessage(incident: Incident, view: AlertView) {
  return {
    // With attachments, `text` is the message body and Slack parses it as mrkdwn: the title carries
    // caller-chosen names (a failed call's trail or rule name), so it is escaped (the header block is plain_text).
    text: esc(alertTitle(incident.alert)),
    attachments: [{ color: OUTCOME_STYLE[incident.alert.outcome].color, blocks: alertBlocks(incident, view) }],
  };
}

/** A thread reply for a repeat of the same tampering. */
export function repeatReply(alert: Alert): string {
  return clip(
    `🔁 Again at ${slackDate(alert.eventTime)}: ${alert.eventName} by \`${esc(alert.actor.arn)}\` from ${esc(alert.actor.sourceIp ?? 'unknown')}; TrailGuard: ${alert.outcome}${alert.error ? ` (${esc(alert.error)})` : ''}.`,
  );
}

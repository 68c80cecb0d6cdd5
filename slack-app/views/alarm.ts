// A CloudWatch alarm notification from the alerts topic (the watchdog alarms apply deploys outside the remediator) as a
// Slack message: which alarm, its new state and CloudWatch's reason, and what to do about it.
import { NAMES } from '#core/names.js';
import { clip, esc, headedMessage, MAX_HEADER, slackDate } from './format.js';

/** The fields of a CloudWatch alarm notification the message shows (CloudWatch's SNS message, JSON). */
export interface AlarmState {
  /** AlarmName. */
  name: string;
  /** NewStateValue: `ALARM`, `OK` or `INSUFFICIENT_DATA`. */
  state: string;
  /** OldStateValue, when given. */
  previousState: string | null;
  /** NewStateReason: CloudWatch's sentence on the datapoints that crossed (or no longer cross) the threshold. */
  reason: string;
  /** AlarmDescription, when given. */
  description: string | null;
  /** AWSAccountId, when given. */
  account: string | null;
  /** The region from AlarmArn (`arn:aws:cloudwatch:<region>:...`), when given. */
  region: string | null;
}

const A = NAMES.alarms;

/** What to do when one of TrailGuard's alarms fires: why it matters and where to look first. */
const ADVICE: Record<string, string> = {
  [A.dlq]:
    `Tamper records the remediator never handled are piling up in \`${NAMES.dlq}\`: CloudTrail tampering in a member may be unrepaired. ` +
    `Check \`${NAMES.remediatorFunction}\` (reserved concurrency 0? its role? errors in its logs), then run \`trailguard plan\` and \`/trail-status\`; redrive the queue once it works.`,
  [A.sweepDlq]:
    'Sweep messages failed three times and sit in `trailguard-sweep-dlq`: accounts were not swept and canaries not judged. ' +
    `Check \`${NAMES.remediatorFunction}\` and its \`trailguard-sweep\` queue mapping, then run \`trailguard sweep\`.`,
  [A.alertsDlq]: `Alerts SNS could not deliver to this app sit in \`${NAMES.alertsDlq}\`: this channel has missed them. Read them from the queue and check the app's endpoint or function.`,
  [A.throttles]: `\`${NAMES.remediatorFunction}\` is being throttled: tamper records and sweeps wait or are dropped. Check its reserved concurrency (\`PutFunctionConcurrency\` to 0 switches it off) and who changed it (CloudTrail), then run \`trailguard apply\`.`,
  [A.errors]: `\`${NAMES.remediatorFunction}\` ends invocations in errors: tampering may be unrepaired. Read its logs, then run \`trailguard plan\` and \`/trail-status\`.`,
  [A.sweepMissing]: `No sweep message was taken from \`trailguard-sweep\` in twice the schedule: the schedule, its role, the queue mapping or \`${NAMES.remediatorFunction}\` is disabled or failing. Run \`trailguard plan\` (it shows what changed) and \`trailguard apply\`.`,
  [A.eventsAge]: `Tamper records wait over 5 minutes on \`${NAMES.eventsQueue}\`: the remediator is not taking them (its queue mapping disabled, or the function throttled or failing). Run \`trailguard plan\` and check \`${NAMES.remediatorFunction}\`.`,
};

const GENERIC_ADVICE =
  'This alarm publishes to the TrailGuard alerts topic; check what it watches in CloudWatch, then run `trailguard plan`.';

/**
 * The message for an alarm notification: `text` (the notification and the fallback) and Block Kit `blocks`. Every value
 * the publisher chose (name, description, reason, account, region) is escaped (`esc`) and clipped: whoever can publish
 * to the topic can send this shape too. `at` is ISO-8601 (the alarm's StateChangeTime, else SNS's Timestamp).
 */
export function alarmMessage(alarm: AlarmState, topic: string, at: string): { text: string; blocks: unknown[] } {
  const firing = alarm.state === 'ALARM';
  const recovered = alarm.state === 'OK';
  const icon = firing ? '🚨' : recovered ? '✅' : '⚠️';
  const what = firing ? 'in ALARM' : recovered ? 'back to OK' : `in ${alarm.state}`;
  // The name stays out of the header (plain text, not escapable): the notification text and the body carry it escaped.
  const title = clip(`${icon} TrailGuard watchdog: a CloudWatch alarm ${what}`, MAX_HEADER);
  const where = [alarm.account, alarm.region]
    .filter((v): v is string => !!v)
    .map(esc)
    .join(' ');
  const body = [
    `*${esc(clip(alarm.name, 255))}* is ${firing ? '*ALARM*' : recovered ? '*OK*' : `*${esc(clip(alarm.state, 40))}*`}` +
      `${alarm.previousState ? ` (was ${esc(clip(alarm.previousState, 40))})` : ''} since ${slackDate(at)}${where ? ` in ${where}` : ''}.`,
    ...(alarm.description ? [`*What it watches*: ${esc(clip(alarm.description, 400))}`] : []),
    `*Why*: ${esc(clip(alarm.reason, 600))}`,
    recovered
      ? 'The alarm is back to normal: what it watches recovered. Check that nothing was lost meanwhile (`trailguard plan`, `/trail-status`).'
      : (ADVICE[alarm.name] ?? GENERIC_ADVICE),
    `_From ${esc(topic)}_`,
  ];
  return headedMessage(title, body);
}

/** Alarm notifications named one by one in a digest; the rest are counted. */
export const ALARM_DIGEST_SHOWN = 10;

/**
 * One message for many alarm notifications at once (as many as make a storm): how many, and the first
 * ALARM_DIGEST_SHOWN with their state, escaped. Whoever may publish to the topic can send this shape, and must not be
 * able to bury the channel's alerts under one message each. `alarms` pairs each alarm with when it changed (ISO-8601).
 */
export function alarmDigest(alarms: readonly { alarm: AlarmState; at: string }[]): { text: string; blocks: unknown[] } {
  const title = `⚠️ ${alarms.length} CloudWatch alarm notifications`;
  const lines = alarms
    .slice(0, ALARM_DIGEST_SHOWN)
    .map(
      ({ alarm, at }) =>
        `• ${slackDate(at)}: *${esc(clip(alarm.name, 120))}* ${esc(clip(alarm.state, 40))}: ${esc(clip(alarm.reason, 160))}`,
    );
  const more = alarms.length > ALARM_DIGEST_SHOWN ? [`…and ${alarms.length - ALARM_DIGEST_SHOWN} more.`] : [];
  const body = [
    `${alarms.length} CloudWatch alarm notifications arrived at once on the alerts topic. Someone may be flooding the topic; check TrailGuard's alarms in CloudWatch and run \`trailguard plan\`.`,
    ...lines,
    ...more,
  ];
  return headedMessage(title, body);
}

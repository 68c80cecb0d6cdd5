// The scheduled sweep's model (issue 11): its SQS messages, the canary event, findings and the dedupe decision. Pure.
import { z } from 'zod';
import { ACCOUNT_ID, isKnownRegion, REGION } from './arn.js';
import { RejectedEventError } from './errors.js';

/** Name of the sweep queue (and, with `-dlq`, its dead-letter queue), the schedule and the state table. */
export const SWEEP_NAMES = {
  queue: 'trailguard-sweep',
  dlq: 'trailguard-sweep-dlq',
  schedule: 'trailguard-sweep',
  schedulerRole: 'trailguard-sweep-scheduler',
  table: 'trailguard-state',
  /** Rule on the central account's default bus: forwards UpdateSchedule and DeleteSchedule on the schedule to the remediator. */
  guardRule: 'trailguard-sweep-guard',
} as const;

/** EventBridge `source` of the canary each sweep puts on every member's default bus in every watched region. */
export const CANARY_SOURCE = 'trailguard.canary';
export const CANARY_DETAIL_TYPE = 'TrailGuard Canary';

/** The event pattern the member forwarding rule and the central tamper rule add for the canary. */
export function canaryPattern(): Record<string, unknown> {
  return { source: [CANARY_SOURCE], 'detail-type': [CANARY_DETAIL_TYPE] };
}

const AccountSchema = z.string().regex(ACCOUNT_ID, 'expected 12 digits');
const RegionSchema = z.string().regex(REGION, 'expected an AWS region').refine(isKnownRegion, 'unknown AWS region');

/**
 * Messages on `trailguard-sweep`. `plan` starts a sweep (the schedule's input, or the Slack Refresh button); the planner
 * answers it with one `account` message per member account, which a worker sweeps.
 */
export const SweepMessageSchema = z.discriminatedUnion('action', [
  z.strictObject({ trailguard: z.literal('sweep'), action: z.literal('plan'), sweepId: z.string().min(1).max(128).optional() }),
  z.strictObject({
    trailguard: z.literal('sweep'),
    action: z.literal('account'),
    sweepId: z.string().min(1).max(128),
    account: AccountSchema,
    regions: z.array(RegionSchema).min(1).max(64),
    startedAt: z.iso.datetime(),
  }),
]);
export type SweepMessage = z.infer<typeof SweepMessageSchema>;
export type AccountSweepMessage = Extract<SweepMessage, { action: 'account' }>;

/** The schedule's input: a message that starts a sweep. */
export const START_SWEEP_MESSAGE: SweepMessage = { trailguard: 'sweep', action: 'plan' };

/** True for anything that claims to be a sweep message (it is then validated by `parseSweepMessage`). */
export function isSweepMessage(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { trailguard?: unknown }).trailguard === 'sweep';
}

/** Reads a sweep message; throws RejectedEventError naming the path of the bad field. */
export function parseSweepMessage(value: unknown): SweepMessage {
  const result = SweepMessageSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)';
  throw new RejectedEventError(`sweep message: ${path}: ${issue.message}`);
}

/** The `detail` of a canary event. `sentAt` (ISO-8601) is what arrival is compared with. */
export interface CanaryDetail {
  account: string;
  region: string;
  sweepId: string;
  sentAt: string;
}

const CanaryEnvelopeSchema = z.looseObject({
  source: z.literal(CANARY_SOURCE),
  'detail-type': z.literal(CANARY_DETAIL_TYPE),
  id: z.string().min(1).max(256).optional(),
  // Real EventBridge keeps the source account on a forwarded event; moto drops it (DESIGN.md "Testing").
  account: AccountSchema.optional(),
  region: z.string().optional(),
  detail: z.strictObject({ account: AccountSchema, region: RegionSchema, sweepId: z.string().min(1).max(128), sentAt: z.iso.datetime() }),
});

export interface CanaryArrival extends CanaryDetail {
  eventId: string;
}

/** True for an event whose source is the canary's (it is then validated by `parseCanaryEvent`). */
export function isCanaryEvent(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { source?: unknown }).source === CANARY_SOURCE;
}

/**
 * Reads a canary event as it reaches the central bus. Throws RejectedEventError (with the field's path) for anything
 * else, and for a canary whose envelope account differs from the account it claims: one member cannot vouch for another's pipeline.
 */
export function parseCanaryEvent(raw: unknown): CanaryArrival {
  const result = CanaryEnvelopeSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new RejectedEventError(`canary: ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  }
  const { detail, account, region, id } = result.data;
  if (account && account !== detail.account) {
    throw new RejectedEventError(`canary: detail.account ${detail.account} differs from the envelope account ${account}`);
  }
  // Real EventBridge keeps the source region on a forwarded event (moto, which drops the account, rewrites it): a
  // canary put in one region must not vouch for another region's forwarding path.
  if (account && region !== undefined && region !== detail.region) {
    throw new RejectedEventError(`canary: detail.region ${detail.region} differs from the envelope region ${region}`);
  }
  return { ...detail, eventId: id ?? `${detail.sweepId}/${detail.account}/${detail.region}` };
}

/** The canary a sweep puts on `account`'s default bus in `region` (EventBridge PutEvents entry, without the bus). */
export function canaryEntry(detail: CanaryDetail): { Source: string; DetailType: string; Detail: string } {
  return { Source: CANARY_SOURCE, DetailType: CANARY_DETAIL_TYPE, Detail: JSON.stringify(detail) };
}

/**
 * What a sweep can find wrong in one member-region. `missing`: a baseline trail (`trails` in the config) that the
 * account does not have at all (deleted while its DeleteTrail event was missed).
 */
export type FindingKind =
  | 'not-logging'
  | 'baseline-drift'
  | 'selectors'
  | 'delivery-error'
  | 'rule'
  | 'canary'
  | 'unreadable'
  | 'missing'
  /** The trail's log storage (resource: the trail ARN): its bucket's lifecycle rules, its bucket policy, its KMS key. */
  | 'lifecycle'
  | 'bucket-policy'
  | 'kms-key';

/** A finding: `resource` is the trail ARN (also for the trail's bucket and key), the rule name, or `canary`. */
export interface Finding {
  account: string;
  region: string;
  kind: FindingKind;
  resource: string;
}

/** Sort key of a finding item in `trailguard-state`: `<account>#<region>#<kind>#<resource>`. */
export function findingKey(f: Finding): string {
  return `${f.account}#${f.region}#${f.kind}#${f.resource}`;
}

/** A finding as `trailguard-state` holds it. */
export interface FindingItem {
  key: string;
  firstSeenAt: string;
  alertId: string;
  state: 'open' | 'acknowledged' | 'resolved';
}

/**
 * Which findings to alert and which earlier alerts to resolve, for one member-region. A finding already open or
 * acknowledged is not alerted again; a finding the sweep repaired is alerted once and never stays open; an open or
 * acknowledged item no longer found is resolved (its alert id is what the resolved update names).
 */
export function dedupeFindings(
  found: readonly { finding: Finding; repaired: boolean }[],
  items: readonly FindingItem[],
): { alert: { finding: Finding; repaired: boolean }[]; resolve: FindingItem[] } {
  const live = new Map(items.filter((i) => i.state !== 'resolved').map((i) => [i.key, i]));
  const stillOpen = new Set(found.filter((f) => !f.repaired).map((f) => findingKey(f.finding)));
  return {
    alert: found.filter((f) => f.repaired || !live.has(findingKey(f.finding))),
    resolve: [...live.values()].filter((i) => !stillOpen.has(i.key)),
  };
}

/** The last canary this member-region sent (kept in the status snapshot) and what arrived (the `canary` item). */
export interface CanaryCheck {
  sent: { sentAt: string; sweepId: string } | null;
  arrived: { lastSeenAt: string; sentAt: string; eventId: string } | null;
}

/**
 * Whether the previous canary of a member-region is overdue: it was sent at least `graceMs` before `now` and nothing
 * sent at or after it has arrived. Null when there is nothing to judge yet (no canary sent, or still within the grace).
 */
export function canaryOverdue(check: CanaryCheck, now: Date, graceMs: number): boolean | null {
  if (!check.sent) return null;
  const sentAt = Date.parse(check.sent.sentAt);
  if (now.getTime() - sentAt < graceMs) return null;
  if (!check.arrived) return true;
  const arrivedSentAt = Date.parse(check.arrived.sentAt);
  // A canary "sent" in the future was not sent by a sweep (a forged one): it vouches for nothing.
  return arrivedSentAt < sentAt || canaryFromTheFuture(check.arrived.sentAt, now);
}

/** How far ahead of TrailGuard's clock a canary's `sentAt` may be (clock skew); beyond that it is forged. */
export const CANARY_MAX_SKEW_MS = 5 * 60_000;

/** True when `sentAt` is later than `now` plus the allowed skew: no sweep sent it. */
export function canaryFromTheFuture(sentAt: string, now: Date): boolean {
  return Date.parse(sentAt) > now.getTime() + CANARY_MAX_SKEW_MS;
}

/** The sentence the alert carries for a trail found off without a tamper event: the sweep's most important alert. */
export const FOUND_OFF_BY_SWEEP = 'found off by the sweep; no StopLogging event reached TrailGuard';

/** The sentence the alert carries for a baseline trail the sweep found missing: deleted while no event said so. */
export const FOUND_MISSING_BY_SWEEP = 'found missing by the sweep; no DeleteTrail event reached TrailGuard';

/**
 * The baseline trails an account lacks, from its ListTrails answer (every region's trails, and the organization trails
 * it can see). A trail of the baseline's name owned by the account stands for it; so does one owned by another account
 * (only an organization trail can be seen there) unless the baseline pins `isOrganizationTrail: false`.
 */
export function missingBaselineTrails<B extends { name: string; isOrganizationTrail?: boolean }>(
  baselines: readonly B[],
  account: string,
  listed: readonly { name: string; arn: string }[],
): B[] {
  return baselines.filter(
    (b) => !listed.some((t) => t.name === b.name && (t.arn.split(':')[4] === account || b.isOrganizationTrail !== false)),
  );
}

/**
 * Whether `account`'s worker reads the organization trails whose owner the sweep does not visit: one member (the first
 * by account id) reads them, so a stopped one is alerted once rather than once per member. When the members cannot be
 * listed, every worker reads them: a duplicate alert beats none.
 */
export function readsForeignOrganizationTrails(account: string, members: readonly string[] | null): boolean {
  if (!members || members.length === 0) return true;
  return [...members].sort()[0] === account;
}

const RATE_UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/**
 * The longest time between two runs of an EventBridge Scheduler expression (Scheduler User Guide, "Schedule types"),
 * in ms: `rate(n unit)` is n units; a `cron(minutes hours day-of-month month day-of-week year)` whose day, month,
 * weekday and year fields are all wildcards (`*` or `?`) runs every day at least, so one day bounds it. Null for any
 * other cron (weekly, monthly...), which TrailGuard does not bound.
 */
export function scheduleIntervalMs(expression: string): number | null {
  const rate = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression);
  if (rate) return Number(rate[1]) * RATE_UNIT_MS[rate[2]!]!;
  const cron = /^cron\((.+)\)$/.exec(expression);
  const fields = (cron?.[1] ?? '').trim().split(/\s+/);
  if (fields.length === 6 && fields.slice(2).every((f) => f === '*' || f === '?')) return RATE_UNIT_MS.day!;
  return null;
}

/**
 * Why the previous sweep is too old to be the schedule's work (started more than twice the schedule's interval before
 * `now`: the schedule was disabled, deleted or failing in between), or null. A sweep that never runs cannot report
 * itself: the next planner that does run (the schedule back, Slack's Refresh, `trailguard sweep`) says so.
 */
export function sweepGap(previousStartedAt: string | null, schedule: string | null, now: Date): string | null {
  if (!previousStartedAt || !schedule) return null;
  const interval = scheduleIntervalMs(schedule);
  if (interval === null) return null;
  const gap = now.getTime() - Date.parse(previousStartedAt);
  if (!(gap > 2 * interval)) return null;
  return (
    `the previous sweep started at ${previousStartedAt}, ${Math.round(gap / 60_000)} minutes ago, more than twice the schedule ` +
    `${schedule}: the schedule ${SWEEP_NAMES.schedule} was disabled, deleted or failing in between, and no account was swept ` +
    'nor canary sent meanwhile; check it (trailguard plan shows it, trailguard apply restores it)'
  );
}

// The poster's rules as pure functions: which stored alerts to post now and how (alone, folded, storm digest), and when to look again.
import { alertTarget, type Alert } from '#core/alert.js';
import type { Incident } from '../store/types.js';
import { OUTCOME_STYLE } from '../views/alert.js';

export interface PostingRules {
  /** Alerts received within `stormWindowMs` of each other that turn posting into a digest. */
  stormThreshold: number;
  stormWindowMs: number;
  /** Tampering with the same trail within this window updates the first message. */
  repeatWindowMs: number;
  /** Quiet time after the latest alert before posting, so that a burst is posted (or digested) together. */
  batchDelayMs: number;
  /** The longest a burst may hold posting back, from its first alert. */
  maxBatchWaitMs: number;
  /** Cap of the exponential backoff after a failed post. */
  maxBackoffMs: number;
}

export const DEFAULT_POSTING_RULES: PostingRules = {
  stormThreshold: 10,
  stormWindowMs: 60_000,
  repeatWindowMs: 3_600_000,
  batchDelayMs: 500,
  maxBatchWaitMs: 3000,
  maxBackoffMs: 300_000,
};

/** What the poster read from the store before deciding. Times are milliseconds since the epoch. */
export interface PostingSnapshot {
  /** Pending incidents whose next attempt is due, oldest received first (`Store.due(now)`). */
  due: readonly Incident[];
  /**
   * Pending incidents waiting for a later attempt (after a failure), oldest first. A storm is looked for among
   * them too, and a digest takes them along: alerts that failed one by one have scattered retry times.
   */
  waiting?: readonly Incident[];
  /** Alerts received within `stormWindowMs` before now, posted or not (`Store.countReceivedSince`). */
  receivedInWindow: number;
  /** A storm digest with a message of its own, received since `digestSince(due)` (`Store.recentDigest`). */
  openDigest: Incident | null;
  /**
   * For due incidents outside a storm: the earlier message of the same trail within `repeatWindowMs`
   * (`Store.findRepeatParent`), by incident id. Not needed (may be empty) when `isStorm` is true.
   */
  repeatParents: ReadonlyMap<string, Incident>;
  /** The channel posted to now: a repeat folds only into a message there (the channel may have changed). */
  channel?: string | null;
}

/**
 * One thing the poster does in Slack.
 * - `post`: a message of its own (chat.postMessage).
 * - `fold`: a repeat of the same tampering: the parent's counter goes up (chat.update) and a thread reply says when.
 *   The parent may be a `post` earlier in the same plan; if that post fails, the fold waits with it.
 * - `digest`: a storm. `root` is the digest message: posted first when `isNew`, else an existing one to extend;
 *   `incidents` are the alerts it details in its thread: the root's own first when it is new, or when its detail
 *   did not reach the thread before (the root's `lastError` is set), then the due ones.
 */
export type PostAction =
  | { kind: 'post'; incident: Incident }
  | { kind: 'fold'; incident: Incident; parentId: string }
  | { kind: 'digest'; root: Incident; isNew: boolean; incidents: Incident[] };

const ms = (iso: string) => Date.parse(iso);

/** Tampering with the same account, region and trail is a repeat (the store's `trailKey`). */
export const trailKeyOf = (alert: Alert) => `${alert.account}/${alert.region}/${alertTarget(alert).name}`;

/** Most alerts received within any `windowMs`-long span, by their `receivedAt` (oldest first or not). */
export function densestWindow(incidents: readonly Pick<Incident, 'receivedAt'>[], windowMs: number): number {
  const times = incidents.map((i) => ms(i.receivedAt)).sort((a, b) => a - b);
  let best = 0;
  for (let first = 0, last = 0; last < times.length; last += 1) {
    while (times[last]! - times[first]! > windowMs) first += 1;
    best = Math.max(best, last - first + 1);
  }
  return best;
}

/**
 * A storm: `stormThreshold` alerts received within `stormWindowMs`, either just now or among the alerts still
 * waiting to be posted. The second half matters when Slack was down, or the app stopped, for longer than the
 * window: the alerts of a storm are then all older than the window, and without it they would be posted one by one.
 */
export function isStorm(snapshot: Pick<PostingSnapshot, 'due' | 'waiting' | 'receivedInWindow'>, rules: PostingRules): boolean {
  if (snapshot.receivedInWindow >= rules.stormThreshold) return true;
  return densestWindow([...snapshot.due, ...(snapshot.waiting ?? [])], rules.stormWindowMs) >= rules.stormThreshold;
}

/** Every pending incident, due first or not, once each, oldest received first (ties by id, as the stores order them). */
function allPending(snapshot: Pick<PostingSnapshot, 'due' | 'waiting'>): Incident[] {
  const byId = new Map<string, Incident>();
  for (const incident of [...snapshot.due, ...(snapshot.waiting ?? [])]) byId.set(incident.id, incident);
  return [...byId.values()].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id));
}

/** Since when an existing digest can take the pending alerts: a digest of the same storm, however late it is posted. */
export function digestSince(pending: readonly Pick<Incident, 'receivedAt'>[], now: number, rules: PostingRules): Date {
  const oldest = pending.length ? Math.min(...pending.map((i) => ms(i.receivedAt))) : now;
  return new Date(Math.min(oldest, now) - rules.stormWindowMs);
}

/**
 * The actions for the due incidents: one digest in a storm; otherwise, in order, a post per incident or a fold
 * into the earlier message of the same trail (stored, or posted earlier in this plan). Pure: the same snapshot
 * gives the same actions. An empty plan means nothing is due.
 */
const URGENCY = { info: 0, warning: 1, urgent: 2 } as const;

/**
 * Whether a repeat may be folded into `parent`'s message (a counter and a thread reply): only while nobody
 * acknowledged that message, it is in the channel posted to now, and the repeat is not more urgent than what it
 * shows. Otherwise a `failed` remediation could hide under an informational or acknowledged message.
 */
export function mayFoldInto(parent: Incident, alert: Alert, channel: string | null = null): boolean {
  if (parent.acknowledgedBy || (channel !== null && parent.channel !== null && parent.channel !== channel)) return false;
  return URGENCY[OUTCOME_STYLE[alert.outcome].level] <= URGENCY[OUTCOME_STYLE[parent.alert.outcome].level];
}

export function planPosts(snapshot: PostingSnapshot, rules: PostingRules): PostAction[] {
  const { due } = snapshot;
  if (due.length === 0) return [];
  if (isStorm(snapshot, rules)) {
    // Slack takes posts again (something is due): the digest takes every waiting alert along, not only the due ones.
    const storm = allPending(snapshot);
    // Never into a digest someone acknowledged, or one in another channel: new tampering gets a new digest.
    const open = snapshot.openDigest;
    const root = open && !open.acknowledgedBy && (snapshot.channel == null || open.channel === snapshot.channel) ? open : null;
    if (root) {
      // A digest whose own detail line failed to reach its thread (lastError) gets it with this extension.
      const others = storm.filter((i) => i.id !== root.id);
      return [{ kind: 'digest', root, isNew: false, incidents: root.lastError ? [root, ...others] : others }];
    }
    return [{ kind: 'digest', root: storm[0]!, isNew: true, incidents: storm }];
  }
  const postedHere = new Map<string, Incident>();
  const actions: PostAction[] = [];
  for (const incident of due) {
    const key = trailKeyOf(incident.alert);
    const parent = snapshot.repeatParents.get(incident.id) ?? postedHere.get(key);
    if (
      parent &&
      ms(incident.receivedAt) - ms(parent.receivedAt) <= rules.repeatWindowMs &&
      mayFoldInto(parent, incident.alert, snapshot.channel ?? null)
    ) {
      actions.push({ kind: 'fold', incident, parentId: parent.id });
    } else {
      actions.push({ kind: 'post', incident });
      postedHere.set(key, incident);
    }
  }
  return actions;
}

/** Milliseconds Slack asked to wait (HTTP 429 Retry-After, as @slack/web-api reports it); null for any other error. */
export function retryAfterMs(error: unknown): number | null {
  const e = error as { code?: string; retryAfter?: number } | null;
  return e?.code === 'slack_webapi_rate_limited_error' && typeof e.retryAfter === 'number' ? e.retryAfter * 1000 : null;
}

/** Slack errors that refuse the message itself (its blocks, attachments or size), whenever it is sent. */
const MESSAGE_REFUSALS = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_attachments',
  'msg_too_long',
  'too_many_attachments',
]);

/**
 * True when Slack refused the message's content (chat.postMessage / chat.update error `invalid_blocks`,
 * `invalid_attachments`, `msg_too_long`, …, as @slack/web-api reports a platform error): sending the same
 * message again can never succeed, so the poster sends a plain-text one instead of retrying forever.
 */
export function isMessageRefused(error: unknown): boolean {
  const e = error as { code?: string; data?: { error?: unknown } } | null;
  return e?.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string' && MESSAGE_REFUSALS.has(e.data.error);
}

/**
 * Slack errors that say the app cannot post to the channel at all until someone acts (the bot removed from the
 * channel, the channel archived or gone, the token revoked or short of a scope): retries keep the alerts, but
 * nothing reaches Slack until a person fixes it, so the app must say so (GET /healthz), not only retry.
 */
const SETUP_REFUSALS = new Set([
  'not_in_channel',
  'channel_not_found',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'missing_scope',
  'no_permission',
  'restricted_action',
  'team_access_not_granted',
  'ekm_access_denied',
]);

/** The Slack error code when the error is one no retry fixes without a person (see SETUP_REFUSALS); null otherwise. */
export function setupRefusal(error: unknown): string | null {
  const e = error as { code?: string; data?: { error?: unknown } } | null;
  return e?.code === 'slack_webapi_platform_error' && typeof e.data?.error === 'string' && SETUP_REFUSALS.has(e.data.error)
    ? e.data.error
    : null;
}

const MIN_RETRY_AFTER_MS = 1000;

/**
 * When to try again after a failed post, in ms since the epoch: Slack's Retry-After when it gave one (at least 1 s), else an
 * exponential backoff from 2 s, capped at `maxBackoffMs`, with "equal jitter" (half fixed, half random).
 * One time for every incident of a failed action, so that a storm stays together for its retry.
 */
export function retryAt(error: unknown, attempts: number, now: number, rules: PostingRules, random: () => number = Math.random): number {
  const wait = retryAfterMs(error);
  // A Retry-After of 0 (or a negative one) must not turn the retry loop into a busy loop against Slack.
  if (wait !== null) return now + Math.max(wait, MIN_RETRY_AFTER_MS);
  const base = Math.min(rules.maxBackoffMs, 2000 * 2 ** attempts);
  return now + base / 2 + random() * (base / 2);
}

/** The poster's clock: when the current burst began, and until when Slack asked us to pause (ms since the epoch). */
export interface PostingClock {
  burstStartedAt: number | null;
  pausedUntil: number;
}

export const IDLE_CLOCK: PostingClock = { burstStartedAt: null, pausedUntil: 0 };

/**
 * After an alert arrives: post `batchDelayMs` after the latest alert, but no later than `maxBatchWaitMs` after the
 * burst's first one, and never while paused. Returns the new clock and the time to post at (replacing any earlier
 * wake-up, which is what lets a burst gather).
 */
export function wakeAfterReceive(clock: PostingClock, now: number, rules: PostingRules): { clock: PostingClock; at: number } {
  const burstStartedAt = clock.burstStartedAt ?? now;
  const at = Math.max(Math.min(now + rules.batchDelayMs, burstStartedAt + rules.maxBatchWaitMs), clock.pausedUntil);
  return { clock: { ...clock, burstStartedAt }, at };
}

/** After a pass: wake when the next pending incident is due (null: nothing pending), never while paused. */
export function wakeAfterPass(clock: PostingClock, nextDue: number | null): number | null {
  return nextDue === null ? null : Math.max(nextDue, clock.pausedUntil);
}

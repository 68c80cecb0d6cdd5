// Posts stored alerts to Slack by carrying out the pure decisions of decide.ts: reads the store, plans, calls Slack, records.
import type { Alert } from '#core/alert.js';
import { errorText } from '#core/errors.js';
import type { Log } from '#core/log.js';
import type { Incident, Notice, PendingNotice, Store } from '../store/types.js';
import { noticesMessage } from '../views/notice.js';
import { alertMessage, repeatReply } from '../views/alert.js';
import { digestMessage, digestReplies } from '../views/digest.js';
import { clip } from '../views/format.js';
import { METADATA_ALERT } from '../ids.js';
import {
  DEFAULT_POSTING_RULES,
  digestSince,
  IDLE_CLOCK,
  isMessageRefused,
  isStorm,
  planPosts,
  retryAfterMs,
  retryAt,
  setupRefusal,
  wakeAfterPass,
  wakeAfterReceive,
  type PostAction,
  type PostingClock,
  type PostingRules,
  type PostingSnapshot,
} from './decide.js';

export { retryAfterMs } from './decide.js';

/** A page of conversations.history / conversations.replies, as far as the poster reads it. */
export interface HistoryPage {
  messages?: { ts?: string; bot_id?: string; metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }[];
  response_metadata?: { next_cursor?: string };
}

/** The slice of Slack's conversations API the poster uses (WebClient's `conversations` fits). */
export interface ConversationsApi {
  history(args: Record<string, unknown> & { channel: string }): Promise<HistoryPage>;
  replies(args: Record<string, unknown> & { channel: string; ts: string }): Promise<HistoryPage>;
}

/**
 * The slice of Slack's chat API the poster uses (WebClient's `chat` fits), and optionally the channel's history:
 * without it, a post whose outcome was unknown (connection lost, app killed) is sent again rather than looked for.
 */
export interface ChatApi extends Partial<ConversationsApi> {
  postMessage(args: Record<string, unknown> & { channel: string; text: string }): Promise<{ ts?: string }>;
  update(args: Record<string, unknown> & { channel: string; ts: string; text: string }): Promise<unknown>;
  /**
   * This app's bot id (auth.test `bot_id`). With it, the history look-up trusts only the app's own messages: any
   * other app in the workspace could post a message carrying an alert id's metadata and swallow that alert.
   */
  botId?(): Promise<string | undefined>;
}

export interface PosterOptions extends Partial<PostingRules> {
  store: Store;
  chat: ChatApi;
  channel: string;
  nameOf: (account: string) => string;
  log: Pick<Log, 'info' | 'warn'> & Partial<Pick<Log, 'error'>>;
  now?: () => Date;
}

type Message = Record<string, unknown> & { text: string };

/** After a pass failed on the store: try again this much later. */
const STORE_RETRY_MS = 5_000;

/** Slack answered that the message to update no longer exists or cannot be updated (no retry changes that). */
function messageGone(error: unknown): boolean {
  const code = (error as { data?: { error?: unknown } } | null)?.data?.error;
  return code === 'message_not_found' || code === 'cant_update_message';
}

/** How far before a post's `sendingAt` its message is looked for: Slack's clock and ours may differ. */
const LOOKBACK_MS = 5 * 60_000;
/** History pages (200 messages each) read when looking for a post whose outcome was unknown. */
const LOOKUP_PAGES = 10;

/**
 * True when Slack answered and said the message was not posted (an `ok: false` answer, a 429): anything else (a
 * connection reset, a timeout, an HTTP 5xx from a proxy, the app killed) leaves it unknown whether Slack has it.
 */
function surelyNotPosted(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'slack_webapi_platform_error' || code === 'slack_webapi_rate_limited_error';
}

/** The message metadata that names the alerts a message shows (Slack: chat.postMessage `metadata`). */
function alertMetadata(ids: readonly string[]) {
  return {
    event_type: METADATA_ALERT,
    event_payload: ids.length === 1 ? { alert_id: ids[0]! } : { alert_id: ids[0]!, alert_ids: [...ids] },
  };
}

/**
 * How long a poster holds the incidents it is posting (`Store.claim`): longer than any post takes, so that a
 * concurrent drain (another Lambda invocation) leaves them alone; a poster that died mid-post frees them after it.
 */
const CLAIM_LEASE_MS = 60_000;

/** After another drain held what this one planned: look again this much later (not in a busy loop). */
const CLAIM_RETRY_MS = 1_000;

/** Due incidents read per pass; a larger backlog is worked through in further passes. */
const PASS_LIMIT = 500;
/** How far ahead waiting (retrying) incidents are read to find a storm: past any backoff or Retry-After. */
const WAITING_HORIZON_MS = 7 * 24 * 3600_000;

/** A failed action: its incidents stay pending until `retryAt`; a rate limit also pauses every post until then. */
class ActionFailed extends Error {
  constructor(
    readonly retryAt: number,
    readonly rateLimited: boolean,
    cause: unknown,
  ) {
    super(errorText(cause), { cause });
  }
}

/**
 * Posts the alerts the store holds to one Slack channel (chat.postMessage, chat.update), following the rules of
 * decide.ts. `receive` stores an alert and sets a timer; each pass reads the store, plans with `planPosts` and
 * carries the plan out; a failure keeps the alerts pending with their next attempt (`Store.markFailed`), so a
 * restart resumes where the last run stopped. Errors from Slack never escape: they become retries.
 */
export class AlertPoster {
  private readonly store: Store;
  private readonly chat: ChatApi;
  private readonly channel: string;
  private readonly nameOf: (account: string) => string;
  private readonly log: Pick<Log, 'info' | 'warn'> & Partial<Pick<Log, 'error'>>;
  private readonly now: () => number;
  private readonly rules: PostingRules;
  private clock: PostingClock = IDLE_CLOCK;
  private timer: { handle: NodeJS.Timeout; at: number } | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  /** Slack calls made, by method: the benchmark reads it. */
  readonly calls = { postMessage: 0, update: 0 };
  /**
   * Set while Slack refuses every post for a reason only a person can fix (`setupRefusal`: not_in_channel,
   * token_revoked, …), with the error code and since when (ISO-8601); cleared by the next post Slack accepts.
   * GET /healthz answers 503 while it is set.
   */
  slackRefusal: { error: string; since: string } | null = null;

  constructor(options: PosterOptions) {
    const { store, chat, channel, nameOf, log, now, ...rules } = options;
    this.store = store;
    this.chat = chat;
    this.channel = channel;
    this.nameOf = nameOf;
    this.log = log;
    this.now = now ? () => now().getTime() : () => Date.now();
    this.rules = { ...DEFAULT_POSTING_RULES, ...Object.fromEntries(Object.entries(rules).filter(([, v]) => v !== undefined)) };
  }

  /** Schedules the next post after something was received: gathered with what else arrives (a burst posts together). */
  private wakeAfterReceive(): void {
    if (this.stopped) return;
    const { clock, at } = wakeAfterReceive(this.clock, this.now(), this.rules);
    this.clock = clock;
    this.wakeAt(at, { replace: true });
  }

  /** Stores the alert (once per id) and schedules a post; false for a duplicate delivery. */
  async receive(alert: Alert): Promise<boolean> {
    const isNew = await this.store.insertAlert(alert, new Date(this.now()));
    if (!isNew) {
      this.log.info('duplicate alert ignored', { alertId: alert.id });
      return false;
    }
    this.wakeAfterReceive();
    return true;
  }

  /**
   * Stores a notice (once per id) and schedules a post, as `receive` does for an alert: it is retried with the same
   * backoff until Slack takes it, also after a restart. False for a redelivery.
   */
  async notify(notice: Notice): Promise<boolean> {
    const isNew = await this.store.insertNotice(notice, new Date(this.now()));
    if (!isNew) {
      this.log.info('duplicate notice ignored', { noticeId: notice.id });
      return false;
    }
    // Gathered like alerts (a burst is posted together), so a flood of unreadable messages becomes one digest.
    this.wakeAfterReceive();
    return true;
  }

  /** Starts posting, including whatever was left pending before a restart. */
  start(): void {
    this.stopped = false;
    this.wakeAt(this.now(), { replace: false });
  }

  /**
   * Stops posting and waits for the pass under way. Never rejects: a pass that fails now (the store locked or gone)
   * leaves its alerts pending for the next start, and a shutdown must still close the store and the server.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer.handle);
    this.timer = null;
    await this.running?.catch((error: unknown) => {
      this.log.warn('alert posting pass failed while stopping; pending alerts are posted after the next start', {
        error: errorText(error),
      });
    });
  }

  /** Sets the timer to `at`: `replace` moves it later too (a burst gathering), otherwise only earlier. */
  private wakeAt(at: number, { replace }: { replace: boolean }): void {
    if (this.stopped) return;
    if (this.timer && !replace && this.timer.at <= at) return;
    if (this.timer) clearTimeout(this.timer.handle);
    const handle = setTimeout(
      () => {
        this.timer = null;
        // A pass that throws (the store failing) must neither end the process (an unhandled rejection)
        // nor leave pending alerts without a next attempt.
        this.drain().catch((error: unknown) => {
          this.log.warn('alert posting pass failed; trying again', { error: errorText(error) });
          this.wakeAt(this.now() + Math.min(STORE_RETRY_MS, this.rules.maxBackoffMs), { replace: false });
        });
      },
      Math.max(0, at - this.now()),
    );
    handle.unref?.();
    this.timer = { handle, at };
  }

  /** Posts everything due; one pass at a time. Resolves when the pass (and any it triggered) is done. */
  drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.clock = { ...this.clock, burstStartedAt: null };
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again);
      } finally {
        this.running = null;
      }
      const [nextNotice] = await this.store.dueNotices(new Date(this.now() + WAITING_HORIZON_MS), 1);
      const dues = [(await this.store.nextDue())?.getTime(), nextNotice && Date.parse(nextNotice.nextAttemptAt)].filter(
        (t): t is number => typeof t === 'number',
      );
      const next = wakeAfterPass(this.clock, dues.length > 0 ? Math.min(...dues) : null);
      if (next !== null) this.wakeAt(next, { replace: false });
    })();
    return this.running;
  }

  /** Reads what the rules need from the store: repeat parents only outside a storm (a storm never folds). */
  private async snapshot(): Promise<PostingSnapshot> {
    const now = this.now();
    const due = await this.store.due(new Date(now), PASS_LIMIT);
    if (due.length === 0) return { due, waiting: [], receivedInWindow: 0, openDigest: null, repeatParents: new Map() };
    const dueIds = new Set(due.map((i) => i.id));
    const waiting = (await this.store.due(new Date(now + WAITING_HORIZON_MS), PASS_LIMIT)).filter((i) => !dueIds.has(i.id));
    const receivedInWindow = await this.store.countReceivedSince(new Date(now - this.rules.stormWindowMs));
    const storm = isStorm({ due, waiting, receivedInWindow }, this.rules);
    const openDigest = storm ? await this.store.recentDigest(digestSince([...due, ...waiting], now, this.rules)) : null;
    const repeatParents = new Map<string, Incident>();
    if (!storm) {
      for (const incident of due) {
        const since = new Date(Date.parse(incident.receivedAt) - this.rules.repeatWindowMs);
        const parent = await this.store.findRepeatParent(incident.alert, since);
        if (parent?.ts) repeatParents.set(incident.id, parent);
      }
    }
    return { due, waiting, receivedInWindow, openDigest, repeatParents, channel: this.channel };
  }

  /**
   * Notices first: one says the channel may be missing alerts. As many unreadable messages as make a storm
   * (`stormThreshold`) go out as one digest: whoever may publish to the topic cannot bury the channel under them.
   * Returns false when a rate limit paused posting.
   */
  private async postNotices(): Promise<boolean> {
    const due = await this.store.dueNotices(new Date(this.now()), PASS_LIMIT);
    // Unreadable messages and alarm notifications are what any publisher to the topic can send: each kind is a digest.
    const floods = (['unreadable-alert', 'cloudwatch-alarm'] as const)
      .map((kind) => due.filter((p) => p.notice.kind === kind))
      .filter((group) => group.length >= this.rules.stormThreshold);
    const flooded = new Set(floods.flat());
    const groups: PendingNotice[][] = [...due.filter((p) => !flooded.has(p)).map((p) => [p]), ...floods];
    const now = new Date(this.now());
    const until = new Date(now.getTime() + CLAIM_LEASE_MS);
    for (const planned of groups) {
      // Another drain (a concurrent Lambda invocation) holding a notice posts it; this one leaves it alone.
      const group: PendingNotice[] = [];
      for (const p of planned) if (await this.store.claimNotice(p.notice.id, now, until)) group.push(p);
      if (group.length === 0) continue;
      const notices = group.map((p) => p.notice);
      try {
        const ts = await this.post(noticesMessage(notices));
        for (const notice of notices) await this.store.markNoticePosted(notice.id, ts);
        this.slackRefusal = null;
        this.log.info(notices.length === 1 ? 'notice posted' : 'notices posted as one digest', {
          noticeIds: notices.map((n) => n.id),
          kind: notices[0]!.kind,
          ts,
        });
      } catch (error) {
        this.noteRefusal(error);
        // The whole group gets the same next attempt, so a digest stays one message.
        const at = retryAt(error, Math.max(...group.map((p) => p.attempts)), this.now(), this.rules);
        for (const notice of notices) await this.store.markNoticeFailed(notice.id, errorText(error), new Date(at));
        this.log.warn('notice not posted yet; kept for retry', {
          noticeIds: notices.map((n) => n.id),
          kind: notices[0]!.kind,
          attempts: Math.max(...group.map((p) => p.attempts)) + 1,
          error: errorText(error),
        });
        if (retryAfterMs(error) !== null) {
          this.clock = { ...this.clock, pausedUntil: at };
          return false;
        }
      }
    }
    return true;
  }

  /** Remembers (and logs once) that Slack refuses every post for a reason only a person can fix. */
  private noteRefusal(error: unknown): void {
    const refusal = setupRefusal(error);
    if (!refusal || this.slackRefusal?.error === refusal) return;
    this.slackRefusal = { error: refusal, since: new Date(this.now()).toISOString() };
    (this.log.error ?? this.log.warn).call(
      this.log,
      'slack refuses every post until someone fixes the app or the channel; alerts are kept and retried',
      {
        error: refusal,
        channel: this.channel,
      },
    );
  }

  private async pass(): Promise<void> {
    if (this.now() < this.clock.pausedUntil) return;
    if (!(await this.postNotices())) return;
    for (;;) {
      if (this.now() < this.clock.pausedUntil) return;
      const actions = planPosts(await this.snapshot(), this.rules);
      if (actions.length === 0) return;
      const failedParents = new Map<string, ActionFailed>();
      let acted = false;
      for (const planned of actions) {
        const action = await this.claimed(planned);
        if (!action) continue;
        acted = true;
        try {
          const parentFailure = action.kind === 'fold' ? failedParents.get(action.parentId) : undefined;
          if (parentFailure) throw parentFailure;
          await this.execute(action);
          this.slackRefusal = null;
        } catch (error) {
          this.noteRefusal(error);
          const failure = error instanceof ActionFailed ? error : this.failure(error, action);
          if (action.kind === 'post') failedParents.set(action.incident.id, failure);
          await this.recordFailure(action, failure);
          if (failure.rateLimited) {
            this.clock = { ...this.clock, pausedUntil: failure.retryAt };
            this.log.warn('slack rate limit: pausing', { waitMs: failure.retryAt - this.now() });
            // The actions not tried stay due, and are planned afresh once the pause is over.
            return;
          }
        }
      }
      // Everything planned is held by another drain: its claims, or their expiry, decide when to look again.
      if (!acted) return;
    }
  }

  /**
   * The action restricted to the pending incidents this poster could claim; null when nothing is left to do (another
   * drain holds them, or already posted them). A digest that is new needs its root; one being extended goes on with
   * the alerts it got (its root, already posted, needs no claim).
   */
  private async claimed(action: PostAction): Promise<PostAction | null> {
    const now = new Date(this.now());
    const until = new Date(now.getTime() + CLAIM_LEASE_MS);
    const claim = async (incident: Incident) => incident.state !== 'pending' || (await this.store.claim(incident.id, now, until));
    if (action.kind !== 'digest') return (await claim(action.incident)) ? action : null;
    const incidents: Incident[] = [];
    for (const incident of action.incidents) if (await claim(incident)) incidents.push(incident);
    if (action.isNew && !incidents.some((i) => i.id === action.root.id)) {
      // Without its root the digest cannot be posted here: give the others back for the drain that holds it.
      const later = new Date(now.getTime() + CLAIM_RETRY_MS);
      for (const i of incidents) if (i.state === 'pending') await this.store.markFailed(i.id, 'storm digest held by another drain', later);
      return null;
    }
    return incidents.length > 0 ? { ...action, incidents } : null;
  }

  private failure(error: unknown, action: PostAction): ActionFailed {
    const attempts = Math.max(...incidentsOf(action).map((i) => i.attempts));
    return new ActionFailed(retryAt(error, attempts, this.now(), this.rules), retryAfterMs(error) !== null, error);
  }

  /** Keeps every still-pending incident of a failed action pending, all with the same next attempt. */
  private async recordFailure(action: PostAction, failure: ActionFailed): Promise<void> {
    for (const incident of incidentsOf(action)) {
      if ((await this.store.get(incident.id))?.state !== 'pending') continue;
      await this.store.markFailed(incident.id, failure.message, new Date(failure.retryAt));
      this.log.warn('alert not posted yet; kept for retry', {
        alertId: incident.id,
        attempts: incident.attempts + 1,
        retryInMs: Math.round(failure.retryAt - this.now()),
        error: failure.message,
      });
    }
  }

  private async execute(action: PostAction): Promise<void> {
    if (action.kind === 'post') return this.postOne(action.incident);
    if (action.kind === 'fold') return this.fold(action.incident, action.parentId);
    return this.postDigest(action.root, action.isNew, action.incidents);
  }

  private async post(args: Record<string, unknown> & { text: string }): Promise<string> {
    const out = await this.withPlainFallback(args, (message) => {
      this.calls.postMessage += 1;
      return this.chat.postMessage({ channel: this.channel, unfurl_links: false, ...message });
    });
    if (!out.ts) throw new Error('chat.postMessage returned no ts');
    return out.ts;
  }

  private async update(ts: string, args: Record<string, unknown> & { text: string }): Promise<void> {
    await this.withPlainFallback(args, (message) => {
      this.calls.update += 1;
      return this.chat.update({ channel: this.channel, ts, ...message });
    });
  }

  /**
   * Sends the message; if Slack refuses its content (a view that broke a Block Kit rule, or a value crafted to),
   * sends its plain-text summary instead: an alert must reach the channel even when its details cannot.
   */
  private async withPlainFallback<T>(args: Message, send: (message: Message) => Promise<T>): Promise<T> {
    try {
      return await send(args);
    } catch (error) {
      if (!isMessageRefused(error) || (!args.blocks && !args.attachments)) throw error;
      const { blocks: _b, attachments: _a, ...rest } = args;
      this.log.warn('slack refused the message; sending it as plain text', { error: errorText(error) });
      const note = `(Slack refused the details of this message: ${errorText(error)}. \`/trail-status incidents\` lists it.)`;
      return send({ ...rest, text: clip(`${args.text}\n${note}`) });
    }
  }

  private async postOne(incident: Incident): Promise<void> {
    const found = (await this.alreadyShown([incident], null)).get(incident.id);
    const ts =
      found ??
      (await this.sendTracked([incident.id], () =>
        this.post({
          ...alertMessage(incident, { accountName: this.nameOf(incident.alert.account) }),
          metadata: alertMetadata([incident.id]),
        }),
      ));
    await this.store.markPosted(incident.id, this.channel, ts, null);
    this.log.info(found ? 'alert found already posted; not posted again' : 'alert posted', {
      alertId: incident.id,
      outcome: incident.alert.outcome,
      ts,
    });
  }

  /**
   * Sends a post showing `ids`: marks them as being sent first, so that a restart after a kill, or a retry after a
   * lost answer, looks for the message (`alreadyShown`) before posting again; an answer that says the post surely did
   * not happen clears the mark.
   */
  private async sendTracked<T>(ids: readonly string[], send: () => Promise<T>): Promise<T> {
    const at = new Date(this.now());
    for (const id of ids) await this.store.markSending(id, at);
    try {
      return await send();
    } catch (error) {
      if (surelyNotPosted(error)) for (const id of ids) await this.store.markSending(id, null);
      throw error;
    }
  }

  /**
   * Of the incidents whose last post had an unknown outcome (`sendingAt`), those Slack already shows, with the ts of
   * the message: top-level messages of the channel (`threadTs` null, conversations.history) or replies in a thread
   * (conversations.replies), found by the alert ids in their metadata (`include_all_metadata`). Slack refusing the
   * look-up (missing scope, not in channel) posts anyway: an alert shown twice beats one never shown. A look-up that
   * fails otherwise (connection, 429) throws, and the post is retried later with its mark kept.
   */
  private async alreadyShown(incidents: readonly Incident[], threadTs: string | null): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const unsure = incidents.filter((i) => i.sendingAt);
    if (unsure.length === 0) return found;
    const wanted = new Set(unsure.map((i) => i.id));
    const lookUp = threadTs ? this.chat.replies : this.chat.history;
    if (!lookUp) {
      this.log.warn('cannot look for an earlier post in Slack (no history access); posting again', { alertIds: [...wanted] });
      return found;
    }
    const oldest = Math.min(...unsure.map((i) => Date.parse(i.sendingAt!))) - LOOKBACK_MS;
    // Our own messages only; when who we are cannot be learnt, nothing is trusted: shown twice beats never shown.
    let own: string | undefined | null = null;
    if (this.chat.botId) {
      own = await this.chat.botId().catch(() => undefined);
      if (!own) {
        this.log.warn("cannot tell which messages are this app's own; posting again", { alertIds: [...wanted] });
        return found;
      }
    }
    try {
      let cursor: string | undefined;
      for (let page = 0; page < LOOKUP_PAGES; page += 1) {
        const args = {
          channel: this.channel,
          include_all_metadata: true,
          limit: 200,
          ...(threadTs ? { ts: threadTs } : { oldest: (oldest / 1000).toFixed(6) }),
          ...(cursor ? { cursor } : {}),
        };
        const out = await lookUp.call(this.chat, args as never);
        for (const message of out.messages ?? []) {
          if (message.metadata?.event_type !== METADATA_ALERT || !message.ts) continue;
          if (own !== null && message.bot_id !== own) continue;
          const payload = message.metadata.event_payload ?? {};
          const ids = [payload.alert_id, ...(Array.isArray(payload.alert_ids) ? payload.alert_ids : [])];
          for (const id of ids) if (typeof id === 'string' && wanted.has(id) && !found.has(id)) found.set(id, message.ts);
        }
        cursor = out.response_metadata?.next_cursor || undefined;
        if (!cursor || found.size === wanted.size) break;
      }
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code !== 'slack_webapi_platform_error') throw error;
      this.log.warn('slack refused the look-up for an earlier post; posting again', { alertIds: [...wanted], error: errorText(error) });
    }
    return found;
  }

  private async fold(incident: Incident, parentId: string): Promise<void> {
    const parent = await this.store.get(parentId);
    if (!parent?.ts) throw new Error(`the message of ${parentId} this repeat belongs to is not posted yet`);
    // Render the counter first and store it last: a retry after a failure shows the same count.
    const shown = { ...parent, count: parent.count + 1 };
    try {
      await this.update(parent.ts, alertMessage(shown, { accountName: this.nameOf(parent.alert.account) }));
    } catch (error) {
      // The first message is gone (deleted): no retry can update it, so the repeat gets its own message.
      if (!messageGone(error)) throw error;
      this.log.warn('first message of the trail is gone; posting the repeat on its own', {
        alertId: incident.id,
        parentId: parent.id,
        error: errorText(error),
      });
      return this.postOne(incident);
    }
    const parentTs = parent.ts;
    if (!(await this.alreadyShown([incident], parentTs)).has(incident.id))
      await this.sendTracked([incident.id], () =>
        this.post({ thread_ts: parentTs, text: repeatReply(incident.alert), metadata: alertMetadata([incident.id]) }),
      );
    await this.store.incrementCount(parent.id);
    await this.store.markPosted(incident.id, this.channel, parent.ts, parent.id);
    this.log.info('alert folded into earlier message', { alertId: incident.id, parentId: parent.id, count: shown.count });
  }

  /**
   * Posts (or extends) a storm digest. Each thread reply's alerts are marked posted as soon as it is in Slack, so a
   * failure part-way (a 429 on the third reply) retries only the replies that did not go out.
   */
  private async postDigest(root: Incident, isNew: boolean, planned: Incident[]): Promise<void> {
    const { store, channel, nameOf } = this;
    let incidents = planned;
    let ts = root.ts;
    if (isNew) {
      const found = (await this.alreadyShown([root], null)).get(root.id);
      ts =
        found ??
        (await this.sendTracked([root.id], () =>
          this.post({
            ...digestMessage(
              root,
              incidents.map((i) => i.alert),
              nameOf,
            ),
            metadata: alertMetadata([root.id]),
          }),
        ));
      await store.markPosted(root.id, channel, ts, null, true);
      this.log.info(found ? 'storm digest found already posted; not posted again' : 'storm digest posted', {
        alertId: root.id,
        alerts: incidents.length,
      });
      // The root's own sending mark is cleared now; its detail line in the thread is tracked on its own.
      incidents = incidents.map((i) => (i.id === root.id ? { ...i, sendingAt: null } : i));
    }
    if (!ts) throw new Error(`storm digest ${root.id} has no message`);
    const threadTs = ts;
    // Detail lines that reached the thread although their reply's answer was lost: marked, and not sent again.
    const shown = await this.alreadyShown(incidents, threadTs);
    for (const id of shown.keys()) await store.markPosted(id, channel, threadTs, id === root.id ? null : root.id, id === root.id);
    let rootDetailed = !incidents.some((i) => i.id === root.id) || shown.has(root.id);
    const toDetail = incidents.filter((i) => !shown.has(i.id));
    try {
      for (const reply of digestReplies(
        toDetail.map((i) => i.alert),
        nameOf,
      )) {
        await this.sendTracked(reply.alertIds, () =>
          this.post({ thread_ts: threadTs, text: reply.text, blocks: reply.blocks, metadata: alertMetadata(reply.alertIds) }),
        );
        for (const id of reply.alertIds) {
          // The root stays the digest (clearing its lastError); every other alert now points at it.
          if (id === root.id) rootDetailed = true;
          await store.markPosted(id, channel, ts, id === root.id ? null : root.id, id === root.id);
        }
      }
    } catch (error) {
      // The root is posted either way; its lastError tells the next extension its detail line is still missing.
      if (!rootDetailed) await store.markFailed(root.id, errorText(error), new Date(this.now()));
      throw error;
    }
    const family = await store.family(root.id);
    await this.update(
      ts,
      digestMessage(
        { ...root, ts, channel, digest: true, state: 'posted' },
        family.map((i) => i.alert),
        nameOf,
      ),
    );
  }
}

function incidentsOf(action: PostAction): Incident[] {
  // A digest's root is among its incidents only while its own detail line is not in the thread.
  return action.kind === 'digest' ? action.incidents : [action.incident];
}

// Posts stored alerts to Slack: once each, repeats folded into the first message, storms into a digest, failures retried.
import type { Alert } from '../../src/core/alert.js';
import { errorText } from '../../src/core/errors.js';
import type { Log } from '../../src/core/log.js';
import type { Incident, Store } from '../store/types.js';
import { alertMessage, OUTCOME_STYLE, repeatReply } from '../views/alert.js';
import { digestMessage, digestReplies } from '../views/digest.js';

/** The slice of Slack's chat API the poster uses (WebClient's `chat` fits). */
export interface ChatApi {
  postMessage(args: Record<string, unknown> & { channel: string; text: string }): Promise<{ ts?: string }>;
  update(args: Record<string, unknown> & { channel: string; ts: string; text: string }): Promise<unknown>;
}


export interface PosterOptions {
  store: Store;
  chat: ChatApi;
  channel: string;
  nameOf: (account: string) => string;
  log: Pick<Log, 'info' | 'warn'>;
  now?: () => Date;
  /** Alerts received within `stormWindowMs` that turn posting into a digest. */
  stormThreshold?: number;
  stormWindowMs?: number;
  /** Tampering with the same trail within this window updates the first message. */
  repeatWindowMs?: number;
  /** Quiet time after the latest alert before posting, so that a burst is posted (or digested) together. */
  batchDelayMs?: number;
  /** The longest a burst may hold posting back. */
  maxBatchWaitMs?: number;
  maxBackoffMs?: number;
}

const URGENCY = { info: 0, warning: 1, urgent: 2 } as const;

/**
 * Whether a repeat may be folded into `parent`'s message (a counter and a thread reply): only while
 * nobody acknowledged that message and the repeat is not more urgent than what it shows. Otherwise
 * a `failed` remediation could hide under an informational or acknowledged message.
 */
export function mayFoldInto(parent: Incident, alert: Alert): boolean {
  return !parent.acknowledgedBy && URGENCY[OUTCOME_STYLE[alert.outcome].level] <= URGENCY[OUTCOME_STYLE[parent.alert.outcome].level];
}

/** Slack answered that the message to update no longer exists or cannot be updated (no retry changes that). */
function messageGone(error: unknown): boolean {
  const code = (error as { data?: { error?: unknown } } | null)?.data?.error;
  return code === 'message_not_found' || code === 'cant_update_message';
}

/** Seconds Slack asked us to wait (429 Retry-After), when the error is a rate limit. */
export function retryAfterMs(error: unknown): number | null {
  const e = error as { code?: string; retryAfter?: number } | null;
  return e?.code === 'slack_webapi_rate_limited_error' && typeof e.retryAfter === 'number' ? e.retryAfter * 1000 : null;
}

class RateLimited extends Error {
  constructor(readonly waitMs: number, cause: unknown) {
    super(`rate limited by Slack for ${Math.ceil(waitMs / 1000)}s`, { cause });
  }
}

export class AlertPoster {
  private readonly o: Required<Omit<PosterOptions, 'chat'>> & { chat: ChatApi };
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private running: Promise<void> | null = null;
  private again = false;
  private pausedUntil = 0;
  private stopped = true;
  private burstStartedAt: number | null = null;
  /** Slack calls made, by method: the benchmark reads it. */
  readonly calls = { postMessage: 0, update: 0 };

  constructor(options: PosterOptions) {
    this.o = {
      now: () => new Date(),
      stormThreshold: 10,
      stormWindowMs: 60_000,
      repeatWindowMs: 3_600_000,
      batchDelayMs: 500,
      maxBatchWaitMs: 3000,
      maxBackoffMs: 300_000,
      ...options,
    };
  }

  /** Stores the alert (once per id) and schedules a post; false for a duplicate delivery. */
  async receive(alert: Alert): Promise<boolean> {
    const isNew = await this.o.store.insertAlert(alert, this.o.now());
    if (isNew) this.debounce();
    else this.o.log.info('duplicate alert ignored', { alertId: alert.id });
    return isNew;
  }

  /** Starts posting, including whatever was left pending before a restart. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Waits for a burst to settle (quiet for batchDelayMs), but no longer than maxBatchWaitMs from its first alert. */
  private debounce(): void {
    if (this.stopped) return;
    const now = Date.now();
    this.burstStartedAt ??= now;
    const at = Math.max(Math.min(now + this.o.batchDelayMs, this.burstStartedAt + this.o.maxBatchWaitMs), this.pausedUntil);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
    this.schedule(at - now);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const at = Math.max(Date.now() + delayMs, this.pausedUntil);
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      // A pass that throws (the store failing) must neither end the process (an unhandled rejection)
      // nor leave pending alerts without a next attempt.
      this.drain().catch((error: unknown) => {
        this.o.log.warn('alert posting pass failed; trying again', { error: errorText(error) });
        this.schedule(this.backoff(0));
      });
    }, at - Date.now());
    this.timer.unref?.();
  }

  /** Posts everything due; one pass at a time. Resolves when the pass (and any it triggered) is done. */
  drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.burstStartedAt = null;
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again);
      } finally {
        this.running = null;
      }
      const next = await this.o.store.nextDue();
      if (next) this.schedule(Math.max(0, next.getTime() - Date.now()));
    })();
    return this.running;
  }

  private backoff(attempts: number): number {
    const base = Math.min(this.o.maxBackoffMs, 2000 * 2 ** attempts);
    return base / 2 + Math.random() * (base / 2);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      const wait = retryAfterMs(error);
      if (wait !== null) throw new RateLimited(wait, error);
      throw error;
    }
  }

  private async post(args: Record<string, unknown> & { text: string }): Promise<string> {
    this.calls.postMessage += 1;
    const out = await this.call(() => this.o.chat.postMessage({ channel: this.o.channel, unfurl_links: false, ...args }));
    if (!out.ts) throw new Error('chat.postMessage returned no ts');
    return out.ts;
  }

  private async update(ts: string, args: Record<string, unknown> & { text: string }): Promise<void> {
    this.calls.update += 1;
    await this.call(() => this.o.chat.update({ channel: this.o.channel, ts, ...args }));
  }

  private async pass(): Promise<void> {
    const now = this.o.now();
    if (now.getTime() < this.pausedUntil) return;
    for (;;) {
      const due = await this.o.store.due(this.o.now(), 500);
      if (due.length === 0) return;
      const storm = (await this.o.store.countReceivedSince(new Date(this.o.now().getTime() - this.o.stormWindowMs))) >= this.o.stormThreshold;
      try {
        if (storm) await this.postDigest(due);
        else for (const incident of due) await this.postOne(incident);
      } catch (error) {
        if (error instanceof RateLimited) {
          this.pausedUntil = Date.now() + error.waitMs;
          this.o.log.warn('slack rate limit: pausing', { waitMs: error.waitMs });
          return;
        }
        throw error;
      }
    }
  }

  private async fail(incident: Incident, error: unknown): Promise<void> {
    const wait = error instanceof RateLimited ? error.waitMs : this.backoff(incident.attempts);
    await this.o.store.markFailed(incident.id, errorText(error), new Date(this.o.now().getTime() + wait));
    this.o.log.warn('alert not posted yet; kept for retry', { alertId: incident.id, attempts: incident.attempts + 1, retryInMs: Math.round(wait), error: errorText(error) });
  }

  private async postOne(incident: Incident): Promise<void> {
    const { store, channel, nameOf } = this.o;
    try {
      const parent = await store.findRepeatParent(incident.alert, new Date(this.o.now().getTime() - this.o.repeatWindowMs));
      // Only into a message of the channel posted to now (the channel may have changed since).
      if (parent?.ts && parent.channel === channel && mayFoldInto(parent, incident.alert)) {
        // Render the counter first and store it last: a retry after a failure shows the same count.
        const shown = { ...parent, count: parent.count + 1 };
        const folded = await this.update(parent.ts, alertMessage(shown, { accountName: nameOf(parent.alert.account) })).then(
          () => true,
          (error: unknown) => {
            // The first message is gone (deleted): no retry can update it, so the repeat gets its own message.
            if (!messageGone(error)) throw error;
            this.o.log.warn('first message of the trail is gone; posting the repeat on its own', { alertId: incident.id, parentId: parent.id, error: errorText(error) });
            return false;
          },
        );
        if (folded) {
          await this.post({ thread_ts: parent.ts, text: repeatReply(incident.alert) });
          await store.incrementCount(parent.id);
          await store.markPosted(incident.id, channel, parent.ts, parent.id);
          this.o.log.info('alert folded into earlier message', { alertId: incident.id, parentId: parent.id, count: shown.count });
          return;
        }
      }
      const ts = await this.post(alertMessage(incident, { accountName: nameOf(incident.alert.account) }));
      await store.markPosted(incident.id, channel, ts, null);
      this.o.log.info('alert posted', { alertId: incident.id, outcome: incident.alert.outcome, ts });
    } catch (error) {
      await this.fail(incident, error);
      if (error instanceof RateLimited) throw error;
    }
  }

  private async postDigest(due: Incident[]): Promise<void> {
    const { store, channel, nameOf } = this.o;
    let root = await store.recentDigest(new Date(this.o.now().getTime() - this.o.stormWindowMs));
    // Never into a digest someone acknowledged (or one in another channel): new tampering gets a new digest.
    if (root && (root.acknowledgedBy || root.channel !== channel)) root = null;
    let rest = due;
    try {
      if (!root) {
        const first = due[0]!;
        const ts = await this.post(digestMessage(first, due.map((i) => i.alert), nameOf));
        await store.markPosted(first.id, channel, ts, null, true);
        root = { ...first, ts, channel, digest: true, state: 'posted' };
        this.o.log.info('storm digest posted', { alertId: first.id, alerts: due.length });
      } else {
        rest = due.filter((i) => i.id !== root!.id);
      }
      for (const reply of digestReplies(due.map((i) => i.alert), nameOf)) await this.post({ thread_ts: root.ts!, ...reply });
      for (const incident of rest) if (incident.id !== root.id) await store.markPosted(incident.id, channel, root.ts!, root.id);
      const family = await store.family(root.id);
      await this.update(root.ts!, digestMessage(root, family.map((i) => i.alert), nameOf));
    } catch (error) {
      for (const incident of rest) if (incident.id !== root?.id && (await store.get(incident.id))?.state === 'pending') await this.fail(incident, error);
      if (error instanceof RateLimited) throw error;
    }
  }
}

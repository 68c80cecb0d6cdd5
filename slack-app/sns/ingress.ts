// POST /sns: verified SNS notifications become stored alerts (or unreadable-alert notices); subscription changes are recorded and said; the rest is refused.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseAlert, type Alert } from '#core/alert.js';
import { errorText } from '#core/errors.js';
import type { AlertPoster } from '../alerts/poster.js';
import type { AppLog } from '../services.js';
import type { Store } from '../store/types.js';
import { topicNotice } from './notices.js';
import { isSnsUrl, SnsRejection, type SnsMessage, type SnsVerifier } from './verify.js';

const MAX_BODY = 256 * 1024;

export function readBody(req: IncomingMessage, limit = MAX_BODY): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new SnsRejection(400, `body over ${limit} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export interface IngressDeps {
  verifier: SnsVerifier;
  poster: AlertPoster;
  log: AppLog;
  /** Where the subscription's state is kept (the app's store): /healthz reads it, a restart keeps it. */
  subscriptions: Pick<Store, 'subscription' | 'setSubscription'>;
  /** False refuses the alert (its account is not a member); a throw means membership is unknown (503, SNS delivers again). */
  admit: (alert: Alert) => Promise<boolean>;
  /** Confirms a subscription (GET SubscribeURL); replaced in tests. */
  confirm?: (url: string) => Promise<void>;
  now?: () => Date;
}

async function confirmSubscription(url: string): Promise<void> {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`SubscribeURL answered HTTP ${res.status}`);
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/**
 * The handler for a Bolt custom route (or any node:http server). A security monitor is never quietly blind: a verified
 * message from the topic that is not a readable alert is shown in Slack as an unreadable alert; an
 * UnsubscribeConfirmation, or a SubscriptionConfirmation the app could not confirm, is recorded (GET /healthz answers
 * 503 until a confirmation succeeds or a verified notification arrives again) and said in Slack.
 */
export function snsIngress(deps: IngressDeps) {
  const now = deps.now ?? (() => new Date());

  /** The subscription cannot deliver (yet): recorded and said in the channel, once per SNS message. */
  async function blind(message: SnsMessage, state: 'unconfirmed' | 'unsubscribed', error: string | null): Promise<void> {
    const at = now();
    await deps.subscriptions.setSubscription({ topic: message.TopicArn, state, since: at.toISOString(), error });
    await deps.poster.notify({
      id: `${state}#${message.MessageId}`,
      kind: state,
      topic: message.TopicArn,
      at: Number.isFinite(Date.parse(message.Timestamp)) ? message.Timestamp : at.toISOString(),
      error,
    });
  }

  /**
   * A verified notification proves deliveries arrive: an earlier unsubscribe or failed confirmation is over. Not one
   * SNS published before the unsubscribe was recorded (a late retry of an earlier delivery, or a captured message sent
   * again within the verifier's hour): that proves nothing about the subscription now.
   */
  async function delivering(topic: string, publishedAt: string): Promise<void> {
    const known = await deps.subscriptions.subscription(topic);
    if (!known || known.state === 'confirmed') return;
    if (known.state === 'unsubscribed' && !(Date.parse(publishedAt) > Date.parse(known.since))) {
      deps.log.warn('sns notification published before the unsubscribe: still unsubscribed', { topic, publishedAt, since: known.since });
      return;
    }
    await deps.subscriptions.setSubscription({ topic, state: 'confirmed', since: now().toISOString(), error: null });
    deps.log.info('sns deliveries arrive again', { topic, was: known.state, since: known.since });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const message = await deps.verifier.verify(await readBody(req));
      if (message.Type === 'SubscriptionConfirmation') {
        // Never fetched: SNS itself only ever sends its own endpoint, so this is a refusal, not a lost subscription.
        if (!message.SubscribeURL || !isSnsUrl(message.SubscribeURL, deps.verifier.region, false))
          throw new SnsRejection(403, 'SubscribeURL is not an SNS endpoint');
        try {
          await (deps.confirm ?? confirmSubscription)(message.SubscribeURL);
        } catch (error) {
          await blind(message, 'unconfirmed', errorText(error));
          deps.log.error('sns subscription not confirmed: the app receives no alerts until it is', {
            topic: message.TopicArn,
            error: errorText(error),
          });
          // 500: SNS sends the confirmation request again.
          return reply(res, 500, { error: 'subscription not confirmed' });
        }
        await deps.subscriptions.setSubscription({ topic: message.TopicArn, state: 'confirmed', since: now().toISOString(), error: null });
        deps.log.info('sns subscription confirmed', { topic: message.TopicArn });
        return reply(res, 200, { confirmed: true });
      }
      if (message.Type === 'UnsubscribeConfirmation') {
        await blind(message, 'unsubscribed', null);
        deps.log.error('sns subscription removed: the app receives no more alerts until it is subscribed again', {
          topic: message.TopicArn,
        });
        return reply(res, 200, { ok: true });
      }
      await delivering(message.TopicArn, message.Timestamp);
      let alert: Alert;
      try {
        alert = parseAlert(message.Message);
      } catch (error) {
        // Verified and from the topic: shown as received (escaped), never dropped; a 200 so SNS does not resend it.
        const notice = topicNotice(
          {
            messageId: message.MessageId,
            topic: message.TopicArn,
            subject: message.Subject,
            timestamp: message.Timestamp,
            message: message.Message,
          },
          error,
          now(),
        );
        const stored = await deps.poster.notify(notice);
        deps.log.warn(
          notice.kind === 'cloudwatch-alarm'
            ? 'cloudwatch alarm notification: shown in Slack'
            : 'alert unreadable: shown in Slack as received',
          { messageId: message.MessageId, error: notice.error },
        );
        return reply(res, 200, { stored, unreadable: notice.error });
      }
      let admitted: boolean;
      try {
        admitted = await deps.admit(alert);
      } catch (error) {
        throw new SnsRejection(503, `member accounts unknown, alert ${alert.id} not accepted yet: ${errorText(error)}`);
      }
      // 200 for a refusal: the delivery was genuine and redelivering it would be refused again.
      if (!admitted)
        return reply(res, 200, { alertId: alert.id, stored: false, refused: `account ${alert.account} is not a TrailGuard member` });
      const stored = await deps.poster.receive(alert);
      return reply(res, 200, { alertId: alert.id, stored });
    } catch (error) {
      if (error instanceof SnsRejection) {
        deps.log.warn(`sns request refused: ${error.message}`, {
          status: error.status,
          reason: error.message,
          remote: req.socket.remoteAddress,
        });
        return reply(res, error.status, { error: error.message });
      }
      deps.log.error('sns request failed', { error: errorText(error) });
      return reply(res, 500, { error: 'internal error' });
    }
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    // Nothing may reject unhandled: a reply to a connection already gone (or a log that throws) is logged here.
    handle(req, res).catch((error: unknown) => {
      try {
        deps.log.error('sns request failed', { error: errorText(error) });
      } catch {}
    });
  };
}

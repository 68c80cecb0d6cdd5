// POST /sns: verified SNS notifications become stored alerts; verified subscription confirmations are confirmed; the rest is refused.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseAlert, type Alert } from '#core/alert.js';
import { errorText } from '#core/errors.js';
import type { AlertPoster } from '../alerts/poster.js';
import type { AppLog } from '../services.js';
import { isSnsUrl, SnsRejection, type SnsVerifier } from './verify.js';

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
  /** False refuses the alert (its account is not a member); a throw means membership is unknown (503, SNS delivers again). */
  admit: (alert: Alert) => Promise<boolean>;
  /** Confirms a subscription (GET SubscribeURL); replaced in tests. */
  confirm?: (url: string) => Promise<void>;
}

async function confirmSubscription(url: string): Promise<void> {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`SubscribeURL answered HTTP ${res.status}`);
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The handler for a Bolt custom route (or any node:http server). */
export function snsIngress(deps: IngressDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void (async () => {
      try {
        const message = await deps.verifier.verify(await readBody(req));
        if (message.Type === 'SubscriptionConfirmation') {
          if (!message.SubscribeURL || !isSnsUrl(message.SubscribeURL, deps.verifier.region, false))
            throw new SnsRejection(403, 'SubscribeURL is not an SNS endpoint');
          await (deps.confirm ?? confirmSubscription)(message.SubscribeURL);
          deps.log.info('sns subscription confirmed', { topic: message.TopicArn });
          return reply(res, 200, { confirmed: true });
        }
        if (message.Type === 'UnsubscribeConfirmation') {
          deps.log.warn('sns subscription removed', { topic: message.TopicArn });
          return reply(res, 200, { ok: true });
        }
        let alert: Alert;
        try {
          alert = parseAlert(message.Message);
        } catch {
          throw new SnsRejection(400, 'notification is not a trailguard.alert/v1 message');
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
          deps.log.warn('sns request refused', { status: error.status, reason: error.message, remote: req.socket.remoteAddress });
          return reply(res, error.status, { error: error.message });
        }
        deps.log.error('sns request failed', { error: errorText(error) });
        return reply(res, 500, { error: 'internal error' });
      }
    })();
  };
}

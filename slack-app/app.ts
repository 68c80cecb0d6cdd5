// Builds the Bolt app: listeners registered per kind; on the HTTP receiver also POST /sns and GET /healthz.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App, HTTPReceiver, LogLevel, type Receiver } from '@slack/bolt';
import { errorText } from '#core/errors.js';
import { setupRefusal } from './alerts/decide.js';
import type { ChatApi, ConversationsApi } from './alerts/poster.js';
import { accessOf, guard, type RequestLedger, signatureOf, storeLedger } from './guard.js';
import { register as registerActions } from './listeners/actions/index.js';
import { register as registerCommands } from './listeners/commands/index.js';
import { register as registerEvents } from './listeners/events/index.js';
import type { Services } from './services.js';
import type { Store } from './store/types.js';
import { snsIngress, type IngressDeps } from './sns/ingress.js';

export interface AppOptions {
  token: string;
  signingSecret: string;
  /** Slack Web API base URL (SLACK_API_URL), for a local stand-in; Slack's own when unset. */
  slackApiUrl?: string | undefined;
  /** A receiver of its own (AwsLambdaReceiver); the HTTP receiver with /sns and /healthz otherwise. */
  receiver?: Receiver;
  sns?: Omit<IngressDeps, 'poster' | 'log' | 'admit' | 'subscriptions'>;
  /** Where signed requests are remembered against replay: the app's store by default (SQLite file, DynamoDB table). */
  ledger?: RequestLedger;
  logLevel?: LogLevel;
}

/** The slice of Slack's auth API the poster uses: auth.test, for the app's own bot id. */
export interface AuthApi {
  test(args: { token: string }): Promise<{ bot_id?: string }>;
}

/**
 * A ChatApi usable before the app exists (the poster is built first); `bind` points it at the app's client and token:
 * `chat` (chat.postMessage, chat.update) and `conversations` (conversations.history, conversations.replies).
 */
export function deferredChat(): ChatApi & {
  bind(chat: ChatApi, token: string, conversations?: ConversationsApi, auth?: AuthApi): void;
} {
  let target: { chat: ChatApi; token: string; conversations: ConversationsApi | undefined; auth: AuthApi | undefined } | null = null;
  let botId: Promise<string | undefined> | null = null;
  const get = () => {
    if (!target) throw new Error('Slack client not bound yet');
    return target;
  };
  return {
    bind: (chat, token, conversations, auth) => {
      target = { chat, token, conversations, auth };
      botId = null;
    },
    // auth.test once (again after a failure): the bot id the history look-up trusts.
    botId: () => {
      const { auth, token } = get();
      if (!auth) return Promise.resolve(undefined);
      botId ??= auth.test({ token }).then(
        (r) => r.bot_id,
        (error: unknown) => {
          botId = null;
          throw error;
        },
      );
      return botId;
    },
    postMessage: (args) => get().chat.postMessage({ token: get().token, ...args }),
    update: (args) => get().chat.update({ token: get().token, ...args }),
    history: (args) => {
      const { conversations, token } = get();
      if (!conversations) throw new Error('Slack conversations API not bound');
      return conversations.history({ token, ...args });
    },
    replies: (args) => {
      const { conversations, token } = get();
      if (!conversations) throw new Error('Slack conversations API not bound');
      return conversations.replies({ token, ...args });
    },
  };
}

/**
 * Bolt's `token` option calls auth.test from the App constructor and keeps the promise unhandled:
 * with Slack down at start-up, that rejection would kill the process. This authorize calls it on
 * first use instead, caches the answer, and tries again on the next request after a failure.
 */
export function lazyAuthorize(token: string, authTest: () => Promise<{ user_id?: string; bot_id?: string }>) {
  let identity: Promise<{ botToken: string; botId?: string; botUserId?: string }> | null = null;
  return async () => {
    identity ??= authTest().then(
      (r) => ({ botToken: token, ...(r.bot_id ? { botId: r.bot_id } : {}), ...(r.user_id ? { botUserId: r.user_id } : {}) }),
      (error: unknown) => {
        identity = null;
        throw error;
      },
    );
    return identity;
  };
}

/** /healthz turns red when an alert received this long ago (5 minutes, the poster's longest backoff) is still not in Slack. */
export const PENDING_STALE_MS = 5 * 60_000;
/** How long /healthz waits for auth.test before answering without it. */
const TOKEN_CHECK_MS = 2_000;
/** How far ahead /healthz looks for pending alerts: past any backoff or Retry-After. */
const PENDING_HORIZON_MS = 7 * 24 * 3600_000;

/**
 * What has waited longest for Slack: the oldest pending alert or notice (by when it was received), with its last
 * error; null when nothing waits. `horizon` reaches past any backoff. The server's /healthz and the Lambda's
 * scheduled drain both judge "an alert nobody has seen for PENDING_STALE_MS" by it.
 */
export async function oldestPending(
  store: Pick<Store, 'due' | 'dueNotices'>,
  horizon: Date,
): Promise<{ receivedAt: string; lastError: string | null } | null> {
  const [alert] = await store.due(horizon, 1);
  const notices = await store.dueNotices(horizon, 100);
  const waiting = [...(alert ? [alert] : []), ...notices].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  return waiting[0] ? { receivedAt: waiting[0].receivedAt, lastError: waiting[0].lastError } : null;
}

export function createApp(options: AppOptions, services: Services): App {
  // Green only while an alert could be stored now: a full disk or a locked store answers every SNS delivery 500.
  const healthz = (_req: IncomingMessage, res: ServerResponse) =>
    void services.store
      .probeWrite(services.now())
      // The oldest alert still waiting for Slack (any cause: unreachable, 5xx, 429s, a refusal).
      .then(() =>
        Promise.all([
          oldestPending(services.store, new Date(services.now().getTime() + PENDING_HORIZON_MS)),
          // The subscription (server only): unsubscribed, or never confirmed, means no alert will arrive at all.
          options.sns ? services.store.subscription(options.sns.verifier.topicArn) : null,
          // The bot token, checked (auth.test) until Slack first accepts it: a mistyped or revoked token on the first
          // day is red before the first alert instead of after it. Slack unreachable is not a refusal (see pending).
          // At most TOKEN_CHECK_MS: a Slack that does not answer must not hang the health check (pending says it).
          Promise.race([
            authorize().then(
              () => null,
              (error: unknown) => setupRefusal(error),
            ),
            new Promise<null>((resolve) => setTimeout(resolve, TOKEN_CHECK_MS, null).unref()),
          ]),
        ]),
      )
      .then(
        ([oldest, known, tokenRefusal]) => {
          // Slack refusing every post (bot removed from the channel, token revoked) blinds responders as surely; so does
          // an alert nobody has been shown for PENDING_STALE_MS, whatever kept it from Slack (egress blocked, an outage).
          const slack = services.poster.slackRefusal ?? (tokenRefusal ? { error: tokenRefusal, since: null } : null);
          const stale = oldest && services.now().getTime() - Date.parse(oldest.receivedAt) > PENDING_STALE_MS;
          const pending = stale ? { pending: { oldestReceivedAt: oldest.receivedAt, error: oldest.lastError ?? null } } : {};
          const blind = known && known.state !== 'confirmed' ? known : null;
          const subscription = blind ? { subscription: { state: blind.state, since: blind.since, error: blind.error } } : {};
          const ok = !slack && !stale && !blind;
          res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok, ...(slack ? { slack } : {}), ...pending, ...subscription, refused: services.refused }));
        },
        (error: unknown) => {
          services.log.error('healthz: the store cannot take a write', { error: errorText(error) });
          res.writeHead(503, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, store: errorText(error), refused: services.refused }));
        },
      )
      // A client gone before the answer must not become an unhandled rejection.
      .catch((error: unknown) => services.log.warn('healthz answer failed', { error: errorText(error) }));
  const customRoutes = [
    ...(options.sns
      ? [
          {
            path: '/sns',
            method: ['POST'],
            handler: snsIngress({
              ...options.sns,
              poster: services.poster,
              log: services.log,
              admit: (alert) => services.admitAlert(alert),
              subscriptions: services.store,
            }),
          },
        ]
      : []),
    { path: '/healthz', method: ['GET'], handler: healthz },
  ];
  let app: App | undefined;
  const authorize = lazyAuthorize(options.token, () => app!.client.auth.test({ token: options.token }));
  // Bolt verifies every request's v0 signature and its timestamp; TrailGuard never turns that off. The receiver
  // hands the signature on, so that the guard can refuse a captured request sent again within Bolt's 5 minutes.
  const receiver =
    options.receiver ??
    new HTTPReceiver({
      signingSecret: options.signingSecret,
      customRoutes,
      customPropertiesExtractor: (req) => signatureOf(req.headers),
      logLevel: options.logLevel ?? LogLevel.WARN,
    });
  app = new App({
    authorize,
    signingSecret: options.signingSecret,
    receiver,
    logLevel: options.logLevel ?? LogLevel.WARN,
    clientOptions: {
      ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl.endsWith('/') ? options.slackApiUrl : `${options.slackApiUrl}/` } : {}),
      // The poster keeps failed posts in the store and retries them itself, honouring Retry-After.
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    },
  });
  app.use(
    guard({
      access: accessOf(services.config, services.channel),
      ledger: options.ledger ?? storeLedger(services.store),
      log: services.log,
    }) as never,
  );
  registerActions(app, services);
  registerCommands(app, services);
  registerEvents(app, services);
  return app;
}

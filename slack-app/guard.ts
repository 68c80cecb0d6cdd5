// Who may do what, and each signed request once: one Bolt middleware in front of every action, command and view.
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Config } from '#core/config.js';
import type { Log } from '#core/log.js';
import { ACTION_ACK, ACTION_RECHECK, COMMAND_STATUS } from './ids.js';
import type { Store } from './store/types.js';

/**
 * Slack refuses nothing itself: any workspace member who sees a message can press its buttons, and a slash
 * command works in any conversation. `slack.responders` may act (Acknowledge, Re-check and any other button);
 * `slack.viewers` may also read (`/trail-status`, a Refresh). Both empty: anyone in the channel, as before.
 */
export interface Access {
  responders: readonly string[];
  viewers: readonly string[];
  /** Channels where `/trail-status` answers (the alert channel): its answers describe the whole Organization. */
  channels: readonly string[];
}

export type Need = 'respond' | 'view';

/**
 * The access rules of a config: `slack.responders`, `slack.viewers`, and the alert channel (`slack.channel`, or
 * TRAILGUARD_SLACK_CHANNEL, as resolved into `channel`). For views outside this middleware (an App Home opened by
 * an event) to apply the same rule: `allowed(accessOf(config, channel), user, 'view')`.
 */
export function accessOf(config: Pick<Config, 'slack'>, channel: string): Access {
  return { responders: config.slack?.responders ?? [], viewers: config.slack?.viewers ?? [], channels: [channel] };
}

/** Whether `user` may do what `need` asks (see Access). */
export function allowed(access: Access, user: string, need: Need): boolean {
  const { responders, viewers } = access;
  if (need === 'respond') return responders.length === 0 || responders.includes(user);
  return (responders.length === 0 && viewers.length === 0) || responders.includes(user) || viewers.includes(user);
}

/** What a button or a command needs. Read-only buttons are listed; any other button is treated as an action. */
const READ_ONLY_ACTIONS = new Set<string>(['trailguard_refresh']);
const RESPOND_ACTIONS = new Set<string>([ACTION_ACK, ACTION_RECHECK]);

/** Log names of what was refused, as each listener logged them before the guard took over. */
const LABEL: Record<string, string> = { [ACTION_ACK]: 'acknowledge', [ACTION_RECHECK]: 're-check', [COMMAND_STATUS]: '/trail-status' };

const REFUSAL: Record<string, string> = {
  [ACTION_ACK]: 'Only TrailGuard responders can acknowledge alerts in this channel; nothing was changed.',
  [ACTION_RECHECK]: 'Only TrailGuard responders can re-check alerts in this channel; nothing was checked.',
  [COMMAND_STATUS]: 'Only TrailGuard responders can read the CloudTrail status; nothing was read.',
};

/**
 * Remembers the requests Slack signed (its `x-slack-signature`, a v0 HMAC over timestamp and body) for as long as
 * Bolt accepts their timestamp, so that a captured request is acted on once. `remember` resolves false for a
 * request seen before; it must be atomic across every instance that serves the app (a conditional write on Lambda).
 */
export interface RequestLedger {
  remember(signature: string, expiresAt: Date): Promise<boolean>;
}

/** Bolt refuses a request whose timestamp is more than 5 minutes off; a signature is kept a little longer. */
export const REPLAY_WINDOW_MS = 6 * 60 * 1000;

/**
 * The ledger kept in the app's store (`Store.rememberRequest`): the SQLite file on the server, the DynamoDB table on
 * Lambda. Never this process's memory: two servers behind one load balancer, or a server restarted within the
 * window, would each act on the same captured request.
 */
export function storeLedger(store: Pick<Store, 'rememberRequest'>, now: () => number = Date.now): RequestLedger {
  return { remember: (signature, expiresAt) => store.rememberRequest(signature, expiresAt, new Date(now())) };
}

/** The custom property under which the receivers hand the request's signature to the middleware. */
export const SIGNATURE_PROPERTY = 'slackRequestSignature';

/**
 * For HTTPReceiver / AwsLambdaReceiver `customPropertiesExtractor`: the request's Slack signature, as Bolt checks it.
 * Bolt reads the header as `const [version, hash] = header.split('=')` and ignores anything after a second '=', so
 * `v0=<hash>=x` passes as `v0=<hash>`: the ledger keys on that same `version=hash`, or a decorated header would make
 * a captured request new to it.
 */
export function signatureOf(headers: Record<string, string | string[] | undefined> | undefined): Record<string, string> {
  for (const [name, value] of Object.entries(headers ?? {}))
    if (name.toLowerCase() === 'x-slack-signature' && value) {
      const [version, hash] = String(value).split('=');
      return { [SIGNATURE_PROPERTY]: `${version}=${hash ?? ''}` };
    }
  return {};
}

export interface GuardDeps {
  access: Access;
  ledger: RequestLedger;
  log: Log;
  now?: () => number;
}

interface Seen {
  kind: 'action' | 'command' | 'view' | 'other';
  id: string;
  user: string | undefined;
  channel: string | undefined;
}

function describe(args: AnyMiddlewareArgs): Seen {
  const body = args.body as Record<string, unknown> & {
    type?: string;
    actions?: { action_id?: string }[];
    user?: { id?: string };
    channel?: { id?: string };
    command?: string;
    user_id?: string;
    channel_id?: string;
    view?: { callback_id?: string };
    event?: unknown;
    callback_id?: unknown;
  };
  // Events API deliveries (and Slack's notice that it is rate-limiting them) are the workspace's, not a user's click.
  if (body.event !== undefined || body.type === 'event_callback' || body.type === 'app_rate_limited')
    return { kind: 'other', id: body.type ?? '', user: undefined, channel: undefined };
  if (typeof body.command === 'string') return { kind: 'command', id: body.command, user: body.user_id, channel: body.channel_id };
  // Bolt routes ANY body with `actions` to app.action() by the first action's action_id, whatever its `type`
  // (a legacy `interactive_message`, or none): the guard must see each of them as the action it runs.
  if (body.type === 'block_actions' || Array.isArray(body.actions))
    return { kind: 'action', id: body.actions?.[0]?.action_id ?? '', user: body.user?.id, channel: body.channel?.id };
  // Everything else a user can send (views, shortcuts, dialogs, options, a type Bolt learns later): refused unless
  // the user may act; never passed unchecked.
  return {
    kind: 'view',
    id: body.view?.callback_id ?? (typeof body.callback_id === 'string' ? body.callback_id : undefined) ?? body.type ?? '',
    user: body.user?.id,
    channel: body.channel?.id,
  };
}

/**
 * The middleware: refuses a request seen before (acknowledged, nothing done, logged), then a user who may not do
 * what the request asks, and `/trail-status` outside the configured channel(s) (answered ephemerally and logged).
 * Events (the Events API) pass: Slack sends them for the workspace, not for a user's click; every other request is checked.
 */
export function guard(deps: GuardDeps): Middleware<AnyMiddlewareArgs> {
  const now = deps.now ?? Date.now;
  return async (args) => {
    const seen = describe(args);
    if (seen.kind === 'other') return args.next();
    const ack = (args as { ack?: () => Promise<void> }).ack;
    const respond = (args as { respond?: (m: Record<string, unknown>) => Promise<unknown> }).respond;
    const signature = (args.context as Record<string, unknown>)[SIGNATURE_PROPERTY];
    let fresh: boolean;
    try {
      fresh = typeof signature === 'string' && (await deps.ledger.remember(signature, new Date(now() + REPLAY_WINDOW_MS)));
    } catch (error) {
      // The ledger cannot say whether this request was handled (the store locked or unreachable): nothing is done
      // rather than risk acting twice, and the user is told to try again instead of seeing Slack's timeout.
      await ack?.();
      await respond?.({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'TrailGuard could not record this request (its store is unavailable); nothing was done. Try again in a moment.',
      }).catch((e: unknown) => deps.log.warn('refusal could not be answered', { error: String(e) }));
      deps.log.error(`${LABEL[seen.id] ?? seen.id} refused: the replay ledger cannot be written`, {
        kind: seen.kind,
        id: seen.id,
        user: seen.user,
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    if (!fresh) {
      await ack?.();
      deps.log.warn(`${LABEL[seen.id] ?? seen.id} refused: a replay of a request already handled`, {
        kind: seen.kind,
        id: seen.id,
        user: seen.user,
      });
      return;
    }
    const need: Need =
      seen.kind === 'command'
        ? 'view'
        : seen.kind === 'action' && READ_ONLY_ACTIONS.has(seen.id) && !RESPOND_ACTIONS.has(seen.id)
          ? 'view'
          : 'respond';
    // Logged before the answer: the refusal is on record even when answering it fails or hangs.
    const refuse = async (reason: string, text: string) => {
      deps.log.warn(`${LABEL[seen.id] ?? seen.id} refused: ${reason}`, {
        kind: seen.kind,
        id: seen.id,
        user: seen.user,
        channel: seen.channel,
      });
      await ack?.();
      await respond?.({ response_type: 'ephemeral', replace_original: false, text }).catch((error: unknown) =>
        deps.log.warn('refusal could not be answered', { error: String(error) }),
      );
    };
    if (!seen.user || !allowed(deps.access, seen.user, need)) {
      const readers = need === 'view' && deps.access.viewers.length > 0;
      const text = REFUSAL[seen.id] ?? 'Only TrailGuard responders can do this; nothing was done.';
      return refuse(
        readers ? 'not a responder or viewer' : 'not a responder',
        readers ? text.replace('Only TrailGuard responders', 'Only TrailGuard responders and viewers') : text,
      );
    }
    if (seen.kind === 'command' && (!seen.channel || !deps.access.channels.includes(seen.channel)))
      return refuse(
        'outside the TrailGuard channel',
        `${seen.id} answers only in the TrailGuard channel${deps.access.channels.length === 1 ? '' : 's'} (${deps.access.channels.map((c) => `<#${c}>`).join(', ')}); nothing was read.`,
      );
    return args.next();
  };
}

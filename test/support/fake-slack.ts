// A local HTTP server playing Slack's Web API (/api/<method>) and response_url (/respond/<id>); records every call.
// It keeps the messages it accepted per channel (with their metadata) and serves them back through
// conversations.history / conversations.replies, and refuses what Slack refuses (Block Kit limits).
import { createServer, type Server } from 'node:http';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  status: number;
}

/**
 * A queued answer. `after: 'store'` keeps the message as Slack would (it is in the channel), then answers
 * `status`/`body`; `reset: true` accepts the message and then drops the connection without any answer (a reset
 * after Slack received it); `hang: true` accepts it and never answers (the caller is killed mid-post); `delayMs`
 * answers that much later.
 */
export type Scripted = {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  after?: 'store';
  reset?: boolean;
  hang?: boolean;
  /** Answer this much later (ms): Slack slow to answer. */
  delayMs?: number;
  /** Answer as Slack normally would (lets a script fail the third call, not the first). */
  pass?: boolean;
};

/** A message as the fake channel holds it (the fields conversations.history returns). */
export interface StoredMessage {
  ts: string;
  text: string;
  thread_ts?: string;
  blocks?: unknown;
  attachments?: unknown;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** The bot that posted it: the fake's own bot (auth.test's bot_id) for messages posted through chat.postMessage. */
  bot_id?: string;
}

export interface FakeSlack {
  url: string;
  apiUrl: string;
  calls: SlackCall[];
  responses: { path: string; body: Record<string, unknown> }[];
  /** Answers queued per method, used before the default success. */
  script: Map<string, Scripted[]>;
  /** When set, every Web API call answers this (Slack down). */
  down: Scripted | null;
  /** Called with every Web API call as it arrives (the demo prints them). */
  onCall: ((call: SlackCall) => void) | null;
  /** Messages in each channel, oldest first (top-level and thread replies). */
  channels: Map<string, StoredMessage[]>;
  ok(method: string): SlackCall[];
  responseUrl(id: string): string;
  close(): Promise<void>;
}

const JSON_ARGS = new Set(['blocks', 'attachments', 'metadata', 'view']);

function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    args[k] = JSON_ARGS.has(k) && (v.startsWith('[') || v.startsWith('{')) ? JSON.parse(v) : v;
  }
  return args;
}

/** Slack's documented limits: 50 blocks a message (100 in a view), 3,000 characters a section text, 40,000 in `text`. */
function refusal(method: string, args: Record<string, unknown>): string | null {
  if (typeof args.text === 'string' && args.text.length > 40_000) return 'msg_too_long';
  const blockLists: unknown[][] = [];
  if (Array.isArray(args.blocks)) blockLists.push(args.blocks);
  if (Array.isArray(args.attachments))
    for (const a of args.attachments as { blocks?: unknown }[]) if (Array.isArray(a?.blocks)) blockLists.push(a.blocks);
  const view = args.view as { blocks?: unknown } | undefined;
  if (method === 'views.publish' && Array.isArray(view?.blocks)) blockLists.push(view.blocks);
  for (const blocks of blockLists) {
    if (blocks.length > (method === 'views.publish' ? 100 : 50)) return 'invalid_blocks';
    for (const block of blocks as { type?: string; text?: { text?: unknown }; fields?: { text?: unknown }[] }[]) {
      if (block.type === 'section' && typeof block.text?.text === 'string' && block.text.text.length > 3000) return 'invalid_blocks';
      if (block.type === 'section' && block.fields?.some((f) => typeof f.text === 'string' && f.text.length > 2000))
        return 'invalid_blocks';
    }
  }
  return null;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  // Real ts values: seconds since the epoch, '.', six digits, increasing (conversations.history filters on them).
  let lastTs = 0;
  const fake: Omit<FakeSlack, 'url' | 'apiUrl' | 'close' | 'responseUrl'> = {
    calls: [],
    responses: [],
    script: new Map(),
    down: null,
    onCall: null,
    channels: new Map(),
    ok: (method) => fake.calls.filter((c) => c.method === method && c.status === 200),
  };
  const ts = () => {
    lastTs = Math.max(lastTs + 1, Date.now() * 1000);
    return `${Math.floor(lastTs / 1e6)}.${String(lastTs % 1e6).padStart(6, '0')}`;
  };
  /** Keeps a posted message in its channel; returns its ts. */
  const store = (args: Record<string, unknown>): string => {
    const channel = String(args.channel);
    const message: StoredMessage = {
      ts: ts(),
      text: String(args.text ?? ''),
      bot_id: 'BBOTID0001',
      ...(args.thread_ts ? { thread_ts: String(args.thread_ts) } : {}),
      ...(args.blocks ? { blocks: args.blocks } : {}),
      ...(args.attachments ? { attachments: args.attachments } : {}),
      ...(args.metadata ? { metadata: args.metadata as StoredMessage['metadata'] } : {}),
    };
    const list = fake.channels.get(channel) ?? [];
    list.push(message);
    fake.channels.set(channel, list);
    return message.ts;
  };
  /** Messages as conversations.history / .replies return them: metadata only when asked for (include_all_metadata). */
  const shown = (m: StoredMessage, withMetadata: boolean) => {
    const { metadata, ...rest } = m;
    return { type: 'message', ...rest, ...(withMetadata && metadata ? { metadata } : {}) };
  };
  const history = (args: Record<string, unknown>) => {
    const withMetadata = String(args.include_all_metadata) === 'true';
    const oldest = Number(args.oldest ?? 0);
    const limit = Math.min(Number(args.limit ?? 100) || 100, 999);
    const offset = Number(args.cursor ?? 0) || 0;
    const all = (fake.channels.get(String(args.channel)) ?? [])
      .filter((m) => !m.thread_ts && Number(m.ts) >= oldest)
      .reverse()
      .map((m) => shown(m, withMetadata));
    const page = all.slice(offset, offset + limit);
    const more = offset + limit < all.length;
    return { ok: true, messages: page, has_more: more, response_metadata: { next_cursor: more ? String(offset + limit) : '' } };
  };
  const replies = (args: Record<string, unknown>) => {
    const withMetadata = String(args.include_all_metadata) === 'true';
    const list = fake.channels.get(String(args.channel)) ?? [];
    const parent = list.find((m) => m.ts === args.ts);
    if (!parent) return { ok: false, error: 'thread_not_found' };
    const thread = [parent, ...list.filter((m) => m.thread_ts === args.ts)].map((m) => shown(m, withMetadata));
    return { ok: true, messages: thread, has_more: false, response_metadata: { next_cursor: '' } };
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const args = parseArgs(raw, String(req.headers['content-type'] ?? ''));
      if (path.startsWith('/respond/')) {
        fake.responses.push({ path, body: args });
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('ok');
      }
      const method = path.replace(/^\/api\//, '');
      const scripted = fake.down ?? fake.script.get(method)?.shift();
      if (scripted && !scripted.pass) {
        fake.calls.push({ method, args, status: scripted.status });
        if (scripted.after === 'store' || scripted.reset || scripted.hang) {
          if (method === 'chat.postMessage') store(args);
        }
        if (scripted.reset) return req.socket.destroy();
        if (scripted.hang) return;
        const answer = () => {
          res.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers });
          res.end(JSON.stringify(scripted.body ?? { ok: false, error: 'scripted' }));
        };
        if (scripted.delayMs) return void setTimeout(answer, scripted.delayMs);
        return answer();
      }
      const refused = refusal(method, args);
      if (refused) {
        fake.calls.push({ method, args, status: 400 });
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ ok: false, error: refused }));
      }
      fake.calls.push({ method, args, status: 200 });
      fake.onCall?.(fake.calls.at(-1)!);
      let body: Record<string, unknown>;
      if (method === 'auth.test')
        body = { ok: true, user_id: 'UBOTUSER01', bot_id: 'BBOTID0001', team_id: 'TTEAM00001', url: 'https://acme.slack.example/' };
      else if (method === 'chat.postMessage') body = { ok: true, channel: args.channel, ts: store(args), message: { text: args.text } };
      else if (method === 'chat.update') body = { ok: true, channel: args.channel, ts: args.ts };
      else if (method === 'conversations.history') body = history(args);
      else if (method === 'conversations.replies') body = replies(args);
      else body = { ok: true };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(fake, {
    url,
    apiUrl: `${url}/api/`,
    responseUrl: (id: string) => `${url}/respond/${id}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

// A local HTTP server playing Slack's Web API (/api/<method>) and response_url (/respond/<id>); records every call.
import { createServer, type Server } from 'node:http';

export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  status: number;
}

export type Scripted = { status: number; headers?: Record<string, string>; body?: unknown };

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
  ok(method: string): SlackCall[];
  responseUrl(id: string): string;
  close(): Promise<void>;
}

function parseArgs(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    args[k] = (k === 'blocks' || k === 'attachments') && v.startsWith('[') ? JSON.parse(v) : v;
  }
  return args;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  let nextTs = 1_700_000_000_000_100;
  const fake: Omit<FakeSlack, 'url' | 'apiUrl' | 'close' | 'responseUrl'> = {
    calls: [],
    responses: [],
    script: new Map(),
    down: null,
    onCall: null,
    ok: (method) => fake.calls.filter((c) => c.method === method && c.status === 200),
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
      if (scripted) {
        fake.calls.push({ method, args, status: scripted.status });
        res.writeHead(scripted.status, { 'content-type': 'application/json', ...scripted.headers });
        return res.end(JSON.stringify(scripted.body ?? { ok: false, error: 'scripted' }));
      }
      fake.calls.push({ method, args, status: 200 });
      fake.onCall?.(fake.calls.at(-1)!);
      const ts = () => {
        nextTs += 1;
        const s = String(nextTs);
        return `${s.slice(0, 10)}.${s.slice(10)}`;
      };
      const body: Record<string, unknown> =
        method === 'auth.test'
          ? { ok: true, user_id: 'UBOTUSER01', bot_id: 'BBOTID0001', team_id: 'TTEAM00001', url: 'https://acme.slack.example/' }
          : method === 'chat.postMessage'
            ? { ok: true, channel: args.channel, ts: ts(), message: { text: args.text } }
            : method === 'chat.update'
              ? { ok: true, channel: args.channel, ts: args.ts }
              : { ok: true };
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

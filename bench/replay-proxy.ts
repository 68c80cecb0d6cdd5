// A replayed-response AWS endpoint for benchmarks: records moto's answers for one member account once, then answers any
// number of member accounts from that recording, with an added latency, so that the emulator's own time is out of the
// figures and 1,000 accounts need no 1,000-account moto.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { describeCall } from '../test/support/aws-proxy.js';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Stand-ins in recorded text for the account a call acts in and for that account's role access key. */
const ACCOUNT = '{{ACCOUNT}}';
const KEY = '{{ACCESS_KEY}}';

/** A synthetic access key per account (20 characters, like STS's): the replay tells a call's account from it. */
export const replayKeyOf = (account: string) => `ASIA${account}RPLY`;

export interface ReplayProxy {
  endpoint: string;
  /** Which recording answers: `record` forwards to the target and records under `phase`; `replay` answers from it. */
  mode: 'record' | 'replay';
  /** The recording in use (apply from nothing, plan): calls are matched per account in their order within a phase. */
  phase: string;
  latencyMs: number;
  /**
   * AWS-style throttling in replay: each account, region and service gets a token bucket of `burst` requests refilled
   * at `perSecond`; a request finding it empty is answered, after the latency, with the service's throttling error
   * (what AWS does when a caller exceeds an API's rate), so that the clients' retry mode has to absorb it. Null: none.
   */
  throttle: { perSecond: number; burst: number } | null;
  /** Starts a phase: occurrence counters back to zero, call and connection counts of the run returned by `stats`. */
  begin(phase: string): void;
  /** Calls of the run: all, and those made in member accounts (the rest are the central account's). */
  stats(): { calls: number; memberCalls: number; throttled: number; connections: number; misses: string[] };
  close(): Promise<void>;
}

/**
 * `target`: moto, for recording. `central`: the central account, recorded and replayed as itself. `template`: the one
 * member account recorded; in replay every other member gets its answers with its own id (and its own access key).
 */
export async function startReplayProxy(options: {
  target: string;
  central: string;
  template: string;
  centralKeyId: string;
}): Promise<ReplayProxy> {
  const target = new URL(options.target);
  const recordings = new Map<string, Map<string, Answer[]>>();
  /** In recording: access key -> account, learned from AssumeRole answers. */
  const keyAccount = new Map<string, string>([[options.centralKeyId, options.central]]);
  let templateKey: string | undefined;
  let seen = new Map<string, number>();
  let counts = { calls: 0, memberCalls: 0, throttled: 0, connections: 0, misses: [] as string[] };
  const buckets = new Map<string, { tokens: number; at: number }>();
  /** Takes a token from the bucket of `scope`; false when it is empty (the request is throttled). */
  const admit = (scope: string, limit: { perSecond: number; burst: number }): boolean => {
    const now = performance.now();
    const bucket = buckets.get(scope) ?? { tokens: limit.burst, at: now };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    buckets.set(scope, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  const accountOf = (accessKeyId: string, params: Record<string, unknown>, operation: string): string => {
    if (operation === 'AssumeRole') return /::(\d{12}):/.exec(String(params.RoleArn))?.[1] ?? '?';
    if (proxy.mode === 'replay' && /^ASIA\d{12}RPLY$/.test(accessKeyId)) return accessKeyId.slice(4, 16);
    return keyAccount.get(accessKeyId) ?? '?';
  };
  const keyOf = (account: string, method: string, url: string, headers: IncomingHttpHeaders, body: string, region: string) => {
    const text = `${method} ${url} ${headers['x-amz-target'] ?? ''} ${region} ${body.replace(/&?(Version|RoleSessionName)=[^&]*/g, '')}`;
    return account === options.central ? text : text.replaceAll(account, ACCOUNT);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      counts.calls += 1;
      const body = Buffer.concat(chunks);
      const call = describeCall(req.method ?? 'GET', req.url ?? '/', req.headers, body);
      const account = accountOf(call.accessKeyId, call.params, call.operation);
      const key = keyOf(account, req.method ?? 'GET', req.url ?? '/', req.headers, body.toString(), call.region);
      const scope = account === options.central ? 'central' : 'member';
      if (scope === 'member') counts.memberCalls += 1;
      if (proxy.mode === 'replay' && proxy.throttle && !admit(`${account} ${call.region} ${call.service}`, proxy.throttle)) {
        counts.throttled += 1;
        // Query-protocol services (IAM, STS) answer XML; the JSON ones (EventBridge, CloudTrail) a JSON __type.
        const query = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
        const [type, text] = query
          ? [
              'text/xml',
              '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>0</RequestId></ErrorResponse>',
            ]
          : ['application/x-amz-json-1.1', JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' })];
        setTimeout(() => {
          res.writeHead(400, { 'content-type': type });
          res.end(text);
        }, proxy.latencyMs);
        return;
      }
      const counter = `${account} ${key}`;
      const n = seen.get(counter) ?? 0;
      seen.set(counter, n + 1);
      const phase = recordings.get(proxy.phase) ?? new Map<string, Answer[]>();
      recordings.set(proxy.phase, phase);
      const slot = `${scope} ${key}`;
      const respond = (answer: Answer) => {
        let text = answer.body;
        if (scope === 'member') text = text.replaceAll(ACCOUNT, account).replaceAll(KEY, replayKeyOf(account));
        // Fresh credentials every time: a recording outlives the hour its STS credentials were valid for.
        if (call.operation === 'AssumeRole') {
          text = text.replace(
            /<Expiration>[^<]*<\/Expiration>/,
            `<Expiration>${new Date(Date.now() + 3600_000).toISOString()}</Expiration>`,
          );
        }
        const send = () => {
          res.writeHead(answer.status, answer.headers);
          res.end(text);
        };
        if (proxy.latencyMs > 0) setTimeout(send, proxy.latencyMs);
        else send();
      };
      if (proxy.mode === 'replay') {
        const answers = phase.get(slot);
        const answer = answers?.[Math.min(n, answers.length - 1)];
        if (!answer) {
          counts.misses.push(`${call.service} ${call.operation} in ${account}`);
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ __type: 'ReplayMiss', message: `no recorded answer for ${call.operation}` }));
          return;
        }
        respond(answer);
        return;
      }
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (up) => {
          const parts: Buffer[] = [];
          up.on('data', (c: Buffer) => parts.push(c));
          up.on('end', () => {
            let text = Buffer.concat(parts).toString();
            if (call.operation === 'AssumeRole') {
              const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(text)?.[1];
              if (key) keyAccount.set(key, account);
              if (key && account === options.template) templateKey = key;
            }
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(up.headers)) {
              if (typeof value === 'string' && (name === 'content-type' || name.startsWith('x-amz'))) headers[name] = value;
            }
            const answer = { status: up.statusCode ?? 502, headers, body: text };
            if (scope === 'member' && account === options.template) {
              text = text.replaceAll(options.template, ACCOUNT);
              if (templateKey) text = text.replaceAll(templateKey, KEY);
              phase.set(slot, [...(phase.get(slot) ?? []), { ...answer, body: text }]);
            } else if (scope === 'central') {
              phase.set(slot, [...(phase.get(slot) ?? []), answer]);
            }
            res.writeHead(answer.status, headers);
            res.end(answer.body);
          });
        },
      );
      upstream.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      upstream.end(body);
    });
  });
  server.on('connection', () => {
    counts.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const proxy: ReplayProxy = {
    endpoint: `http://127.0.0.1:${port}`,
    mode: 'record',
    phase: 'default',
    latencyMs: 0,
    throttle: null,
    begin(phase) {
      proxy.phase = phase;
      seen = new Map();
      counts = { calls: 0, memberCalls: 0, throttled: 0, connections: 0, misses: [] };
      buckets.clear();
    },
    stats: () => ({ ...counts, misses: [...new Set(counts.misses)] }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

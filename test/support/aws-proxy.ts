// An HTTP proxy in front of moto that records each AWS call, can add latency, and can answer with a real AWS error.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';

export interface AwsCall {
  service: string;
  operation: string;
  region: string;
  accessKeyId: string;
  /** Query-protocol parameters or JSON body, for matching (never logged). */
  params: Record<string, unknown>;
}

export interface Fault {
  status: number;
  code: string;
  message: string;
}

export interface ProxyOptions {
  target: string;
  latencyMs?: number;
  /** Returns a fault to answer with instead of forwarding; `null` forwards. */
  fault?: (call: AwsCall) => Fault | null;
  /** Told of each call as soon as its request has arrived (before any added latency): the benches time arrivals. */
  onCall?: (call: AwsCall) => void;
}

export interface AwsProxy {
  endpoint: string;
  calls: AwsCall[];
  options: ProxyOptions;
  /** TCP connections clients have opened to the proxy so far (a keep-alive client opens few). */
  connections(): number;
  count(filter?: Partial<Pick<AwsCall, 'service' | 'operation' | 'accessKeyId'>>): number;
  close(): Promise<void>;
}

export function describeCall(method: string, url: string, headers: IncomingHttpHeaders, body: Buffer): AwsCall {
  const auth = String(headers.authorization ?? '');
  const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
  const [, accessKeyId = '', region = '', service = 'unknown'] = scope ?? [];
  const target = headers['x-amz-target'];
  const contentType = String(headers['content-type'] ?? '');
  let operation = `${method} ${url.split('?')[0]}`;
  let params: Record<string, unknown> = {};
  if (typeof target === 'string') {
    operation = target.split('.').at(-1) ?? target;
    try {
      params = JSON.parse(body.toString() || '{}') as Record<string, unknown>;
    } catch {
      params = {};
    }
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    params = Object.fromEntries(new URLSearchParams(body.toString()));
    operation = String(params.Action ?? operation);
  } else if (headers['smithy-protocol'] === 'rpc-v2-cbor') {
    operation = url.split('/').at(-1) ?? operation;
  }
  return { service, operation, region, accessKeyId, params };
}

function faultBody(call: AwsCall, fault: Fault, contentType: string): { type: string; body: string } {
  if (contentType.startsWith('application/x-www-form-urlencoded')) {
    const body =
      `<ErrorResponse xmlns="https://${call.service}.amazonaws.com/doc/"><Error><Type>Sender</Type>` +
      `<Code>${fault.code}</Code><Message>${fault.message.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Message></Error>` +
      `<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`;
    return { type: 'text/xml', body };
  }
  return { type: 'application/x-amz-json-1.1', body: JSON.stringify({ __type: fault.code, message: fault.message }) };
}

export async function startAwsProxy(options: ProxyOptions): Promise<AwsProxy> {
  const calls: AwsCall[] = [];
  const target = new URL(options.target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const call = describeCall(req.method ?? 'GET', req.url ?? '/', req.headers, body);
      calls.push(call);
      proxy.options.onCall?.(call);
      const forward = () => {
        const fault = proxy.options.fault?.(call) ?? null;
        if (fault) {
          const { type, body: text } = faultBody(call, fault, String(req.headers['content-type'] ?? ''));
          res.writeHead(fault.status, { 'content-type': type, 'x-amzn-requestid': 'fault-injected' });
          res.end(text);
          return;
        }
        const upstream = httpRequest(
          { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        upstream.on('error', (error) => {
          res.writeHead(502);
          res.end(String(error));
        });
        upstream.end(body);
      };
      const latency = proxy.options.latencyMs ?? 0;
      if (latency > 0) setTimeout(forward, latency);
      else forward();
    });
  });
  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const proxy: AwsProxy = {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    options,
    connections: () => connections,
    count: (filter = {}) => calls.filter((c) => Object.entries(filter).every(([k, v]) => c[k as keyof AwsCall] === v)).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

/** A fault answering AssumeRole into any of `accounts` with STS's AccessDenied, as a trust policy that refuses would. */
export function denyAssumeRoleInto(...accounts: string[]): (call: AwsCall) => Fault | null {
  return (call) => {
    const roleArn = String(call.params.RoleArn ?? '');
    return call.operation === 'AssumeRole' && accounts.some((a) => roleArn.includes(`::${a}:`))
      ? { status: 403, code: 'AccessDenied', message: `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}` }
      : null;
  };
}

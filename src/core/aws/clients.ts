// The one place AWS SDK clients are built: region, AWS_ENDPOINT_URL, adaptive retries, TrailGuard's user agent, one
// connection pool for the process, and the environment/config-file settings resolved once per service and region.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { USER_AGENT } from '../version.js';

export interface ClientOptions {
  region: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider | undefined;
  /** Defaults to AWS_ENDPOINT_URL (moto, LocalStack, a VPC endpoint); unset means the real AWS endpoint. */
  endpoint?: string | undefined;
  /** Total attempts including the first; throttling and 5xx are retried with adaptive backoff. */
  maxAttempts?: number | undefined;
  /** Called once per API call (not per retry) with the client and command name: call counting. */
  onCall?: ((clientName: string, commandName: string) => void) | undefined;
  /**
   * Shared limit on HTTP requests in flight across every client given it. It wraps the send
   * itself (after signing), so resolving credentials, which may call AssumeRole, never holds a slot.
   */
  limit?: (<T>(fn: () => Promise<T>) => Promise<T>) | undefined;
  /**
   * Sockets per host the shared pool needs at least (the request concurrency): it grows to the largest asked for and
   * never shrinks. Default 50, the SDK's own.
   */
  maxSockets?: number | undefined;
}

interface Stackable {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize' | 'deserialize'; name: string },
    ): void;
  };
}

export function endpointFromEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_ENDPOINT_URL?.trim() || undefined;
}

/**
 * AWS requests in flight at once across every account and region, unless the action's `concurrency` input or the
 * CLI's `--concurrency` says otherwise. 16 is the contract's default (DESIGN.md, action inputs). 32 plans 1,000
 * accounts x 4 regions at 50 ms per call 1.9x faster (BENCHMARKS.md, "Pipeline at 1,000 accounts") at about 60 MiB
 * more memory; AWS throttles per account, region and API, and where it does the clients' adaptive retry mode
 * (`createClient`) slows down instead of failing, so 32 or 64 is safe to set for a large organization.
 */
export const DEFAULT_CONCURRENCY = 16;

/** The SDK's default sockets per host (`@smithy/node-http-handler`); a higher request concurrency raises it. */
export const DEFAULT_MAX_SOCKETS = 50;

/**
 * The process's one HTTP request handler, shared by every client `createClient` builds: a `NodeHttpHandler` over one
 * keep-alive `http.Agent` and one `https.Agent`. Why: each SDK client otherwise makes its own handler and agents, so a
 * run that builds a client per account-region opens a new TCP connection (on AWS, a TLS handshake) for most calls and
 * keeps every client's idle sockets open. `destroy()` is a no-op: one client's `destroy()` (the SDK's way to close its
 * own pool) must not close every other client's connections; idle keep-alive sockets are unreferenced by Node's agent
 * and never hold the process open.
 */
export class SharedHttpHandler {
  readonly httpAgent: HttpAgent;
  readonly httpsAgent: HttpsAgent;
  private readonly inner: NodeHttpHandler;
  /** Read by the SDK's `RequestHandler.create`: an object with `handle` is used as the handler itself. */
  readonly metadata = { handlerProtocol: 'http/1.1' };

  constructor(maxSockets = DEFAULT_MAX_SOCKETS) {
    this.httpAgent = new HttpAgent({ keepAlive: true, maxSockets });
    this.httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets });
    this.inner = new NodeHttpHandler({ httpAgent: this.httpAgent, httpsAgent: this.httpsAgent });
  }

  /** Sockets per host now. */
  get maxSockets(): number {
    return this.httpsAgent.maxSockets;
  }

  /** Raises sockets per host to at least `n` (an Agent reads `maxSockets` on every request); never lowers it. */
  reserve(n: number): void {
    if (!Number.isFinite(n) || n <= this.maxSockets) return;
    this.httpAgent.maxSockets = n;
    this.httpsAgent.maxSockets = n;
  }

  handle(...args: Parameters<NodeHttpHandler['handle']>): ReturnType<NodeHttpHandler['handle']> {
    return this.inner.handle(...args);
  }

  updateHttpClientConfig(...args: Parameters<NodeHttpHandler['updateHttpClientConfig']>): void {
    this.inner.updateHttpClientConfig(...args);
  }

  httpHandlerConfigs(): ReturnType<NodeHttpHandler['httpHandlerConfigs']> {
    return this.inner.httpHandlerConfigs();
  }

  destroy(): void {}
}

let shared: SharedHttpHandler | undefined;

/** The process's shared handler (created on first use). */
export function sharedHttpHandler(): SharedHttpHandler {
  shared ??= new SharedHttpHandler();
  return shared;
}

/**
 * Settings the SDK would otherwise look up in the environment and the shared config file for every new client (FIPS,
 * dual-stack, defaults mode, app id, auth scheme preference, a service-specific endpoint URL): taken from one template
 * client per service and region, whose providers are memoised, so the lookup happens once per service and region, not
 * once per account. Credentials are not among them: they stay per client.
 */
interface SharedSettings {
  template: { config: Record<string, unknown> };
}
const settings = new Map<string, SharedSettings>();
const SHARED_PROVIDERS = ['useFipsEndpoint', 'useDualstackEndpoint', 'defaultsMode', 'userAgentAppId', 'authSchemePreference'] as const;

function baseConfig(options: ClientOptions, endpoint: string | undefined): Record<string, unknown> {
  return {
    region: options.region,
    ...(endpoint ? { endpoint } : {}),
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 5,
    customUserAgent: USER_AGENT,
    requestHandler: sharedHttpHandler(),
  };
}

/**
 * Builds any v3 client with TrailGuard's settings; `extra` carries service-specific options (an `extra.requestHandler`
 * replaces the shared one, for tests that play the wire). Synchronous, like `new Client()`; nothing is called until
 * the first `send`.
 */
export function createClient<C, X extends object = object>(
  Client: new (config: ClientOptions & X & Record<string, unknown>) => C,
  options: ClientOptions,
  extra?: X,
): C {
  const endpoint = options.endpoint ?? endpointFromEnv();
  if (options.maxSockets) sharedHttpHandler().reserve(options.maxSockets);
  const key = `${Client.name}/${options.region}/${endpoint ?? ''}`;
  let reused = settings.get(key);
  if (!reused) {
    const template = new Client(baseConfig(options, endpoint) as never) as unknown as SharedSettings['template'];
    settings.set(key, (reused = { template }));
  }
  const from = reused.template.config;
  const inherited = Object.fromEntries(SHARED_PROVIDERS.filter((name) => from[name] !== undefined).map((name) => [name, from[name]]));
  const client = new Client({
    ...inherited,
    ...baseConfig(options, endpoint),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(extra as X),
  } as ClientOptions & X & Record<string, unknown>);
  // Set in the constructor for each client (not read from its input): the template's memoised lookup of
  // AWS_ENDPOINT_URL_<SERVICE> and the config file's `services` section replaces it.
  (client as unknown as SharedSettings['template']).config.serviceConfiguredEndpoint = from.serviceConfiguredEndpoint;
  const { onCall } = options;
  if (onCall) {
    (client as unknown as Stackable).middlewareStack.add(
      (next, context) => (args) => {
        onCall(context.clientName ?? 'unknown', context.commandName ?? 'unknown');
        return next(args);
      },
      { step: 'initialize', name: 'trailguardCallCounter' },
    );
  }
  const { limit } = options;
  if (limit) {
    (client as unknown as Stackable).middlewareStack.add((next) => (args) => limit(() => next(args)), {
      step: 'deserialize',
      name: 'trailguardConcurrencyLimit',
    });
  }
  return client;
}

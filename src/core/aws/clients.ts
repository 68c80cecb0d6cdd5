// The one place AWS SDK clients are built: region, AWS_ENDPOINT_URL, adaptive retries, TrailGuard's user agent.
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

/** Builds any v3 client with TrailGuard's settings; `extra` carries service-specific options. */
export function createClient<C, X extends object = object>(
  Client: new (config: ClientOptions & X & Record<string, unknown>) => C,
  options: ClientOptions,
  extra?: X,
): C {
  const endpoint = options.endpoint ?? endpointFromEnv();
  const client = new Client({
    region: options.region,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    ...(endpoint ? { endpoint } : {}),
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? 5,
    customUserAgent: USER_AGENT,
    ...(extra as X),
  } as ClientOptions & X & Record<string, unknown>);
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

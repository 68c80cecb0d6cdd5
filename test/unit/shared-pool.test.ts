// One connection pool and one settings lookup per service and region for every client TrailGuard builds.
import { createServer, type Server } from 'node:http';
import { CloudTrailClient, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import pLimit from 'p-limit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { createClient, sharedHttpHandler } from '#core/aws/clients.js';

const CREDENTIALS = { accessKeyId: 'AKIDCALLER', secretAccessKey: 's' };

/** A stand-in for an AWS endpoint that answers GetTrailStatus and counts the TCP connections opened to it. */
let server: Server;
let endpoint: string;
let connections = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end('{"IsLogging":true}');
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createClient: one connection pool', () => {
  it('gives every client, whatever its service or region, the same request handler', () => {
    const clients = [
      createClient(CloudTrailClient, { region: 'eu-west-1' }),
      createClient(CloudTrailClient, { region: 'us-east-1', credentials: CREDENTIALS }),
      createClient(IAMClient, { region: 'us-east-1' }),
      createClient(STSClient, { region: 'ap-southeast-2', endpoint: 'http://127.0.0.1:1' }),
    ];

    for (const client of clients) expect(client.config.requestHandler).toBe(sharedHttpHandler());
  });

  it('reuses one keep-alive connection across clients of different accounts: one TCP connection for 20 calls', async () => {
    const before = connections;
    for (let i = 0; i < 20; i += 1) {
      const client = createClient(CloudTrailClient, {
        region: i % 2 ? 'eu-west-1' : 'us-east-1',
        endpoint,
        credentials: { accessKeyId: `AKIDMEMBER${i}`, secretAccessKey: 's' },
      });
      expect((await client.send(new GetTrailStatusCommand({ Name: 'org-audit' }))).IsLogging).toBe(true);
    }

    expect(connections - before).toBe(1);
  });

  it("one client's destroy() leaves the pool open for every other client", async () => {
    const first = createClient(CloudTrailClient, { region: 'us-east-1', endpoint, credentials: CREDENTIALS });
    const second = createClient(CloudTrailClient, { region: 'us-east-1', endpoint, credentials: CREDENTIALS });
    await first.send(new GetTrailStatusCommand({ Name: 'org-audit' }));
    const before = connections;

    first.destroy();

    expect((await second.send(new GetTrailStatusCommand({ Name: 'org-audit' }))).IsLogging).toBe(true);
    expect(connections - before).toBe(0);
  });
});

describe('createClient: settings from the environment, looked up once per service and region', () => {
  it('reads AWS_USE_FIPS_ENDPOINT once for 50 clients, and every client still honours it', async () => {
    const real = process.env;
    let reads = 0;
    // A fresh service-region pair (the lookup is cached per process), and an environment that counts its reads.
    process.env = new Proxy({ ...real, AWS_USE_FIPS_ENDPOINT: 'true' } as NodeJS.ProcessEnv, {
      get: (target, name) => {
        if (name === 'AWS_USE_FIPS_ENDPOINT') reads += 1;
        return target[name as string];
      },
    });
    try {
      const clients = Array.from({ length: 50 }, (_, i) =>
        createClient(CloudTrailClient, { region: 'ca-central-1', credentials: { accessKeyId: `AKID${i}`, secretAccessKey: 's' } }),
      );
      const fips = await Promise.all(clients.map((c) => c.config.useFipsEndpoint()));

      expect(fips.every(Boolean)).toBe(true);
      expect(reads).toBeLessThanOrEqual(1);
    } finally {
      process.env = real;
    }
  });
});

describe('Accounts: the shared pool', () => {
  const sts = mockClient(STSClient);
  beforeEach(() => {
    sts.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111111111111' });
    sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => ({
      Credentials: {
        AccessKeyId: `ASIA-${input.RoleArn}`,
        SecretAccessKey: 's',
        SessionToken: 't',
        Expiration: new Date(Date.now() + 3600_000),
      },
    }));
  });

  it("builds the caller's and every member's clients on the shared handler, with sockets for its request concurrency", async () => {
    const accounts = new Accounts({
      region: 'us-east-1',
      roleName: 'OrganizationAccountAccessRole',
      sessionName: 'trailguard-test',
      credentials: CREDENTIALS,
      limit: pLimit(96),
    });
    const release = accounts.hold('222222222222');
    await accounts.reach('222222222222');

    const clients = [
      await accounts.client(CloudTrailClient, '111111111111', 'us-east-1'),
      await accounts.client(CloudTrailClient, '222222222222', 'eu-west-1'),
      await accounts.client(IAMClient, '222222222222', 'us-east-1'),
    ];

    for (const client of clients) expect(client.config.requestHandler).toBe(sharedHttpHandler());
    expect(sharedHttpHandler().maxSockets).toBeGreaterThanOrEqual(96);
    release();
    expect(accounts.cachedAccounts()).not.toContain('222222222222');
  });
});

import { readFileSync } from 'node:fs';
import { CloudTrailClient, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createClient, endpointFromEnv } from '#core/aws/clients.js';
import { USER_AGENT, VERSION } from '#core/version.js';

describe('createClient', () => {
  it('sets region, endpoint, adaptive retries and the trailguard user agent', async () => {
    const client = createClient(CloudTrailClient, { region: 'eu-west-1', endpoint: 'http://127.0.0.1:5000' });

    expect(await client.config.region()).toBe('eu-west-1');
    expect(await client.config.retryStrategy()).toMatchObject({ mode: 'adaptive' });
    expect(await client.config.maxAttempts()).toBe(5);
    expect(client.config.customUserAgent).toEqual([[USER_AGENT]]);
    const endpoint = await client.config.endpoint!();
    expect(`${endpoint.protocol}//${endpoint.hostname}:${endpoint.port}`).toBe('http://127.0.0.1:5000');
  });

  it('honours AWS_ENDPOINT_URL and ignores it when blank', () => {
    expect(endpointFromEnv({ AWS_ENDPOINT_URL: 'http://localhost:4566' })).toBe('http://localhost:4566');
    expect(endpointFromEnv({ AWS_ENDPOINT_URL: '  ' })).toBeUndefined();
    expect(endpointFromEnv({})).toBeUndefined();
  });

  it('counts each API call once through onCall, not each retry', async () => {
    let attempts = 0;
    const requestHandler = {
      handle: async () => {
        attempts += 1;
        const throttled = attempts === 1;
        return {
          response: {
            statusCode: throttled ? 400 : 200,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: Readable.from([throttled ? '{"__type":"ThrottlingException","message":"slow down"}' : '{"IsLogging":true}']),
          },
        };
      },
    };
    const seen: string[] = [];
    const client = createClient(
      CloudTrailClient,
      { region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, onCall: (c, op) => seen.push(`${c}.${op}`) },
      { requestHandler },
    );

    const out = await client.send(new GetTrailStatusCommand({ Name: 'x' }));

    expect(out.IsLogging).toBe(true);
    expect(attempts).toBe(2);
    expect(seen).toEqual(['CloudTrailClient.GetTrailStatusCommand']);
  });
});

describe('VERSION', () => {
  it('matches package.json, so the user agent tells which release made a call', () => {
    expect(VERSION).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
  });
});

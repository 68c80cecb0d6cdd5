// The remediator's log lines carry the Lambda invocation they belong to (Powertools Logger with the Lambda context),
// so a responder can go from an alert to the one invocation's logs in CloudWatch.
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDefaultDeps, createHandler } from '../../lambda/remediator.js';

const lambdaContext = (awsRequestId: string): Context => ({
  awsRequestId,
  functionName: 'trailguard-remediator',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111111111111:function:trailguard-remediator',
  memoryLimitInMB: '256',
  logGroupName: '/aws/lambda/trailguard-remediator',
  logStreamName: '2026/11/29/[$LATEST]abc',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

let lines: Record<string, unknown>[] = [];

beforeEach(() => {
  lines = [];
  // What Lambda sets for an on-demand execution environment; Powertools reads it for cold_start.
  vi.stubEnv('AWS_LAMBDA_INITIALIZATION_TYPE', 'on-demand');
  // Powertools writes JSON lines to stdout and stderr, as Lambda's runtime collects them.
  const capture = (chunk: unknown) => {
    for (const text of String(chunk).split('\n')) if (text.trim().startsWith('{')) lines.push(JSON.parse(text) as Record<string, unknown>);
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('remediator logs', () => {
  it('name the request id of each invocation and the cold start of the first only', async () => {
    const deps = createDefaultDeps({
      env: { TRAILGUARD_TOPIC_ARN: 'arn:aws:sns:us-east-1:111111111111:trailguard-alerts', AWS_REGION: 'us-east-1' },
    });
    const handler = createHandler(() => deps);

    // Not a CloudTrail record: rejected with one warn line, no AWS call.
    const first = await handler({ source: 'not.cloudtrail' }, lambdaContext('request-1'));
    const second = await handler({ source: 'not.cloudtrail' }, lambdaContext('request-2'));

    expect([first, second].map((r) => (r as { outcome: string }).outcome)).toEqual(['rejected', 'rejected']);
    const rejected = lines.filter((l) => l.message === 'event rejected');
    expect(rejected.map((l) => [l.function_request_id, l.cold_start, l.function_name])).toEqual([
      ['request-1', true, 'trailguard-remediator'],
      ['request-2', false, 'trailguard-remediator'],
    ]);
    expect(rejected.every((l) => l.service === 'trailguard-remediator' && l.outcome === 'rejected')).toBe(true);
  });
});

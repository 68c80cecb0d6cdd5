// The central account's own chain past its first link: calls on its rules, the trailguard bus grants, the remediator,
// trailguard-* mappings and queues must reach the remediator through the central default bus (two rules watching
// each other, each call forwarded once) and end in a pipeline-tampered alert; TrailGuard's own calls that leave the
// resource as apply sets it pass silently.
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadPipelineEnvironment } from '../../lambda/guard.js';
import { createDefaultDeps, createHandler } from '../../lambda/remediator.js';
import { parseAlert, type PipelineAlert } from '#core/alert.js';
import { validateConfig, WATCHED_EVENTS } from '#core/config.js';
import { centralRulePatterns, desiredState, EVENT_PATTERN_MAX_CHARS, remediatorEnvironment } from '#core/desired-state.js';
import { recordingLog } from '../support/recording-log.js';

const CENTRAL = '111111111111';
const REGION = 'us-east-1';
const DEPLOY = 'OrganizationAccountAccessRole';
const raw = {
  version: 1,
  central: { account: CENTRAL, region: REGION },
  members: { accounts: [{ id: '222222222222' }], regions: [REGION] },
};
const config = validateConfig(raw);
const sns = mockClient(SNSClient);

/** EventBridge's event-pattern matching for the operators TrailGuard's patterns use (value lists, prefix, wildcard, $or). */
function matches(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) {
    const values = Array.isArray(event) ? event : [event];
    return pattern.some((p) =>
      values.some((v) => {
        if (p && typeof p === 'object') {
          const o = p as Record<string, string>;
          if ('prefix' in o) return typeof v === 'string' && v.startsWith(o.prefix!);
          if ('wildcard' in o) {
            const re = new RegExp(
              `^${o
                .wildcard!.split('*')
                .map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
                .join('.*')}$`,
            );
            return typeof v === 'string' && re.test(v);
          }
          throw new Error(`matcher: unsupported operator ${JSON.stringify(p)}`);
        }
        return p === v;
      }),
    );
  }
  const p = pattern as Record<string, unknown>;
  const e = (event ?? {}) as Record<string, unknown>;
  return Object.entries(p).every(([key, sub]) => {
    if (key === '$or') return (sub as unknown[]).some((alt) => matches(alt, event));
    if (Array.isArray(sub)) return e[key] !== undefined && matches(sub, e[key]);
    return e[key] !== undefined && matches(sub, e[key]);
  });
}

const SERVICE: Record<string, string> = {
  'events.amazonaws.com': 'aws.events',
  'lambda.amazonaws.com': 'aws.lambda',
  'sqs.amazonaws.com': 'aws.sqs',
};

/** The CloudTrail record of a call in the central account, as its default bus receives it. */
function record(
  eventSource: string,
  eventName: string,
  requestParameters: Record<string, unknown>,
  o: { role?: string; responseElements?: Record<string, unknown> } = {},
) {
  const role = o.role ?? 'Admin';
  return {
    version: '0',
    id: 'ev-1',
    'detail-type': 'AWS API Call via CloudTrail',
    source: SERVICE[eventSource],
    account: CENTRAL,
    region: REGION,
    time: '2026-11-29T18:00:00Z',
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${CENTRAL}:assumed-role/${role}/mallory`,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${CENTRAL}:role/${role}` } },
      },
      eventTime: '2026-11-29T18:00:00Z',
      eventSource,
      eventName,
      awsRegion: REGION,
      sourceIPAddress: '203.0.113.24',
      userAgent: 'aws-cli/2.22.4',
      requestParameters,
      ...(o.responseElements ? { responseElements: o.responseElements } : {}),
      eventID: 'cafe-2',
      recipientAccountId: CENTRAL,
    },
  };
}

/** The central default-bus rules that forward the record. */
function forwardingRules(event: unknown): string[] {
  return desiredState(config, { members: ['222222222222'], codeSha256: 'sha' })
    .filter((r) => r.kind === 'event-rule' && r.account === CENTRAL && r.bus === 'default' && matches(r.pattern, event))
    .map((r) => r.name);
}

const ESM = 'a1b2c3d4-0000-0000-0000-000000000000';
const FN_ARN = `arn:aws:lambda:${REGION}:${CENTRAL}:function:trailguard-remediator`;
const queueUrl = (name: string, host = `sqs.${REGION}.amazonaws.com`) => `https://${host}/${CENTRAL}/${name}`;

/** [label, record, expected resource type, name] of every kind of call on the central chain. */
const CALLS: [string, ReturnType<typeof record>, string, string][] = [
  ...['DisableRule', 'DeleteRule'].flatMap((call) =>
    ['trailguard-sweep-guard', 'trailguard-central-guard'].map(
      (name) =>
        [`${call} ${name}`, record('events.amazonaws.com', call, { name }), 'event-rule', name] as [
          string,
          ReturnType<typeof record>,
          string,
          string,
        ],
    ),
  ),
  [
    'PutRule narrowing trailguard-tamper',
    record('events.amazonaws.com', 'PutRule', {
      name: 'trailguard-tamper',
      eventBusName: 'trailguard',
      eventPattern: '{"source":["trailguard.canary"]}',
    }),
    'event-rule',
    'trailguard-tamper',
  ],
  [
    'RemoveTargets from trailguard-guard (bus by ARN)',
    record('events.amazonaws.com', 'RemoveTargets', {
      rule: 'trailguard-guard',
      eventBusName: `arn:aws:events:${REGION}:${CENTRAL}:event-bus/trailguard`,
      ids: ['trailguard-events'],
    }),
    'event-rule',
    'trailguard-guard',
  ],
  [
    'PutTargets re-pointing trailguard-sweep-guard',
    record('events.amazonaws.com', 'PutTargets', {
      rule: 'trailguard-sweep-guard',
      targets: [{ id: 'trailguard-remediator', arn: 'arn:aws:sqs:us-east-1:999999999999:sink' }],
    }),
    'event-rule',
    'trailguard-sweep-guard',
  ],
  [
    'RemovePermission on the trailguard bus',
    record('events.amazonaws.com', 'RemovePermission', { eventBusName: 'trailguard', statementId: 'trailguard-members' }),
    'event-bus',
    'trailguard',
  ],
  [
    'PutPermission on the trailguard bus by ARN',
    record('events.amazonaws.com', 'PutPermission', {
      eventBusName: `arn:aws:events:${REGION}:${CENTRAL}:event-bus/trailguard`,
      statementId: 'x',
    }),
    'event-bus',
    'trailguard',
  ],
  [
    'UpdateEventSourceMapping disabling the sweep mapping',
    record('lambda.amazonaws.com', 'UpdateEventSourceMapping20150331v2', {
      uUID: ESM,
      functionName: 'trailguard-remediator',
      enabled: false,
    }),
    'event-source-mapping',
    ESM,
  ],
  [
    'UpdateEventSourceMapping naming only the mapping',
    record(
      'lambda.amazonaws.com',
      'UpdateEventSourceMapping20150331v2',
      { uUID: ESM, enabled: false },
      { responseElements: { functionArn: FN_ARN } },
    ),
    'event-source-mapping',
    ESM,
  ],
  [
    'DeleteEventSourceMapping (function only in the response)',
    record(
      'lambda.amazonaws.com',
      'DeleteEventSourceMapping20150331',
      { uUID: ESM },
      { responseElements: { uUID: ESM, functionArn: FN_ARN } },
    ),
    'event-source-mapping',
    ESM,
  ],
  [
    'PutFunctionConcurrency to zero',
    record('lambda.amazonaws.com', 'PutFunctionConcurrency20171031', {
      functionName: 'trailguard-remediator',
      reservedConcurrentExecutions: 0,
    }),
    'lambda-function',
    'trailguard-remediator',
  ],
  [
    'UpdateFunctionCode on the remediator',
    record('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', { functionName: 'trailguard-remediator', zipFile: '(redacted)' }),
    'lambda-function',
    'trailguard-remediator',
  ],
  [
    "RemovePermission of a rule's invoke permission on the remediator",
    record('lambda.amazonaws.com', 'RemovePermission20150331v2', {
      functionName: 'trailguard-remediator',
      statementId: 'trailguard-tamper-rule',
    }),
    'lambda-function',
    'trailguard-remediator',
  ],
  [
    'DeleteFunction by ARN',
    record('lambda.amazonaws.com', 'DeleteFunction20150331', { functionName: FN_ARN }),
    'lambda-function',
    'trailguard-remediator',
  ],
  [
    'UpdateFunctionConfiguration by partial ARN',
    record('lambda.amazonaws.com', 'UpdateFunctionConfiguration20150331v2', {
      functionName: `${CENTRAL}:function:trailguard-remediator`,
      handler: 'noop.handler',
    }),
    'lambda-function',
    'trailguard-remediator',
  ],
  [
    'SetQueueAttributes on trailguard-events',
    record('sqs.amazonaws.com', 'SetQueueAttributes', { queueUrl: queueUrl('trailguard-events'), attributes: { Policy: '{}' } }),
    'sqs-queue',
    'trailguard-events',
  ],
  [
    'DeleteQueue trailguard-sweep',
    record('sqs.amazonaws.com', 'DeleteQueue', { queueUrl: queueUrl('trailguard-sweep') }),
    'sqs-queue',
    'trailguard-sweep',
  ],
  [
    'PurgeQueue trailguard-dlq (legacy host)',
    record('sqs.amazonaws.com', 'PurgeQueue', { queueUrl: queueUrl('trailguard-dlq', 'queue.amazonaws.com') }),
    'sqs-queue',
    'trailguard-dlq',
  ],
];

function handler() {
  const env = { AWS_REGION: REGION, ...remediatorEnvironment(config) };
  const deps = createDefaultDeps({
    env,
    log: recordingLog(),
    clientOptions: { credentials: { accessKeyId: 'AKIDCENTRAL', secretAccessKey: 'central-secret' } },
  });
  // The remediator may not change its own pipeline: an EventBridge client nobody answers would show a call.
  const guard = { pipeline: loadPipelineEnvironment(env), events: async () => new EventBridgeClient({ region: REGION }) };
  const handle = createHandler(() => ({ ...deps, guard }));
  return (event: unknown) => handle(event) as Promise<{ outcome: string; reason: string }>;
}
const published = () => sns.commandCalls(PublishCommand).map((c) => parseAlert(c.args[0].input.Message!) as PipelineAlert);

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
});

describe('the central chain is watched by two central default-bus rules', () => {
  it.each(CALLS)('%s is forwarded by exactly one central rule', (_label, event) => {
    expect(forwardingRules(event)).toHaveLength(1);
  });

  it('a call on one guard rule is forwarded by the other', () => {
    const on = (name: string) => forwardingRules(record('events.amazonaws.com', 'DisableRule', { name }));
    expect(on('trailguard-sweep-guard')).toEqual(['trailguard-central-guard']);
    expect(on('trailguard-central-guard')).toEqual(['trailguard-sweep-guard']);
  });

  it.each([
    ['a rule that is not TrailGuard’s', record('events.amazonaws.com', 'DisableRule', { name: 'payments-nightly' })],
    [
      'another function',
      record('lambda.amazonaws.com', 'PutFunctionConcurrency20171031', { functionName: 'payments', reservedConcurrentExecutions: 0 }),
    ],
    ['another queue', record('sqs.amazonaws.com', 'PurgeQueue', { queueUrl: queueUrl('payments-jobs') })],
    // When the central account is also a member, its own member rule trailguard-forward watches this one.
    [
      'the member rule trailguard-guard on the central default bus',
      record('events.amazonaws.com', 'DisableRule', { name: 'trailguard-guard' }),
    ],
    [
      'another account’s trailguard queue',
      record('sqs.amazonaws.com', 'PurgeQueue', { queueUrl: `https://sqs.${REGION}.amazonaws.com/999999999999/trailguard-dlq` }),
    ],
  ])('%s is not forwarded (no other traffic reaches the remediator)', (_label, event) => {
    expect(forwardingRules(event)).toEqual([]);
  });

  it('both guard rules exist without a sweep schedule: the chain after the schedule still needs watching', () => {
    const noSchedule = validateConfig({ ...raw, sweep: { schedule: null } });
    const names = desiredState(noSchedule, { members: ['222222222222'], codeSha256: 'sha' })
      .filter((r) => r.kind === 'event-rule' && r.account === CENTRAL && r.bus === 'default')
      .map((r) => r.name);
    expect(names.sort()).toEqual(['trailguard-central-guard', 'trailguard-sweep-guard']);
  });

  it(`every central pattern stays within EventBridge's ${EVENT_PATTERN_MAX_CHARS}-character quota, whole watch family and a long role name`, () => {
    const patterns = centralRulePatterns({ account: CENTRAL, watch: [...WATCHED_EVENTS], remediationRole: 'r'.repeat(64) });
    for (const [name, pattern] of patterns) expect([name, JSON.stringify(pattern).length <= EVENT_PATTERN_MAX_CHARS]).toEqual([name, true]);
  });
});

describe('the remediator alerts each call on the central chain', () => {
  it.each(CALLS)('%s: pipeline-tampered, restored false, naming the resource and apply', async (_label, event, type, name) => {
    const result = await handler()(event);

    expect(result.outcome).toBe('pipeline-tampered');
    const alerts = published();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      outcome: 'pipeline-tampered',
      account: CENTRAL,
      trail: null,
      resource: { type, name, restored: false },
    });
    expect(alerts[0]!.resource.arn).toMatch(/^arn:aws:/);
    expect(alerts[0]!.reason).toContain('trailguard apply restores it');
  });

  it('the alert names the API action, without the version Lambda records', async () => {
    await handler()(CALLS.find(([l]) => l.startsWith('PutFunctionConcurrency'))![1]);

    expect(published()[0]).toMatchObject({ eventName: 'PutFunctionConcurrency' });
    expect(published()[0]!.changes.join()).toContain('reserved concurrency of trailguard-remediator set to 0');
  });

  it('a purge says the messages are lost and how to re-check', async () => {
    await handler()(CALLS.find(([l]) => l.startsWith('PurgeQueue'))![1]);

    expect(published()[0]!.reason).toContain('trailguard sweep');
  });

  it("apply's PutRule setting a central rule as desired is ignored; the same role narrowing it is alerted", async () => {
    const desired = centralRulePatterns({ account: CENTRAL, watch: config.watch, remediationRole: config.roles.remediation }).get(
      'trailguard-tamper',
    );
    const put = (eventPattern: string) =>
      record(
        'events.amazonaws.com',
        'PutRule',
        { name: 'trailguard-tamper', eventBusName: 'trailguard', eventPattern, state: 'ENABLED' },
        { role: DEPLOY },
      );

    expect((await handler()(put(JSON.stringify(desired)))).outcome).toBe('ignored');
    expect(published()).toEqual([]);
    expect((await handler()(put('{"source":["trailguard.canary"]}'))).outcome).toBe('pipeline-tampered');
  });

  it.each([
    ['DisableRule', record('events.amazonaws.com', 'DisableRule', { name: 'trailguard-sweep-guard' }, { role: DEPLOY })],
    [
      'disabling a mapping',
      record(
        'lambda.amazonaws.com',
        'UpdateEventSourceMapping20150331v2',
        { uUID: ESM, functionName: 'trailguard-remediator', enabled: false },
        { role: DEPLOY },
      ),
    ],
    [
      'removing the members grant',
      record(
        'events.amazonaws.com',
        'RemovePermission',
        { eventBusName: 'trailguard', statementId: 'trailguard-members' },
        { role: DEPLOY },
      ),
    ],
    [
      'pointing the remediator at another role',
      record(
        'lambda.amazonaws.com',
        'UpdateFunctionConfiguration20150331v2',
        { functionName: 'trailguard-remediator', role: 'arn:aws:iam::111111111111:role/x' },
        { role: DEPLOY },
      ),
    ],
    [
      'removing a rule’s invoke permission apply writes',
      record(
        'lambda.amazonaws.com',
        'RemovePermission20150331v2',
        { functionName: 'trailguard-remediator', statementId: 'trailguard-guard-rule' },
        { role: DEPLOY },
      ),
    ],
    [
      'the remediator role updating its own code',
      record(
        'lambda.amazonaws.com',
        'UpdateFunctionCode20150331v2',
        { functionName: 'trailguard-remediator' },
        { role: 'trailguard-remediator' },
      ),
    ],
    [
      'the remediator role purging a queue',
      record('sqs.amazonaws.com', 'PurgeQueue', { queueUrl: queueUrl('trailguard-events') }, { role: 'trailguard-remediator' }),
    ],
  ])("TrailGuard's own role %s is alerted like anyone", async (_label, event) => {
    expect((await handler()(event)).outcome).toBe('pipeline-tampered');
    expect(published()).toHaveLength(1);
  });

  it.each([
    [
      'removing an older per-account grant',
      record(
        'events.amazonaws.com',
        'RemovePermission',
        { eventBusName: 'trailguard', statementId: 'trailguard-222222222222' },
        { role: DEPLOY },
      ),
    ],
    [
      'removing an invoke permission it no longer writes',
      record(
        'lambda.amazonaws.com',
        'RemovePermission20150331v2',
        { functionName: 'trailguard-remediator', statementId: 'trailguard-old-rule' },
        { role: DEPLOY },
      ),
    ],
    [
      'deploying the remediator’s code',
      record('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', { functionName: 'trailguard-remediator' }, { role: DEPLOY }),
    ],
    [
      'updating a mapping it keeps enabled',
      record(
        'lambda.amazonaws.com',
        'UpdateEventSourceMapping20150331v2',
        { uUID: ESM, functionName: 'trailguard-remediator', batchSize: 1 },
        { role: DEPLOY },
      ),
    ],
    [
      'updating the remediator as apply does',
      record(
        'lambda.amazonaws.com',
        'UpdateFunctionConfiguration20150331v2',
        { functionName: 'trailguard-remediator', timeout: 60, handler: 'index.handler' },
        { role: DEPLOY },
      ),
    ],
  ])("apply's own call %s is ignored", async (_label, event) => {
    expect((await handler()(event)).outcome).toBe('ignored');
    expect(published()).toEqual([]);
  });

  it('a record whose queue URL is not one is rejected, naming the field, with no alert', async () => {
    const result = await handler()(record('sqs.amazonaws.com', 'PurgeQueue', { queueUrl: 'not a url' }));

    expect(result.outcome).toBe('rejected');
    expect(result.reason).toContain('detail.requestParameters.queueUrl');
    expect(published()).toEqual([]);
  });

  it('a record whose eventSource does not own the call is rejected', async () => {
    const event = record('lambda.amazonaws.com', 'PurgeQueue', { queueUrl: queueUrl('trailguard-events') });
    expect((await handler()(event)).outcome).toBe('rejected');
  });
});

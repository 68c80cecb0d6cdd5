// Review r2: look-alike or half-broken pipeline resources that the plan reads as "ok" (no change planned).
// Each test builds what the reader would see after an attacker's change on top of a resource that is otherwise exactly
// as desired, and asks the plan for the change that would make `plan` fail or `apply` repair it.
import {
  DescribeEventBusCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  ListTagsForResourceCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import {
  GetFunctionCommand,
  GetFunctionEventInvokeConfigCommand,
  LambdaClient,
  ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { StateReader } from '#core/aws/readers.js';
import { validateConfig } from '#core/config.js';
import { desiredState, type Resource } from '#core/desired-state.js';
import { desiredFields, planChanges } from '#core/plan.js';

const sts = mockClient(STSClient);
const events = mockClient(EventBridgeClient);
const lambda = mockClient(LambdaClient);

const CENTRAL = '521111111111';
const MEMBER = '522222222222';

function setup(delivery: 'direct' | 'queue' = 'direct') {
  const config = validateConfig({
    version: 1,
    central: { account: CENTRAL, region: 'us-east-1' },
    members: { accounts: [{ id: MEMBER }], regions: ['us-east-1'] },
    remediator: { delivery },
  });
  const desired = desiredState(config, { members: [MEMBER], codeSha256: 'abc' });
  // The caller acts in every account with its own credentials here: no AssumeRole in the way of the reader.
  sts.on(GetCallerIdentityCommand).resolves({ Account: MEMBER });
  const accounts = new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 't',
    credentials: { accessKeyId: 'a', secretAccessKey: 's' },
  });
  return { config, desired, reader: new StateReader(accounts, 'us-east-1'), accounts };
}

const find = (desired: Resource[], kind: Resource['kind'], name: string, account: string) =>
  desired.find((r) => r.kind === kind && r.name === name && r.account === account)!;

beforeEach(() => {
  sts.reset();
  events.reset();
  lambda.reset();
});

describe('review: member forwarding rule', () => {
  function ruleAsDesired(rule: Extract<Resource, { kind: 'event-rule' }>, targetExtras: Record<string, unknown>) {
    events.on(DescribeRuleCommand).resolves({ Name: rule.name, State: 'ENABLED', EventPattern: JSON.stringify(rule.pattern) });
    // The reader lists a bus's rules (ListRules) rather than describing each one.
    events.on(ListRulesCommand).resolves({ Rules: [{ Name: rule.name, State: 'ENABLED', EventPattern: JSON.stringify(rule.pattern) }] });
    events.on(ListTargetsByRuleCommand).resolves({ Targets: rule.targets.map((t) => ({ ...t, ...targetExtras })) as never });
    events.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'trailguard:managed', Value: 'true' }] });
  }

  // An attacker (or a careless admin) sets `Input` on the forwarder's target: every tamper record is replaced by a
  // constant JSON document before it reaches the central bus, so the tamper rule never matches. The reader drops
  // Input/InputPath/InputTransformer when it normalises targets, so the plan says the rule is exactly as desired.
  for (const [what, extra] of [
    ['Input (a constant replaces every event)', { Input: '{"nothing":"to see"}' }],
    ['InputPath (only a fragment is forwarded)', { InputPath: '$.detail.userAgent' }],
    ['InputTransformer (a template replaces every event)', { InputTransformer: { InputTemplate: '"hello"' } }],
  ] as const) {
    it(`a trailguard-forward target with ${what} is drift, not ok`, async () => {
      const { desired, reader } = setup();
      const rule = find(desired, 'event-rule', 'trailguard-forward', MEMBER) as Extract<Resource, { kind: 'event-rule' }>;
      ruleAsDesired(rule, extra);

      const observed = await reader.read(rule);
      const changes = planChanges([rule], new Map([[rule.key, observed]]));

      expect(changes).toEqual([expect.objectContaining({ key: rule.key, action: 'update', fields: ['targets'] })]);
    });
  }
});

describe('review: remediator function', () => {
  // `aws lambda put-function-concurrency --reserved-concurrent-executions 0` throttles every invocation: the tamper rule
  // delivers into the DLQ and nothing is ever remediated or alerted. GetFunction (already called) reports it.
  it('a remediator throttled to 0 reserved concurrency is drift, not ok', async () => {
    const { desired, reader } = setup();
    const fn = find(desired, 'lambda-function', 'trailguard-remediator', CENTRAL);
    const want = desiredFields(fn) as Record<string, unknown>;
    lambda.on(GetFunctionCommand).resolves({
      Configuration: {
        Role: want.role as string,
        Runtime: want.runtime as never,
        Handler: want.handler as string,
        Timeout: want.timeout as number,
        MemorySize: want.memorySize as number,
        Environment: { Variables: want.environment as Record<string, string> },
        CodeSha256: want.code as string,
      },
      Tags: { 'trailguard:managed': 'true' },
      Concurrency: { ReservedConcurrentExecutions: 0 },
    });
    lambda
      .on(GetFunctionEventInvokeConfigCommand)
      .resolves({ DestinationConfig: { OnFailure: { Destination: want.onFailure as string } } });

    const observed = await reader.read(fn);
    const changes = planChanges([fn], new Map([[fn.key, observed]]));

    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ key: fn.key, action: 'update' });
  });

  // With `delivery: queue`, a FilterCriteria on the event source mapping that matches nothing makes Lambda delete every
  // message from trailguard-events without invoking the remediator. The reader ignores FilterCriteria.
  it('an event source mapping whose FilterCriteria drops every message is drift, not ok', async () => {
    const { desired, reader } = setup('queue');
    const mapping = desired.find((r) => r.kind === 'event-source-mapping')!;
    const want = desiredFields(mapping) as { batchSize: number };
    lambda.on(ListEventSourceMappingsCommand).resolves({
      EventSourceMappings: [
        {
          UUID: 'u-1',
          BatchSize: want.batchSize,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
          State: 'Enabled',
          FilterCriteria: { Filters: [{ Pattern: '{"body":{"nothing":["matches"]}}' }] },
        },
      ],
    });

    const observed = await reader.read(mapping);
    const changes = planChanges([mapping], new Map([[mapping.key, observed]]));

    expect(changes).toHaveLength(1);
  });
});

describe('review: central bus policy', () => {
  function busWith(statements: unknown[]) {
    events.on(DescribeEventBusCommand).resolves({
      Name: 'trailguard',
      Arn: `arn:aws:events:us-east-1:${CENTRAL}:event-bus/trailguard`,
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    });
  }

  // The member statement lists the member AND an attacker account: the attacker can put forged tamper events on the
  // central bus (alert floods, forged outcomes). grantOf() reads only the first principal of a list.
  it('a TrailGuard grant that also admits an attacker account is drift, not ok', async () => {
    const { desired, reader } = setup();
    sts.on(GetCallerIdentityCommand).resolves({ Account: CENTRAL });
    const grant = desired.find((r) => r.kind === 'bus-permission')!;
    busWith([
      {
        Sid: grant.name,
        Effect: 'Allow',
        Principal: { AWS: [`arn:aws:iam::${MEMBER}:root`, 'arn:aws:iam::529999999999:root'] },
        Action: 'events:PutEvents',
        Resource: `arn:aws:events:us-east-1:${CENTRAL}:event-bus/trailguard`,
      },
    ]);

    const observed = await reader.read(grant);
    const changes = planChanges([grant], new Map([[grant.key, observed]]));

    expect(changes).toEqual([expect.objectContaining({ key: grant.key, action: 'update' })]);
  });

  // A statement with any other Sid that lets everyone put events on TrailGuard's bus is neither desired nor reported:
  // plan is green while anyone on the internet can feed the remediator forged records.
  // Fixed: extraneousGrants() used to look only at Sids starting with `trailguard-`; every other statement of
  // TrailGuard's bus policy is now a conflict (reported, never changed; plan and apply fail).
  it('a foreign statement letting everyone PutEvents on the trailguard bus is reported, not ignored', async () => {
    const { desired, reader } = setup();
    sts.on(GetCallerIdentityCommand).resolves({ Account: CENTRAL });
    const grant = desired.find((r) => r.kind === 'bus-permission')!;
    busWith([
      {
        Sid: grant.name,
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${MEMBER}:root` },
        Action: 'events:PutEvents',
        Resource: `arn:aws:events:us-east-1:${CENTRAL}:event-bus/trailguard`,
      },
      {
        Sid: 'open-door',
        Effect: 'Allow',
        Principal: '*',
        Action: 'events:PutEvents',
        Resource: `arn:aws:events:us-east-1:${CENTRAL}:event-bus/trailguard`,
      },
    ]);

    const observedGrant = await reader.read(grant);
    const extra = await reader.extraneousGrants(
      CENTRAL,
      'us-east-1',
      desired.filter((r) => r.account === CENTRAL),
    );
    const changes = planChanges([grant], new Map([[grant.key, observedGrant]]), extra);

    expect(changes.length).toBeGreaterThan(0);
  });
});

// Review r2 on moto: half-broken pipeline resources that plan used to read as "ok", and that apply must now repair.
import {
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutPermissionCommand,
  PutTargetsCommand,
  RemovePermissionCommand,
} from '@aws-sdk/client-eventbridge';
import { DeleteRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  GetFunctionCommand,
  LambdaClient,
  RemovePermissionCommand as RemoveLambdaPermissionCommand,
  PublishLayerVersionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import {
  AddPermissionCommand as AddSnsPermissionCommand,
  RemovePermissionCommand as RemoveSnsPermissionCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import pLimit from 'p-limit';
import { validateConfig } from '#core/config.js';
import type { Mode } from '#core/pipeline.js';
import { runPipeline } from '#core/aws/run-pipeline.js';
import { failureMessage } from '../../src/action/report.js';
import { loadRemediatorCode } from '../../src/action/remediator-code.js';
import { CENTRAL_CREDENTIALS, MotoWorld } from '../support/aws.js';

const CENTRAL = '520000000100';
const MEMBER = '520000000101';
let world: MotoWorld;
const code = loadRemediatorCode();

function run(mode: Mode) {
  const accounts = new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 't',
    credentials: CENTRAL_CREDENTIALS,
    endpoint: world.endpoint,
    limit: pLimit(8),
  });
  const config = validateConfig({
    version: 1,
    central: { account: CENTRAL, region: 'us-east-1' },
    members: { accounts: [{ id: MEMBER }], regions: ['us-east-1'] },
  });
  return runPipeline({ config, mode, accounts, code, sleep: async () => undefined });
}

const brief = (changes: { account: string; region: string; kind: string; name: string; reason: string }[]) =>
  changes.map((c) => `${c.account} ${c.region} ${c.kind} ${c.name}: ${c.reason}`);

beforeAll(async () => {
  world = new MotoWorld(inject('motoEndpoint'));
  const first = await run('apply');
  expect(first.errors).toEqual([]);
  expect(first.drift).toBe(false);
});

describe('review: look-alike pipeline resources on moto', () => {
  it('a forward rule whose target replaces every event with a constant Input is drift, and apply removes the Input', async () => {
    const events = await world.memberClient(EventBridgeClient, MEMBER, 'us-east-1');
    const { Targets = [] } = await events.send(new ListTargetsByRuleCommand({ Rule: 'trailguard-forward' }));
    await events.send(
      new PutTargetsCommand({ Rule: 'trailguard-forward', Targets: Targets.map((t) => ({ ...t, Input: '{"nothing":"to see"}' })) }),
    );

    const plan = await run('plan');
    expect(brief(plan.changes)).toEqual([`${MEMBER} us-east-1 event-rule trailguard-forward: update: targets`]);
    expect(plan.drift).toBe(true);

    const apply = await run('apply');
    expect(apply.drift).toBe(false);
    const after = await events.send(new ListTargetsByRuleCommand({ Rule: 'trailguard-forward' }));
    expect(after.Targets?.[0]?.Input).toBeUndefined();
  });

  // Reserved concurrency 0 on the remediator is covered by test/unit/review-plan-blind-spots.test.ts: moto (5.x) does not
  // report `Concurrency` in GetFunction, so it cannot be reproduced here.

  // A statement with a foreign Sid on TrailGuard's own bus used to be ignored. Anyone it admits can put forged
  // CloudTrail-shaped events on the central bus (alert floods, forged outcomes, AssumeRole spam). Now a conflict.
  it('a foreign bus statement admitting every AWS account is reported, and plan fails', async () => {
    const central = await world.memberClient(EventBridgeClient, CENTRAL, 'us-east-1');
    await central.send(
      new PutPermissionCommand({ EventBusName: 'trailguard', Action: 'events:PutEvents', Principal: '*', StatementId: 'open-door' }),
    );

    const plan = await run('plan');
    expect(plan.drift).toBe(true);
    expect(plan.conflicts.map((c) => `${c.account} ${c.kind} ${c.name}`)).toEqual([`${CENTRAL} bus-permission open-door`]);
    expect(plan.rows.find((r) => r.account === CENTRAL && r.region === 'us-east-1')?.status).toBe('conflict');
    expect(failureMessage(plan)).toContain(
      `${CENTRAL} us-east-1: statement open-door of TrailGuard's bus policy not written by TrailGuard`,
    );

    const apply = await run('apply');
    expect(apply.drift).toBe(true);
    // Reported, never removed: TrailGuard changes only what it wrote.
    await central.send(new RemovePermissionCommand({ EventBusName: 'trailguard', StatementId: 'open-door' }));
    expect((await run('plan')).drift).toBe(false);
  });

  it('an extra inline Deny policy on the member forwarder role is drift that apply cannot hide: the run fails', async () => {
    const iam = await world.memberClient(IAMClient, MEMBER, 'us-east-1');
    const deny = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'events:PutEvents', Resource: '*' }] };
    await iam.send(
      new PutRolePolicyCommand({ RoleName: 'trailguard-forwarder', PolicyName: 'maintenance', PolicyDocument: JSON.stringify(deny) }),
    );

    const plan = await run('plan');
    expect(brief(plan.changes)).toEqual([`${MEMBER} global iam-role trailguard-forwarder: update: otherPolicies`]);
    expect(plan.drift).toBe(true);

    const apply = await run('apply');
    expect(apply.drift).toBe(true);
    expect(failureMessage(apply)).toBeTruthy();

    await iam.send(new DeleteRolePolicyCommand({ RoleName: 'trailguard-forwarder', PolicyName: 'maintenance' }));
    expect((await run('plan')).drift).toBe(false);
  });

  it('a layer added to the remediator is drift, and apply removes it', async () => {
    const lambda = await world.memberClient(LambdaClient, CENTRAL, 'us-east-1');
    const layer = await lambda.send(new PublishLayerVersionCommand({ LayerName: 'helper', Content: { ZipFile: code.zip } }));
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'trailguard-remediator', Layers: [layer.LayerVersionArn!] }));

    const plan = await run('plan');
    expect(brief(plan.changes)).toEqual([`${CENTRAL} us-east-1 lambda-function trailguard-remediator: update: layers`]);

    const apply = await run('apply');
    expect(apply.drift).toBe(false);
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: 'trailguard-remediator' }))).Configuration?.Layers ?? []).toEqual([]);
  });

  it('a foreign statement letting another account invoke the remediator is a conflict, and plan fails', async () => {
    const lambda = await world.memberClient(LambdaClient, CENTRAL, 'us-east-1');
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: 'trailguard-remediator',
        StatementId: 'debug',
        Action: 'lambda:InvokeFunction',
        Principal: '529999999999',
      }),
    );

    const plan = await run('plan');
    expect(plan.conflicts.map((c) => `${c.account} ${c.kind} ${c.name}`)).toEqual([`${CENTRAL} lambda-permission debug`]);
    expect(failureMessage(plan)).toContain("statement debug of the remediator's function policy not written by TrailGuard");

    await lambda.send(new RemoveLambdaPermissionCommand({ FunctionName: 'trailguard-remediator', StatementId: 'debug' }));
    expect((await run('plan')).drift).toBe(false);
  });

  // Since issue 13's follow-up a foreign topic-policy statement is a conflict (as on the bus and function policies), no
  // longer drift on a `publishers` field.
  it('a topic policy letting another account publish alerts is a conflict that apply cannot hide', async () => {
    const sns = await world.memberClient(SNSClient, CENTRAL, 'us-east-1');
    const TopicArn = `arn:aws:sns:us-east-1:${CENTRAL}:trailguard-alerts`;
    await sns.send(new AddSnsPermissionCommand({ TopicArn, Label: 'open', AWSAccountId: ['529999999999'], ActionName: ['Publish'] }));

    const plan = await run('plan');
    expect(plan.conflicts.map((c) => `${c.account} ${c.region} ${c.kind} ${c.name}`)).toEqual([`${CENTRAL} us-east-1 sns-topic open`]);

    const apply = await run('apply');
    expect(apply.drift).toBe(true);
    expect(failureMessage(apply)).toContain('statement open of the trailguard-alerts topic policy not written by TrailGuard');

    await sns.send(new RemoveSnsPermissionCommand({ TopicArn, Label: 'open' }));
    expect((await run('plan')).drift).toBe(false);
  });
});

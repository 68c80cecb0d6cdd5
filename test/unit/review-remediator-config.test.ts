// Review r2: the remediator function configured so it runs foreign code or cannot reach AWS, read by plan as "ok".
import { GetFunctionCommand, GetFunctionEventInvokeConfigCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { StateReader } from '#core/aws/readers.js';
import { validateConfig } from '#core/config.js';
import { desiredState } from '#core/desired-state.js';
import { desiredFields, planChanges } from '#core/plan.js';

const sts = mockClient(STSClient);
const lambda = mockClient(LambdaClient);
const CENTRAL = '521111111111';

beforeEach(() => {
  sts.reset();
  lambda.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: CENTRAL });
});

async function planWith(extra: Record<string, unknown>) {
  const config = validateConfig({
    version: 1,
    central: { account: CENTRAL, region: 'us-east-1' },
    members: { accounts: [{ id: '522222222222' }], regions: ['us-east-1'] },
  });
  const fn = desiredState(config, { members: ['522222222222'], codeSha256: 'abc' }).find((r) => r.kind === 'lambda-function')!;
  const want = desiredFields(fn) as Record<string, never>;
  lambda.on(GetFunctionCommand).resolves({
    Configuration: {
      Role: want.role,
      Runtime: want.runtime,
      Handler: want.handler,
      Timeout: want.timeout,
      MemorySize: want.memorySize,
      Environment: { Variables: want.environment },
      CodeSha256: want.code,
      ...extra,
    },
    Tags: { 'trailguard:managed': 'true' },
  });
  lambda.on(GetFunctionEventInvokeConfigCommand).resolves({ DestinationConfig: { OnFailure: { Destination: want.onFailure } } });
  const accounts = new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 't',
    credentials: { accessKeyId: 'a', secretAccessKey: 's' },
  });
  return planChanges([fn], new Map([[fn.key, await new StateReader(accounts, 'us-east-1').read(fn)]]));
}

describe('review: remediator function configuration', () => {
  it('exactly as desired plans nothing (control)', async () => {
    expect(await planWith({})).toEqual([]);
  });

  // A layer can ship a Lambda extension: a process started with the function, holding the remediator role's
  // credentials (which assume TrailGuardRemediator in every member). CodeSha256 does not cover layers.
  // Fixed: `Layers` (GetFunction, already called) is planned as `update: layers` against []; apply passes `Layers: []`.
  it('a layer added to trailguard-remediator is drift', async () => {
    expect(await planWith({ Layers: [{ Arn: 'arn:aws:lambda:us-east-1:529999999999:layer:helper:1' }] })).not.toEqual([]);
  });

  // Attached to private subnets without a NAT or VPC endpoints, the remediator can reach neither STS, CloudTrail nor
  // SNS: every invocation times out, the event goes to the DLQ, and no alert is ever published.
  // Fixed: subnets are planned as `update: vpcSubnets` against []; apply detaches the VPC (not verified against real
  // AWS, which may ask the caller for ec2:Describe* permissions; if it refuses, apply fails loudly).
  it('a VPC attachment added to trailguard-remediator is drift', async () => {
    expect(await planWith({ VpcConfig: { SubnetIds: ['subnet-0abc'], SecurityGroupIds: ['sg-0abc'], VpcId: 'vpc-0abc' } })).not.toEqual([]);
  });
});

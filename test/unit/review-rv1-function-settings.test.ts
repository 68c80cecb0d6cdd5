// Review rv1: a TrailGuard function (trailguard-slack, trailguard-remediator) whose environment is encrypted with a key
// someone else chose. moto ignores UpdateFunctionConfiguration's KMSKeyArn, so GetFunction is mocked here.
import {
  GetFunctionCommand,
  GetFunctionEventInvokeConfigCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
  GetFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '#core/aws/accounts.js';
import { lambdaFunctionIo } from '#core/aws/kinds/lambda-function.js';
import { StateReader } from '#core/aws/readers.js';
import { validateConfig } from '#core/config.js';
import { desiredState } from '#core/desired-state.js';
import type { LambdaFunctionResource } from '#core/kinds/lambda-function.js';
import { desiredFields, planChanges } from '#core/plan.js';

const sts = mockClient(STSClient);
const lambda = mockClient(LambdaClient);
const CENTRAL = '791111111111';
const MEMBER = '792222222222';
const KEY = `arn:aws:kms:us-east-1:${CENTRAL}:key/11111111-2222-3333-4444-555555555555`;

const config = validateConfig({
  version: 1,
  central: { account: CENTRAL, region: 'us-east-1' },
  members: { accounts: [{ id: MEMBER }], regions: ['us-east-1'] },
  slack: {
    channel: 'C0123456789',
    responders: ['U0123456789'],
    deploy: 'lambda',
    secrets: { botToken: 'ssm:/trailguard/slack/bot-token', signingSecret: 'secretsmanager:trailguard/slack-signing' },
  },
});

const accounts = () =>
  new Accounts({
    region: 'us-east-1',
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 't',
    credentials: { accessKeyId: 'a', secretAccessKey: 's' },
  });

function fn(name: string): LambdaFunctionResource {
  const all = desiredState(config, { members: [MEMBER], codeSha256: 'abc', slackCodeSha256: 'def' });
  return all.find((r): r is LambdaFunctionResource => r.kind === 'lambda-function' && r.name === name)!;
}

async function planWith(resource: LambdaFunctionResource, extra: Record<string, unknown>) {
  const want = desiredFields(resource) as Record<string, never>;
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
  const onFailure = (want.onFailure as unknown as string | null) ?? null;
  lambda
    .on(GetFunctionEventInvokeConfigCommand)
    .resolves(
      onFailure
        ? { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21_600, DestinationConfig: { OnFailure: { Destination: onFailure } } }
        : {},
    );
  return planChanges([resource], new Map([[resource.key, await new StateReader(accounts(), 'us-east-1').read(resource)]]));
}

beforeEach(() => {
  sts.reset();
  lambda.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: CENTRAL });
});

describe('review rv1: a function environment under a foreign KMS key', () => {
  it('exactly as desired plans nothing (control)', async () => {
    expect(await planWith(fn('trailguard-slack'), {})).toEqual([]);
    expect(await planWith(fn('trailguard-remediator'), {})).toEqual([]);
  });

  // UpdateFunctionConfiguration KMSKeyArn=<a key of the attacker's> then DisableKey: every invocation of the function
  // fails with KMSDisabledException (Slack: no alert posted, no click answered, the drain never reports; remediator: no
  // trail restarted). Plan compared nothing that changed. Fixed: `kmsKey` is compared against null (Lambda's own
  // key), and apply sends KMSKeyArn '' to put the environment back under it.
  it.each(['trailguard-slack', 'trailguard-remediator'])('%s with KMSKeyArn set is drift', async (name) => {
    const changes = await planWith(fn(name), { KMSKeyArn: KEY });

    expect(changes.map((c) => c.reason)).toEqual(['update: kmsKey']);
  });

  it('apply puts the environment back under Lambda’s own key', async () => {
    lambda.on(UpdateFunctionConfigurationCommand).resolves({});
    lambda.on(GetFunctionConfigurationCommand).resolves({ State: 'Active', LastUpdateStatus: 'Successful' });
    lambda.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active', LastUpdateStatus: 'Successful' } });
    const resource = fn('trailguard-slack');

    await lambdaFunctionIo.apply(resource, {
      accounts: accounts(),
      account: CENTRAL,
      region: 'us-east-1',
      create: false,
      fields: new Set(['kmsKey']),
      ids: {},
      code: Buffer.from('x'),
      slackCode: Buffer.from('y'),
      sleep: async () => undefined,
    } as never);

    const sent = lambda.commandCalls(UpdateFunctionConfigurationCommand).map((c) => c.args[0].input);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.KMSKeyArn).toBe('');
  });
});

describe('review rv1: where an alert the deployed Slack app could not take goes', () => {
  // Fixed (the alerts dead-letter work): SNS invokes trailguard-slack asynchronously; the app throws when it cannot store an alert (DynamoDB
  // throttled or denied, Organizations unreachable), counting on Lambda's two retries. After them the event is
  // dropped: trailguard-slack has no on-failure destination (desired onFailureArn null) and no alarm watches its
  // Errors metric, so nothing anywhere says an alert was lost. The remediator has one (trailguard-dlq, which plan
  // reads). trailguard-slack now sends to trailguard-alerts-dlq (sqs:SendMessage for the Slack role), which plan
  // watches, so a plan after such a loss fails naming it.
  it('the Slack function has an on-failure destination', () => {
    expect(fn('trailguard-slack').onFailureArn).not.toBeNull();
  });
});

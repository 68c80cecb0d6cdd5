// Each resource kind's module names the IAM actions its read and its apply call, next to the calls: checked here by
// running every read and every apply path against recorded SDK clients, and against the deploy and plan policies.
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetPolicyCommand as GetIamPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import type { Accounts } from '#core/aws/accounts.js';
import { KIND_IO } from '#core/aws/kinds/index.js';
import { StateReader } from '#core/aws/readers.js';
import { applyChange } from '#core/aws/writers.js';
import { validateConfig } from '#core/config.js';
import { desiredState, type Resource, type ResourceKind } from '#core/desired-state.js';
import { deployRolePolicy, planRolePolicy } from '#core/iam-policies.js';
import { desiredFields, type Change } from '#core/plan.js';

const SERVICES = [
  { client: IAMClient, prefix: 'iam' },
  { client: EventBridgeClient, prefix: 'events' },
  { client: LambdaClient, prefix: 'lambda' },
  { client: SNSClient, prefix: 'sns' },
  { client: SQSClient, prefix: 'sqs' },
  { client: DynamoDBClient, prefix: 'dynamodb' },
  { client: SchedulerClient, prefix: 'scheduler' },
  { client: CloudWatchClient, prefix: 'cloudwatch' },
] as const;
const mocks = SERVICES.map((s) => ({ ...s, mock: mockClient(s.client as never) }));
afterAll(() => {
  for (const m of mocks) m.mock.restore();
});

/** Every call resolves as if the resource existed, so each read makes all its calls and each waiter is satisfied. */
function existing(): void {
  for (const { mock } of mocks) mock.reset().resolves({});
  const [iam, events, lambda, , sqs, dynamodb, scheduler, cloudwatch] = mocks.map((m) => m.mock);
  dynamodb!
    .on(DescribeTableCommand)
    .resolves({ Table: { TableArn: 'arn:aws:dynamodb:us-east-1:111111111111:table/t', TableStatus: 'ACTIVE' } });
  scheduler!.on(GetScheduleCommand).resolves({ Arn: 'arn:aws:scheduler:us-east-1:111111111111:schedule/default/trailguard-sweep' });
  iam!.on(GetRoleCommand).resolves({ Role: { RoleName: 'r', Path: '/', RoleId: 'x', Arn: 'a', CreateDate: new Date() } });
  iam!.on(GetIamPolicyCommand).resolves({ Policy: { DefaultVersionId: 'v1' } });
  iam!.on(GetPolicyVersionCommand).resolves({ PolicyVersion: { Document: encodeURIComponent('{}') } });
  events!.on(DescribeEventBusCommand).resolves({ Arn: 'arn:aws:events:us-east-1:111111111111:event-bus/trailguard' });
  lambda!.on(GetFunctionCommand).resolves({ Configuration: { State: 'Active', LastUpdateStatus: 'Successful' } });
  sqs!.on(GetQueueUrlCommand).resolves({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/111111111111/q' });
  sqs!.on(GetQueueAttributesCommand).resolves({ Attributes: {} });
  cloudwatch!
    .on(DescribeAlarmsCommand)
    .resolves({ MetricAlarms: [{ AlarmName: 'trailguard-dlq-messages', AlarmArn: 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:x' }] });
}

/** `service:Action` of every call made since the last reset, from the command class names. */
function madeActions(): string[] {
  return mocks.flatMap(({ mock, prefix }) =>
    mock.calls().map((call) => `${prefix}:${(call.args[0] as object).constructor.name.replace(/Command$/, '')}`),
  );
}

const accounts = {
  client: async (Client: new (c: object) => unknown, _account: string, region: string) =>
    new Client({ region, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
} as unknown as Accounts;
const base = { version: 1, central: { account: '111111111111', region: 'us-east-1' }, members: { accounts: [{ id: '222222222222' }] } };
const resources: Resource[] = [
  validateConfig(base),
  validateConfig({ ...base, remediator: { delivery: 'queue' }, alerts: { endpoint: 'https://alerts.example.com/sns' } }),
  // The Slack app deployed by apply: its function URL, the topic's Lambda subscription, its table's indexes and TTL.
  validateConfig({
    ...base,
    slack: { channel: 'C0123456789', deploy: 'lambda', secrets: { botToken: 'ssm:/tg/bot', signingSecret: 'secretsmanager:tg/signing' } },
  }),
].flatMap((c) => desiredState(c, { members: ['222222222222'], codeSha256: 'abc', slackCodeSha256: 'def' }));
const kinds = Object.keys(KIND_IO) as ResourceKind[];
const allowed = (policy: { Statement: { Effect: string; Action: string | string[] }[] }) =>
  new Set(policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => [s.Action].flat()));

describe('each kind names the IAM actions it calls', () => {
  it.each(kinds)('%s: its read calls only what it declares to read', async (kind) => {
    const declared = new Set(KIND_IO[kind].actions.read);
    for (const resource of resources.filter((r) => r.kind === kind)) {
      existing();

      await new StateReader(accounts, 'us-east-1').read(resource);

      expect(madeActions().filter((a) => !declared.has(a))).toEqual([]);
    }
  });

  it.each(kinds.filter((k) => k !== 'iam-boundary'))(
    '%s: its create and its update of every field call only what it declares to write',
    async (kind) => {
      const declared = new Set(KIND_IO[kind].actions.write);
      for (const resource of resources.filter((r) => r.kind === kind)) {
        for (const action of ['create', 'update'] as const) {
          existing();
          const fields = action === 'update' ? Object.keys(desiredFields(resource)) : [];
          const change: Change = {
            key: resource.key,
            account: resource.account,
            region: resource.region,
            kind,
            name: resource.name,
            action,
            reason: action,
            fields,
          };

          await applyChange(
            change,
            resource,
            { exists: true, managed: true, fields: {}, ids: { targets: 'stale', url: 'u', uuid: 'id' } },
            { accounts, homeRegion: 'us-east-1', code: Buffer.from('zip'), slackCode: Buffer.from('slack zip') },
          );

          expect(madeActions().filter((a) => !declared.has(a))).toEqual([]);
        }
      }
    },
  );

  it('the deploy policy allows every action a kind declares, and the plan role every read one and no write', () => {
    const deploy = allowed(deployRolePolicy());
    const plan = allowed(planRolePolicy({ memberRole: 'TrailGuardReadOnly' }));

    for (const kind of kinds) {
      const { read, write } = KIND_IO[kind].actions;
      expect({ kind, missing: [...read, ...write].filter((a) => !deploy.has(a)) }).toEqual({ kind, missing: [] });
      expect({ kind, missing: read.filter((a) => !plan.has(a)) }).toEqual({ kind, missing: [] });
      expect({ kind, writes: write.filter((a) => plan.has(a) && !read.includes(a)) }).toEqual({ kind, writes: [] });
    }
  });
});

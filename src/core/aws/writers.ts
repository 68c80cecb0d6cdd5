// Writers: create, update or delete one resource so that it matches the desired state.
import {
  EventBridgeClient,
  CreateEventBusCommand,
  PutPermissionCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemovePermissionCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { CreateRoleCommand, IAMClient, PutRolePermissionsBoundaryCommand, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  AddPermissionCommand,
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteFunctionEventInvokeConfigCommand,
  PutFunctionEventInvokeConfigCommand,
  LambdaClient,
  RemovePermissionCommand as RemoveLambdaPermissionCommand,
  UpdateEventSourceMappingCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { CreateTopicCommand, SetTopicAttributesCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GLOBAL, type Resource } from '../desired-state.js';
import { errorCode, errorText } from '../errors.js';
import { MANAGED_TAG, NAMES } from '../names.js';
import { inlinePolicyField, type Change, type Observed } from '../plan.js';
import type { Accounts } from './accounts.js';

const TAG_LIST = [{ Key: MANAGED_TAG.key, Value: MANAGED_TAG.value }];
const TAG_MAP = { [MANAGED_TAG.key]: MANAGED_TAG.value };

export interface WriterOptions {
  accounts: Accounts;
  homeRegion: string;
  /** The remediator zip (deterministic: its CodeSha256 is in the desired state). */
  code: Buffer;
  /** Waits between retries of a role Lambda cannot assume yet (IAM is eventually consistent). */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A fresh IAM role takes seconds to become assumable by Lambda: retry CreateFunction while AWS says so. */
async function whileRoleIsPropagating<T>(fn: () => Promise<T>, sleep: (ms: number) => Promise<void>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn();
    } catch (error) {
      const propagating = errorCode(error) === 'InvalidParameterValueException' && /cannot be assumed by Lambda/i.test(errorText(error));
      if (!propagating || attempt >= 15) throw error;
      await sleep(2000);
    }
  }
}

/**
 * IAM answers NoSuchEntity when the boundary policy does not exist yet: say who creates it and how,
 * since the deploy role is deliberately unable to.
 */
async function withBoundaryHint<T>(resource: Extract<Resource, { kind: 'iam-role' }>, account: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (errorCode(error) !== 'NoSuchEntity' && errorCode(error) !== 'NoSuchEntityException') throw error;
    throw new Error(
      `role ${resource.name} in ${account}: the permissions boundary ${resource.permissionsBoundary} does not exist; ` +
        `an administrator creates it once in every account with the document \`trailguard iam boundary\` prints (${errorText(error)})`,
      { cause: error },
    );
  }
}

export async function applyChange(change: Change, resource: Resource | undefined, observed: Observed | undefined, options: WriterOptions): Promise<void> {
  const { accounts } = options;
  const { account } = change;
  const region = change.region === GLOBAL ? options.homeRegion : change.region;
  if (change.action === 'conflict') return;
  if (change.action === 'delete') {
    if (change.kind !== 'bus-permission') throw new Error(`TrailGuard deletes only bus grants, not ${change.kind}`);
    const events = await accounts.client(EventBridgeClient, account, region);
    await events.send(new RemovePermissionCommand({ EventBusName: NAMES.bus, StatementId: change.name }));
    return;
  }
  if (!resource) throw new Error(`no desired resource for ${change.key}`);
  const create = change.action === 'create';
  const fields = new Set(change.fields);
  const ids = observed?.exists ? (observed.ids ?? {}) : {};
  switch (resource.kind) {
    case 'iam-role': {
      const iam = await accounts.client(IAMClient, account, region);
      // The deploy policy edits only roles that carry the boundary, so the boundary goes first.
      const boundary = { PermissionsBoundary: resource.permissionsBoundary };
      if (create) {
        await withBoundaryHint(
          resource,
          account,
          iam.send(
            new CreateRoleCommand({ RoleName: resource.name, AssumeRolePolicyDocument: JSON.stringify(resource.trust), Description: resource.description, Tags: TAG_LIST, ...boundary }),
          ),
        );
      } else if (fields.has('permissionsBoundary')) {
        await withBoundaryHint(resource, account, iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: resource.name, ...boundary })));
      }
      if (!create && fields.has('trustPolicy')) {
        await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: resource.name, PolicyDocument: JSON.stringify(resource.trust) }));
      }
      if (create || fields.has(inlinePolicyField(resource.policyName))) {
        await iam.send(new PutRolePolicyCommand({ RoleName: resource.name, PolicyName: resource.policyName, PolicyDocument: JSON.stringify(resource.policy) }));
      }
      return;
    }
    case 'iam-boundary':
      // The deploy role can neither create nor change it: that is what makes it a boundary.
      throw new Error(
        `the permissions boundary ${resource.arn} ${create ? 'does not exist' : 'differs from what this config needs (changed by someone, or the config now needs more)'}: ` +
          'an administrator creates or updates it with the document `trailguard iam boundary` prints (every account), then apply again',
      );
    case 'event-bus': {
      const events = await accounts.client(EventBridgeClient, account, region);
      await events.send(new CreateEventBusCommand({ Name: resource.name, Tags: TAG_LIST }));
      return;
    }
    case 'bus-permission': {
      const events = await accounts.client(EventBridgeClient, account, region);
      if (!create) await events.send(new RemovePermissionCommand({ EventBusName: resource.bus, StatementId: resource.name }));
      await events.send(
        new PutPermissionCommand({
          EventBusName: resource.bus,
          Action: 'events:PutEvents',
          Principal: resource.principal,
          StatementId: resource.name,
          ...(resource.organizationId ? { Condition: { Type: 'StringEquals', Key: 'aws:PrincipalOrgID', Value: resource.organizationId } } : {}),
        }),
      );
      return;
    }
    case 'event-rule': {
      const events = await accounts.client(EventBridgeClient, account, region);
      if (create || fields.has('eventPattern') || fields.has('state')) {
        await events.send(
          new PutRuleCommand({
            Name: resource.name,
            EventBusName: resource.bus,
            EventPattern: JSON.stringify(resource.pattern),
            State: 'ENABLED',
            Description: resource.description,
            ...(create ? { Tags: TAG_LIST } : {}),
          }),
        );
      }
      if (create || fields.has('targets')) {
        const wanted = new Set(resource.targets.map((t) => t.Id));
        const stale = (ids.targets ?? '').split(',').filter((id) => id && !wanted.has(id));
        if (stale.length > 0) await events.send(new RemoveTargetsCommand({ Rule: resource.name, EventBusName: resource.bus, Ids: stale }));
        const out = await events.send(new PutTargetsCommand({ Rule: resource.name, EventBusName: resource.bus, Targets: resource.targets }));
        if (out.FailedEntryCount) {
          throw new Error(`PutTargets on ${resource.name}: ${(out.FailedEntries ?? []).map((f) => `${f.TargetId} ${f.ErrorCode}: ${f.ErrorMessage}`).join('; ')}`);
        }
      }
      return;
    }
    case 'sqs-queue': {
      const sqs = await accounts.client(SQSClient, account, region);
      if (create) await sqs.send(new CreateQueueCommand({ QueueName: resource.name, Attributes: resource.attributes, tags: TAG_MAP }));
      else {
        const changed = Object.fromEntries(Object.entries(resource.attributes).filter(([k]) => fields.has(k)));
        await sqs.send(new SetQueueAttributesCommand({ QueueUrl: ids.url, Attributes: changed }));
      }
      return;
    }
    case 'sns-topic': {
      const sns = await accounts.client(SNSClient, account, region);
      // CreateTopic with attributes differing from an existing topic's fails, so an update sets them separately.
      const { TopicArn } = await sns.send(
        new CreateTopicCommand({ Name: resource.name, ...(create ? { Tags: TAG_LIST, Attributes: { SignatureVersion: resource.signatureVersion } } : {}) }),
      );
      if (!create && fields.has('signatureVersion')) {
        await sns.send(new SetTopicAttributesCommand({ TopicArn, AttributeName: 'SignatureVersion', AttributeValue: resource.signatureVersion }));
      }
      if (resource.httpsEndpoint && (create || fields.has('httpsSubscription'))) {
        await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'https', Endpoint: resource.httpsEndpoint }));
      }
      return;
    }
    case 'lambda-function': {
      const lambda = await accounts.client(LambdaClient, account, region);
      const configuration = {
        FunctionName: resource.name,
        Role: resource.roleArn,
        Runtime: resource.runtime as Runtime,
        Handler: resource.handler,
        Timeout: resource.timeout,
        MemorySize: resource.memorySize,
        Environment: { Variables: resource.environment },
      } as const;
      const putOnFailure = async () => {
        if (resource.onFailureArn) {
          await lambda.send(
            new PutFunctionEventInvokeConfigCommand({
              FunctionName: resource.name,
              MaximumRetryAttempts: 2,
              MaximumEventAgeInSeconds: 21_600,
              DestinationConfig: { OnFailure: { Destination: resource.onFailureArn } },
            }),
          );
        } else {
          await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: resource.name })).catch(() => undefined);
        }
      };
      if (create) {
        await whileRoleIsPropagating(
          () =>
            lambda.send(
              new CreateFunctionCommand({
                ...configuration,
                Code: { ZipFile: options.code },
                Architectures: ['arm64'],
                Tags: TAG_MAP,
                Description: 'TrailGuard remediator: restarts, restores and recreates tampered CloudTrail trails',
              }),
            ),
          options.sleep ?? defaultSleep,
        );
        await putOnFailure();
        return;
      }
      const waitUpdated = () => waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 300 }, { FunctionName: resource.name });
      if (fields.has('onFailure')) await putOnFailure();
      // Reserved concurrency 0 throttles every invocation; removing it gives the function the account's pool again.
      if (fields.has('throttled')) await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: resource.name }));
      if ([...fields].some((f) => f !== 'code' && f !== 'onFailure' && f !== 'throttled')) {
        // Layers and a VPC attachment TrailGuard never sets are removed when they show up.
        const extras = {
          ...(fields.has('layers') ? { Layers: [] } : {}),
          ...(fields.has('vpcSubnets') ? { VpcConfig: { SubnetIds: [], SecurityGroupIds: [] } } : {}),
        };
        await lambda.send(new UpdateFunctionConfigurationCommand({ ...configuration, ...extras }));
        await waitUpdated();
      }
      if (fields.has('code')) {
        await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: resource.name, ZipFile: options.code }));
        await waitUpdated();
      }
      return;
    }
    case 'lambda-permission': {
      const lambda = await accounts.client(LambdaClient, account, region);
      if (!create) await lambda.send(new RemoveLambdaPermissionCommand({ FunctionName: resource.functionName, StatementId: resource.name }));
      await lambda.send(
        new AddPermissionCommand({
          FunctionName: resource.functionName,
          StatementId: resource.name,
          Action: 'lambda:InvokeFunction',
          Principal: 'events.amazonaws.com',
          SourceArn: resource.sourceArn,
          SourceAccount: account,
        }),
      );
      return;
    }
    case 'event-source-mapping': {
      const lambda = await accounts.client(LambdaClient, account, region);
      const settings = { BatchSize: resource.batchSize, FunctionResponseTypes: ['ReportBatchItemFailures' as const], Enabled: true };
      if (create) await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: resource.functionName, EventSourceArn: resource.queueArn, ...settings }));
      else {
        // An empty FilterCriteria removes a filter that would drop TrailGuard's messages unseen.
        const filters = fields.has('filterCriteria') ? { FilterCriteria: {} } : {};
        await lambda.send(new UpdateEventSourceMappingCommand({ UUID: ids.uuid, FunctionName: resource.functionName, ...settings, ...filters }));
      }
      return;
    }
  }
}

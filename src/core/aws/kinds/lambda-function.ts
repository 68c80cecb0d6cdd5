// The remediator function, AWS half: GetFunction and its invoke config; CreateFunction (waiting for the new role), or updates.
import {
  CreateFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetFunctionCommand,
  GetFunctionEventInvokeConfigCommand,
  LambdaClient,
  PutFunctionEventInvokeConfigCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { errorCode, errorText } from '../../errors.js';
import { ASYNC_MAX_AGE_SECONDS, ASYNC_RETRY_ATTEMPTS, type LambdaFunctionResource } from '../../kinds/lambda-function.js';
import { MANAGED_TAG } from '../../names.js';
import { orMissing, TAG_MAP } from './common.js';
import type { KindIo } from './kind.js';

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

export const lambdaFunctionIo: KindIo<LambdaFunctionResource> = {
  // CreateFunction passes the remediator role (iam:PassRole); the update waiter polls GetFunction.
  actions: {
    read: ['lambda:GetFunction', 'lambda:GetFunctionEventInvokeConfig'],
    write: [
      'lambda:CreateFunction',
      'lambda:TagResource',
      'iam:PassRole',
      'lambda:PutFunctionEventInvokeConfig',
      'lambda:DeleteFunctionEventInvokeConfig',
      'lambda:DeleteFunctionConcurrency',
      'lambda:UpdateFunctionConfiguration',
      'lambda:UpdateFunctionCode',
      'lambda:GetFunction',
    ],
  },

  async read(resource, { accounts, account, region }) {
    const lambda = await accounts.client(LambdaClient, account, region);
    const [fn, invoke] = await Promise.all([
      orMissing(lambda.send(new GetFunctionCommand({ FunctionName: resource.name }))),
      orMissing(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: resource.name }))),
    ]);
    const c = fn?.Configuration;
    if (!c) return { exists: false };
    return {
      exists: true,
      managed: fn.Tags?.[MANAGED_TAG.key] === MANAGED_TAG.value,
      fields: {
        role: c.Role,
        runtime: c.Runtime,
        handler: c.Handler,
        timeout: c.Timeout,
        memorySize: c.MemorySize,
        environment: c.Environment?.Variables ?? {},
        code: c.CodeSha256,
        onFailure: invoke?.DestinationConfig?.OnFailure?.Destination ?? null,
        retries: {
          attempts: invoke?.MaximumRetryAttempts ?? ASYNC_RETRY_ATTEMPTS,
          maxAgeSeconds: invoke?.MaximumEventAgeInSeconds ?? ASYNC_MAX_AGE_SECONDS,
        },
        // Reserved concurrency 0 throttles every invocation: the remediator never runs.
        throttled: fn.Concurrency?.ReservedConcurrentExecutions === 0,
        // A layer can ship an extension that runs beside the handler with its role's credentials; CodeSha256 misses it.
        layers: (c.Layers ?? []).map((l) => l.Arn ?? '').sort(),
        // Private subnets without a route to AWS: every call times out and no alert is published.
        vpcSubnets: [...(c.VpcConfig?.SubnetIds ?? [])].sort(),
        // The environment encrypted with a customer key: disabling that key (or revoking Lambda's grant) makes every
        // invocation fail (KMSDisabledException) while everything else still matches. TrailGuard never sets one.
        kmsKey: c.KMSKeyArn || null,
      },
    };
  },

  async apply(resource, { accounts, account, region, create, fields, code: remediatorCode, slackCode, sleep }) {
    const lambda = await accounts.client(LambdaClient, account, region);
    const code = resource.bundle === 'slack' ? slackCode : remediatorCode;
    // The desired state names the Slack zip's CodeSha256: uploading anything else would be drift on every run.
    if (!code) throw new Error(`${resource.name}: no code to upload (the Slack app's bundle dist/slack-app-lambda/ was not loaded)`);
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
            MaximumRetryAttempts: ASYNC_RETRY_ATTEMPTS,
            MaximumEventAgeInSeconds: ASYNC_MAX_AGE_SECONDS,
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
              Code: { ZipFile: code },
              Architectures: ['arm64'],
              Tags: TAG_MAP,
              Description: resource.description ?? 'TrailGuard remediator: restarts, restores and recreates tampered CloudTrail trails',
            }),
          ),
        sleep,
      );
      await putOnFailure();
      return;
    }
    const waitUpdated = () => waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 300 }, { FunctionName: resource.name });
    // Without a destination the config is deleted: Lambda's defaults come back.
    if (fields.has('onFailure') || fields.has('retries')) await putOnFailure();
    // Reserved concurrency 0 throttles every invocation; removing it gives the function the account's pool again.
    if (fields.has('throttled')) await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: resource.name }));
    if ([...fields].some((f) => f !== 'code' && f !== 'onFailure' && f !== 'retries' && f !== 'throttled')) {
      // Layers and a VPC attachment TrailGuard never sets are removed when they show up.
      const extras = {
        ...(fields.has('layers') ? { Layers: [] } : {}),
        ...(fields.has('vpcSubnets') ? { VpcConfig: { SubnetIds: [], SecurityGroupIds: [] } } : {}),
        // An empty KMSKeyArn puts the environment back under Lambda's own key.
        ...(fields.has('kmsKey') ? { KMSKeyArn: '' } : {}),
      };
      await lambda.send(new UpdateFunctionConfigurationCommand({ ...configuration, ...extras }));
      await waitUpdated();
    }
    if (fields.has('code')) {
      await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: resource.name, ZipFile: code }));
      await waitUpdated();
    }
  },
};

// The Slack function's URL, AWS half: GetFunctionUrlConfig; CreateFunctionUrlConfig, or UpdateFunctionUrlConfig.
import {
  CreateFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  LambdaClient,
  UpdateFunctionUrlConfigCommand,
} from '@aws-sdk/client-lambda';
import type { LambdaUrlResource } from '../../kinds/lambda-url.js';
import { orMissing } from './common.js';
import type { KindIo } from './kind.js';

export const lambdaUrlIo: KindIo<LambdaUrlResource> = {
  actions: {
    read: ['lambda:GetFunctionUrlConfig'],
    write: ['lambda:CreateFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig'],
  },

  async read(resource, { accounts, account, region }) {
    const lambda = await accounts.client(LambdaClient, account, region);
    const url = await orMissing(lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: resource.functionName })));
    if (!url?.FunctionUrl) return { exists: false };
    return {
      exists: true,
      managed: true,
      // Lambda reports BUFFERED; some emulators spell it Buffered.
      fields: { authType: url.AuthType ?? null, invokeMode: (url.InvokeMode ?? 'BUFFERED').toUpperCase() },
      ids: { url: url.FunctionUrl },
    };
  },

  async apply(resource, { accounts, account, region, create }) {
    const lambda = await accounts.client(LambdaClient, account, region);
    const settings = { FunctionName: resource.functionName, AuthType: resource.authType, InvokeMode: 'BUFFERED' as const };
    if (create) await lambda.send(new CreateFunctionUrlConfigCommand(settings));
    else await lambda.send(new UpdateFunctionUrlConfigCommand(settings));
  },
};

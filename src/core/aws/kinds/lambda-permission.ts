// A function-policy statement, AWS half: GetPolicy and the statement with its Sid; AddPermission (after RemovePermission on an update).
import { AddPermissionCommand, GetPolicyCommand, LambdaClient, RemovePermissionCommand } from '@aws-sdk/client-lambda';
import type { LambdaPermissionResource } from '../../kinds/lambda-permission.js';
import { orMissing, type Statement } from './common.js';
import type { KindIo } from './kind.js';

export const lambdaPermissionIo: KindIo<LambdaPermissionResource> = {
  actions: { read: ['lambda:GetPolicy'], write: ['lambda:RemovePermission', 'lambda:AddPermission'] },

  async read(resource, { accounts, account, region }) {
    const lambda = await accounts.client(LambdaClient, account, region);
    const policy = await orMissing(lambda.send(new GetPolicyCommand({ FunctionName: resource.functionName })));
    const statements = (policy?.Policy ? (JSON.parse(policy.Policy) as { Statement?: Statement[] }).Statement : undefined) ?? [];
    const statement = statements.find((s) => s.Sid === resource.name);
    if (!statement) return { exists: false };
    const principal = statement.Principal as { Service?: string } | string | undefined;
    const sourceArn = statement.Condition?.ArnLike?.['AWS:SourceArn'] ?? statement.Condition?.ArnEquals?.['AWS:SourceArn'] ?? null;
    // A URL statement whose auth-type condition is gone admits `*` to every invocation path, not only the URL.
    // Lambda stores it as a condition; moto (5.x) keeps AddPermission's field as it was sent.
    const urlAuthType =
      statement.Condition?.StringEquals?.['lambda:FunctionUrlAuthType'] ??
      (statement as { FunctionUrlAuthType?: unknown }).FunctionUrlAuthType;
    // Without it, `*` may invoke the function directly (forged SNS records), not only through the URL.
    const viaUrl =
      statement.Condition?.Bool?.['lambda:InvokedViaFunctionUrl'] ??
      (statement as { InvokedViaFunctionUrl?: unknown }).InvokedViaFunctionUrl;
    return {
      exists: true,
      managed: true,
      fields: {
        principal: typeof principal === 'string' ? principal : principal?.Service,
        action: statement.Action,
        sourceArn,
        ...(resource.functionUrlAuthType ? { functionUrlAuthType: urlAuthType ?? null } : {}),
        ...(resource.invokedViaFunctionUrl ? { invokedViaFunctionUrl: String(viaUrl) === 'true' ? true : null } : {}),
      },
    };
  },

  async apply(resource, { accounts, account, region, create }) {
    const lambda = await accounts.client(LambdaClient, account, region);
    if (!create) await lambda.send(new RemovePermissionCommand({ FunctionName: resource.functionName, StatementId: resource.name }));
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: resource.functionName,
        StatementId: resource.name,
        Action: resource.action ?? 'lambda:InvokeFunction',
        Principal: resource.principal ?? 'events.amazonaws.com',
        ...(resource.sourceArn ? { SourceArn: resource.sourceArn, SourceAccount: account } : {}),
        ...(resource.functionUrlAuthType ? { FunctionUrlAuthType: resource.functionUrlAuthType } : {}),
        ...(resource.invokedViaFunctionUrl ? { InvokedViaFunctionUrl: true } : {}),
      }),
    );
  },
};

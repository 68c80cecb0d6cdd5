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
    const sourceArn = statement.Condition?.ArnLike?.['AWS:SourceArn'] ?? statement.Condition?.ArnEquals?.['AWS:SourceArn'];
    return {
      exists: true,
      managed: true,
      fields: { principal: typeof principal === 'string' ? principal : principal?.Service, action: statement.Action, sourceArn },
    };
  },

  async apply(resource, { accounts, account, region, create }) {
    const lambda = await accounts.client(LambdaClient, account, region);
    if (!create) await lambda.send(new RemovePermissionCommand({ FunctionName: resource.functionName, StatementId: resource.name }));
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
  },
};

// The deploy policy on a moto that enforces IAM: the escalation path to administrator is denied, apply's own calls are allowed.
//
// What moto 5.2 evaluates (moto/iam/access_control.py, core/authorization.py), and so what this file can prove:
// - identity policies of IAM users and assumed roles (inline and attached), Allow and explicit Deny;
// - the Resource element only where moto names the resource: IAM role calls on an existing role (its ARN),
//   sts:AssumeRole (the role ARN, plus the role's trust policy), SQS (the queue ARN). Every other call is
//   checked against Resource "*", so a statement scoped to an ARN never matches it in moto;
// - trust-policy conditions with StringEquals on values the request carries (sts:ExternalId).
// What moto does NOT evaluate, and where it is covered instead:
// - permissions boundaries (never read): test/unit/iam-policies.test.ts proves every TrailGuard role carries
//   trailguard-boundary and that the boundary holds no IAM write;
// - identity-policy conditions such as iam:PermissionsBoundary (an unmet condition is ignored): the unit test
//   proves every role write is conditioned on the boundary, and test/unit/iam-reference.test.ts that IAM
//   supports that key on those actions;
// - CreateRole on a role that does not exist yet (moto checks it against "*"), so creating with or without
//   the boundary is denied alike here: same unit tests.
import { CreateEventBusCommand, EventBridgeClient, PutPermissionCommand } from '@aws-sdk/client-eventbridge';
import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRolePermissionsBoundaryCommand,
  GetRoleCommand,
  IAMClient,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateQueueCommand, GetQueueAttributesCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enforceIam, startMoto, type MotoServer } from '../../scripts/moto.js';
import { createClient } from '#core/aws/clients.js';
import { validateConfig } from '#core/config.js';
import { desiredState, permissionsBoundaryPolicy } from '#core/desired-state.js';
import { deployRolePolicy, PERMISSIONS_BOUNDARY } from '#core/iam-policies.js';
import { errorCode } from '#core/errors.js';

const CENTRAL = '450000000100';
const MEMBER = '450000000101';
const REGION = 'us-east-1';
const config = validateConfig({ version: 1, central: { account: CENTRAL, region: REGION }, members: { accounts: [{ id: MEMBER }] } });
const remediator = desiredState(config, { members: [MEMBER], codeSha256: 'x' }).find(
  (r) => r.kind === 'iam-role' && r.account === CENTRAL,
)!;
if (remediator.kind !== 'iam-role') throw new Error('no remediator role in the desired state');

let moto: MotoServer;
let deploy: AwsCredentialIdentity;
let deploySession: string;
const queues: Record<'ours' | 'theirs', string> = { ours: '', theirs: '' };

const client = <C>(Client: new (config: never) => C, credentials: AwsCredentialIdentity): C =>
  createClient(Client as never, { region: REGION, endpoint: moto.endpoint, credentials, maxAttempts: 1 }) as C;
const anyCredentials: AwsCredentialIdentity = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'setup' };

/** Resolves to the AWS error code of the call, or `allowed`. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'allowed';
  } catch (error) {
    // Moto answers a denial in XML even to JSON-protocol services (SQS, EventBridge): the SDK then fails to
    // parse it, and the raw response is all there is to read.
    const raw = (error as { $response?: { statusCode?: number; body?: unknown } }).$response;
    if (errorCode(error) === 'SyntaxError' && raw?.statusCode === 403) return 'AccessDenied (XML)';
    return errorCode(error);
  }
}

beforeAll(async () => {
  // The administrator's one-time setup runs unchecked; enforceIam then checks every later call.
  moto = await startMoto({ initialNoAuthActionCount: 1_000_000 });
  const sts = client(STSClient, anyCredentials);
  const admin = await sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${CENTRAL}:role/OrganizationAccountAccessRole`, RoleSessionName: 'admin' }),
  );
  const adminCredentials = {
    accessKeyId: admin.Credentials!.AccessKeyId!,
    secretAccessKey: admin.Credentials!.SecretAccessKey!,
    sessionToken: admin.Credentials!.SessionToken!,
  };
  const iam = client(IAMClient, adminCredentials);
  await iam.send(
    new CreatePolicyCommand({ PolicyName: PERMISSIONS_BOUNDARY, PolicyDocument: JSON.stringify(permissionsBoundaryPolicy(config)) }),
  );
  const boundary = `arn:aws:iam::${CENTRAL}:policy/${PERMISSIONS_BOUNDARY}`;
  // The CI identity that GitHub's OIDC would be: it may only assume the deploy role.
  await iam.send(new CreateUserCommand({ UserName: 'ci' }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'ci',
      PolicyName: 'assume-deploy',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${CENTRAL}:role/TrailGuardDeploy` }],
      }),
    }),
  );
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'ci' }));
  await iam.send(
    new CreateRoleCommand({
      RoleName: 'TrailGuardDeploy',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${CENTRAL}:user/ci` }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: 'TrailGuardDeploy',
      PolicyName: 'trailguard-deploy',
      PolicyDocument: JSON.stringify(deployRolePolicy()),
    }),
  );
  // What a first apply left behind: the remediator role with its boundary, and the central bus.
  await iam.send(
    new CreateRoleCommand({
      RoleName: remediator.name,
      AssumeRolePolicyDocument: JSON.stringify(remediator.trust),
      PermissionsBoundary: boundary,
    }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: remediator.name,
      PolicyName: remediator.policyName,
      PolicyDocument: JSON.stringify(remediator.policy),
    }),
  );
  await client(EventBridgeClient, adminCredentials).send(new CreateEventBusCommand({ Name: 'trailguard' }));
  const sqs = client(SQSClient, adminCredentials);
  queues.ours = (await sqs.send(new CreateQueueCommand({ QueueName: 'trailguard-dlq' }))).QueueUrl!;
  queues.theirs = (await sqs.send(new CreateQueueCommand({ QueueName: 'payroll-events' }))).QueueUrl!;

  await enforceIam(moto.endpoint);
  const ci = { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: key.AccessKey!.SecretAccessKey! };
  const session = await client(STSClient, ci).send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${CENTRAL}:role/TrailGuardDeploy`, RoleSessionName: 'trailguard-action' }),
  );
  deploy = {
    accessKeyId: session.Credentials!.AccessKeyId!,
    secretAccessKey: session.Credentials!.SecretAccessKey!,
    sessionToken: session.Credentials!.SessionToken!,
  };
  deploySession = session.AssumedRoleUser!.Arn!;
});

afterAll(async () => moto?.stop());

describe('the deploy policy on moto with IAM enforcement', () => {
  it('enforcement is on: an unknown access key is refused', async () => {
    expect(await outcome(client(IAMClient, anyCredentials).send(new GetRoleCommand({ RoleName: remediator.name })))).toMatch(
      /InvalidClientTokenId|AccessDenied/,
    );
  });

  it("allows apply's own calls: read and converge the TrailGuard role, write the bus policy, assume the deploy role in a member", async () => {
    const iam = client(IAMClient, deploy);

    const results = {
      getRole: await outcome(iam.send(new GetRoleCommand({ RoleName: remediator.name }))),
      putRolePolicy: await outcome(
        iam.send(
          new PutRolePolicyCommand({
            RoleName: remediator.name,
            PolicyName: remediator.policyName,
            PolicyDocument: JSON.stringify(remediator.policy),
          }),
        ),
      ),
      updateTrust: await outcome(
        iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: remediator.name, PolicyDocument: JSON.stringify(remediator.trust) })),
      ),
      setBoundary: await outcome(
        iam.send(new PutRolePermissionsBoundaryCommand({ RoleName: remediator.name, PermissionsBoundary: remediator.permissionsBoundary })),
      ),
      // The grant IAM's reference says takes Resource "*": with the bus ARN the first real apply was denied here.
      busPolicy: await outcome(
        client(EventBridgeClient, deploy).send(
          new PutPermissionCommand({
            EventBusName: 'trailguard',
            Action: 'events:PutEvents',
            Principal: MEMBER,
            StatementId: `trailguard-${MEMBER}`,
          }),
        ),
      ),
      readTrails: await outcome(client(CloudTrailClient, deploy).send(new DescribeTrailsCommand({}))),
      readOwnQueue: await outcome(
        client(SQSClient, deploy).send(new GetQueueAttributesCommand({ QueueUrl: queues.ours, AttributeNames: ['All'] })),
      ),
      assumeMemberDeployRole: await outcome(
        client(STSClient, deploy).send(
          new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/${config.roles.deploy}`, RoleSessionName: 'trailguard-action' }),
        ),
      ),
    };

    expect(results).toEqual({
      getRole: 'allowed',
      putRolePolicy: 'allowed',
      updateTrust: 'allowed',
      setBoundary: 'allowed',
      busPolicy: 'allowed',
      readTrails: 'allowed',
      readOwnQueue: 'allowed',
      assumeMemberDeployRole: 'allowed',
    });
  });

  it('denies the escalation: re-trust a TrailGuard role to itself, widen its policy, then assume it', async () => {
    const iam = client(IAMClient, deploy);
    const admin = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const trustMe = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: deploySession }, Action: 'sts:AssumeRole' }],
    });

    // Both edits succeed in AWS too (the role carries the boundary): what they gain is capped by it, and the next step fails.
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: remediator.name, PolicyDocument: trustMe }));
    await iam.send(new PutRolePolicyCommand({ RoleName: remediator.name, PolicyName: remediator.policyName, PolicyDocument: admin }));
    const assume = await outcome(
      client(STSClient, deploy).send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${CENTRAL}:role/${remediator.name}`, RoleSessionName: 'escalate' }),
      ),
    );

    expect(assume).toBe('AccessDenied');
  });

  it("denies every way around the boundary (remove it, rewrite it, attach a managed policy, edit its own role) and what is not TrailGuard's", async () => {
    const iam = client(IAMClient, deploy);
    const admin = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

    const results = {
      removeBoundary: await outcome(iam.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: remediator.name }))),
      rewriteBoundary: await outcome(
        iam.send(
          new CreatePolicyVersionCommand({
            PolicyArn: `arn:aws:iam::${CENTRAL}:policy/${PERMISSIONS_BOUNDARY}`,
            PolicyDocument: admin,
            SetAsDefault: true,
          }),
        ),
      ),
      attachAdministrator: await outcome(
        iam.send(new AttachRolePolicyCommand({ RoleName: remediator.name, PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' })),
      ),
      widenOwnRole: await outcome(
        iam.send(new PutRolePolicyCommand({ RoleName: 'TrailGuardDeploy', PolicyName: 'more', PolicyDocument: admin })),
      ),
      changeSomeoneElsesQueue: await outcome(
        client(SQSClient, deploy).send(
          new SetQueueAttributesCommand({ QueueUrl: queues.theirs, Attributes: { MessageRetentionPeriod: '60' } }),
        ),
      ),
      assumeForwarderInMember: await outcome(
        client(STSClient, deploy).send(
          new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/trailguard-forwarder`, RoleSessionName: 'escalate' }),
        ),
      ),
    };

    expect(results).toEqual({
      removeBoundary: 'AccessDenied',
      rewriteBoundary: 'AccessDenied',
      attachAdministrator: 'AccessDenied',
      widenOwnRole: 'AccessDenied',
      changeSomeoneElsesQueue: 'AccessDenied (XML)',
      assumeForwarderInMember: 'AccessDenied',
    });
  });
});

// Test helpers for moto: clients acting as the central account or as a member (via AssumeRole, as moto keeps state per account).
import { CloudTrailClient, CreateTrailCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, PutBucketPolicyCommand, S3Client, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import pLimit from 'p-limit';
import { Accounts } from '#core/aws/accounts.js';
import { createClient } from '#core/aws/clients.js';

/**
 * The bucket policy the CloudTrail User Guide gives for one trail ("Amazon S3 bucket policy for CloudTrail"):
 * s3:GetBucketAcl on the bucket and s3:PutObject under `AWSLogs/<account>/` with bucket-owner-full-control, for this trail.
 */
export function cloudTrailBucketPolicy(bucket: string, account: string, region: string, trail: string) {
  const sourceArn = { 'aws:SourceArn': `arn:aws:cloudtrail:${region}:${account}:trail/${trail}` };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AWSCloudTrailAclCheck',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:GetBucketAcl',
        Resource: `arn:aws:s3:::${bucket}`,
        Condition: { StringEquals: sourceArn },
      },
      {
        Sid: 'AWSCloudTrailWrite',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucket}/AWSLogs/${account}/*`,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...sourceArn } },
      },
    ],
  };
}

/** Moto's default account: what plain test credentials act as. */
export const MOTO_DEFAULT_ACCOUNT = '123456789012';
export const CENTRAL_CREDENTIALS: AwsCredentialIdentity = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'central-test-secret' };

/**
 * The accounts `apply`/`plan` work through in a test: the central credentials on `world`'s moto, assuming
 * OrganizationAccountAccessRole in members (moto's default deploy role), 4 requests in flight.
 */
export function testAccounts(world: MotoWorld, region = 'us-east-1'): Accounts {
  return new Accounts({
    region,
    roleName: 'OrganizationAccountAccessRole',
    sessionName: 'trailguard-test',
    credentials: CENTRAL_CREDENTIALS,
    endpoint: world.endpoint,
    limit: pLimit(4),
  });
}

export class MotoWorld {
  private readonly memberCredentials = new Map<string, Promise<AwsCredentialIdentity>>();
  constructor(readonly endpoint: string) {}

  client<C>(
    Client: new (config: never) => C,
    region: string,
    credentials: AwsCredentialIdentity = CENTRAL_CREDENTIALS,
    extra: object = {},
  ): C {
    return createClient(Client as never, { region, endpoint: this.endpoint, credentials, maxAttempts: 2 }, extra) as C;
  }

  /** Credentials that act in `account` (moto switches account on AssumeRole). */
  credentialsFor(account: string): Promise<AwsCredentialIdentity> {
    let pending = this.memberCredentials.get(account);
    if (!pending) {
      pending = this.client(STSClient, 'us-east-1')
        .send(
          new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: 'test-setup' }),
        )
        .then((out) => ({
          accessKeyId: out.Credentials!.AccessKeyId!,
          secretAccessKey: out.Credentials!.SecretAccessKey!,
          sessionToken: out.Credentials!.SessionToken!,
        }));
      this.memberCredentials.set(account, pending);
    }
    return pending;
  }

  async memberClient<C>(Client: new (config: never) => C, account: string, region: string, extra: object = {}): Promise<C> {
    return this.client(Client, region, await this.credentialsFor(account), extra);
  }

  /** A bucket and a logging trail in a member account and region. */
  async createLoggingTrail(account: string, region: string, name: string, bucket: string, isMultiRegionTrail = false): Promise<void> {
    const s3 = await this.memberClient(S3Client, account, region, { forcePathStyle: true });
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
    // Real CreateTrail refuses a bucket without this policy (InsufficientS3BucketPolicyException); moto does not check,
    // and the sweep reads it: a trail bucket without it is one CloudTrail is locked out of.
    await s3.send(
      new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(cloudTrailBucketPolicy(bucket, account, region, name)) }),
    );
    const cloudtrail = await this.memberClient(CloudTrailClient, account, region);
    await cloudtrail.send(new CreateTrailCommand({ Name: name, S3BucketName: bucket, IsMultiRegionTrail: isMultiRegionTrail }));
    await cloudtrail.send(new StartLoggingCommand({ Name: name }));
  }

  /** An SNS topic in the central (default) account with an SQS queue subscribed: where alerts can be read back. */
  async topicWithQueue(region: string, name: string): Promise<{ topicArn: string; queueUrl: string; sqs: SQSClient }> {
    const sns = this.client(SNSClient, region);
    const sqs = this.client(SQSClient, region);
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-inbox` }));
    const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: attributes.Attributes!.QueueArn! }));
    return { topicArn: TopicArn!, queueUrl: QueueUrl!, sqs };
  }
}

export interface SnsEnvelope {
  Type: string;
  Message: string;
  MessageAttributes?: Record<string, { Type: string; Value: string }>;
}

/** Drains whatever SNS delivered to the queue so far (SNS-to-SQS delivery in moto is synchronous). */
export async function receiveAll(sqs: SQSClient, queueUrl: string): Promise<SnsEnvelope[]> {
  const out: SnsEnvelope[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return out;
    out.push(...Messages.map((m) => JSON.parse(m.Body!) as SnsEnvelope));
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

// A trail's log storage as it is when nothing is wrong, for unit tests whose sweep reads it (lambda/sweep-storage.ts).
import { GetBucketLifecycleConfigurationCommand, GetBucketPolicyCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/** A bucket policy letting CloudTrail check the ACL and write every key with bucket-owner-full-control (CloudTrail User Guide). */
export function openCloudTrailPolicy(bucket: string): string {
  const cloudtrail = { Service: 'cloudtrail.amazonaws.com' };
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AWSCloudTrailAclCheck',
        Effect: 'Allow',
        Principal: cloudtrail,
        Action: 's3:GetBucketAcl',
        Resource: `arn:aws:s3:::${bucket}`,
      },
      {
        Sid: 'AWSCloudTrailWrite',
        Effect: 'Allow',
        Principal: cloudtrail,
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${bucket}/*`,
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
      },
    ],
  });
}

/** S3's own error for a bucket without lifecycle rules. */
export function noLifecycle(): S3ServiceException {
  return new S3ServiceException({
    name: 'NoSuchLifecycleConfiguration',
    $fault: 'client',
    $metadata: { httpStatusCode: 404 },
    message: 'The lifecycle configuration does not exist',
  });
}

/** Answers for a healthy trail bucket: no lifecycle rules, CloudTrail's policy. */
export function healthyBucket(s3: AwsClientStub<S3Client>, bucket: string): void {
  s3.on(GetBucketLifecycleConfigurationCommand)
    .rejects(noLifecycle())
    .on(GetBucketPolicyCommand)
    .resolves({ Policy: openCloudTrailPolicy(bucket) });
}

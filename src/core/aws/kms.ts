// KMS lookups the remediator needs to compare a baseline's key with the key ARN CloudTrail reports.
import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';

/**
 * The key ARN behind a key id, key ARN, alias name or alias ARN (KMS API reference, DescribeKey:
 * a key of another account only by key ARN or alias ARN). Needs `kms:DescribeKey` on the key,
 * granted to the caller by the key policy when the key is in another account.
 * Throws the SDK's error (NotFoundException, AccessDeniedException...) unchanged.
 */
export async function describeKeyArn(client: KMSClient, keyId: string): Promise<string> {
  const out = await client.send(new DescribeKeyCommand({ KeyId: keyId }));
  const arn = out.KeyMetadata?.Arn;
  if (!arn) throw Object.assign(new Error(`DescribeKey returned no key ARN for ${keyId}`), { name: 'NotFoundException' });
  return arn;
}

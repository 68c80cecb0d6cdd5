// The KMS family: a watched trail's key disabled, scheduled for deletion, or its key policy replaced.
import { CancelKeyDeletionCommand, DescribeKeyCommand, EnableKeyCommand, GetKeyPolicyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { cloudTrailAccess, cloudTrailKeyRequest, keyRepair } from '#core/log-storage.js';
import { kmsOf, trailIdentity, trailHealth, type StorageHandler } from './storage-common.js';

async function keyState(kms: KMSClient, key: string): Promise<string | undefined> {
  return (await kms.send(new DescribeKeyCommand({ KeyId: key }))).KeyMetadata?.KeyState;
}

/**
 * DisableKey / ScheduleKeyDeletion: CancelKeyDeletion (when pending deletion) then EnableKey, verified with
 * DescribeKey. CloudTrail cannot encrypt, so cannot deliver, with a disabled key; a deleted one loses every log it
 * encrypted. Both are undone deterministically while the key still exists.
 */
export const restoreKey: StorageHandler = async (ctx) => {
  const { steps, resource, trail, event } = ctx;
  const kms = await kmsOf(ctx);
  const change =
    event.eventName === 'DisableKey'
      ? `KMS key ${resource.name} of trail ${trail.name} disabled`
      : `KMS key ${resource.name} of trail ${trail.name} scheduled for deletion${typeof event.requestParameters.pendingWindowInDays === 'number' ? ` in ${event.requestParameters.pendingWindowInDays} days` : ''}`;
  const repair = keyRepair(await steps.run('DescribeKey', () => keyState(kms, resource.name)));
  if ('usable' in repair)
    return { outcome: 'already-compliant', reason: `key ${resource.name} is enabled again already`, changes: [change], restored: null };
  if ('stuck' in repair)
    return { outcome: 'failed', reason: `key ${resource.name} cannot be restored: ${repair.stuck}`, changes: [change], restored: false };
  for (const call of repair.calls) {
    await steps.run(call, () =>
      kms.send(
        call === 'EnableKey' ? new EnableKeyCommand({ KeyId: resource.name }) : new CancelKeyDeletionCommand({ KeyId: resource.name }),
      ),
    );
  }
  const after = await steps.run('DescribeKey', () => keyState(kms, resource.name));
  if (after !== 'Enabled') {
    return {
      outcome: 'failed',
      reason: `${repair.calls.join(' and ')} succeeded but key ${resource.name} is ${after ?? 'in an unknown state'}`,
      changes: [change],
      restored: false,
    };
  }
  const health = await trailHealth(ctx);
  const done = repair.calls.length === 2 ? 'its deletion was cancelled and it was enabled again' : 'it was enabled again';
  return {
    outcome: 'restored',
    reason: `key ${resource.name} of trail ${trail.name}: ${done}, verified enabled`,
    changes: [change],
    restored: true,
    isLogging: health.isLogging,
  };
};

/**
 * PutKeyPolicy: alerted, never rewritten (a policy has no deterministic undo). The alert says whether the new policy
 * still lets CloudTrail encrypt (kms:GenerateDataKey* on this key, for this trail's aws:SourceArn and encryption
 * context) and the trail's delivery error.
 */
export const keyPolicy: StorageHandler = async (ctx) => {
  const { steps, resource, trail } = ctx;
  const kms = await kmsOf(ctx);
  const text = await steps.run(
    'GetKeyPolicy',
    async () => (await kms.send(new GetKeyPolicyCommand({ KeyId: resource.name, PolicyName: 'default' }))).Policy ?? null,
  );
  // Judged for this trail's own request: its ARN as aws:SourceArn and as the encryption context CloudTrail sends.
  const { trailArn, trailAccount } = trailIdentity(ctx);
  const { problem, certain } = cloudTrailAccess(text, `key ${resource.name}`, [cloudTrailKeyRequest(resource.arn, trailArn, trailAccount)]);
  const health = await trailHealth(ctx);
  const delivery = health.deliveryError ? `; trail ${trail.name} reports delivery error ${health.deliveryError}` : '';
  const change = `the key policy of KMS key ${resource.name} (trail ${trail.name}) was replaced`;
  return {
    outcome: 'alert-only',
    reason: problem
      ? `CloudTrail ${certain ? 'can no longer' : 'may no longer be able to'} encrypt trail ${trail.name}'s logs: ${problem}${delivery}; restore a key policy allowing cloudtrail.amazonaws.com kms:GenerateDataKey*`
      : `${change}; it still allows CloudTrail to encrypt${delivery}`,
    changes: [change],
    restored: problem ? false : null,
    isLogging: health.isLogging,
  };
};

/**
 * DeleteImportedKeyMaterial on a watched trail's key (a key with imported, EXTERNAL key material): the key becomes
 * PendingImport and unusable at once (KMS API reference), so CloudTrail can encrypt nothing and delivers nothing.
 * Only whoever holds the key material can re-import it: `failed` (logging cannot resume) unless DescribeKey finds
 * the key usable again already.
 */
export const importedMaterialDeleted: StorageHandler = async (ctx) => {
  const { steps, resource, trail } = ctx;
  const kms = await kmsOf(ctx);
  const change = `the imported key material of KMS key ${resource.name} (trail ${trail.name}) was deleted`;
  const state = await steps.run('DescribeKey', () => keyState(kms, resource.name));
  if (state === 'Enabled')
    return { outcome: 'already-compliant', reason: `key ${resource.name} is enabled again already`, changes: [change], restored: null };
  const health = await trailHealth(ctx);
  return {
    outcome: 'failed',
    reason: `key ${resource.name} is ${state ?? 'in an unknown state'}: CloudTrail cannot encrypt trail ${trail.name}'s logs until its key material is imported again (ImportKeyMaterial, by whoever holds it); TrailGuard cannot`,
    changes: [change],
    restored: false,
    isLogging: health.isLogging,
  };
};

/** This family's calls. */
export const kmsHandlers = {
  DisableKey: restoreKey,
  ScheduleKeyDeletion: restoreKey,
  PutKeyPolicy: keyPolicy,
  DeleteImportedKeyMaterial: importedMaterialDeleted,
} as const;

// The S3 family: lifecycle rules, bucket policy and deletion of a bucket a watched trail delivers to.
import {
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  PutBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  type S3Client,
  type TransitionDefaultMinimumObjectSize,
} from '@aws-sdk/client-s3';
import { errorCode } from '#core/errors.js';
import { cloudTrailAccess, cloudTrailBucketRequests, decideLifecycle, describeKept } from '#core/log-storage.js';
import { deliveryTarget, s3Of, trailHealth, type StorageContext, type StorageHandler, type Repair } from './storage-common.js';

/** The bucket's lifecycle rules, and the TransitionDefaultMinimumObjectSize S3 keeps beside them (a rewrite must keep it). */
async function lifecycleOf(
  s3: S3Client,
  bucket: string,
): Promise<{ rules: LifecycleRule[]; minimumObjectSize: TransitionDefaultMinimumObjectSize | undefined }> {
  try {
    const out = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    return { rules: out.Rules ?? [], minimumObjectSize: out.TransitionDefaultMinimumObjectSize };
  } catch (error) {
    if (errorCode(error) === 'NoSuchLifecycleConfiguration') return { rules: [], minimumObjectSize: undefined };
    throw error;
  }
}

async function lifecycleRules(s3: S3Client, bucket: string): Promise<LifecycleRule[]> {
  return (await lifecycleOf(s3, bucket)).rules;
}

async function bucketPolicy(s3: S3Client, bucket: string): Promise<string | null> {
  try {
    return (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? null;
  } catch (error) {
    if (errorCode(error) === 'NoSuchBucketPolicy') return null;
    throw error;
  }
}

/**
 * PutBucketLifecycle(Configuration): reads the bucket's rules as they are now (the request may be truncated or
 * superseded) and removes the ones that expire logs sooner than the baseline's `retentionDays`, keeping the others;
 * without `retentionDays` they are reported only. Verified by reading the rules back.
 */
export const lifecycle: StorageHandler = async (ctx) => {
  const { steps, resource, trail } = ctx;
  const bucket = resource.name;
  const s3 = await s3Of(ctx);
  const now = ctx.deps.now();
  const retention = trail.baseline?.retentionDays;
  const current = await steps.run('GetBucketLifecycleConfiguration', () => lifecycleOf(s3, bucket));
  // Only rules whose filter can reach a key CloudTrail writes count: the others (Athena results, tagged objects) stay.
  const scope = { logKeyPrefixes: trail.logKeyPrefixes };
  const decision = decideLifecycle(current.rules, retention, now, scope);
  const onBucket = decision.expiring.map((r) => `${r.description} is on bucket ${bucket}`);
  const archived = decision.archiving.map((r) => `${r.description} is on bucket ${bucket}`);
  // Archiving is reported, never removed: moving logs to a colder class is often a cost decision only a human can undo.
  const leftInPlace =
    archived.length > 0
      ? `; left in place, to be judged by a human: ${archived.join('; ')}${retention ? `, sooner than the ${retention} days trail ${trail.name} keeps logs readable` : ''}`
      : '';
  if (decision.expiring.length === 0) {
    // TrailGuard's own rewrite of the rules comes back as this call: nothing expiring left means it is that.
    if (ctx.ownRole)
      return { outcome: 'ignored', reason: "TrailGuard's own lifecycle rewrite: no rule deletes logs", changes: [], restored: null };
    if (archived.length > 0) {
      return {
        outcome: 'alert-only',
        reason: `${archived.join('; ')}${retention ? `: sooner than the ${retention} days trail ${trail.name} keeps logs readable` : ''}; not removed (a transition may be a cost decision): restore the objects to read them, and change the rule if it was not meant`,
        changes: archived,
        restored: false,
      };
    }
    return {
      outcome: 'already-compliant',
      reason: `the lifecycle rules of bucket ${bucket} were changed, and none deletes logs${retention ? ` sooner than ${retention} days` : ''}`,
      changes: [`lifecycle rules of bucket ${bucket} replaced (${decision.kept.length} now)`],
      restored: null,
    };
  }
  if (!decision.remove) {
    return {
      outcome: 'alert-only',
      reason: `${onBucket.join('; ')}: not removed, because the baseline of trail ${trail.name} sets no retentionDays (set it to have shorter rules removed)${leftInPlace}`,
      changes: [...onBucket, ...archived],
      restored: false,
    };
  }
  const removed = decision.expiring.map((r) => r.description);
  if (decision.kept.length === 0)
    await steps.run('DeleteBucketLifecycle', () => s3.send(new DeleteBucketLifecycleCommand({ Bucket: bucket })));
  else
    await steps.run(`PutBucketLifecycleConfiguration: ${decision.kept.length} rules kept`, () =>
      s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: bucket,
          LifecycleConfiguration: { Rules: decision.kept },
          // Left out, S3 resets it to its default, changing which objects the kept transition rules move.
          ...(current.minimumObjectSize ? { TransitionDefaultMinimumObjectSize: current.minimumObjectSize } : {}),
        }),
      ),
    );
  const after = decideLifecycle(
    await steps.run('GetBucketLifecycleConfiguration', () => lifecycleRules(s3, bucket)),
    retention,
    now,
    scope,
  );
  if (after.expiring.length > 0) {
    return {
      outcome: 'failed',
      reason: `the lifecycle rules were rewritten but bucket ${bucket} still has ${after.expiring.map((r) => r.description).join('; ')}`,
      changes: onBucket,
      restored: false,
    };
  }
  const sentence =
    removed.length === 1 ? `${removed[0]} was removed` : `${removed.length} lifecycle rules were removed (${removed.join('; ')})`;
  return {
    outcome: 'restored',
    reason: `${sentence} from bucket ${bucket}; ${describeKept(decision.kept.length)} (trail ${trail.name} keeps logs ${retention} days)${leftInPlace}`,
    changes: [...onBucket, ...archived],
    restored: true,
  };
};

/** Why the trail may no longer deliver, from its bucket policy and its own last delivery error. */
async function deliveryEvidence(
  ctx: StorageContext,
  s3: S3Client,
): Promise<{ problem: string | null; certain: boolean; text: string; isLogging: boolean | null }> {
  const policy = await ctx.steps.run('GetBucketPolicy', () => bucketPolicy(s3, ctx.resource.name));
  // CloudTrail needs s3:GetBucketAcl (its ACL check) and s3:PutObject on exactly the keys it writes, for this trail.
  const target = await deliveryTarget(ctx);
  const { problem, certain } = cloudTrailAccess(policy, `bucket ${ctx.resource.name}`, cloudTrailBucketRequests(target));
  const health = await trailHealth(ctx);
  const delivery = health.deliveryError
    ? `trail ${ctx.trail.name} reports delivery error ${health.deliveryError}`
    : (health.note ?? (ctx.trail.discovered ? `trail ${ctx.trail.name} reports no delivery error yet` : ''));
  return { problem, certain, text: [problem, delivery].filter(Boolean).join('; '), isLogging: health.isLogging };
}

/**
 * PutBucketPolicy / DeleteBucketPolicy: alerted, never rewritten (a policy has no deterministic undo). The alert says
 * whether the policy now shuts CloudTrail out (evaluated for the trail's own requests: the keys it writes, its
 * aws:SourceArn and aws:SourceAccount, `bucket-owner-full-control`; "may be" when it depends on what TrailGuard cannot
 * evaluate) and what the trail's GetTrailStatus reports as its delivery error.
 */
export const policy: StorageHandler = async (ctx): Promise<Repair> => {
  const s3 = await s3Of(ctx);
  const evidence = await deliveryEvidence(ctx, s3);
  const change =
    ctx.event.eventName === 'DeleteBucketPolicy'
      ? `the policy of bucket ${ctx.resource.name} was deleted`
      : `the policy of bucket ${ctx.resource.name} was replaced`;
  return {
    outcome: 'alert-only',
    reason: evidence.problem
      ? `CloudTrail ${evidence.certain ? 'is' : 'may be'} locked out of its bucket: ${evidence.text}; restore a policy allowing cloudtrail.amazonaws.com s3:GetBucketAcl and s3:PutObject (CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail")`
      : `${change}; it still allows CloudTrail to deliver${evidence.text ? ` (${evidence.text})` : ''}`,
    changes: [change],
    restored: evidence.problem ? false : null,
    isLogging: evidence.isLogging,
  };
};

/** DeleteBucket: nothing to undo (the logs are gone, the name may be taken), so it is `failed`: logging cannot resume. */
export const deleteBucket: StorageHandler = async (ctx): Promise<Repair> => {
  const health = await trailHealth(ctx);
  const bucket = ctx.resource.name;
  return {
    outcome: 'failed',
    reason:
      `bucket ${bucket} was deleted with the logs in it: trail ${ctx.trail.name} cannot deliver until a bucket of that name with CloudTrail's bucket policy exists again` +
      ` (or the trail is pointed at another bucket)${health.deliveryError ? `; the trail reports delivery error ${health.deliveryError}` : ''}`,
    changes: [`bucket ${bucket} deleted`],
    restored: false,
    isLogging: health.isLogging,
  };
};

/** This family's calls. */
export const s3Handlers = {
  PutBucketLifecycle: lifecycle,
  PutBucketLifecycleConfiguration: lifecycle,
  PutBucketPolicy: policy,
  DeleteBucketPolicy: policy,
  DeleteBucket: deleteBucket,
} as const;

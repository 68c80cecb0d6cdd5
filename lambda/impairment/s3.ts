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
import { cloudTrailAccessProblem, decideLifecycle, describeKept } from '#core/log-storage.js';
import { s3Of, trailHealth, type StorageContext, type StorageHandler, type Repair } from './storage-common.js';

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
  const decision = decideLifecycle(current.rules, retention, now);
  const onBucket = decision.expiring.map((r) => `${r.description} is on bucket ${bucket}`);
  if (decision.expiring.length === 0) {
    // TrailGuard's own rewrite of the rules comes back as this call: nothing expiring left means it is that.
    if (ctx.ownRole)
      return { outcome: 'ignored', reason: "TrailGuard's own lifecycle rewrite: no rule deletes logs", changes: [], restored: null };
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
      reason: `${onBucket.join('; ')}: not removed, because the baseline of trail ${trail.name} sets no retentionDays (set it to have shorter rules removed)`,
      changes: onBucket,
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
  const after = decideLifecycle(await steps.run('GetBucketLifecycleConfiguration', () => lifecycleRules(s3, bucket)), retention, now);
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
    reason: `${sentence} from bucket ${bucket}; ${describeKept(decision.kept.length)} (trail ${trail.name} keeps logs ${retention} days)`,
    changes: onBucket,
    restored: true,
  };
};

/** Why the trail may no longer deliver, from its bucket policy and its own last delivery error. */
async function deliveryEvidence(
  ctx: StorageContext,
  s3: S3Client,
): Promise<{ problem: string | null; text: string; isLogging: boolean | null }> {
  const policy = await ctx.steps.run('GetBucketPolicy', () => bucketPolicy(s3, ctx.resource.name));
  // CloudTrail's bucket policy needs both statements: s3:GetBucketAcl (its ACL check) and s3:PutObject (delivery).
  const what = `bucket ${ctx.resource.name}`;
  const problem = cloudTrailAccessProblem(policy, what, 's3:PutObject') ?? cloudTrailAccessProblem(policy, what, 's3:GetBucketAcl');
  const health = await trailHealth(ctx);
  const delivery = health.deliveryError
    ? `trail ${ctx.trail.name} reports delivery error ${health.deliveryError}`
    : (health.note ?? (ctx.trail.discovered ? `trail ${ctx.trail.name} reports no delivery error yet` : ''));
  return { problem, text: [problem, delivery].filter(Boolean).join('; '), isLogging: health.isLogging };
}

/**
 * PutBucketPolicy / DeleteBucketPolicy: alerted, never rewritten (a policy has no deterministic undo). The alert says
 * whether the policy now shuts CloudTrail out and what the trail's GetTrailStatus reports as its delivery error.
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
      ? `CloudTrail is locked out of its bucket: ${evidence.text}; restore a policy allowing cloudtrail.amazonaws.com s3:GetBucketAcl and s3:PutObject (CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail")`
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

// The sweep's look at where a trail's logs go (its bucket's lifecycle rules and policy, its KMS key), through the event
// path's own storage handlers on an observed record: a rule or policy whose record was lost, or that predates
// TrailGuard, is repaired or alerted exactly as its record would have been.
import type { CloudTrailClient, Trail } from '@aws-sdk/client-cloudtrail';
import { buildStorageAlert, type TrailAlert } from '#core/alert.js';
import { isKnownRegion, partitionOf } from '#core/arn.js';
import { s3BucketNameOf } from '#core/aws/cloudtrail.js';
import { errorCode, errorText } from '#core/errors.js';
import type { StorageCall, StorageEvent, StorageResource } from '#core/impairment-event.js';
import { findingKey, type Finding, type FindingKind } from '#core/sweep.js';
import { lifecycle, policy } from './impairment/s3.js';
import { restoreKey } from './impairment/kms.js';
import {
  bucketLogPrefixes,
  Steps,
  writesOfListed,
  type Repair,
  type StorageDeps,
  type StorageHandler,
  type WatchedTrail,
} from './impairment/storage-common.js';
import type { RemediationPolicy } from './remediate.js';

/** What the sweep of one trail's log storage needs: the event path's storage dependencies and the baseline. */
export interface LogStorageSweepDeps extends StorageDeps {
  settings: RemediationPolicy;
}

/** One finding on a trail's log storage, in the shape the worker dedupes and alerts (lambda/sweep.ts). */
export interface LogStorageFinding {
  finding: Finding;
  repaired: boolean;
  outcome: TrailAlert['outcome'];
  reason: string;
  alert: () => TrailAlert;
}

/** The storage finding kinds, each judged by the handler of the call that would have caused it. */
export const LOG_STORAGE_KINDS = ['lifecycle', 'bucket-policy', 'kms-key'] as const satisfies readonly FindingKind[];

interface Check {
  kind: (typeof LOG_STORAGE_KINDS)[number];
  /** The record the sweep did not receive: its handler is the decision (lambda/impairment). */
  eventName: StorageCall;
  handler: StorageHandler;
  /** The IAM action TrailGuard's role needs to read it (named in a "cannot confirm" alert). */
  read: string;
  /** The baseline field whose pin grants the repair (src/core/iam-policies.ts). */
  pin: string;
}

const CHECKS: Record<'bucket' | 'key', Check[]> = {
  bucket: [
    {
      kind: 'lifecycle',
      eventName: 'PutBucketLifecycleConfiguration',
      handler: lifecycle,
      read: 's3:GetLifecycleConfiguration',
      pin: 's3BucketName with retentionDays',
    },
    {
      kind: 'bucket-policy',
      eventName: 'PutBucketPolicy',
      handler: policy,
      read: 's3:GetBucketPolicy',
      pin: 'none: a policy is alerted, never rewritten',
    },
  ],
  // restoreKey answers DisableKey and ScheduleKeyDeletion alike: it reads the key's state and undoes either.
  key: [{ kind: 'kms-key', eventName: 'DisableKey', handler: restoreKey, read: 'kms:DescribeKey', pin: 'kmsKeyId as a key ARN or key id' }],
};

const KEY_ARN = /^arn:[\w-]+:kms:([a-z0-9-]+):(\d{12}):key\/(.+)$/;

/** Where a trail's bucket and key are: the account and region whose TrailGuard role reads them. */
function storageOf(trail: Trail, owner: string, region: string, settings: RemediationPolicy) {
  const baseline = settings.trails.find((b) => b.name === trail.Name);
  const p = partitionOf(region);
  const out: { what: 'bucket' | 'key'; resource: StorageResource; account: string; region: string }[] = [];
  if (trail.S3BucketName) {
    const name = s3BucketNameOf(trail.S3BucketName);
    // A bucket in a log archive is read there (`s3BucketAccount`), as the event path receives its calls from there.
    out.push({
      what: 'bucket',
      resource: { type: 's3-bucket', name, arn: `arn:${p}:s3:::${name}` },
      account: baseline?.s3BucketAccount ?? owner,
      region,
    });
  }
  if (trail.KmsKeyId) {
    // CloudTrail reports the key ARN, which names the key's account and region (KMS keeps a key in one region).
    const arn = KEY_ARN.exec(trail.KmsKeyId);
    out.push({
      what: 'key',
      resource: {
        type: 'kms-key',
        name: arn?.[3] ?? trail.KmsKeyId,
        arn: arn ? trail.KmsKeyId : `arn:${p}:kms:${region}:${owner}:key/${trail.KmsKeyId}`,
      },
      account: arn?.[2] ?? owner,
      region: arn?.[1] ?? region,
    });
  }
  return { baseline, out };
}

/** The record of a call the sweep did not receive but whose effect it reads: the sweep is its actor, so no allow pattern matches. */
function observedStorageEvent(eventName: StorageCall, resource: StorageResource, account: string, region: string, now: Date): StorageEvent {
  return {
    id: `sweep/${eventName}/${resource.arn}/${now.toISOString()}`,
    eventName,
    eventSource: resource.type === 's3-bucket' ? 's3.amazonaws.com' : 'kms.amazonaws.com',
    eventTime: now.toISOString(),
    account,
    region,
    actor: { arn: 'trailguard-sweep', type: 'TrailGuardSweep', issuerArn: null, accountId: null, sourceIp: null, userAgent: null },
    errorCode: null,
    errorMessage: null,
    requestParameters: resource.type === 's3-bucket' ? { bucketName: resource.name } : { keyId: resource.name },
    responseElements: {},
    resource,
    problem: null,
  };
}

/** The region S3 says a bucket is in, from the `x-amz-bucket-region` header of a redirect or a refusal (also as a cause); else null. */
function bucketRegionOf(error: unknown): string | null {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const headers = (e as { $response?: { headers?: Record<string, string | undefined> } }).$response?.headers;
    const region = headers?.['x-amz-bucket-region'];
    if (region) return region;
  }
  return null;
}

/**
 * Judges one swept trail's log storage as the event path judges a record of a call on it (lambda/impairment/s3.ts and
 * kms.ts): the bucket's lifecycle rules (PutBucketLifecycleConfiguration: an expiring rule that can reach the trail's
 * log keys is removed when the baseline pins `retentionDays`, else alerted; archiving rules alerted), its policy
 * (PutBucketPolicy: alerted when it locks CloudTrail out, "may be" when not certain) and its KMS key (DisableKey:
 * disabled or pending deletion is undone and verified). Each is read through TrailGuard's role in the account that
 * holds it (a baseline's `s3BucketAccount`; the account a key ARN names), in the trail's home region, or the bucket's
 * own region when S3 answers with `x-amz-bucket-region`. Resolves to the findings (finding `resource` the trail ARN,
 * kinds `lifecycle`, `bucket-policy`, `kms-key`); what cannot be read is a `failed` finding ("cannot confirm"), never
 * silence. Never throws.
 */
export async function sweepLogStorage(
  trail: Trail,
  ctx: { account: string; region: string; sweepId: string; client: CloudTrailClient; owner: string },
  deps: LogStorageSweepDeps,
): Promise<LogStorageFinding[]> {
  const arn = trail.TrailARN!;
  const name = trail.Name ?? arn;
  const { baseline, out } = storageOf(trail, ctx.owner, ctx.region, deps.settings);
  // The handlers read the trail's status (best effort) in the resource's account; the trail is read where it was swept.
  const handlerDeps: StorageDeps = {
    ...deps,
    cloudtrail: async (_account, region) => (region === ctx.region ? ctx.client : deps.cloudtrail(ctx.account, region)),
  };
  const judge = async (check: Check, at: (typeof out)[number]): Promise<LogStorageFinding | null> => {
    const now = deps.now();
    const finding: Finding = { account: ctx.account, region: ctx.region, kind: check.kind, resource: arn };
    let lastSteps: Steps | undefined;
    const run = async (region: string) => {
      const event = observedStorageEvent(check.eventName, at.resource, at.account, region, now);
      const watched: WatchedTrail = {
        name,
        arn,
        account: ctx.owner,
        region: ctx.region,
        baseline,
        discovered: true,
        writes: writesOfListed(trail),
        logKeyPrefixes: bucketLogPrefixes(at.resource, event, [trail], deps.settings),
      };
      const steps = new Steps(at.resource);
      lastSteps = steps;
      const ctxOf = { event, resource: at.resource, trail: watched, policy: deps.settings, deps: handlerDeps, steps, ownRole: false };
      return { event, steps, repair: await check.handler(ctxOf) };
    };
    let result: { event: StorageEvent; steps: Steps; repair: Repair };
    try {
      try {
        result = await run(at.region);
      } catch (error) {
        const actual = at.what === 'bucket' ? bucketRegionOf(error) : null;
        // Only a region TrailGuard knows: a header is not a reason to send TrailGuard's credentials anywhere else.
        if (!actual || actual === at.region || !isKnownRegion(actual)) throw error;
        result = await run(actual);
      }
    } catch (error) {
      const text = errorText(error);
      const denied = /AccessDenied|Forbidden/i.test(errorCode(error));
      // A read that succeeded (recorded as a step) means the state is known and only the repair failed.
      const actions = lastSteps?.actions ?? [];
      const read = actions.length > 0;
      const hint = !denied
        ? ''
        : read
          ? `; TrailGuard's role in ${at.account} may not repair it: pin it in the baseline of trail ${name} (${check.pin}) and run apply, which grants exactly that`
          : `; TrailGuard's role in ${at.account} may not read it (${check.read})${at.what === 'bucket' && !baseline?.s3BucketAccount ? `, or the bucket is in another account: name it in the baseline of trail ${name} (s3BucketAccount)` : ''}`;
      const reason = read
        ? `found by the sweep: the ${check.kind} of ${at.resource.type} ${at.resource.name} of trail ${name} needs a repair that failed (${text})${hint}`
        : `found by the sweep: cannot confirm the ${check.kind} of ${at.resource.type} ${at.resource.name} of trail ${name} (${text})${hint}; CloudTrail's logs there may be deleted or undeliverable unseen`;
      const event = observedStorageEvent(check.eventName, at.resource, at.account, at.region, now);
      return {
        finding,
        repaired: false,
        outcome: 'failed',
        reason,
        alert: () =>
          storageAlert(event, finding, ctx, { name, arn, account: ctx.owner }, at.resource, {
            outcome: 'failed',
            reason,
            error: text,
            restored: false,
            actions,
            changes: [],
          }),
      };
    }
    const { event, steps, repair } = result;
    // Nothing to put back (compliant, or a policy that still lets CloudTrail deliver): no finding.
    if (repair.restored === null || repair.outcome === 'ignored' || repair.outcome === 'already-compliant') return null;
    const repaired = repair.outcome === 'restored';
    const reason = `found by the sweep (no ${check.eventName} record reached TrailGuard, or it predates TrailGuard); ${repair.reason}`;
    const outcome = repair.outcome;
    return {
      finding,
      repaired,
      outcome,
      reason,
      alert: () =>
        storageAlert(event, finding, ctx, { name, arn, account: ctx.owner }, at.resource, {
          outcome,
          reason,
          error: outcome === 'failed' ? repair.reason : null,
          restored: repair.restored,
          actions: steps.actions,
          changes: repair.changes,
          isLogging: repair.isLogging ?? null,
          remediatedAt: repaired ? deps.now().toISOString() : null,
        }),
    };
  };
  const found = await Promise.all(out.flatMap((at) => CHECKS[at.what].map((check) => judge(check, at))));
  return found.filter((f): f is LogStorageFinding => f !== null);
}

function storageAlert(
  event: StorageEvent,
  finding: Finding,
  ctx: { sweepId: string },
  trail: TrailAlert['trail'],
  resource: StorageResource,
  facts: {
    outcome: Exclude<TrailAlert['outcome'], 'resolved'> | 'resolved';
    reason: string;
    error: string | null;
    restored: boolean | null;
    actions: string[];
    changes: string[];
    isLogging?: boolean | null;
    remediatedAt?: string | null;
  },
): TrailAlert {
  return {
    ...buildStorageAlert(event, trail, resource, {
      outcome: facts.outcome,
      isLogging: facts.isLogging ?? null,
      remediatedAt: facts.remediatedAt ?? null,
      error: facts.error,
      actions: facts.actions,
      changes: facts.changes,
      reason: facts.reason,
      restored: facts.restored,
    }),
    id: `sweep/${ctx.sweepId}/${findingKey(finding)}`.slice(0, 256),
    trigger: 'sweep',
  };
}

// What the log-impairment families share: the watched trail a resource belongs to, recorded steps, and the shape of a repair.
import { ListTrailsCommand, type Trail } from '@aws-sdk/client-cloudtrail';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeOrganizationCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import { DescribeKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Outcome } from '#core/alert.js';
import { partitionOf, splitTrailArn, trailArn } from '#core/arn.js';
import { describeTrails, getTrail, getTrailStatus, logGroupArnOf, s3BucketNameOf } from '#core/aws/cloudtrail.js';
import { isKmsAlias, type TrailBaseline } from '#core/config.js';
import { errorCode, errorText, RemediationError } from '#core/errors.js';
import { type DeliveryTarget, logKeyPrefixesOf } from '#core/log-storage.js';
import type { StorageEvent, StorageResource } from '#core/impairment-event.js';
import type { RemediateDeps, RemediationPolicy } from '../remediate.js';
import { RecordedSteps } from '../steps.js';

export interface StorageDeps extends RemediateDeps {
  /** An S3 client acting in `account` (assumed role) in `region`. Throws AssumeRoleError when the role cannot be assumed. */
  s3?(account: string, region: string): Promise<S3Client>;
  /** A CloudWatch Logs client acting in `account` in `region`. */
  logs?(account: string, region: string): Promise<CloudWatchLogsClient>;
  /** An Organizations client acting in `account`: the organization id an organization trail writes under. */
  organizations?(account: string): Promise<OrganizationsClient>;
}

/** The watched trail that delivers to, or encrypts with, the resource a call touched. */
export interface WatchedTrail {
  name: string;
  arn: string;
  /** Owner of the trail (the account its ARN names). */
  account: string;
  /** Home region of the trail. */
  region: string;
  /** The baseline that names this trail, if any: it holds `retentionDays` and the log group to recreate. */
  baseline: TrailBaseline | undefined;
  /** true when CloudTrail reported the trail (DescribeTrails); false when only the baseline names it. */
  discovered: boolean;
  /** How the trail writes to its bucket, as DescribeTrails (or else the baseline) says; null fields are unknown. */
  writes: TrailWrites;
  /**
   * For a bucket: the key prefixes every watched trail delivering to it writes under (`<S3KeyPrefix>/AWSLogs/`), from
   * DescribeTrails and the baseline; null when one of them is unknown (a baseline trail that does not pin s3KeyPrefix).
   */
  logKeyPrefixes: string[] | null;
}

/** What decides the keys a trail writes and the requests it makes (see cloudTrailBucketRequests). */
export interface TrailWrites {
  s3KeyPrefix: string | null;
  isOrganizationTrail: boolean | undefined;
  logFileValidation: boolean;
  insights: boolean;
}

export const writesOfListed = (t: Trail): TrailWrites => ({
  s3KeyPrefix: t.S3KeyPrefix ?? '',
  isOrganizationTrail: t.IsOrganizationTrail === true,
  logFileValidation: t.LogFileValidationEnabled === true,
  insights: t.HasInsightSelectors === true,
});

// A baseline leaves unpinned what TrailGuard does not enforce: an unset s3KeyPrefix or isOrganizationTrail is unknown.
const writesOfBaseline = (b: TrailBaseline): TrailWrites => ({
  s3KeyPrefix: b.s3KeyPrefix ?? null,
  isOrganizationTrail: b.isOrganizationTrail,
  logFileValidation: b.enableLogFileValidation,
  insights: false,
});

/** The log key prefixes of every trail (listed, or only in the baseline) delivering to the bucket; null when one is unknown. */
export function bucketLogPrefixes(
  resource: StorageResource,
  event: StorageEvent,
  listed: readonly Trail[],
  policy: RemediationPolicy,
): string[] | null {
  if (resource.type !== 's3-bucket') return null;
  const using = listed.filter((t) => trailUsesListed(resource, event, t));
  const names = new Set(using.map((t) => t.Name));
  const baseline = policy.trails.filter(
    (b) => !names.has(b.name) && trailUses(resource, event, { bucket: b.s3BucketName, key: undefined, logGroup: undefined }),
  );
  const prefixes: string[] = [];
  for (const s3KeyPrefix of [...using.map((t) => t.S3KeyPrefix ?? ''), ...baseline.map((b) => b.s3KeyPrefix ?? null)]) {
    const found = logKeyPrefixesOf(s3KeyPrefix);
    if (!found) return null;
    prefixes.push(...found);
  }
  return [...new Set(prefixes)];
}

/** What a family decided and did. `restored`: the resource was put back (true), not (false), nothing to do (null). */
export interface Repair {
  outcome: Exclude<Outcome, 'ignored' | 'rejected'> | 'ignored';
  reason: string;
  /** What the tamper call did, in a responder's words. */
  changes: string[];
  restored: boolean | null;
  /** The trail's IsLogging when it was read (GetTrailStatus), else null. */
  isLogging?: boolean | null;
}

/** Runs one AWS call of a repair, records it in `actions`, and names the resource in any error. */
export class Steps extends RecordedSteps {
  constructor(private readonly resource: StorageResource) {
    super();
  }

  protected subject(): string {
    return `${this.resource.type} ${this.resource.name}`;
  }
}

export interface StorageContext {
  event: StorageEvent;
  resource: StorageResource;
  trail: WatchedTrail;
  policy: RemediationPolicy;
  deps: StorageDeps;
  steps: Steps;
  /** The call was made with TrailGuard's own role: only a call it makes towards the baseline is ignored. */
  ownRole: boolean;
}

export type StorageHandler = (ctx: StorageContext) => Promise<Repair>;

function client<C>(
  factory: ((account: string, region: string) => Promise<C>) | undefined,
  service: string,
  account: string,
  region: string,
): Promise<C> {
  if (!factory) throw Object.assign(new Error(`this remediator has no ${service} access`), { name: `${service}Unavailable` });
  return factory(account, region);
}

export const s3Of = (ctx: StorageContext) => client(ctx.deps.s3, 'S3', ctx.event.account, ctx.event.region);
export const kmsOf = (ctx: StorageContext) => client<KMSClient>(ctx.deps.kms, 'KMS', ctx.event.account, ctx.event.region);
export const logsOf = (ctx: StorageContext) => client(ctx.deps.logs, 'CloudWatchLogs', ctx.event.account, ctx.event.region);

/** Whether a trail (as DescribeTrails reports it, or a baseline) uses the resource. */
function trailUses(
  resource: StorageResource,
  event: StorageEvent,
  trail: { bucket?: string | undefined; key?: string | undefined; logGroup?: string | undefined },
): boolean {
  switch (resource.type) {
    case 's3-bucket':
      return trail.bucket !== undefined && s3BucketNameOf(trail.bucket) === resource.name;
    case 'kms-key':
      // CloudTrail reports the key ARN; a baseline may give the bare key id of the trail's own account.
      return trail.key !== undefined && (trail.key === resource.arn || trail.key === resource.name);
    case 'log-group':
      return (
        trail.logGroup !== undefined &&
        logGroupArnOf(trail.logGroup) ===
          logGroupArnOf(`arn:${partitionOf(event.region)}:logs:${event.region}:${event.account}:log-group:${resource.name}`)
      );
  }
}

const trailUsesListed = (resource: StorageResource, event: StorageEvent, trail: Trail) =>
  trailUses(resource, event, { bucket: trail.S3BucketName, key: trail.KmsKeyId, logGroup: trail.CloudWatchLogsLogGroupArn });

/** The account's own trails homed in other regions than the call's (ListTrails names every region's), not already `listed`. */
async function trailsHomedElsewhere(event: StorageEvent, listed: readonly Trail[], deps: StorageDeps): Promise<Trail[]> {
  const client = await deps.cloudtrail(event.account, event.region);
  const known = new Set(listed.map((t) => t.TrailARN));
  const others: { arn: string; region: string }[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(new ListTrailsCommand({ NextToken: token }));
    for (const t of out?.Trails ?? []) {
      // Only the account's own trails: GetTrail on another account's (organization) trail may be refused, and a refusal
      // here would turn every call on an unrelated bucket into a `failed` alert.
      if (
        t.TrailARN &&
        t.HomeRegion &&
        t.HomeRegion !== event.region &&
        !known.has(t.TrailARN) &&
        splitTrailArn(t.TrailARN)?.account === event.account
      )
        others.push({ arn: t.TrailARN, region: t.HomeRegion });
    }
    token = out?.NextToken;
  } while (token);
  const found: Trail[] = [];
  for (const { arn, region } of others) {
    const trail = await getTrail(await deps.cloudtrail(event.account, region), arn);
    if (trail) found.push(trail);
  }
  return found;
}

/**
 * The baseline trail whose `kmsKeyId` is an alias of the call's account and region (an alias ARN naming them, or a bare
 * `alias/` name) that points at the key now (kms:DescribeKey, the role's ResolveBaselineKmsAlias grant). An alias that
 * does not exist there is no match; any other error throws: TrailGuard cannot tell.
 */
async function baselineByKeyAlias(
  event: StorageEvent,
  resource: StorageResource,
  policy: RemediationPolicy,
  deps: StorageDeps,
): Promise<TrailBaseline | undefined> {
  const here = (alias: string) => {
    const arn = /^arn:[\w-]+:kms:([a-z0-9-]+):(\d{12}):alias\//.exec(alias);
    return arn ? arn[1] === event.region && arn[2] === event.account : true;
  };
  const candidates = policy.trails.filter((t) => t.kmsKeyId && isKmsAlias(t.kmsKeyId) && here(t.kmsKeyId));
  if (candidates.length === 0 || !deps.kms) return undefined;
  const kms = await deps.kms(event.account, event.region);
  for (const trail of candidates) {
    try {
      const out = await kms.send(new DescribeKeyCommand({ KeyId: trail.kmsKeyId }));
      if (out?.KeyMetadata?.Arn === resource.arn) return trail;
    } catch (error) {
      if (errorCode(error) === 'NotFoundException') continue;
      throw new RemediationError(
        `cannot tell whether ${resource.type} ${resource.name} in ${event.account}/${event.region} is trail ${trail.name}'s: kms:DescribeKey on its baseline alias ${trail.kmsKeyId} failed (${errorText(error)})`,
        errorCode(error),
        { cause: error },
      );
    }
  }
  return undefined;
}

/**
 * The watched trail that uses the resource: first among the trails CloudTrail reports to TrailGuard's role in the
 * call's account and region (DescribeTrails with shadow trails: multi-region trails homed elsewhere and organization
 * trails the account can see), else the baseline trails (`s3BucketAccount` says which account holds a baseline's
 * bucket). Resolves to null when neither names it: the resource is not TrailGuard's to watch. Throws when
 * DescribeTrails fails and the baseline does not name it: TrailGuard cannot tell, which must be alerted.
 */
export async function findWatchedTrail(
  event: StorageEvent,
  resource: StorageResource,
  policy: RemediationPolicy,
  deps: StorageDeps,
): Promise<WatchedTrail | null> {
  let listed: Trail[] = [];
  let listError: unknown = null;
  try {
    listed = await describeTrails(await deps.cloudtrail(event.account, event.region));
  } catch (error) {
    listError = error;
  }
  const byName = (name: string) => policy.trails.find((t) => t.name === name);
  // A trail may deliver to a bucket (and so encrypt with a key, which KMS keeps in the bucket's region) of another
  // region than its home: a single-region trail homed elsewhere is not among this region's trails, not even as a shadow.
  if (listError === null && resource.type !== 'log-group' && !listed.some((t) => trailUsesListed(resource, event, t))) {
    try {
      listed = [...listed, ...(await trailsHomedElsewhere(event, listed, deps))];
    } catch (error) {
      listError = error;
    }
  }
  for (const trail of listed) {
    if (!trail.TrailARN || !trail.Name) continue;
    if (!trailUsesListed(resource, event, trail)) continue;
    const arn = splitTrailArn(trail.TrailARN);
    return {
      name: trail.Name,
      arn: trail.TrailARN,
      account: arn?.account ?? event.account,
      region: trail.HomeRegion ?? arn?.region ?? event.region,
      baseline: byName(trail.Name),
      discovered: true,
      writes: writesOfListed(trail),
      logKeyPrefixes: bucketLogPrefixes(resource, event, listed, policy),
    };
  }
  const byResource = policy.trails.find(
    (t) =>
      (t.s3BucketAccount === undefined || t.s3BucketAccount === event.account || resource.type !== 's3-bucket') &&
      trailUses(resource, event, {
        bucket: t.s3BucketName,
        // A bare multi-Region key id (`mrk-`) is the id of every replica, in every region: it cannot say which one the
        // trail uses, so only a key ARN (or DescribeTrails above) ties such a key to a baseline trail.
        key: t.kmsKeyId && /^mrk-/.test(t.kmsKeyId) ? undefined : t.kmsKeyId,
        logGroup: t.cloudWatchLogsLogGroupArn,
      }),
  );
  // A key the baseline pins by alias: the alias is resolved where the key lives (the call's account and region).
  const baseline = byResource ?? (resource.type === 'kms-key' ? await baselineByKeyAlias(event, resource, policy, deps) : undefined);
  if (baseline) {
    return {
      name: baseline.name,
      arn: trailArn(event.region, event.account, baseline.name),
      account: event.account,
      region: event.region,
      baseline,
      discovered: false,
      writes: writesOfBaseline(baseline),
      logKeyPrefixes: bucketLogPrefixes(resource, event, listed, policy),
    };
  }
  if (listError) {
    throw new RemediationError(
      `cannot tell whether ${resource.type} ${resource.name} in ${event.account}/${event.region} belongs to a watched trail: DescribeTrails failed (${errorText(listError)}); name it in the trails baseline or let TrailGuard's role read trails there`,
      errorCode(listError),
      { cause: listError },
    );
  }
  return null;
}

/** The trail's logging state and last delivery error, best effort: a failure to read it never fails a repair. */
export async function trailHealth(
  ctx: StorageContext,
): Promise<{ isLogging: boolean | null; deliveryError: string | null; note: string | null }> {
  if (!ctx.trail.discovered) return { isLogging: null, deliveryError: null, note: null };
  try {
    const client = await ctx.deps.cloudtrail(ctx.event.account, ctx.trail.region);
    const status = await ctx.steps.run('GetTrailStatus', () => getTrailStatus(client, ctx.trail.arn));
    return { isLogging: status.isLogging, deliveryError: status.latestDeliveryError, note: null };
  } catch (error) {
    return { isLogging: null, deliveryError: null, note: `the trail's status could not be read: ${errorText(error)}` };
  }
}

/**
 * The organization id an organization trail writes its members' logs under (`AWSLogs/<id>/`): Organizations'
 * DescribeOrganization with TrailGuard's role in the call's account (its ReadOrganizationMembership grant). Null when
 * it cannot be read: the bucket policy is then judged "cannot confirm" on those keys, never "allowed".
 */
async function organizationIdOf(ctx: StorageContext): Promise<string | null> {
  if (!ctx.deps.organizations) return null;
  try {
    const client = await ctx.deps.organizations(ctx.event.account);
    const out = await ctx.steps.run('DescribeOrganization', () => client.send(new DescribeOrganizationCommand({})));
    return out?.Organization?.Id ?? null;
  } catch {
    return null;
  }
}

/**
 * The trail's ARN and account as CloudTrail sends them (aws:SourceArn, aws:SourceAccount). A trail only the baseline
 * names has an unknown home region, and an unknown account when its bucket is in a log archive (`s3BucketAccount`)
 * unless it is the organization trail of the configured management account: those parts are globs, never guesses.
 */
export function trailIdentity(ctx: StorageContext): { trailArn: string; trailAccount: string } {
  const { trail, event } = ctx;
  if (trail.discovered) return { trailArn: trail.arn, trailAccount: trail.account };
  const management = trail.writes.isOrganizationTrail ? ctx.policy.organization?.managementAccount : undefined;
  const elsewhere = trail.baseline?.s3BucketAccount !== undefined || trail.writes.isOrganizationTrail === true;
  const trailAccount = management ?? (elsewhere ? '*' : event.account);
  return { trailArn: `arn:${partitionOf(event.region)}:cloudtrail:*:${trailAccount}:trail/${trail.name}`, trailAccount };
}

/** Where the trail delivers, for judging its bucket policy (cloudTrailBucketRequests). */
export async function deliveryTarget(ctx: StorageContext): Promise<DeliveryTarget> {
  const { trail, event } = ctx;
  return {
    partition: partitionOf(event.region),
    bucket: ctx.resource.name,
    ...trailIdentity(ctx),
    ...trail.writes,
    organizationId: trail.writes.isOrganizationTrail ? await organizationIdOf(ctx) : undefined,
  };
}

// Pure decisions about where a trail's logs go (its S3 bucket, KMS key, CloudWatch Logs group): what counts as an
// impairment and what undoing it means. Functions of observed state and baseline only, so the sweep can call them too.
import type { LifecycleRule } from '@aws-sdk/client-s3';
import { evaluateServiceAccess, type ServiceRequest } from './resource-policy.js';

/** One lifecycle rule that destroys logs (or makes them unreadable), with the words an alert uses for it. */
export interface ExpiringRule {
  rule: LifecycleRule;
  /** `a lifecycle rule "nuke" deleting logs after 1 day`. */
  description: string;
}

export interface LifecycleDecision {
  /** Enabled rules that can reach a log and expire current or noncurrent objects sooner than the retention (every such rule without one). */
  expiring: ExpiringRule[];
  /** The other rules, in their order: what stays on the bucket. */
  kept: LifecycleRule[];
  /**
   * Kept rules that can reach a log and move it to an archive storage class (GLACIER, DEEP_ARCHIVE) sooner than the
   * retention: each log is then unreadable until restored, one by one. Reported, never removed (often a cost decision).
   */
  archiving: ExpiringRule[];
  /** true when the baseline gives `retentionDays`: the expiring rules are removed; false: only reported. */
  remove: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const dayOf = (date: Date | string) => new Date(date).toISOString().slice(0, 10);

/** Days after which the rule deletes objects (current, or noncurrent versions), the smallest; null when it deletes none. */
function expiryOf(rule: LifecycleRule): { days: number; text: string } | null {
  const found: { days: number; text: string }[] = [];
  const { Expiration, NoncurrentVersionExpiration } = rule;
  if (Expiration?.Days !== undefined) found.push({ days: Expiration.Days, text: `deleting logs after ${plural(Expiration.Days, 'day')}` });
  if (Expiration?.Date !== undefined) {
    // From that date on every object is expired, whatever its age: a log written the day before lives less than a
    // day, so however far away the date is, it keeps logs shorter than any retention (0 days).
    found.push({ days: 0, text: `deleting every log on ${dayOf(Expiration.Date)}` });
  }
  if (NoncurrentVersionExpiration?.NoncurrentDays !== undefined) {
    const n = NoncurrentVersionExpiration.NoncurrentDays;
    found.push({ days: n, text: `deleting overwritten or deleted log versions after ${plural(n, 'day')}` });
  }
  return found.sort((a, b) => a.days - b.days)[0] ?? null;
}

/**
 * Storage classes whose objects cannot be read until restored (S3 User Guide, "Understanding S3 Glacier storage
 * classes": Flexible Retrieval and Deep Archive take minutes to 48 hours per object). GLACIER_IR, STANDARD_IA and
 * ONEZONE_IA stay readable, so moving logs there impairs nothing.
 */
const ARCHIVE_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/** The soonest transition of current objects to an archive class; null when the rule moves none there. */
function archiveOf(rule: LifecycleRule): { days: number; text: string } | null {
  const found = (rule.Transitions ?? []).flatMap((t) => {
    if (!t.StorageClass || !ARCHIVE_CLASSES.has(t.StorageClass)) return [];
    const unreadable = 'unreadable until each is restored';
    // A Date moves every object on that day, the newest too, as an Expiration.Date deletes them (0 days).
    if (t.Date !== undefined) return [{ days: 0, text: `moving every log to ${t.StorageClass} on ${dayOf(t.Date)} (${unreadable})` }];
    if (t.Days !== undefined)
      return [{ days: t.Days, text: `moving logs to ${t.StorageClass} after ${plural(t.Days, 'day')} (${unreadable})` }];
    return [];
  });
  return found.sort((a, b) => a.days - b.days)[0] ?? null;
}

/**
 * The smallest object CloudTrail can write: its log, digest and Insights files are gzip files, and a gzip file is at
 * least 18 bytes of header and trailer plus its deflate data (RFC 1952), so at least 20 bytes.
 */
const SMALLEST_LOG_BYTES = 20;

/**
 * Whether a rule's filter can match a key CloudTrail writes (S3 API reference, LifecycleRuleFilter and the legacy
 * top-level Prefix). `logKeyPrefixes` are the prefixes CloudTrail writes under on this bucket (`<S3KeyPrefix>/AWSLogs/`
 * of each trail delivering there); null when TrailGuard does not know them: then every filter can. CloudTrail never
 * tags its objects, so a tag filter matches none of them; an object-size range below the smallest log matches none.
 */
export function ruleReachesLogs(rule: LifecycleRule, logKeyPrefixes: readonly string[] | null): boolean {
  const filter = rule.Filter;
  const and = filter?.And;
  if (filter?.Tag !== undefined || (and?.Tags?.length ?? 0) > 0) return false;
  const above = filter?.ObjectSizeGreaterThan ?? and?.ObjectSizeGreaterThan;
  const below = filter?.ObjectSizeLessThan ?? and?.ObjectSizeLessThan;
  if (below !== undefined && (below <= SMALLEST_LOG_BYTES || (above !== undefined && below <= above + 1))) return false;
  if (logKeyPrefixes === null) return true;
  // S3 prefixes have no wildcards, but one written with `*` (Stratus Red Team's `Prefix: "*"`, case 16) says what it
  // was meant to reach: it is read up to its first wildcard, as a rule meant for everything.
  const prefix = (filter?.Prefix ?? and?.Prefix ?? rule.Prefix ?? '').replace(/[*?].*$/s, '');
  // A rule prefix inside a log prefix (one region, the digests) still destroys logs; one above it destroys them all.
  return logKeyPrefixes.some((logs) => prefix.startsWith(logs) || logs.startsWith(prefix));
}

/**
 * The key prefixes CloudTrail writes a trail's files under (CloudTrail User Guide, "Finding your CloudTrail log files":
 * `<bucket>/<S3KeyPrefix>/AWSLogs/...`); null for an unknown S3KeyPrefix. A prefix ending in `/` is given both ways,
 * so a rule is never judged apart from the logs by one slash.
 */
export function logKeyPrefixesOf(s3KeyPrefix: string | null | undefined): string[] | null {
  if (s3KeyPrefix === null || s3KeyPrefix === undefined) return null;
  if (s3KeyPrefix === '') return ['AWSLogs/'];
  return [...new Set([`${s3KeyPrefix}/AWSLogs/`, `${s3KeyPrefix.replace(/\/+$/, '')}/AWSLogs/`])];
}

/**
 * Which lifecycle rules of a trail's bucket destroy its logs (S3 API reference, LifecycleRule: Expiration.Days and
 * .Date, NoncurrentVersionExpiration.NoncurrentDays) and which move them to an archive class (Transitions to GLACIER or
 * DEEP_ARCHIVE, by Days or Date). `retentionDays` is the baseline's: expiring rules sooner than it are removed, the
 * others kept; archiving rules sooner than it are reported in `archiving`, and kept. Without it, every enabled expiring
 * rule is reported and none is removed (the undo would be a guess), and every archiving rule is reported.
 * Only rules whose filter can match a log key count (`ruleReachesLogs`, with `logKeyPrefixes`; without them every
 * filter counts): a short expiry on Athena results or tagged scratch objects beside the logs is kept untouched.
 * An Expiration.Date (or a Transition.Date) counts as 0 days however far away it is (that day every log goes, also the
 * day-old ones); `now` is kept for callers.
 */
export function decideLifecycle(
  rules: readonly LifecycleRule[],
  retentionDays: number | undefined,
  _now: Date,
  { logKeyPrefixes = null }: { logKeyPrefixes?: readonly string[] | null } = {},
): LifecycleDecision {
  const expiring: ExpiringRule[] = [];
  const kept: LifecycleRule[] = [];
  const archiving: ExpiringRule[] = [];
  const sooner = (days: number) => retentionDays === undefined || days < retentionDays;
  const name = (rule: LifecycleRule) => `a lifecycle rule${rule.ID ? ` "${rule.ID}"` : ''}`;
  for (const rule of rules) {
    const counts = rule.Status === 'Enabled' && ruleReachesLogs(rule, logKeyPrefixes);
    const expiry = counts ? expiryOf(rule) : null;
    if (expiry && sooner(expiry.days)) {
      expiring.push({ rule, description: `${name(rule)} ${expiry.text}` });
      continue;
    }
    kept.push(rule);
    const archive = counts ? archiveOf(rule) : null;
    if (archive && sooner(archive.days)) archiving.push({ rule, description: `${name(rule)} ${archive.text}` });
  }
  return { expiring, kept, archiving, remove: retentionDays !== undefined };
}

/** `the other 2 rules were kept` / `no other rule was there`: how many rules stayed. */
export function describeKept(kept: number): string {
  return kept === 0 ? 'no other rule was there' : `the other ${plural(kept, 'rule')} ${kept === 1 ? 'was' : 'were'} kept`;
}

const CLOUDTRAIL = 'cloudtrail.amazonaws.com';

/**
 * Condition keys a service principal's request never carries (IAM User Guide, "AWS global condition context keys",
 * Availability): they describe an IAM principal or a network origin. A Deny on `NotIpAddress aws:SourceIp` therefore
 * shuts CloudTrail out, as it does in AWS. Every other key TrailGuard does not set is unknown.
 */
const ABSENT_FOR_SERVICES = [
  'aws:principalarn',
  'aws:principalaccount',
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principaltag/',
  'aws:userid',
  'aws:username',
  'aws:sourceip',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:vpcsourceip',
  'aws:multifactorauthpresent',
  'aws:multifactorauthage',
  'aws:tokenissuetime',
];

/** What CloudTrail sends with every request to a trail's bucket or key, the trail named by (a glob of) its ARN and account. */
function cloudTrailContext(trailArn: string, trailAccount: string): Record<string, string> {
  return {
    'aws:sourcearn': trailArn,
    'aws:sourceaccount': trailAccount,
    'aws:principalservicename': CLOUDTRAIL,
    'aws:principalisawsservice': 'true',
    'aws:securetransport': 'true',
  };
}

/** One request CloudTrail makes to deliver, with the words an alert uses for it. */
export interface DeliveryRequest {
  /** The action, as an alert names it (`s3:PutObject`). */
  label: string;
  /** What it is made on, for the alert (`arn:aws:s3:::b/AWSLogs/111111111111/CloudTrail/*`); absent when it says nothing. */
  on?: string;
  request: ServiceRequest;
}

/**
 * Where a trail delivers, as far as TrailGuard knows it. Globs stand for what it does not know: the trail's account
 * seen from a log archive, its home region (`*`). `s3KeyPrefix` null: unknown; `organizationId` null:
 * an organization trail whose organization id could not be read; undefined: not an organization trail.
 */
export interface DeliveryTarget {
  partition: string;
  bucket: string;
  trailArn: string;
  trailAccount: string;
  s3KeyPrefix: string | null;
  isOrganizationTrail: boolean | undefined;
  organizationId?: string | null | undefined;
  logFileValidation: boolean;
  insights: boolean;
}

const hasGlob = (value: string) => /[*?]/.test(value);

/**
 * The requests CloudTrail makes to deliver a trail's files to its bucket (CloudTrail User Guide, "Amazon S3 bucket
 * policy for CloudTrail" and "Finding your CloudTrail log files"): s3:GetBucketAcl on the bucket, and s3:PutObject with
 * `s3:x-amz-acl: bucket-owner-full-control` under `<S3KeyPrefix>/AWSLogs/<account>/` (organization trails:
 * `AWSLogs/<organization id>/<member account>/`) for CloudTrail/ logs, CloudTrail-Digest/ files when log file
 * validation is on, and CloudTrail-Insight/ files when Insights are. Each names exactly the keys CloudTrail writes when
 * every part of the target is known.
 */
export function cloudTrailBucketRequests(t: DeliveryTarget): DeliveryRequest[] {
  const context = cloudTrailContext(t.trailArn, t.trailAccount);
  const base = { service: CLOUDTRAIL, absent: ABSENT_FOR_SERVICES };
  const bucketArn = `arn:${t.partition}:s3:::${t.bucket}`;
  const prefix = t.s3KeyPrefix === null ? '*' : t.s3KeyPrefix ? `${t.s3KeyPrefix}/` : '';
  // Every member account of an organization trail writes under the organization id: all of them must be allowed.
  const owner = t.isOrganizationTrail === undefined ? '*' : t.isOrganizationTrail ? `${t.organizationId ?? 'o-*'}/*` : t.trailAccount;
  // Exact: the keys are known but for the member account of an organization trail, which stands for every member.
  const known = t.isOrganizationTrail ? typeof t.organizationId === 'string' : t.isOrganizationTrail === false && !hasGlob(t.trailAccount);
  const exact = t.s3KeyPrefix !== null && known;
  const folders = ['CloudTrail', ...(t.logFileValidation ? ['CloudTrail-Digest'] : []), ...(t.insights ? ['CloudTrail-Insight'] : [])];
  return [
    {
      label: 's3:GetBucketAcl',
      on: bucketArn,
      request: { ...base, action: 's3:GetBucketAcl', resource: bucketArn, exactResource: true, context },
    },
    ...folders.map((folder) => {
      const resource = `${bucketArn}/${prefix}AWSLogs/${owner}/${folder}/*`;
      return {
        label: 's3:PutObject',
        on: resource,
        request: {
          ...base,
          action: 's3:PutObject',
          resource,
          exactResource: exact,
          context: { ...context, 's3:x-amz-acl': 'bucket-owner-full-control' },
        },
      };
    }),
  ];
}

/**
 * The request CloudTrail makes to encrypt a trail's files with its KMS key (CloudTrail User Guide, "Configure AWS KMS
 * key policies for CloudTrail"): kms:GenerateDataKey on the key, with the trail's ARN as `aws:SourceArn` and as the
 * encryption context `kms:EncryptionContext:aws:cloudtrail:arn`.
 */
export function cloudTrailKeyRequest(keyArn: string, trailArn: string, trailAccount: string): DeliveryRequest {
  return {
    label: 'kms:GenerateDataKey',
    request: {
      service: CLOUDTRAIL,
      action: 'kms:GenerateDataKey',
      resource: keyArn,
      exactResource: true,
      absent: ABSENT_FOR_SERVICES,
      context: { ...cloudTrailContext(trailArn, trailAccount), 'kms:encryptioncontext:aws:cloudtrail:arn': trailArn },
    },
  };
}

/** Whether a policy lets CloudTrail make every request: `problem` null when it does; `certain` false when it may not. */
export interface AccessFinding {
  problem: string | null;
  certain: boolean;
}

/**
 * Why CloudTrail cannot make `requests` under `policy` (a bucket or key policy, JSON text; null when there is none),
 * in a responder's words: `certain` when the policy denies or grants too little, not `certain` when it depends on what
 * TrailGuard cannot evaluate (then it says so). `what` names the resource (`bucket org-audit-logs`).
 */
export function cloudTrailAccess(policy: string | null, what: string, requests: readonly DeliveryRequest[]): AccessFinding {
  if (policy === null) {
    const actions = [...new Set(requests.map((r) => r.request.action))].join(' and ');
    return { problem: `${what} has no policy now, so CloudTrail may not call ${actions} on it`, certain: true };
  }
  const certain: string[] = [];
  const uncertain: string[] = [];
  for (const { label, on, request } of requests) {
    const verdict = evaluateServiceAccess(policy, request);
    const where = on ? ` on ${on}` : '';
    if (verdict.allowed === true) continue;
    if (verdict.allowed === false) {
      certain.push(
        verdict.deniedBy.length > 0
          ? `the policy of ${what} denies ${label} to CloudTrail (statement ${verdict.deniedBy.join(', ')})${where}`
          : `the policy of ${what} no longer allows ${CLOUDTRAIL} ${label}${where}${verdict.reasons.length > 0 ? ` (${verdict.reasons.join('; ')})` : ''}`,
      );
    } else
      uncertain.push(
        `TrailGuard cannot confirm that the policy of ${what} allows ${CLOUDTRAIL} ${label}${where}: ${verdict.reasons.join('; ')}`,
      );
  }
  if (certain.length > 0) return { problem: [...certain, ...uncertain].join('; '), certain: true };
  return uncertain.length > 0 ? { problem: uncertain.join('; '), certain: false } : { problem: null, certain: true };
}

/**
 * Why CloudTrail cannot call `action` on the resource under `policy`, or null when the policy allows it, judged on the
 * action and principal alone (no resource, no request context: every condition is unknown, so a conditional deny
 * counts). `cloudTrailAccess` with `cloudTrailBucketRequests` / `cloudTrailKeyRequest` judges a trail's real requests.
 */
export function cloudTrailAccessProblem(policy: string | null, what: string, action: string): string | null {
  return cloudTrailAccess(policy, what, [{ label: action, request: { service: CLOUDTRAIL, action, context: {}, absent: [] } }]).problem;
}

/** KMS key states (KMS API reference, KeyMetadata.KeyState) and the calls that make such a key usable again. */
export function keyRepair(
  state: string | undefined,
): { calls: ('CancelKeyDeletion' | 'EnableKey')[] } | { usable: true } | { stuck: string } {
  switch (state) {
    case 'Enabled':
      return { usable: true };
    case 'Disabled':
      return { calls: ['EnableKey'] };
    // CancelKeyDeletion leaves the key disabled (KMS API reference), so it is enabled after.
    case 'PendingDeletion':
      return { calls: ['CancelKeyDeletion', 'EnableKey'] };
    default:
      return { stuck: `the key is ${state ?? 'in an unknown state'}, which TrailGuard cannot undo` };
  }
}

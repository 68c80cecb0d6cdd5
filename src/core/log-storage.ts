// Pure decisions about where a trail's logs go (its S3 bucket, KMS key, CloudWatch Logs group): what counts as an
// impairment and what undoing it means. Functions of observed state and baseline only, so the sweep can call them too.
import type { LifecycleRule } from '@aws-sdk/client-s3';

/** One lifecycle rule that destroys logs, with the words an alert uses for it. */
export interface ExpiringRule {
  rule: LifecycleRule;
  /** `a lifecycle rule "nuke" deleting logs after 1 day`. */
  description: string;
}

export interface LifecycleDecision {
  /** Enabled rules that expire current or noncurrent objects sooner than the retention (every expiring rule without one). */
  expiring: ExpiringRule[];
  /** The other rules, in their order: what stays on the bucket. */
  kept: LifecycleRule[];
  /** true when the baseline gives `retentionDays`: the expiring rules are removed; false: only reported. */
  remove: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Days after which the rule deletes objects (current, or noncurrent versions), the smallest; null when it deletes none. */
function expiryOf(rule: LifecycleRule): { days: number; text: string } | null {
  const found: { days: number; text: string }[] = [];
  const { Expiration, NoncurrentVersionExpiration } = rule;
  if (Expiration?.Days !== undefined) found.push({ days: Expiration.Days, text: `deleting logs after ${plural(Expiration.Days, 'day')}` });
  if (Expiration?.Date !== undefined) {
    // From that date on every object is expired, whatever its age: a log written the day before lives less than a
    // day, so however far away the date is, it keeps logs shorter than any retention (0 days).
    const date = new Date(Expiration.Date);
    found.push({ days: 0, text: `deleting every log on ${date.toISOString().slice(0, 10)}` });
  }
  if (NoncurrentVersionExpiration?.NoncurrentDays !== undefined) {
    const n = NoncurrentVersionExpiration.NoncurrentDays;
    found.push({ days: n, text: `deleting overwritten or deleted log versions after ${plural(n, 'day')}` });
  }
  return found.sort((a, b) => a.days - b.days)[0] ?? null;
}

/**
 * Which lifecycle rules of a trail's bucket destroy its logs (S3 API reference, LifecycleRule: Expiration.Days and
 * .Date, NoncurrentVersionExpiration.NoncurrentDays). `retentionDays` is the baseline's: rules expiring objects sooner
 * are removed, the others kept. Without it, every enabled expiring rule is reported and none is removed (the undo
 * would be a guess). Every rule counts whatever its filter: on a bucket a trail delivers to, a filter is as easy to
 * change as the rule, and S3 has no wildcards, so `Prefix: "*"` is as suspicious as none. An
 * Expiration.Date counts as 0 days however far away it is (that day every log goes, also the day-old ones); `now` is kept
 * for callers.
 */
export function decideLifecycle(rules: readonly LifecycleRule[], retentionDays: number | undefined, _now: Date): LifecycleDecision {
  const expiring: ExpiringRule[] = [];
  const kept: LifecycleRule[] = [];
  for (const rule of rules) {
    const expiry = rule.Status === 'Enabled' ? expiryOf(rule) : null;
    if (expiry && (retentionDays === undefined || expiry.days < retentionDays)) {
      expiring.push({ rule, description: `a lifecycle rule${rule.ID ? ` "${rule.ID}"` : ''} ${expiry.text}` });
    } else kept.push(rule);
  }
  return { expiring, kept, remove: retentionDays !== undefined };
}

/** `the other 2 rules were kept` / `no other rule was there`: how many rules stayed. */
export function describeKept(kept: number): string {
  return kept === 0 ? 'no other rule was there' : `the other ${plural(kept, 'rule')} ${kept === 1 ? 'was' : 'were'} kept`;
}

interface PolicyStatement {
  Sid?: unknown;
  Effect?: unknown;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Condition?: unknown;
}

const list = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v) => typeof v === 'string') : [];

/** IAM action matching: case-insensitive, `*` any run, `?` one character (IAM User Guide, "IAM JSON policy elements: Action"). */
function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(action);
}

function coversAction(statement: PolicyStatement, action: string): boolean {
  if (statement.NotAction !== undefined) return !list(statement.NotAction).some((p) => actionMatches(p, action));
  return list(statement.Action).some((p) => actionMatches(p, action));
}

/** Whether the statement's principal includes the service (or everyone). */
function coversService(statement: PolicyStatement, service: string): boolean {
  if (statement.NotPrincipal !== undefined) return true;
  const principal = statement.Principal;
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  const p = principal as Record<string, unknown>;
  return list(p.Service).includes(service) || list(p.AWS).includes('*');
}

/**
 * What a resource policy (a bucket policy, a key policy; JSON text, or null when there is none) lets a service do:
 * `allowedBy` the statements that allow it `action` (Principal.Service or `*`), `deniedBy` those that deny it (a
 * conditional deny counts: TrailGuard cannot evaluate its condition, so it may block). Statement ids, or `#<index>`.
 * Throws nothing: text that is not a policy allows nothing.
 */
export function serviceAccess(policy: string | null, service: string, action: string): { allowedBy: string[]; deniedBy: string[] } {
  let statements: PolicyStatement[] = [];
  try {
    const parsed = policy ? (JSON.parse(policy) as { Statement?: unknown }) : {};
    const raw = parsed.Statement;
    statements = (Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : []) as PolicyStatement[];
  } catch {
    statements = [];
  }
  const allowedBy: string[] = [];
  const deniedBy: string[] = [];
  statements.forEach((s, index) => {
    if (!s || typeof s !== 'object' || !coversAction(s, action) || !coversService(s, service)) return;
    const name = typeof s.Sid === 'string' && s.Sid ? s.Sid : `#${index}`;
    if (s.Effect === 'Deny') deniedBy.push(name);
    else if (s.Effect === 'Allow') allowedBy.push(name);
  });
  return { allowedBy, deniedBy };
}

/**
 * Why CloudTrail cannot use the resource under `policy`, in a responder's words, or null when the policy allows it.
 * `what` names the resource (`bucket org-audit-logs`), `action` the call CloudTrail needs (`s3:PutObject` for
 * delivery, `kms:GenerateDataKey` for encryption: CloudTrail User Guide, "Amazon S3 bucket policy for CloudTrail" and
 * "Configure AWS KMS key policies for CloudTrail").
 */
export function cloudTrailAccessProblem(policy: string | null, what: string, action: string): string | null {
  if (policy === null) return `${what} has no policy now, so CloudTrail may not call ${action} on it`;
  const { allowedBy, deniedBy } = serviceAccess(policy, 'cloudtrail.amazonaws.com', action);
  if (deniedBy.length > 0) return `the policy of ${what} denies ${action} to CloudTrail (statement ${deniedBy.join(', ')})`;
  if (allowedBy.length === 0) return `the policy of ${what} no longer allows cloudtrail.amazonaws.com ${action}`;
  return null;
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

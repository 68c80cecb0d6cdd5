// ARNs, regions and partitions: TrailGuard never assumes the commercial partition.
import { partition } from '@aws-sdk/util-endpoints';
import { trailNameProblem } from './trail-name.js';

export const ACCOUNT_ID = /^\d{12}$/;
/**
 * The shape of a region name (`us-east-1`, `us-gov-west-1`, `eusc-de-east-1`); `isKnownRegion`
 * says whether it really is one. Kept loose on purpose: partitions with new prefixes (the
 * European Sovereign Cloud's `eusc-`) must not be refused by shape before the SDK data is asked.
 */
export const REGION = /^[a-z]{2,5}(-[a-z]+)+-\d{1,2}$/;

/**
 * The partition of a region (`aws`, `aws-cn`, `aws-us-gov`, ...), from the AWS SDK's own partition
 * data (`@aws-sdk/util-endpoints`), the same table the SDK resolves endpoints with.
 */
export function partitionOf(region: string): string {
  return partition(region).name;
}

/**
 * True when the AWS SDK's partition data lists `region` (a typo such as `eu-wst-1` is not listed,
 * and neither are the pseudo-regions `aws-global`). A region launched after this SDK release is
 * not listed either: upgrading TrailGuard picks it up.
 */
export function isKnownRegion(region: string): boolean {
  return REGION.test(region) && typeof (partition(region) as { description?: unknown }).description === 'string';
}

/**
 * The region a partition's global services (IAM, Organizations) are signed for and send their events to:
 * `us-east-1` in `aws`, `us-gov-west-1` in `aws-us-gov`, `cn-northwest-1` in `aws-cn`. From the SDK's partition
 * data (`implicitGlobalRegion`); a partition without one answers `region` itself.
 */
export function globalRegionOf(region: string): string {
  return (partition(region) as { implicitGlobalRegion?: string }).implicitGlobalRegion ?? region;
}

export interface TrailArn {
  partition: string;
  region: string;
  account: string;
  name: string;
}

const TRAIL_ARN = /^arn:([^:]+):cloudtrail:([^:]*):(\d{12}):trail\/(.*)$/s;

/**
 * The fields of `arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`, checked for shape
 * only (a 12-digit account); null when it is not a trail ARN at all. Callers that act on it
 * check the name (`trailNameProblem`) and the region (`isKnownRegion`, `partitionOf`) themselves,
 * so that they can say which is wrong.
 */
export function splitTrailArn(value: string): TrailArn | null {
  const m = TRAIL_ARN.exec(value);
  if (!m) return null;
  const [, partition, region, account, name] = m as unknown as [string, string, string, string, string];
  return { partition, region, account, name };
}

/** Parses a trail ARN whose name CloudTrail allows and whose region and partition agree; null otherwise. */
export function parseTrailArn(value: string): TrailArn | null {
  const arn = splitTrailArn(value);
  if (!arn || trailNameProblem(arn.name) !== null || !isKnownRegion(arn.region) || partitionOf(arn.region) !== arn.partition) return null;
  return arn;
}

export function trailArn(region: string, account: string, name: string): string {
  return `arn:${partitionOf(region)}:cloudtrail:${region}:${account}:trail/${name}`;
}

export function roleArn(account: string, roleName: string, region: string, path = '/'): string {
  return `arn:${partitionOf(region)}:iam::${account}:role${path}${roleName}`;
}

/**
 * The IAM role behind an actor ARN: `arn:aws:sts::1:assumed-role/R/session` and
 * `arn:aws:iam::1:role/path/R` both give `{ account: '1', roleName: 'R' }`.
 */
export function roleOfPrincipal(arn: string): { account: string; roleName: string } | null {
  const assumed = /^arn:[\w-]+:sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[\w+=,.@-]+$/.exec(arn);
  if (assumed) return { account: assumed[1]!, roleName: assumed[2]! };
  const role = /^arn:[\w-]+:iam::(\d{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/.exec(arn);
  if (role) return { account: role[1]!, roleName: role[2]! };
  return null;
}

interface ArnParts {
  /** partition, service, region, account: the fields before the resource. */
  fields: [string, string, string, string];
  /** The resource split on `/`: `role/ops/BreakGlass` gives `['role', 'ops', 'BreakGlass']`. */
  resource: string[];
}

/** Splits an ARN (or an ARN pattern) on its first five colons; the resource keeps any later colon. */
function splitArn(value: string): ArnParts | null {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return null;
  const [, partition, service, region, account] = parts as [string, string, string, string, string];
  return { fields: [partition, service, region, account], resource: parts.slice(5).join(':').split('/') };
}

function globSegment(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[\\s\\S]*')
    .replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${source}$`).test(value);
}

function partsMatch(pattern: ArnParts, arn: ArnParts): boolean {
  return (
    pattern.resource.length === arn.resource.length &&
    pattern.fields.every((field, i) => globSegment(field, arn.fields[i]!)) &&
    pattern.resource.every((component, i) => globSegment(component, arn.resource[i]!))
  );
}

/**
 * Whether a principal ARN matches an allow-list pattern.
 *
 * `*` (any run of characters) and `?` (one character) match within ONE segment only: the
 * partition, service, region or account field, or one `/`-separated component of the resource.
 * So `arn:aws:iam::*:role/BreakGlass` matches the role BreakGlass (path `/`) in any account, and
 * never the user `arn:aws:iam::1:user/:role/BreakGlass` (IAM paths may contain `:` and `/`), a
 * group, a role at another path (`role/ops/BreakGlass`: write `role/ops/BreakGlass` or
 * `role/*\/BreakGlass`), a federated user or root. IAM identifier formats followed:
 * `arn:<partition>:iam::<account>:{user|group|role}/<path>/<name>`, `...:root`,
 * `arn:<partition>:sts::<account>:assumed-role/<role name>/<session>`, `...:federated-user/<name>`.
 *
 * An assumed-role session `arn:<p>:sts::<account>:assumed-role/X/<session>` also counts as the
 * role `arn:<p>:iam::<account>:role/X`. Its ARN does not carry the role's path, so a pattern with
 * a path (`role/ops/X`) matches the session only through its issuer ARN (CloudTrail's
 * `sessionContext.sessionIssuer.arn`), which the caller checks too. Role names are unique within
 * an account, so the name alone identifies the role. When the issuer ARN is known, pass
 * `{ sessionAsRole: false }` for the session ARN: the issuer carries the path, and a role at
 * another path (which an administrator confined to that path can create) must not match.
 */
export function arnMatches(pattern: string, arn: string, options: { sessionAsRole?: boolean } = {}): boolean {
  const p = splitArn(pattern);
  const a = splitArn(arn);
  if (!p || !a) return false;
  if (partsMatch(p, a)) return true;
  // A caller that knows the session's issuer (with its path) matches the role through the issuer only:
  // the session ARN drops the path, so role/team/BreakGlass would otherwise pass as role/BreakGlass.
  if (options.sessionAsRole === false) return false;
  const [partition, service, region, account] = a.fields;
  if (service === 'sts' && region === '' && a.resource.length === 3 && a.resource[0] === 'assumed-role') {
    return partsMatch(p, { fields: [partition, 'iam', '', account], resource: ['role', a.resource[1]!] });
  }
  return false;
}

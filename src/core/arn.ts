// ARNs, regions and partitions: TrailGuard never assumes the commercial partition.
import { partition } from '@aws-sdk/util-endpoints';

export const ACCOUNT_ID = /^\d{12}$/;
/** The shape of a region name; `isKnownRegion` says whether it really is one. */
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?|-isoe|-isof)?-[a-z]+-\d{1,2}$/;

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

export interface TrailArn {
  partition: string;
  region: string;
  account: string;
  name: string;
}

const TRAIL_ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):cloudtrail:([a-z0-9-]+):(\d{12}):trail\/([A-Za-z0-9._-]{3,128})$/;

/** Parses `arn:aws:cloudtrail:<region>:<account>:trail/<name>`; null when it is not one. */
export function parseTrailArn(value: string): TrailArn | null {
  const m = TRAIL_ARN.exec(value);
  if (!m) return null;
  const [, partition, region, account, name] = m as unknown as [string, string, string, string, string];
  if (!REGION.test(region)) return null;
  return { partition, region, account, name };
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

/** IAM-style glob: `*` matches any run of characters, `?` one character; nothing else is special. */
export function arnMatches(pattern: string, arn: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(arn);
}

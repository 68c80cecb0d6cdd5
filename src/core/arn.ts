// ARNs and partitions: TrailGuard never assumes the commercial partition.

export const ACCOUNT_ID = /^\d{12}$/;
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
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

// Trail status across accounts and regions, as rows: every trail, whether it logs, its last delivery; for the CLI and
// the Slack app. Pure: `collectTrailStatus` (src/core/aws/trail-status.ts) reads AWS and hands the answers to these.
import { parseTrailArn } from './arn.js';
import { NAMES } from './names.js';
import type { PipelineReport, TrailInfo } from './pipeline.js';

export interface TrailStatusRow {
  account: string;
  name: string;
  /** Region the row is about: the trail's home region, or a region no trail covers. */
  region: string;
  trail: string | null;
  arn: string | null;
  multiRegion: boolean;
  isLogging: boolean | null;
  latestDeliveryTime: string | null;
  latestDeliveryError: string | null;
  /**
   * What the trail's event selectors leave out of management events (a trail that logs but does not record them
   * misses StopLogging itself); null when all management events are recorded, or when not read.
   */
  selectorsProblem?: string | null;
  /** Why the row could not be read, or NO_TRAIL; on a pipeline row, what is wrong with TrailGuard's own resources there. */
  error: string | null;
  /** Why tampering with this trail is never seen (its home region has no forwarding rule); null when it is watched or not asked. */
  uncovered?: string | null;
}

export interface StatusOptions {
  /** Every trail of each account (ListTrails), already read: also finds trails homed outside `regions`. */
  listed?: ReadonlyMap<string, TrailInfo[]>;
  /** Regions with a forwarding rule: an own trail homed elsewhere is marked `uncovered`. Unset: not checked. */
  watched?: readonly string[];
}

export interface StatusTarget {
  account: string;
  name: string;
}

export const NO_TRAIL = 'no trail covers this region';

/** A trail as DescribeTrails reports it (the fields status needs; the SDK's `Trail` fits). */
export interface DescribedTrail {
  Name?: string | undefined;
  TrailARN?: string | undefined;
  HomeRegion?: string | undefined;
  IsMultiRegionTrail?: boolean | undefined;
}

/** What DescribeTrails answered in one region of an account, or why it could not be asked. */
export interface RegionTrails {
  region: string;
  trails: DescribedTrail[];
  error: string | null;
}

/** A trail whose status is read once, in its home region. */
export interface TrailToRead {
  arn: string;
  trail: string;
  home: string;
  multiRegion: boolean;
}

/** GetTrailStatus of one trail (`latestDeliveryTime` as ISO 8601), or why it could not be read. */
export type TrailReading =
  | {
      status: {
        isLogging: boolean;
        latestDeliveryTime: string | null;
        latestDeliveryError: string | null;
        selectorsProblem?: string | null;
      };
    }
  | { error: string };

/** A row with nothing read: the account or region could not be read (`error`), or no trail covers it (NO_TRAIL). */
export function blankStatusRow(account: string, name: string, region: string, error: string): TrailStatusRow {
  return {
    account,
    name,
    region,
    trail: null,
    arn: null,
    multiRegion: false,
    isLogging: null,
    latestDeliveryTime: null,
    latestDeliveryError: null,
    error,
    uncovered: null,
  };
}

/**
 * The trails of one account to read the status of, each once: a multi-region trail shows in every region's
 * DescribeTrails, and a single-region trail outside the described regions is known from ListTrails (`listed`) alone.
 */
export function trailsToRead(perRegion: readonly RegionTrails[], listed: readonly TrailInfo[] = []): TrailToRead[] {
  const unique = new Map<string, TrailToRead>();
  for (const { region, trails } of perRegion) {
    for (const t of trails) {
      if (t.TrailARN && !unique.has(t.TrailARN))
        unique.set(t.TrailARN, {
          arn: t.TrailARN,
          trail: t.Name ?? t.TrailARN,
          home: t.HomeRegion ?? region,
          multiRegion: t.IsMultiRegionTrail === true,
        });
    }
  }
  for (const t of listed) {
    if (!unique.has(t.arn)) unique.set(t.arn, { arn: t.arn, trail: t.name, home: t.homeRegion, multiRegion: false });
  }
  return [...unique.values()];
}

/**
 * One account's status rows from what was read: a row per trail (in its home region), then a row per described
 * region no trail covers (NO_TRAIL) or that could not be described (its error). With `watched`, an own trail (its ARN
 * names `account`) homed outside it is `uncovered`: no forwarding rule sees its tampering.
 */
export function accountStatusRows(
  target: StatusTarget,
  perRegion: readonly RegionTrails[],
  readings: readonly { trail: TrailToRead; reading: TrailReading }[],
  watched?: readonly string[],
): TrailStatusRow[] {
  const { account, name } = target;
  const watchedSet = watched ? new Set(watched) : null;
  const uncoveredWhy = (t: TrailToRead) =>
    watchedSet && !watchedSet.has(t.home) && parseTrailArn(t.arn)?.account === account
      ? `not watched: no ${NAMES.forwardRule} rule in ${t.home}, so tampering with this trail is never seen`
      : null;
  const rows = readings.map(({ trail: t, reading }): TrailStatusRow => {
    const where = { trail: t.trail, arn: t.arn, multiRegion: t.multiRegion, uncovered: uncoveredWhy(t) };
    if ('error' in reading) return { ...blankStatusRow(account, name, t.home, reading.error), ...where };
    return { ...blankStatusRow(account, name, t.home, ''), ...where, ...reading.status, error: null };
  });
  // A stopped trail is its own row (LOGGING: NO); a gap row means no trail covers the region at all.
  const covered = (region: string) => rows.some((r) => r.region === region || r.multiRegion);
  const gaps = perRegion.flatMap(({ region, error }) =>
    error ? [blankStatusRow(account, name, region, error)] : covered(region) ? [] : [blankStatusRow(account, name, region, NO_TRAIL)],
  );
  return [...rows, ...gaps];
}

/**
 * The account-regions where TrailGuard's own pipeline is not in place (a plan's rows other than `ok`), as status rows
 * with no trail and the reason as `error`: a trail that logs is not protected when nothing forwards its tampering.
 * Uncovered rows are left out: the trail's own row says it.
 */
export function pipelineStatusRows(report: PipelineReport): TrailStatusRow[] {
  return report.rows
    .filter((r) => r.status !== 'ok' && r.status !== 'uncovered')
    .map((r) =>
      blankStatusRow(
        r.account,
        r.name,
        r.region,
        `pipeline ${r.status}: ${[...r.errors, ...r.changes.map((c) => `${c.kind} ${c.name}: ${c.reason}`)].join('; ')}`,
      ),
    );
}

/**
 * Whether a status row needs someone's attention: an error, a trail not logging, a trail that logs but cannot deliver
 * (its bucket gone or its policy removed: nothing is recorded anywhere), a gap, or a trail nobody watches.
 */
export function needsAttention(r: TrailStatusRow): boolean {
  return Boolean(r.error || r.isLogging === false || r.latestDeliveryError || r.uncovered || r.selectorsProblem);
}

/** Rows that need attention first: errors, not logging, unwatched trails, gaps; then the healthy ones. */
export function sortStatus(rows: TrailStatusRow[]): TrailStatusRow[] {
  const rank = (r: TrailStatusRow) =>
    r.error && r.error !== NO_TRAIL
      ? 0
      : r.isLogging === false || r.latestDeliveryError || r.selectorsProblem
        ? 1
        : r.uncovered
          ? 2
          : r.error === NO_TRAIL
            ? 3
            : 4;
  return [...rows].sort((a, b) => rank(a) - rank(b) || a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
}

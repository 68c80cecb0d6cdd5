// Trail status across accounts and regions: every trail, whether it logs, its last delivery; used by the CLI and the Slack app.
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { parseTrailArn } from './arn.js';
import { errorText } from './errors.js';
import { NAMES } from './names.js';
import type { Accounts } from './aws/accounts.js';
import type { TrailInfo } from './aws/readers.js';
import type { PipelineReport } from './pipeline.js';

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

/**
 * Reads every trail of every target account seen from `regions` (DescribeTrails with shadow trails, one call per
 * region), plus the trails in `options.listed` (from ListTrails: single-region trails in other regions), then each
 * trail's GetTrailStatus in its home region. An account that cannot be reached gives error rows, never a throw.
 * A region no trail covers gets a NO_TRAIL row; with `options.watched`, an own trail homed outside it is `uncovered`.
 */
export async function collectTrailStatus(accounts: Accounts, targets: StatusTarget[], regions: string[], options: StatusOptions = {}): Promise<TrailStatusRow[]> {
  const watched = options.watched ? new Set(options.watched) : null;
  const perAccount = await Promise.all(
    targets.map(async ({ account, name }): Promise<TrailStatusRow[]> => {
      const blank = (region: string, error: string): TrailStatusRow => ({
        account, name, region, trail: null, arn: null, multiRegion: false, isLogging: null, latestDeliveryTime: null, latestDeliveryError: null, error, uncovered: null,
      });
      try {
        await accounts.reach(account);
      } catch (error) {
        return regions.map((region) => blank(region, errorText(error)));
      }
      const perRegion = await Promise.all(
        regions.map(async (region) => {
          try {
            const client = await accounts.client(CloudTrailClient, account, region);
            const { trailList = [] } = await client.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
            return { region, trails: trailList, error: null as string | null };
          } catch (error) {
            return { region, trails: [], error: errorText(error) };
          }
        }),
      );
      // A multi-region trail shows in every region: read its status once, in its home region.
      const unique = new Map<string, { arn: string; trail: string; home: string; multiRegion: boolean }>();
      for (const { region, trails } of perRegion) {
        for (const t of trails) {
          if (t.TrailARN && !unique.has(t.TrailARN)) unique.set(t.TrailARN, { arn: t.TrailARN, trail: t.Name ?? t.TrailARN, home: t.HomeRegion ?? region, multiRegion: t.IsMultiRegionTrail === true });
        }
      }
      // DescribeTrails answers for its region only: a single-region trail elsewhere is found by ListTrails alone.
      for (const t of options.listed?.get(account) ?? []) {
        if (!unique.has(t.arn)) unique.set(t.arn, { arn: t.arn, trail: t.name, home: t.homeRegion, multiRegion: false });
      }
      const uncoveredWhy = (t: { arn: string; home: string }) =>
        watched && !watched.has(t.home) && parseTrailArn(t.arn)?.account === account
          ? `not watched: no ${NAMES.forwardRule} rule in ${t.home}, so tampering with this trail is never seen`
          : null;
      const rows = await Promise.all(
        [...unique.values()].map(async (t): Promise<TrailStatusRow> => {
          try {
            const client = await accounts.client(CloudTrailClient, account, t.home);
            const s = await client.send(new GetTrailStatusCommand({ Name: t.arn }));
            return {
              account, name, region: t.home, trail: t.trail, arn: t.arn, multiRegion: t.multiRegion,
              isLogging: s.IsLogging === true,
              latestDeliveryTime: s.LatestDeliveryTime ? new Date(s.LatestDeliveryTime).toISOString() : null,
              latestDeliveryError: s.LatestDeliveryError || null,
              error: null,
              uncovered: uncoveredWhy(t),
            };
          } catch (error) {
            return { ...blank(t.home, errorText(error)), trail: t.trail, arn: t.arn, multiRegion: t.multiRegion, uncovered: uncoveredWhy(t) };
          }
        }),
      );
      // A stopped trail is its own row (LOGGING: NO); a gap row means no trail covers the region at all.
      const covered = (region: string) => rows.some((r) => r.region === region || r.multiRegion);
      const gaps = perRegion.flatMap(({ region, error }) => (error ? [blank(region, error)] : covered(region) ? [] : [blank(region, NO_TRAIL)]));
      return [...rows, ...gaps];
    }),
  );
  return perAccount.flat();
}

/**
 * The account-regions where TrailGuard's own pipeline is not in place (a plan's rows other than `ok`), as status rows
 * with no trail and the reason as `error`: a trail that logs is not protected when nothing forwards its tampering.
 * Uncovered rows are left out: the trail's own row says it.
 */
export function pipelineStatusRows(report: PipelineReport): TrailStatusRow[] {
  return report.rows
    .filter((r) => r.status !== 'ok' && r.status !== 'uncovered')
    .map((r) => ({
      account: r.account,
      name: r.name,
      region: r.region,
      trail: null,
      arn: null,
      multiRegion: false,
      isLogging: null,
      latestDeliveryTime: null,
      latestDeliveryError: null,
      error: `pipeline ${r.status}: ${[...r.errors, ...r.changes.map((c) => `${c.kind} ${c.name}: ${c.reason}`)].join('; ')}`,
      uncovered: null,
    }));
}

/**
 * Whether a status row needs someone's attention: an error, a trail not logging, a trail that logs but cannot deliver
 * (its bucket gone or its policy removed: nothing is recorded anywhere), a gap, or a trail nobody watches.
 */
export function needsAttention(r: TrailStatusRow): boolean {
  return Boolean(r.error || r.isLogging === false || r.latestDeliveryError || r.uncovered);
}

/** Rows that need attention first: errors, not logging, unwatched trails, gaps; then the healthy ones. */
export function sortStatus(rows: TrailStatusRow[]): TrailStatusRow[] {
  const rank = (r: TrailStatusRow) => (r.error && r.error !== NO_TRAIL ? 0 : r.isLogging === false || r.latestDeliveryError ? 1 : r.uncovered ? 2 : r.error === NO_TRAIL ? 3 : 4);
  return [...rows].sort((a, b) => rank(a) - rank(b) || a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
}

// Trail status across accounts and regions: every trail, whether it logs, its last delivery; used by the CLI and the Slack app.
import { CloudTrailClient, DescribeTrailsCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { errorText } from './errors.js';
import type { Accounts } from './aws/accounts.js';

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
  /** Why the row could not be read, or NO_TRAIL. */
  error: string | null;
}

export interface StatusTarget {
  account: string;
  name: string;
}

export const NO_TRAIL = 'no trail covers this region';

/** Reads every trail of every target account in `regions`; an account that cannot be reached gives error rows, never a throw. */
export async function collectTrailStatus(accounts: Accounts, targets: StatusTarget[], regions: string[]): Promise<TrailStatusRow[]> {
  const perAccount = await Promise.all(
    targets.map(async ({ account, name }): Promise<TrailStatusRow[]> => {
      const blank = (region: string, error: string): TrailStatusRow => ({
        account, name, region, trail: null, arn: null, multiRegion: false, isLogging: null, latestDeliveryTime: null, latestDeliveryError: null, error,
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
            };
          } catch (error) {
            return { ...blank(t.home, errorText(error)), trail: t.trail, arn: t.arn, multiRegion: t.multiRegion };
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

/** Rows that need attention first: errors, not logging, gaps; then the healthy ones. */
export function sortStatus(rows: TrailStatusRow[]): TrailStatusRow[] {
  const rank = (r: TrailStatusRow) => (r.error && r.error !== NO_TRAIL ? 0 : r.isLogging === false ? 1 : r.error === NO_TRAIL ? 2 : 3);
  return [...rows].sort((a, b) => rank(a) - rank(b) || a.account.localeCompare(b.account) || a.region.localeCompare(b.region));
}

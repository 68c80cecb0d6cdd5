// Reads trail status across accounts and regions (CloudTrail DescribeTrails, GetTrailStatus) for the CLI and the Slack app.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { errorText } from '../errors.js';
import {
  accountStatusRows,
  blankStatusRow,
  trailsToRead,
  type RegionTrails,
  type StatusOptions,
  type StatusTarget,
  type TrailReading,
  type TrailStatusRow,
} from '../status.js';
import type { Accounts } from './accounts.js';
import { describeSelectors, managementFullyRecorded } from '../event-selectors.js';
import { describeTrails, getEventSelectors, getTrailStatus } from './cloudtrail.js';

/**
 * Reads every trail of every target account seen from `regions` (DescribeTrails with shadow trails, one call per
 * region), plus the trails in `options.listed` (from ListTrails: single-region trails in other regions), then each
 * trail's GetTrailStatus and GetEventSelectors in its home region; the rows are built by `accountStatusRows`. An account that cannot be
 * reached gives error rows, never a throw. A region no trail covers gets a NO_TRAIL row; with `options.watched`, an own
 * trail homed outside it is `uncovered`.
 */
export async function collectTrailStatus(
  accounts: Accounts,
  targets: StatusTarget[],
  regions: string[],
  options: StatusOptions = {},
): Promise<TrailStatusRow[]> {
  const perAccount = await Promise.all(
    targets.map(async (target): Promise<TrailStatusRow[]> => {
      const { account, name } = target;
      try {
        await accounts.reach(account);
      } catch (error) {
        return regions.map((region) => blankStatusRow(account, name, region, errorText(error)));
      }
      const perRegion = await Promise.all(
        regions.map(async (region): Promise<RegionTrails> => {
          try {
            return { region, trails: await describeTrails(await accounts.client(CloudTrailClient, account, region)), error: null };
          } catch (error) {
            return { region, trails: [], error: errorText(error) };
          }
        }),
      );
      const readings = await Promise.all(
        trailsToRead(perRegion, options.listed?.get(account)).map(async (trail) => {
          let reading: TrailReading;
          try {
            const client = await accounts.client(CloudTrailClient, account, trail.home);
            // The selectors too: a trail that logs but records no (write) management events misses StopLogging itself.
            const [s, selectors] = await Promise.all([getTrailStatus(client, trail.arn), getEventSelectors(client, trail.arn)]);
            const selectorsProblem = managementFullyRecorded(selectors)
              ? null
              : `management events not fully recorded (${describeSelectors(selectors)})`;
            reading = {
              status: {
                isLogging: s.isLogging,
                latestDeliveryTime: s.latestDeliveryTime ? new Date(s.latestDeliveryTime).toISOString() : null,
                latestDeliveryError: s.latestDeliveryError,
                selectorsProblem,
              },
            };
          } catch (error) {
            reading = { error: errorText(error) };
          }
          return { trail, reading };
        }),
      );
      return accountStatusRows(target, perRegion, readings, options.watched);
    }),
  );
  return perAccount.flat();
}

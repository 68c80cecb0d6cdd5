// /trail-status [account id | account name | incidents]: acknowledged at once, answered ephemerally through response_url.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { errorText } from '#core/errors.js';
import { collectTrailStatus } from '#core/aws/trail-status.js';
import { blankStatusRow } from '#core/status.js';
import type { Services } from '../../services.js';
import { accountDetail, incidentsList, orgSummary, snapshotSummary, unknownAccount } from '../../views/status.js';
import { esc } from '../../views/format.js';
import { ACTION_REFRESH } from '../../ids.js';
import { scheduleIntervalMs } from '#core/sweep.js';
import { centralSnapshotSource, type SnapshotSource } from './snapshot.js';

/**
 * The whole organization comes from the latest sweep's snapshot when there is one (fast for any size), else it is read
 * live as before; `/trail-status <account>` always reads that account live.
 */
export function trailStatus(services: Services, source: SnapshotSource = centralSnapshotSource(services)) {
  return async ({ ack, command, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    const query = command.text.trim();
    const regions = services.config.members.regions;
    try {
      if (query.toLowerCase() === 'incidents') {
        await respond({ response_type: 'ephemeral', ...incidentsList(await services.store.openIncidents(500)) });
        return;
      }
      const members = await services.members();
      if (query) {
        const lower = query.toLowerCase();
        const account = members.ids.find((id) => id === query || members.names.get(id)?.toLowerCase() === lower);
        if (!account) {
          await respond({
            response_type: 'ephemeral',
            ...unknownAccount(
              query,
              members.ids.map((id) => members.names.get(id) ?? id),
            ),
          });
          return;
        }
        const name = members.names.get(account) ?? account;
        await respond({
          response_type: 'ephemeral',
          ...accountDetail(account, name, await collectTrailStatus(services.accounts, [{ account, name }], regions)),
        });
        return;
      }
      const snapshot = await source.latest().catch((error: unknown) => {
        services.log.warn('/trail-status: no sweep snapshot readable; reading live', { error: errorText(error) });
        return null;
      });
      if (snapshot) {
        const interval = services.config.sweep.schedule ? scheduleIntervalMs(services.config.sweep.schedule) : null;
        const memberSet = new Set(members.ids);
        const items = snapshot.items.filter((i) => memberSet.has(i.account));
        const name = (row: { account: string }) => members.names.get(row.account) ?? row.account;
        const rows = items.flatMap((i) =>
          i.error
            ? [{ ...blankStatusRow(i.account, name(i), i.region, `the sweep could not read it: ${i.error}`) }]
            : i.rows.map((r) => ({ ...r, name: name(r) })),
        );
        const checkedAt = items.map((i) => i.checkedAt).sort()[0] ?? snapshot.sweep?.startedAt ?? services.now().toISOString();
        const swept = new Set(items.map((i) => `${i.account}#${i.region}`));
        const stale = members.ids.flatMap((id) => regions.map((r) => `${id}#${r}`)).filter((k) => !swept.has(k)).length;
        await respond({
          response_type: 'ephemeral',
          ...snapshotSummary(
            rows,
            await services.store.openIncidents(500),
            regions,
            {
              checkedAt,
              sweepId: snapshot.sweep?.sweepId ?? '',
              running: Boolean(snapshot.sweep && !snapshot.sweep.finishedAt),
              stale,
              // As the planner's sweep-gap check: older than twice the schedule, the sweep has stopped.
              maxAgeMs: interval ? 2 * interval : null,
            },
            services.now(),
            ACTION_REFRESH,
          ),
        });
        return;
      }
      const rows = await collectTrailStatus(
        services.accounts,
        members.ids.map((id) => ({ account: id, name: members.names.get(id) ?? id })),
        regions,
      );
      await respond({ response_type: 'ephemeral', ...orgSummary(rows, await services.store.openIncidents(500), regions) });
    } catch (error) {
      services.log.error('/trail-status failed', { query, error: errorText(error) });
      await respond({ response_type: 'ephemeral', text: `TrailGuard could not read the status: ${esc(errorText(error))}` });
    }
  };
}

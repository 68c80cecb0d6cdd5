// /trail-status [account id | account name | incidents]: acknowledged at once, answered ephemerally through response_url.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { errorText } from '#core/errors.js';
import { collectTrailStatus } from '#core/aws/trail-status.js';
import type { Services } from '../../services.js';
import { accountDetail, incidentsList, orgSummary, unknownAccount } from '../../views/status.js';
import { esc } from '../../views/format.js';

export function trailStatus(services: Services) {
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

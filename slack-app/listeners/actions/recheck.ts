// Re-check: acknowledge the click at once, read every trail of the account(s) through the read-only reader role (roles.reader), report on the message and in its thread.
import { errorText } from '#core/errors.js';
import { collectTrailStatus } from '#core/aws/trail-status.js';
import type { Services } from '../../services.js';
import { renderIncident } from '../../views/render.js';
import { accountDetail, recheckLine } from '../../views/status.js';
import { esc } from '../../views/format.js';
import type { ButtonArgs } from './acknowledge.js';

export function recheck(services: Services) {
  return async ({ ack, body, action, client, respond }: ButtonArgs): Promise<void> => {
    await ack();
    const incident = await services.store.get(action.value ?? '');
    if (!incident) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: 'TrailGuard does not know this alert any more.' });
      return;
    }
    const family = incident.digest ? await services.store.family(incident.id) : [incident];
    const named = [...new Set(family.map((i) => i.alert.account))];
    // Re-check assumes the read-only reader role into each account: only into members, whatever the stored alert names.
    let members: string[];
    try {
      members = (await services.members()).ids;
    } catch (error) {
      services.log.error('re-check refused: member accounts unknown', { alertId: incident.id, error: errorText(error) });
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `TrailGuard cannot tell which accounts are members right now (${esc(errorText(error))}); nothing was checked.`,
      });
      return;
    }
    const accounts = named.filter((account) => members.includes(account));
    const outside = named.filter((account) => !members.includes(account));
    if (outside.length > 0)
      services.log.warn('re-check skipped accounts that are not members', { alertId: incident.id, accounts: outside, user: body.user.id });
    if (accounts.length === 0) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `${outside.join(', ')} ${outside.length === 1 ? 'is' : 'are'} not a TrailGuard member account; nothing was checked.`,
      });
      return;
    }
    const rows = await collectTrailStatus(
      services.accounts,
      accounts.map((account) => ({ account, name: services.nameOf(account) })),
      services.config.members.regions,
    );
    const line = recheckLine(rows, body.user.id, services.now().toISOString());
    await services.store.setStatusLine(incident.id, line);
    services.log.info('re-check', { alertId: incident.id, accounts: accounts.length, line });
    const channel = body.channel?.id ?? incident.channel;
    const ts = body.message?.ts ?? incident.ts;
    if (!channel || !ts) return;
    try {
      const updated = (await services.store.get(incident.id)) ?? incident;
      await client.chat.update({ channel, ts, ...(await renderIncident(updated, services)) });
      for (const account of accounts) {
        const detail = accountDetail(
          account,
          services.nameOf(account),
          rows.filter((r) => r.account === account),
        );
        await client.chat.postMessage({ channel, thread_ts: ts, ...detail });
      }
    } catch (error) {
      services.log.error('re-check done, but Slack could not be updated', { alertId: incident.id, error: errorText(error) });
    }
  };
}

// Acknowledge: records who and when, then updates the message in place (button removed). Idempotent; who may press it is the guard's (guard.ts).
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorText } from '#core/errors.js';
import type { Services } from '../../services.js';
import { renderIncident } from '../../views/render.js';

export type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function acknowledge(services: Services) {
  return async ({ ack, body, action, client, respond }: ButtonArgs): Promise<void> => {
    const user = body.user.id;
    // The store write comes first, so that Slack's acknowledgement means it is recorded.
    const incident = await services.store.acknowledge(action.value ?? '', user, services.now());
    await ack();
    if (!incident) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'TrailGuard does not know this alert any more; nothing was changed.',
      });
      return;
    }
    services.log.info('alert acknowledged', { alertId: incident.id, by: incident.acknowledgedBy, at: incident.acknowledgedAt });
    const channel = body.channel?.id ?? incident.channel;
    const ts = body.message?.ts ?? incident.ts;
    if (!channel || !ts) return;
    try {
      await client.chat.update({ channel, ts, ...(await renderIncident(incident, services)) });
    } catch (error) {
      services.log.error('acknowledged, but the message could not be updated', { alertId: incident.id, error: errorText(error) });
    }
  };
}

// App Home: when a user opens the Home tab, publish the organization at a glance (views.publish).
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import { errorText } from '#core/errors.js';
import type { Services } from '../../services.js';
import { homeView } from '../../views/home.js';
import { accessOf, allowed } from '../../guard.js';

/** Acknowledged incidents stay on App Home for a day after they were received. */
const ACKNOWLEDGED_SHOWN_MS = 24 * 3600_000;
const INCIDENTS_SHOWN = 50;

export function appHomeOpened(services: Services) {
  return async ({ event, client }: SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs): Promise<void> => {
    if (event.tab !== 'home') return;
    const user = event.user;
    // The same rule as /trail-status (Events API events pass no command guard): responders and viewers. With both lists
    // empty, buttons and /trail-status are reachable only from the channel, but anyone in the workspace (a guest, a
    // contractor outside the security channel) can open App Home: it shows the organization only to a listed user.
    const access = accessOf(services.config, services.channel);
    const listed = access.responders.length > 0 || access.viewers.length > 0;
    if (!listed || !allowed(access, user, 'view')) {
      const text = listed
        ? 'Only TrailGuard responders and viewers can see the organization here.'
        : 'TrailGuard shows the organization here only to the people `slack.responders` or `slack.viewers` list in `trailguard.yml` (both are empty: anyone in the workspace can open this tab). Use `/trail-status` in the security channel.';
      await client.views.publish({
        user_id: user,
        view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] },
      });
      services.log.warn(`app home refused: ${listed ? 'not a responder or viewer' : 'slack.responders and slack.viewers are empty'}`, {
        user,
      });
      return;
    }
    const now = services.now();
    const [members, state, open, acknowledged] = await Promise.all([
      services.members().then(
        (m) => ({ ids: m.ids, error: null }),
        (error: unknown) => ({ ids: [], error: errorText(error) }),
      ),
      services.organizationState().catch((error: unknown) => ({ error: errorText(error) })),
      services.store.openIncidents(INCIDENTS_SHOWN),
      services.store.acknowledgedSince(new Date(now.getTime() - ACKNOWLEDGED_SHOWN_MS), INCIDENTS_SHOWN),
    ]);
    if ('error' in state) services.log.warn('app home: state table unreadable', { error: state.error });
    await client.views.publish({
      user_id: user,
      view: homeView({ now, members, regions: services.config.members.regions, state, open, acknowledged }) as never,
    });
    services.log.info('app home published', { user, sweep: 'error' in state ? null : (state.sweep?.sweepId ?? null) });
  };
}

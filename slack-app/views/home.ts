// App Home: the organization at a glance (coverage, trails logging, open incidents, the last sweep, each region's
// last canary), within a Home view's limits (100 blocks, 3,000 characters a section).
import { alertTarget } from '#core/alert.js';
import { sortStatus } from '#core/status.js';
import type { OrganizationState } from '../state.js';
import type { Incident } from '../store/types.js';
import { clip, duration, esc, messageLink, packLines, sectionBlocks, slackDate } from './format.js';
import { rowLine } from './status.js';

/** Blocks a Home tab view may hold (Slack: views.publish). */
export const MAX_HOME_BLOCKS = 100;
/** Blocks each list (problems, incidents, canaries) may take, so that every part of the view fits. */
const LIST_BLOCKS = 20;

export interface HomeInput {
  now: Date;
  /** Member accounts covered; `error` when they could not be listed (the Organization unreachable). */
  members: { ids: string[]; error: string | null };
  regions: readonly string[];
  /** What `trailguard-state` holds, or why it could not be read. */
  state: OrganizationState | { error: string };
  /** Unacknowledged incidents, and incidents acknowledged recently (both newest first). */
  open: readonly Incident[];
  acknowledged: readonly Incident[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const context = (text: string) => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
const header = (text: string) => ({ type: 'header', text: { type: 'plain_text', text: clip(text, 150) } });

/** A list as sections of at most LIST_BLOCKS blocks, saying how many lines were left out. */
function list(lines: string[], empty: string): unknown[] {
  if (lines.length === 0) return [context(empty)];
  const { sections, packed } = packLines(lines, { maxSections: LIST_BLOCKS });
  return [
    ...sectionBlocks(sections),
    ...(packed < lines.length ? [context(`${lines.length - packed} more not shown here; \`/trail-status\` lists them.`)] : []),
  ];
}

function incidentLine(i: Incident, now: Date): string {
  const a = i.alert;
  const what = i.digest ? 'Tampering storm' : `${esc(a.eventName)} on ${esc(alertTarget(a).name)}`;
  const link = i.channel && i.ts ? ` <${messageLink(i.channel, i.ts)}|view>` : '';
  const age = duration(now.getTime() - Date.parse(i.receivedAt));
  const state = i.acknowledgedBy ? `acknowledged by <@${esc(i.acknowledgedBy)}> ${slackDate(i.acknowledgedAt ?? '')}` : `*open for ${age}*`;
  return `• ${what} in ${esc(a.account)} (${esc(a.region)}): ${a.outcome}${i.count > 1 ? ` ×${i.count}` : ''}, ${state}${link}`;
}

/** Per region: the newest canary arrival, and the account heard from least recently. */
function canaryLines(state: OrganizationState, regions: readonly string[], now: Date): string[] {
  const byRegion = new Map<string, OrganizationState['canaries']>();
  for (const region of regions) byRegion.set(region, []);
  for (const c of state.canaries) byRegion.set(c.region, [...(byRegion.get(c.region) ?? []), c]);
  return [...byRegion].map(([region, arrivals]) => {
    if (arrivals.length === 0) return `• ${esc(region)}: no canary has arrived yet`;
    const sorted = [...arrivals].sort((x, y) => x.lastSeenAt.localeCompare(y.lastSeenAt));
    const newest = sorted.at(-1)!;
    const oldest = sorted[0]!;
    const stalest =
      sorted.length > 1 ? `; oldest ${esc(oldest.account)} ${duration(now.getTime() - Date.parse(oldest.lastSeenAt))} ago` : '';
    return `• ${esc(region)}: last canary ${slackDate(newest.lastSeenAt)} (${plural(arrivals.length, 'account')}${stalest})`;
  });
}

/**
 * The Home tab view (views.publish `view`, type `home`). Pure: the caller reads the store, the members and the
 * state table. An unreadable part is said in its place; the rest is still shown.
 */
export function homeView(input: HomeInput): { type: 'home'; blocks: unknown[] } {
  const { now, members, regions, state } = input;
  const blocks: unknown[] = [header('TrailGuard: CloudTrail across the organization')];
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: members.error
        ? `Member accounts cannot be listed right now (${esc(members.error)}); ${plural(regions.length, 'region')} watched: ${regions.map(esc).join(', ')}.`
        : `Covering *${plural(members.ids.length, 'account')}* in *${plural(regions.length, 'region')}*: ${regions.map(esc).join(', ')}.`,
    },
  });

  blocks.push({ type: 'divider' }, header('Trails'));
  if ('error' in state) blocks.push(context(`❌ Trail status unavailable: ${esc(state.error)}`));
  else if (!state.sweep) blocks.push(context('No sweep yet: trail status and canaries appear here after the first `trailguard sweep`.'));
  else {
    const { sweep } = state;
    const rows = state.status.flatMap((s) => s.rows);
    const trails = rows.filter((r) => r.trail && !r.error);
    const logging = trails.filter((r) => r.isLogging).length;
    const when = sweep.finishedAt ? `finished ${slackDate(sweep.finishedAt)}` : `running since ${slackDate(sweep.startedAt)}`;
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*${logging} of ${plural(trails.length, 'trail')} logging.* Last sweep \`${esc(sweep.sweepId)}\` ${when}: ${plural(sweep.accounts, 'account')}, ${plural(sweep.findings, 'finding')}.`,
      },
    });
    const problems = sortStatus(rows)
      .filter((r) => r.error || r.isLogging === false)
      .map(rowLine);
    const unreadable = state.status.filter((s) => s.error).map((s) => `❌ ${esc(s.account)} ${esc(s.region)}: ${esc(s.error ?? '')}`);
    blocks.push(...list([...problems, ...unreadable], '🟢 Every trail the sweep read is logging.'));
  }

  blocks.push({ type: 'divider' }, header('Incidents'));
  blocks.push(
    ...list(
      [...input.open, ...input.acknowledged].map((i) => incidentLine(i, now)),
      'No open incidents.',
    ),
  );

  blocks.push({ type: 'divider' }, header('Canaries'));
  if ('error' in state) blocks.push(context('Canary arrivals unavailable (see above).'));
  else blocks.push(...list(canaryLines(state, regions, now), 'No canary has arrived yet.'));
  blocks.push(context(`Updated ${slackDate(now.toISOString())}.`));
  return { type: 'home', blocks: blocks.slice(0, MAX_HOME_BLOCKS) };
}

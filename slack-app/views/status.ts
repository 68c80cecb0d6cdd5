// /trail-status and Re-check views: what needs attention first, within Block Kit's limits, saying what was left out.
import { alertTarget } from '#core/alert.js';
import { NO_TRAIL, sortStatus, type TrailStatusRow } from '#core/status.js';
import type { Incident } from '../store/types.js';
import { clip, esc, MAX_BLOCKS, messageLink, packLines, sectionBlocks, slackDate } from './format.js';

/** One line of a trail-status row: its state first (🟢, 🔴 NOT LOGGING, 🟠 uncovered, ❌ unreadable). */
export function rowLine(r: TrailStatusRow): string {
  const where = `${esc(r.account)} (${esc(r.name)}) ${esc(r.region)}`;
  if (r.error === NO_TRAIL) return `🟠 ${where}: no trail covers this region`;
  if (r.error) return `❌ ${where}${r.trail ? ` ${esc(r.trail)}` : ''}: ${esc(r.error)}`;
  const delivery = r.latestDeliveryTime ? `last delivery ${slackDate(r.latestDeliveryTime)}` : 'no delivery yet';
  const problem = r.latestDeliveryError ? `, delivery error ${esc(r.latestDeliveryError)}` : '';
  return `${r.isLogging ? '🟢' : '🔴 *NOT LOGGING*'} ${where} ${esc(r.trail ?? '')}${r.multiRegion ? ' (all regions)' : ''}: ${delivery}${problem}`;
}

/** Packs lines into section blocks of at most 3,000 characters, at most `maxBlocks` of them; says how many lines were left out. */
export function lineSections(lines: string[], maxBlocks: number): { blocks: unknown[]; omitted: number } {
  const { sections, packed } = packLines(lines, { maxSections: maxBlocks });
  return { blocks: sectionBlocks(sections), omitted: lines.length - packed };
}

function withOmitted(head: unknown[], lines: string[], tail: unknown[] = []): unknown[] {
  const { blocks, omitted } = lineSections(lines, MAX_BLOCKS - head.length - tail.length - 1);
  return [
    ...head,
    ...blocks,
    ...(omitted
      ? [
          {
            type: 'context',
            elements: [
              {
                type: 'mrkdwn',
                text: `${omitted} more row${omitted === 1 ? '' : 's'} left out (Slack's message limits); \`trailguard status\` lists them all.`,
              },
            ],
          },
        ]
      : []),
    ...tail,
  ];
}

export function orgSummary(rows: TrailStatusRow[], open: Incident[], regions: string[]) {
  const accounts = new Set(rows.map((r) => r.account)).size;
  const trails = rows.filter((r) => r.trail && !r.error);
  const logging = trails.filter((r) => r.isLogging).length;
  const problems = sortStatus(rows).filter((r) => r.error || r.isLogging === false);
  const healthy = problems.length === 0;
  const head = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: healthy
          ? '🟢 CloudTrail: organization healthy'
          : `🔴 CloudTrail: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
      },
    },
    {
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*Accounts*\n${accounts}` },
        { type: 'mrkdwn', text: `*Regions*\n${regions.map(esc).join(', ')}` },
        { type: 'mrkdwn', text: `*Trails logging*\n${logging} of ${trails.length}` },
        { type: 'mrkdwn', text: `*Unacknowledged incidents*\n${open.length}` },
      ],
    },
  ];
  const lines = problems.length ? problems.map(rowLine) : ['Every account and region has a logging trail.'];
  return {
    text: healthy ? 'CloudTrail: organization healthy' : `CloudTrail: ${problems.length} problems`,
    blocks: withOmitted(head, lines),
  };
}

export function accountDetail(account: string, name: string, rows: TrailStatusRow[]) {
  const head = [{ type: 'header', text: { type: 'plain_text', text: clip(`CloudTrail in ${account} (${name})`, 150) } }];
  return { text: `CloudTrail in ${esc(account)}`, blocks: withOmitted(head, sortStatus(rows).map(rowLine)) };
}

export function incidentsList(open: Incident[]) {
  const head = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: open.length ? `${open.length} unacknowledged incident${open.length === 1 ? '' : 's'}` : 'No unacknowledged incidents',
      },
    },
  ];
  const lines = open.map((i) => {
    const a = i.alert;
    const link = i.channel && i.ts ? `<${messageLink(i.channel, i.ts)}|open>` : '';
    return `• ${slackDate(i.receivedAt)} ${i.digest ? 'storm digest' : `${esc(a.eventName)} on ${esc(alertTarget(a).name)}`} in ${esc(a.account)} (${esc(a.region)}): *${a.outcome}*${i.count > 1 ? ` ×${i.count}` : ''} ${link}`;
  });
  return { text: head[0]!.text.text, blocks: withOmitted(head, lines) };
}

export function unknownAccount(query: string, known: string[]) {
  return {
    // The query is whatever the user typed and names come from the Organization: both are escaped before Slack parses them.
    text: clip(
      `No member account matches "${esc(query)}". Try an account id or one of: ${known.slice(0, 20).map(esc).join(', ')}${known.length > 20 ? ', …' : ''}`,
    ),
  };
}

/** The status line a Re-check writes on the alert message. */
export function recheckLine(rows: TrailStatusRow[], user: string, at: string): string {
  const failing = rows.filter((r) => r.error && r.error !== NO_TRAIL);
  if (failing.length && failing.length === rows.length) return `❌ Re-check by <@${user}> at ${slackDate(at)}: ${esc(failing[0]!.error!)}`;
  const trails = rows.filter((r) => r.trail && !r.error);
  const logging = trails.filter((r) => r.isLogging).length;
  const gaps = rows.filter((r) => r.error === NO_TRAIL).length;
  const ok = logging === trails.length && gaps === 0 && failing.length === 0;
  return `${ok ? '🟢' : '🔴'} Re-check by <@${user}> at ${slackDate(at)}: ${logging} of ${trails.length} trail${trails.length === 1 ? '' : 's'} logging${gaps ? `, ${gaps} region${gaps === 1 ? '' : 's'} without a trail` : ''}${failing.length ? `, ${failing.length} error${failing.length === 1 ? '' : 's'}` : ''}`;
}

/** How old a snapshot is, in words: `4 min ago`, `2 h ago`. */
export function ageText(at: string, now: Date): string {
  const minutes = Math.max(0, Math.round((now.getTime() - Date.parse(at)) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 120) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}

/**
 * The organization summary from the latest sweep's snapshot (`trailguard-state`), with its age, the regions the
 * snapshot could not read, and a Refresh button (action `trailguard_refresh`) that starts a sweep.
 */
export function snapshotSummary(
  rows: TrailStatusRow[],
  open: Incident[],
  regions: string[],
  snapshot: { checkedAt: string; sweepId: string; running: boolean; stale: number; maxAgeMs?: number | null },
  now: Date,
  refreshActionId: string,
) {
  let base = orgSummary(rows, open, regions);
  // Never green about what was not seen: member-regions missing from the snapshot, or a snapshot older than the
  // sweep schedule allows (the sweep stopped), make "no problem found" amber, not "healthy".
  const ageMs = now.getTime() - Date.parse(snapshot.checkedAt);
  const tooOld = snapshot.maxAgeMs != null && Number.isFinite(ageMs) && ageMs > snapshot.maxAgeMs;
  if (base.text === 'CloudTrail: organization healthy' && (snapshot.stale > 0 || tooOld)) {
    const why = snapshot.stale
      ? `${snapshot.stale} member-region${snapshot.stale === 1 ? '' : 's'} not checked`
      : `snapshot ${ageText(snapshot.checkedAt, now)}: the sweep is not keeping up`;
    const [, ...rest] = base.blocks as unknown[];
    base = {
      text: `CloudTrail: no problem found, but ${why}`,
      blocks: [{ type: 'header', text: { type: 'plain_text', text: clip(`🟠 CloudTrail: no problem found, but ${why}`, 150) } }, ...rest],
    };
  }
  const note = [
    `From the sweep of ${slackDate(snapshot.checkedAt)} (${ageText(snapshot.checkedAt, now)})`,
    snapshot.running ? 'a sweep is running now' : null,
    snapshot.stale ? `${snapshot.stale} member-region${snapshot.stale === 1 ? '' : 's'} not in it yet` : null,
  ]
    .filter(Boolean)
    .join('; ');
  const tail = [
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `${note}. Refresh starts a new sweep; Re-check on an alert reads one account live.` }],
    },
    {
      type: 'actions',
      elements: [{ type: 'button', action_id: refreshActionId, text: { type: 'plain_text', text: 'Refresh' }, value: 'sweep' }],
    },
  ];
  // Slack allows 50 blocks: keep room for the note and the button.
  const blocks = (base.blocks as unknown[]).slice(0, MAX_BLOCKS - tail.length);
  return { text: `${base.text} (sweep ${ageText(snapshot.checkedAt, now)})`, blocks: [...blocks, ...tail] };
}

// Text helpers that keep Block Kit within Slack's limits.
export const MAX_BLOCKS = 50;
export const MAX_TEXT = 3000;
export const MAX_FIELD = 2000;
export const MAX_HEADER = 150;

export function clip(text: string, max = MAX_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Escapes &, < and > as Slack's mrkdwn requires for user-controlled text. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function duration(ms: number): string {
  if (ms < 0 || !Number.isFinite(ms)) return 'unknown';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** `<!date^…>` renders in each reader's time zone; the fallback is UTC. */
export function slackDate(iso: string): string {
  const epoch = Math.floor(Date.parse(iso) / 1000);
  return Number.isFinite(epoch) ? `<!date^${epoch}^{date_short_pretty} {time_secs}|${iso}>` : esc(iso);
}

/** Link to a message: Slack resolves /archives/<channel>/p<ts without dot> in the reader's workspace. */
export function messageLink(channel: string, ts: string): string {
  return `https://slack.com/archives/${channel}/p${ts.replace('.', '')}`;
}

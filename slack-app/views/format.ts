// Text helpers that keep Block Kit within Slack's limits.
export const MAX_BLOCKS = 50;
export const MAX_TEXT = 3000;
export const MAX_FIELD = 2000;
export const MAX_HEADER = 150;

export function clip(text: string, max = MAX_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Room kept below MAX_TEXT in a packed section, so a caller's escaping or a heading never tips it over. */
const PACK_MARGIN = 100;

export interface PackOptions {
  /** Most sections to fill; lines that do not fit are left out and counted. Default: no limit. */
  maxSections?: number;
  /** Most characters in a section's text. Default MAX_TEXT − 100 (Slack: 3,000 per text field). */
  maxChars?: number;
  /** First line of the first section (e.g. the account a group of lines is about). */
  heading?: string;
  /** First line of every later section (e.g. "… (continued)"); default `heading`. */
  continued?: string;
}

export interface PackedSection {
  text: string;
  /** How many input lines this section holds, in input order after the previous section's. */
  lines: number;
}

/**
 * Packs lines, in order, into section texts that each stay within Slack's 3,000-character text limit
 * (https://api.slack.com/reference/block-kit/blocks#section), never splitting a line: a line too long for a
 * section on its own is clipped and ends in "…". Stops at `maxSections`; `packed` says how many lines made it,
 * so the caller can say what it left out (a view) or post the rest later (the digest thread).
 */
export function packLines(lines: readonly string[], options: PackOptions = {}): { sections: PackedSection[]; packed: number } {
  const maxChars = options.maxChars ?? MAX_TEXT - PACK_MARGIN;
  const maxSections = options.maxSections ?? Infinity;
  const headingOf = (h: string | undefined) => (h === undefined ? '' : clip(h, Math.floor(maxChars / 2)));
  const sections: PackedSection[] = [];
  let heading = headingOf(options.heading);
  let text = heading;
  let count = 0;
  // A line must fit in a section under either heading.
  const room = maxChars - Math.max(heading.length, headingOf(options.continued).length) - 1;
  for (const raw of lines) {
    const line = clip(raw, room);
    if (count > 0 && text.length + 1 + line.length > maxChars) {
      if (sections.length + 1 >= maxSections) break;
      sections.push({ text, lines: count });
      heading = headingOf(options.continued ?? options.heading);
      text = heading;
      count = 0;
    }
    if (sections.length >= maxSections) break;
    text = text ? `${text}\n${line}` : line;
    count += 1;
  }
  if (count > 0) sections.push({ text, lines: count });
  return { sections, packed: sections.reduce((n, s) => n + s.lines, 0) };
}

/** Section blocks of packed lines. */
export function sectionBlocks(sections: readonly PackedSection[]): { type: 'section'; text: { type: 'mrkdwn'; text: string } }[] {
  return sections.map(({ text }) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
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
  // Date.parse accepts text around a date (a parenthesised comment), so the fallback is escaped like any caller's text.
  return Number.isFinite(epoch) ? `<!date^${epoch}^{date_short_pretty} {time_secs}|${esc(iso)}>` : esc(iso);
}

/** Link to a message: Slack resolves /archives/<channel>/p<ts without dot> in the reader's workspace. */
export function messageLink(channel: string, ts: string): string {
  return `https://slack.com/archives/${channel}/p${ts.replace('.', '')}`;
}

/**
 * A message with a header and one mrkdwn section: `text` (the notification and the fallback) is the title and the first
 * line; the section is every line, clipped to MAX_FIELD (Block Kit: a header's plain text and a section's text are
 * bounded). The callers have escaped every line already.
 */
export function headedMessage(title: string, body: readonly string[]): { text: string; blocks: unknown[] } {
  return {
    text: clip(`${title}: ${body[0] ?? ''}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: clip(title, MAX_HEADER), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: clip(body.join('\n'), MAX_FIELD) } },
    ],
  };
}

// Shows Slack messages readably in a terminal, with a Block Kit Builder link for the real rendering.
export function blockKitBuilderLink(message: Record<string, unknown>): string {
  const payload = message.attachments ? { attachments: message.attachments } : { blocks: message.blocks ?? [] };
  return `https://app.slack.com/block-kit-builder/#${encodeURIComponent(JSON.stringify(payload))}`;
}

function mrkdwn(text: string): string {
  return text
    .replace(/<!date\^\d+\^[^|]*\|([^>]*)>/g, '$1')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** A plain-text rendering of a chat.postMessage / chat.update call. */
export function renderMessage(args: Record<string, unknown>, indent = '    '): string {
  const attachments = (args.attachments as { blocks?: unknown[] }[] | undefined) ?? [];
  const blocks = (args.blocks as unknown[] | undefined) ?? attachments.flatMap((a) => a.blocks ?? []);
  const lines: string[] = [];
  for (const raw of blocks) {
    const b = raw as {
      type: string;
      text?: { text: string };
      fields?: { text: string }[];
      elements?: { type: string; text?: string | { text: string } }[];
    };
    if (b.type === 'header' && b.text) lines.push(`== ${b.text.text} ==`);
    else if (b.type === 'section') {
      if (b.text) lines.push(...mrkdwn(b.text.text).split('\n'));
      for (const f of b.fields ?? []) lines.push(mrkdwn(f.text).replace('\n', ': '));
    } else if (b.type === 'context')
      lines.push(...(b.elements ?? []).map((e) => `(${mrkdwn(typeof e.text === 'string' ? e.text : (e.text?.text ?? ''))})`));
    else if (b.type === 'actions')
      lines.push((b.elements ?? []).map((e) => `[ ${typeof e.text === 'string' ? e.text : e.text?.text} ]`).join(' '));
  }
  if (lines.length === 0 && typeof args.text === 'string') lines.push(mrkdwn(args.text));
  return lines.map((l) => `${indent}${l.replace(/\*/g, '')}`).join('\n');
}

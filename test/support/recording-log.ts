// A Log that keeps every line, so tests can assert on what an operator would read.
import type { Log } from '../../lambda/remediator.js';

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  attributes: Record<string, unknown>;
}

export function recordingLog(): Log & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: LogLine['level']) => (message: string, attributes: Record<string, unknown>) => {
    lines.push({ level, message, attributes: JSON.parse(JSON.stringify(attributes)) as Record<string, unknown> });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

// JSON-lines logging for the Slack app: one line per decision, never a secret.
import type { AppLog } from './services.js';

export function jsonLog(write: (line: string) => void = (line) => process.stdout.write(line)): AppLog {
  const at =
    (level: string) =>
    (message: string, attributes: Record<string, unknown> = {}) =>
      write(`${JSON.stringify({ time: new Date().toISOString(), level, service: 'trailguard-slack', message, ...attributes })}\n`);
  return { info: at('info'), warn: at('warn'), error: at('error') };
}

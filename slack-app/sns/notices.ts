// The notices SNS deliveries give rise to: an unreadable message from the topic, the subscription lost or unconfirmed.
import { createHash } from 'node:crypto';
import { ZodError } from 'zod';
import { errorText } from '#core/errors.js';
import type { Notice } from '../store/types.js';
import { EXCERPT_CHARS } from '../views/notice.js';

/** Issues named in a schema problem: enough to tell what changed, short enough for one Slack field. */
const MAX_ISSUES = 3;

type Issue = { path: PropertyKey[]; message: string; code?: string; errors?: Issue[][] };

/**
 * Why a message is not a `trailguard.alert/v1` alert, naming the fields (`outcome: Invalid option: expected one of
 * …`). The alert schema is a union (trail, pipeline, impairment alert): the branch with the fewest problems is the one
 * the message meant, so its issues are the ones named. Not JSON at all: the parser's message.
 */
export function schemaProblem(error: unknown): string {
  if (error instanceof SyntaxError) return `not JSON: ${error.message}`;
  if (!(error instanceof ZodError)) return errorText(error);
  let issues = error.issues as Issue[];
  while (issues.length === 1 && issues[0]!.code === 'invalid_union' && issues[0]!.errors?.length) {
    const prefix = issues[0]!.path;
    const closest = [...issues[0]!.errors].sort((a, b) => a.length - b.length)[0]!;
    issues = closest.map((i) => ({ ...i, path: [...prefix, ...i.path] }));
  }
  const named = issues.slice(0, MAX_ISSUES).map((i) => `${i.path.map(String).join('.') || '(message)'}: ${i.message}`);
  return issues.length > MAX_ISSUES ? `${named.join('; ')}; and ${issues.length - MAX_ISSUES} more` : named.join('; ');
}

/** The SNS fields a notice about an unreadable message needs (HTTP body or Lambda record alike). */
export interface SnsDelivery {
  messageId: string | undefined;
  topic: string;
  subject: string | undefined | null;
  timestamp: string | undefined;
  message: string;
}

/**
 * The notice for a verified message from the topic that is not a readable alert (a newer schema, an outcome this app
 * does not know, text another publisher sent): shown, never dropped. Its id is the SNS MessageId (or a hash of the
 * message when there is none), so SNS's redeliveries post it once.
 */
export function unreadableNotice(delivery: SnsDelivery, error: unknown, now: Date): Notice {
  const key = delivery.messageId || createHash('sha256').update(delivery.message).digest('hex').slice(0, 32);
  return {
    id: `unreadable-alert#${key}`,
    kind: 'unreadable-alert',
    topic: delivery.topic,
    at: delivery.timestamp && Number.isFinite(Date.parse(delivery.timestamp)) ? delivery.timestamp : now.toISOString(),
    subject: delivery.subject ?? null,
    error: schemaProblem(error),
    // A little more than is shown, so the view's clip marks the cut with "…".
    excerpt: delivery.message.slice(0, EXCERPT_CHARS + 1),
  };
}

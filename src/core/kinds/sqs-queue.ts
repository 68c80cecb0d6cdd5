// An SQS queue (the dead-letter queue `trailguard-dlq`, the events queue `trailguard-events`) and its attributes.
import type { KindSpec, ResourceBase } from './kind.js';

export interface SqsQueueResource extends ResourceBase {
  kind: 'sqs-queue';
  /** SQS attributes as CreateQueue takes them (strings; `Policy` and `RedrivePolicy` are JSON text). */
  attributes: Record<string, string>;
}

export const sqsQueue: KindSpec<SqsQueueResource> = {
  kind: 'sqs-queue',
  tagged: true,
  // The reader parses the two JSON attributes, so key order or whitespace in SQS's copy is never drift.
  desiredFields: (r) =>
    Object.fromEntries(Object.entries(r.attributes).map(([k, v]) => [k, k === 'Policy' || k === 'RedrivePolicy' ? JSON.parse(v) : v])),
};

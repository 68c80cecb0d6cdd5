// The mapping from the events queue to the remediator (delivery: queue), reporting batch item failures.
import type { KindSpec, ResourceBase } from './kind.js';

export interface EventSourceMappingResource extends ResourceBase {
  kind: 'event-source-mapping';
  functionName: string;
  queueArn: string;
  batchSize: number;
  /** ScalingConfig.MaximumConcurrency (2-1000): at most this many invocations at once. Unset: Lambda's default (none). */
  maximumConcurrency?: number;
}

export const eventSourceMapping: KindSpec<EventSourceMappingResource> = {
  kind: 'event-source-mapping',
  // Lambda tags mappings only by ARN after creation; TrailGuard owns the one between its queue and its function.
  tagged: false,
  desiredFields: (r) => ({
    batchSize: r.batchSize,
    functionResponseTypes: ['ReportBatchItemFailures'],
    enabled: true,
    filterCriteria: null,
    ...(r.maximumConcurrency ? { maximumConcurrency: r.maximumConcurrency } : {}),
  }),
};

// The DynamoDB table `trailguard-state` (canary arrivals, the latest sweep, status snapshots, open findings).
import type { KindSpec, ResourceBase } from './kind.js';

export interface DynamoDbTableResource extends ResourceBase {
  kind: 'dynamodb-table';
  /** Partition and sort key names, both strings (`pk`, `sk`). */
  partitionKey: string;
  sortKey: string;
}

export const dynamoDbTable: KindSpec<DynamoDbTableResource> = {
  kind: 'dynamodb-table',
  tagged: true,
  // On-demand: a sweep writes in bursts every 15 minutes and nothing in between.
  desiredFields: () => ({ billingMode: 'PAY_PER_REQUEST' }),
};

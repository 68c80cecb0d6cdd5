// A DynamoDB table: `trailguard-state` (canary arrivals, the latest sweep, status snapshots, open findings) and, with
// `slack.deploy: lambda`, the Slack app's store `trailguard-slack`.
import type { KindSpec, ResourceBase } from './kind.js';

/** A global secondary index: string keys, every attribute projected (what `slack-app/store/dynamodb.ts` queries). */
export interface TableIndex {
  name: string;
  partitionKey: string;
  sortKey: string;
}

export interface DynamoDbTableResource extends ResourceBase {
  kind: 'dynamodb-table';
  /** Partition key name (a string attribute). */
  partitionKey: string;
  /** Sort key name (a string attribute); absent: a partition key only. */
  sortKey?: string;
  /** Global secondary indexes the table's readers query; absent: none compared. */
  indexes?: TableIndex[];
  /** The attribute whose epoch seconds DynamoDB's TTL deletes items by; absent: TTL not compared. */
  ttlAttribute?: string;
}

export const dynamoDbTable: KindSpec<DynamoDbTableResource> = {
  kind: 'dynamodb-table',
  tagged: true,
  // On-demand: a sweep writes in bursts every 15 minutes and nothing in between; Slack's traffic is as bursty.
  desiredFields: (r) => ({
    billingMode: 'PAY_PER_REQUEST',
    // Only for tables that name them, so a table deployed before these fields were compared shows no new drift.
    ...(r.indexes ? { indexes: [...r.indexes].sort((a, b) => a.name.localeCompare(b.name)) } : {}),
    ...(r.ttlAttribute ? { timeToLive: r.ttlAttribute } : {}),
  }),
};

// A table, AWS half: DescribeTable, its tags and (when compared) its TTL; CreateTable (on-demand, tagged, with its
// indexes) and its TTL, or UpdateTable's billing mode and UpdateTimeToLive.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ListTagsOfResourceCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDbTableResource } from '../../kinds/dynamodb-table.js';
import { managedIn, orMissing, TAG_LIST } from './common.js';
import type { KindIo } from './kind.js';

export const dynamoDbTableIo: KindIo<DynamoDbTableResource> = {
  actions: {
    read: ['dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource', 'dynamodb:DescribeTimeToLive'],
    // DescribeTable: the waiter that holds apply until the new table is ACTIVE.
    write: ['dynamodb:CreateTable', 'dynamodb:TagResource', 'dynamodb:UpdateTable', 'dynamodb:DescribeTable', 'dynamodb:UpdateTimeToLive'],
  },

  async read(resource, { accounts, account, region }) {
    const dynamodb = await accounts.client(DynamoDBClient, account, region);
    const table = (await orMissing(dynamodb.send(new DescribeTableCommand({ TableName: resource.name }))))?.Table;
    if (!table?.TableArn) return { exists: false };
    const [tags, ttl] = await Promise.all([
      dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: table.TableArn })),
      resource.ttlAttribute ? dynamodb.send(new DescribeTimeToLiveCommand({ TableName: resource.name })) : undefined,
    ]);
    const key = (schema: typeof table.KeySchema, type: 'HASH' | 'RANGE') => schema?.find((k) => k.KeyType === type)?.AttributeName;
    const ttlOn = ttl?.TimeToLiveDescription;
    return {
      exists: true,
      managed: managedIn(tags.Tags),
      fields: {
        billingMode: table.BillingModeSummary?.BillingMode ?? 'PROVISIONED',
        indexes: (table.GlobalSecondaryIndexes ?? [])
          .map((i) => ({ name: i.IndexName, partitionKey: key(i.KeySchema, 'HASH'), sortKey: key(i.KeySchema, 'RANGE') }))
          .sort((a, b) => String(a.name).localeCompare(String(b.name))),
        timeToLive: ['ENABLED', 'ENABLING'].includes(ttlOn?.TimeToLiveStatus ?? '') ? (ttlOn?.AttributeName ?? null) : null,
      },
      ids: { arn: table.TableArn },
    };
  },

  async apply(resource, { accounts, account, region, create, fields }) {
    const dynamodb = await accounts.client(DynamoDBClient, account, region);
    const putTtl = () =>
      dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: resource.name,
          TimeToLiveSpecification: { AttributeName: resource.ttlAttribute, Enabled: true },
        }),
      );
    if (create) {
      const index = (i: NonNullable<DynamoDbTableResource['indexes']>[number]) => ({
        IndexName: i.name,
        KeySchema: [
          { AttributeName: i.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: i.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: 'ALL' as const },
      });
      const keys = [resource.partitionKey, resource.sortKey, ...(resource.indexes ?? []).flatMap((i) => [i.partitionKey, i.sortKey])];
      await dynamodb.send(
        new CreateTableCommand({
          TableName: resource.name,
          KeySchema: [
            { AttributeName: resource.partitionKey, KeyType: 'HASH' },
            ...(resource.sortKey ? [{ AttributeName: resource.sortKey, KeyType: 'RANGE' as const }] : []),
          ],
          AttributeDefinitions: [...new Set(keys.filter((k): k is string => Boolean(k)))].map((name) => ({
            AttributeName: name,
            AttributeType: 'S' as const,
          })),
          ...(resource.indexes?.length ? { GlobalSecondaryIndexes: resource.indexes.map(index) } : {}),
          BillingMode: 'PAY_PER_REQUEST',
          Tags: TAG_LIST,
        }),
      );
      await waitUntilTableExists({ client: dynamodb, maxWaitTime: 120, minDelay: 1, maxDelay: 5 }, { TableName: resource.name });
      if (resource.ttlAttribute) await putTtl();
      return;
    }
    if (fields.has('billingMode'))
      await dynamodb.send(new UpdateTableCommand({ TableName: resource.name, BillingMode: 'PAY_PER_REQUEST' }));
    if (fields.has('timeToLive') && resource.ttlAttribute) await putTtl();
    if (fields.has('indexes') && resource.indexes) {
      // DynamoDB takes one index change at a time, and the next only once it is done: one step per apply. A step left
      // is still drift in the re-read, so the run fails until an apply after the index is ACTIVE makes the last one.
      const table = (await dynamodb.send(new DescribeTableCommand({ TableName: resource.name }))).Table;
      const existing = new Map((table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i]));
      const keyOf = (schema: { AttributeName?: string; KeyType?: string }[] | undefined, type: string) =>
        schema?.find((k) => k.KeyType === type)?.AttributeName;
      const wrong = resource.indexes.find((i) => {
        const seen = existing.get(i.name);
        return seen && (keyOf(seen.KeySchema, 'HASH') !== i.partitionKey || keyOf(seen.KeySchema, 'RANGE') !== i.sortKey);
      });
      const missing = resource.indexes.find((i) => !existing.has(i.name));
      if (wrong) {
        await dynamodb.send(
          new UpdateTableCommand({ TableName: resource.name, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: wrong.name } }] }),
        );
      } else if (missing) {
        await dynamodb.send(
          new UpdateTableCommand({
            TableName: resource.name,
            AttributeDefinitions: [missing.partitionKey, missing.sortKey].map((name) => ({
              AttributeName: name,
              AttributeType: 'S' as const,
            })),
            GlobalSecondaryIndexUpdates: [
              {
                Create: {
                  IndexName: missing.name,
                  KeySchema: [
                    { AttributeName: missing.partitionKey, KeyType: 'HASH' },
                    { AttributeName: missing.sortKey, KeyType: 'RANGE' },
                  ],
                  Projection: { ProjectionType: 'ALL' },
                },
              },
            ],
          }),
        );
      }
    }
  },
};

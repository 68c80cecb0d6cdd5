// The state table, AWS half: DescribeTable and its tags; CreateTable (on-demand, tagged), or UpdateTable's billing mode.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTagsOfResourceCommand,
  UpdateTableCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDbTableResource } from '../../kinds/dynamodb-table.js';
import { managedIn, orMissing, TAG_LIST } from './common.js';
import type { KindIo } from './kind.js';

export const dynamoDbTableIo: KindIo<DynamoDbTableResource> = {
  actions: {
    read: ['dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource'],
    // DescribeTable: the waiter that holds apply until the new table is ACTIVE.
    write: ['dynamodb:CreateTable', 'dynamodb:TagResource', 'dynamodb:UpdateTable', 'dynamodb:DescribeTable'],
  },

  async read(resource, { accounts, account, region }) {
    const dynamodb = await accounts.client(DynamoDBClient, account, region);
    const table = (await orMissing(dynamodb.send(new DescribeTableCommand({ TableName: resource.name }))))?.Table;
    if (!table?.TableArn) return { exists: false };
    const tags = await dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: table.TableArn }));
    return {
      exists: true,
      managed: managedIn(tags.Tags),
      fields: {
        billingMode: table.BillingModeSummary?.BillingMode ?? 'PROVISIONED',
      },
      ids: { arn: table.TableArn },
    };
  },

  async apply(resource, { accounts, account, region, create, fields }) {
    const dynamodb = await accounts.client(DynamoDBClient, account, region);
    if (create) {
      await dynamodb.send(
        new CreateTableCommand({
          TableName: resource.name,
          KeySchema: [
            { AttributeName: resource.partitionKey, KeyType: 'HASH' },
            { AttributeName: resource.sortKey, KeyType: 'RANGE' },
          ],
          AttributeDefinitions: [
            { AttributeName: resource.partitionKey, AttributeType: 'S' },
            { AttributeName: resource.sortKey, AttributeType: 'S' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          Tags: TAG_LIST,
        }),
      );
      await waitUntilTableExists({ client: dynamodb, maxWaitTime: 120, minDelay: 1, maxDelay: 5 }, { TableName: resource.name });
      return;
    }
    if (fields.has('billingMode'))
      await dynamodb.send(new UpdateTableCommand({ TableName: resource.name, BillingMode: 'PAY_PER_REQUEST' }));
  },
};

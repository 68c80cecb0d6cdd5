// The replay ledger on Lambda: every concurrent instance shares one DynamoDB table, so "seen" is a conditional put.
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { errorCode } from '#core/errors.js';
import type { RequestLedger } from './guard.js';

/** Id prefix of ledger items in the Slack app's table: they carry none of the store's index attributes. */
export const LEDGER_PREFIX = 'slack-request#';

/**
 * Remembers a signature with `PutItem` and `ConditionExpression: attribute_not_exists(id) OR expiresAt < :now`
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html):
 * exactly one of two concurrent invocations with the same request wins. `expiresAt` is epoch seconds, so the table's
 * TTL (attribute `expiresAt`, when enabled) removes old entries. Needs `dynamodb:PutItem` on the table. Any other
 * DynamoDB error rejects: the guard then handles nothing rather than risk acting twice.
 */
export class DynamoLedger implements RequestLedger {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
    private readonly now: () => number = Date.now,
  ) {}

  remember(signature: string, expiresAt: Date): Promise<boolean> {
    return rememberInTable(this.client, this.table, signature, expiresAt, new Date(this.now()));
  }
}

/** The conditional put of DynamoLedger, for DynamoStore.rememberRequest (the same item, the same table). */
export async function rememberInTable(
  client: DynamoDBClient,
  table: string,
  signature: string,
  expiresAt: Date,
  now: Date,
): Promise<boolean> {
  try {
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: { id: { S: `${LEDGER_PREFIX}${signature}` }, expiresAt: { N: String(Math.ceil(expiresAt.getTime() / 1000)) } },
        ConditionExpression: 'attribute_not_exists(id) OR expiresAt < :now',
        ExpressionAttributeValues: { ':now': { N: String(Math.floor(now.getTime() / 1000)) } },
      }),
    );
    return true;
  } catch (error) {
    if (errorCode(error) === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

// DynamoDB store for the Slack app on Lambda: the same Store contract as SQLite, one table with three indexes.
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  PutCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Alert } from '#core/alert.js';
import { errorCode } from '#core/errors.js';
import { rememberInTable } from '../ledger-dynamodb.js';
import { trailKey } from './keys.js';
import {
  type Incident,
  type Notice,
  type PendingNotice,
  type SavedCertificate,
  type Store,
  type SubscriptionState,
  withCertificate,
} from './types.js';

const ALL = 'all';
const NOTICE_PREFIX = 'notice#';
const SUBSCRIPTION_PREFIX = 'subscription#';
const CERTIFICATES_ID = 'sns-certificates';

type Item = Omit<Incident, 'alert'> & { alert: string; trailKey: string; bucket: string };

const toIncident = (item: Record<string, unknown>): Incident => {
  // claimedUntil is the store's own bookkeeping (claim), not part of an Incident.
  const { trailKey: _t, bucket: _b, claimedUntil: _c, alert, ...rest } = item as Item & { claimedUntil?: string };
  return {
    ...rest,
    alert: JSON.parse(alert) as Alert,
    parentId: rest.parentId ?? null,
    channel: rest.channel ?? null,
    ts: rest.ts ?? null,
    acknowledgedBy: rest.acknowledgedBy ?? null,
    acknowledgedAt: rest.acknowledgedAt ?? null,
    lastError: rest.lastError ?? null,
    statusLine: rest.statusLine ?? null,
    digest: rest.digest === true,
    sendingAt: rest.sendingAt ?? null,
  };
};

/** Creates the table and its indexes when missing (tests, local runs; production tables come from infrastructure code). */
export async function ensureTable(client: DynamoDBClient, table: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: table }));
    return;
  } catch (error) {
    if (errorCode(error) !== 'ResourceNotFoundException') throw error;
  }
  const index = (name: string, hash: string, range: string) => ({
    IndexName: name,
    KeySchema: [
      { AttributeName: hash, KeyType: 'HASH' as const },
      { AttributeName: range, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: 'ALL' as const },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: ['id', 'state', 'nextAttemptAt', 'trailKey', 'receivedAt', 'bucket', 'parentId'].map((name) => ({
          AttributeName: name,
          AttributeType: 'S' as const,
        })),
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [
          index('byState', 'state', 'nextAttemptAt'),
          index('byTrail', 'trailKey', 'receivedAt'),
          index('byTime', 'bucket', 'receivedAt'),
          index('byParent', 'parentId', 'receivedAt'),
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: table });
}

export class DynamoStore implements Store {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  private async query(input: Omit<QueryCommandInput, 'TableName'>, limit = Infinity): Promise<Incident[]> {
    const out: Incident[] = [];
    // Leaving the loop stops the paginator: no page past `limit` is read.
    for await (const page of paginateQuery({ client: this.doc }, { TableName: this.table, ...input })) {
      out.push(...(page.Items ?? []).map(toIncident));
      if (out.length >= limit) break;
    }
    return out.slice(0, limit);
  }

  async insertAlert(alert: Alert, now: Date): Promise<boolean> {
    const at = now.toISOString();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            id: alert.id,
            alert: JSON.stringify(alert),
            receivedAt: at,
            state: 'pending',
            nextAttemptAt: at,
            trailKey: trailKey(alert),
            bucket: ALL,
            count: 1,
            attempts: 0,
            digest: false,
          },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
      return true;
    } catch (error) {
      if (errorCode(error) === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async get(id: string): Promise<Incident | null> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { id }, ConsistentRead: true }));
    return Item ? toIncident(Item) : null;
  }

  async due(now: Date, limit: number): Promise<Incident[]> {
    const due = await this.query(
      {
        IndexName: 'byState',
        KeyConditionExpression: '#s = :pending AND nextAttemptAt <= :now',
        FilterExpression: 'attribute_not_exists(claimedUntil) OR claimedUntil <= :now',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':pending': 'pending', ':now': now.toISOString() },
      },
      limit,
    );
    return due.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id));
  }

  async nextDue(): Promise<Date | null> {
    const [first] = await this.query(
      {
        IndexName: 'byState',
        KeyConditionExpression: '#s = :pending',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':pending': 'pending' },
        Limit: 1,
      },
      1,
    );
    return first ? new Date(first.nextAttemptAt) : null;
  }

  async markPosted(id: string, channel: string, ts: string, parentId: string | null, digest = false): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { id },
        // Leaving `state` out of the byState index would need REMOVE; 'posted' keeps queries on 'pending' small.
        UpdateExpression: `SET #s = :posted, channel = :c, ts = :ts, digest = :d${parentId ? ', parentId = :p' : ''} REMOVE lastError, sendingAt, claimedUntil${parentId ? '' : ', parentId'}`,
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':posted': 'posted', ':c': channel, ':ts': ts, ':d': digest, ...(parentId ? { ':p': parentId } : {}) },
      }),
    );
  }

  async claim(id: string, now: Date, until: Date): Promise<boolean> {
    return this.claimItem(id, 'pending', now, until);
  }

  /**
   * Claims the item `key` while its state is `pending` (an alert's `pending`, a notice's `notice-pending`) and no one
   * else holds it: a conditional update (UpdateItem with ConditionExpression), so of concurrent claims DynamoDB lets
   * exactly one through. False when the condition fails.
   */
  private async claimItem(key: string, pending: string, now: Date, until: Date): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id: key },
          UpdateExpression: 'SET claimedUntil = :until',
          ConditionExpression: '#s = :pending AND (attribute_not_exists(claimedUntil) OR claimedUntil <= :now)',
          ExpressionAttributeNames: { '#s': 'state' },
          ExpressionAttributeValues: { ':until': until.toISOString(), ':pending': pending, ':now': now.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (errorCode(error) === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async markSending(id: string, at: Date | null): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { id },
        UpdateExpression: at ? 'SET sendingAt = :a' : 'REMOVE sendingAt',
        ...(at ? { ExpressionAttributeValues: { ':a': at.toISOString() } } : {}),
      }),
    );
  }

  async markFailed(id: string, error: string, nextAttemptAt: Date): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { id },
        UpdateExpression: 'SET lastError = :e, nextAttemptAt = :n REMOVE claimedUntil ADD attempts :one',
        ExpressionAttributeValues: { ':e': error, ':n': nextAttemptAt.toISOString(), ':one': 1 },
      }),
    );
  }

  async recentDigest(since: Date): Promise<Incident | null> {
    const recent = await this.query({
      IndexName: 'byTime',
      KeyConditionExpression: 'bucket = :all AND receivedAt >= :since',
      FilterExpression: 'digest = :t AND #s = :posted',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':all': ALL, ':since': since.toISOString(), ':t': true, ':posted': 'posted' },
      ScanIndexForward: false,
    });
    return recent[0] ?? null;
  }

  async family(id: string): Promise<Incident[]> {
    const root = await this.get(id);
    const children = await this.query({
      IndexName: 'byParent',
      KeyConditionExpression: 'parentId = :id',
      ExpressionAttributeValues: { ':id': id },
    });
    return [...(root ? [root] : []), ...children].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id.localeCompare(b.id));
  }

  async findRepeatParent(alert: Alert, since: Date): Promise<Incident | null> {
    const candidates = await this.query({
      IndexName: 'byTrail',
      KeyConditionExpression: 'trailKey = :k AND receivedAt >= :since',
      FilterExpression: '#s = :posted AND attribute_not_exists(parentId) AND digest = :f AND id <> :id',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: {
        ':k': trailKey(alert),
        ':since': since.toISOString(),
        ':posted': 'posted',
        ':f': false,
        ':id': alert.id,
      },
      ScanIndexForward: false,
    });
    return candidates[0] ?? null;
  }

  async incrementCount(id: string): Promise<number> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { id },
        UpdateExpression: 'ADD #n :one',
        ExpressionAttributeNames: { '#n': 'count' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(out.Attributes?.count ?? 0);
  }

  async acknowledge(id: string, user: string, at: Date): Promise<Incident | null> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id },
          UpdateExpression: 'SET acknowledgedBy = :u, acknowledgedAt = :a',
          ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(acknowledgedBy)',
          ExpressionAttributeValues: { ':u': user, ':a': at.toISOString() },
        }),
      );
    } catch (error) {
      if (errorCode(error) !== 'ConditionalCheckFailedException') throw error;
    }
    return this.get(id);
  }

  async setStatusLine(id: string, line: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { id },
        UpdateExpression: 'SET statusLine = :l',
        ExpressionAttributeValues: { ':l': line },
      }),
    );
  }

  async countReceivedSince(since: Date): Promise<number> {
    let count = 0;
    const pages = paginateQuery(
      { client: this.doc },
      {
        TableName: this.table,
        IndexName: 'byTime',
        KeyConditionExpression: 'bucket = :all AND receivedAt >= :since',
        ExpressionAttributeValues: { ':all': ALL, ':since': since.toISOString() },
        Select: 'COUNT',
      },
    );
    for await (const page of pages) count += page.Count ?? 0;
    return count;
  }

  async openIncidents(limit: number): Promise<Incident[]> {
    return this.query(
      {
        IndexName: 'byTime',
        KeyConditionExpression: 'bucket = :all',
        FilterExpression: '#s = :posted AND attribute_not_exists(parentId) AND attribute_not_exists(acknowledgedBy)',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':all': ALL, ':posted': 'posted' },
        ScanIndexForward: false,
      },
      limit,
    );
  }

  async acknowledgedSince(since: Date, limit: number): Promise<Incident[]> {
    return this.query(
      {
        IndexName: 'byTime',
        KeyConditionExpression: 'bucket = :all AND receivedAt >= :since',
        FilterExpression: '#s = :posted AND attribute_not_exists(parentId) AND attribute_exists(acknowledgedBy)',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':all': ALL, ':posted': 'posted', ':since': since.toISOString() },
        ScanIndexForward: false,
      },
      limit,
    );
  }

  /**
   * Notices are items `notice#<id>` in the byState index under `state` `notice-pending` (then `notice-posted`), so the
   * alerts' queries (state `pending`) never see them; they carry no `bucket`, `trailKey` or `parentId`.
   */
  async insertNotice(notice: Notice, now: Date): Promise<boolean> {
    const at = now.toISOString();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            id: `${NOTICE_PREFIX}${notice.id}`,
            notice: JSON.stringify(notice),
            receivedAt: at,
            state: 'notice-pending',
            nextAttemptAt: at,
            attempts: 0,
          },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      );
      return true;
    } catch (error) {
      if (errorCode(error) === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async dueNotices(now: Date, limit: number): Promise<PendingNotice[]> {
    const out: PendingNotice[] = [];
    const input = {
      TableName: this.table,
      IndexName: 'byState',
      KeyConditionExpression: '#s = :p AND nextAttemptAt <= :now',
      FilterExpression: 'attribute_not_exists(claimedUntil) OR claimedUntil <= :now',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: { ':p': 'notice-pending', ':now': now.toISOString() },
    };
    for await (const page of paginateQuery({ client: this.doc }, input)) {
      for (const item of page.Items ?? [])
        out.push({
          notice: JSON.parse(String(item.notice)) as Notice,
          receivedAt: String(item.receivedAt),
          state: 'pending',
          attempts: Number(item.attempts ?? 0),
          nextAttemptAt: String(item.nextAttemptAt),
          lastError: (item.lastError as string | undefined) ?? null,
          ts: null,
        });
      if (out.length >= limit) break;
    }
    return out.slice(0, limit);
  }

  async claimNotice(id: string, now: Date, until: Date): Promise<boolean> {
    return this.claimItem(`${NOTICE_PREFIX}${id}`, 'notice-pending', now, until);
  }

  async markNoticePosted(id: string, ts: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { id: `${NOTICE_PREFIX}${id}` },
        UpdateExpression: 'SET #s = :posted, ts = :ts REMOVE lastError, claimedUntil',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':posted': 'notice-posted', ':ts': ts },
      }),
    );
  }

  async markNoticeFailed(id: string, error: string, nextAttemptAt: Date): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { id: `${NOTICE_PREFIX}${id}` },
        UpdateExpression: 'SET lastError = :e, nextAttemptAt = :n REMOVE claimedUntil ADD attempts :one',
        ExpressionAttributeValues: { ':e': error, ':n': nextAttemptAt.toISOString(), ':one': 1 },
      }),
    );
  }

  /** Item `subscription#<topic>`, outside every index. */
  async subscription(topic: string): Promise<SubscriptionState | null> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { id: `${SUBSCRIPTION_PREFIX}${topic}` }, ConsistentRead: true }),
    );
    if (!Item) return null;
    return {
      topic,
      state: Item.subscription as SubscriptionState['state'],
      since: String(Item.since),
      error: (Item.error as string) ?? null,
    };
  }

  async setSubscription(state: SubscriptionState): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.table,
        Item: { id: `${SUBSCRIPTION_PREFIX}${state.topic}`, subscription: state.state, since: state.since, error: state.error },
      }),
    );
  }

  /** One item, `sns-certificates`, outside every index: the list is small and read once at start. */
  async certificates(): Promise<SavedCertificate[]> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { id: CERTIFICATES_ID }, ConsistentRead: true }));
    return Item ? (JSON.parse(String(Item.list)) as SavedCertificate[]) : [];
  }

  async saveCertificate(certificate: SavedCertificate): Promise<void> {
    const list = withCertificate(await this.certificates(), certificate);
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { id: CERTIFICATES_ID, list: JSON.stringify(list) } }));
  }

  /** A conditional put of `slack-request#<signature>` (see DynamoLedger): every invocation sharing the table agrees. */
  rememberRequest(signature: string, expiresAt: Date, now: Date): Promise<boolean> {
    return rememberInTable(this.client, this.table, signature, expiresAt, now);
  }

  /** Writes (and overwrites) one health item, `id` `health#probe`, outside every index (it has no `state`, `bucket`, …). */
  async probeWrite(now: Date): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { id: 'health#probe', at: now.toISOString() } }));
  }

  async close(): Promise<void> {}
}

// The DynamoDB table `trailguard-state`: canary arrivals, the latest sweep, status snapshots and open findings.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { errorCode } from '../errors.js';
import type { TrailStatusRow } from '../status.js';
import { CANARY_MAX_SKEW_MS, type CanaryArrival, type FindingItem } from '../sweep.js';

/** The latest sweep (`pk=sweep`, `sk=latest`). `finishedAt` is absent while workers are still sweeping. */
export interface SweepItem {
  sweepId: string;
  startedAt: string;
  finishedAt?: string;
  accounts: number;
  findings: number;
  /** Accounts whose worker has finished (TrailGuard's own counter, used to set `finishedAt`). */
  done?: number;
}

/** A member-region's status snapshot (`pk=status`, `sk=<account>#<region>`). */
export interface StatusItem {
  account: string;
  region: string;
  sweepId: string;
  checkedAt: string;
  rows: TrailStatusRow[];
  error?: string;
  /** The canary this sweep put there (TrailGuard's own field): what the next sweep checks arrived. */
  canary?: { sentAt: string; sweepId: string };
  /**
   * When the last canary from this member-region arrived (ISO-8601, the `canary` item's `lastSeenAt`), kept also when
   * the sweep could not read the member; absent when none ever did.
   */
  lastCanaryAt?: string;
}

/**
 * Reads and writes `trailguard-state` (partition key `pk`, sort key `sk`, both strings) following the contract in
 * README "The sweep". Every method propagates DynamoDB's errors; callers decide whether they fail a sweep.
 */
export class StateTable {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Records a canary's arrival (`pk=canary`); an older canary arriving late never replaces a newer one. */
  async recordCanary(arrival: CanaryArrival, now: Date): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: 'canary',
            sk: `${arrival.account}#${arrival.region}`,
            lastSeenAt: now.toISOString(),
            eventId: arrival.eventId,
            sentAt: arrival.sentAt,
            sweepId: arrival.sweepId,
          },
          // A future-dated item (forged, or written by hand) is replaced by any real arrival.
          ConditionExpression: 'attribute_not_exists(sentAt) OR sentAt <= :sentAt OR sentAt > :future',
          ExpressionAttributeValues: {
            ':sentAt': arrival.sentAt,
            ':future': new Date(now.getTime() + CANARY_MAX_SKEW_MS).toISOString(),
          },
        }),
      );
    } catch (error) {
      if (errorCode(error) !== 'ConditionalCheckFailedException') throw error;
    }
  }

  async canary(account: string, region: string): Promise<{ lastSeenAt: string; eventId: string; sentAt: string } | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'canary', sk: `${account}#${region}` } }));
    return (out.Item as { lastSeenAt: string; eventId: string; sentAt: string } | undefined) ?? null;
  }

  async startSweep(item: Omit<SweepItem, 'findings' | 'done' | 'finishedAt'>): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: 'sweep', sk: 'latest', ...item, findings: 0, done: 0 } }));
  }

  /**
   * Counts one account of `sweepId` done with its findings; the last one sets `finishedAt`. A worker of an older
   * sweep (redelivered late) changes nothing.
   */
  async finishAccount(sweepId: string, findings: number, now: Date): Promise<void> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: 'sweep', sk: 'latest' },
          UpdateExpression: 'ADD done :one, findings :n',
          ConditionExpression: 'sweepId = :id',
          ExpressionAttributeValues: { ':one': 1, ':n': findings, ':id': sweepId },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const item = out.Attributes as SweepItem | undefined;
      if (item && (item.done ?? 0) >= item.accounts && !item.finishedAt) {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: 'sweep', sk: 'latest' },
            UpdateExpression: 'SET finishedAt = :at',
            ConditionExpression: 'sweepId = :id',
            ExpressionAttributeValues: { ':at': now.toISOString(), ':id': sweepId },
          }),
        );
      }
    } catch (error) {
      if (errorCode(error) !== 'ConditionalCheckFailedException') throw error;
    }
  }

  async latestSweep(): Promise<SweepItem | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'sweep', sk: 'latest' } }));
    return (out.Item as SweepItem | undefined) ?? null;
  }

  async status(account: string, region: string): Promise<StatusItem | null> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: 'status', sk: `${account}#${region}` } }));
    return out.Item ? fromStatusItem(out.Item) : null;
  }

  async putStatus(item: StatusItem): Promise<void> {
    const { rows, ...rest } = item;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: 'status', sk: `${item.account}#${item.region}`, ...rest, rows: JSON.stringify(rows) },
      }),
    );
  }

  /** Every status snapshot (all member-regions), for `/trail-status`. */
  async allStatus(): Promise<StatusItem[]> {
    const items: StatusItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'status' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) items.push(fromStatusItem(item));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  /** The findings recorded for one member-region (`sk` begins with `<account>#<region>#`). */
  async findings(account: string, region: string): Promise<FindingItem[]> {
    const out: FindingItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': 'finding', ':prefix': `${account}#${region}#` },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        out.push({ key: item.sk, firstSeenAt: item.firstSeenAt, alertId: item.alertId, state: item.state });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async putFinding(item: FindingItem): Promise<void> {
    const { key, ...rest } = item;
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: 'finding', sk: key, ...rest } }));
  }
}

function fromStatusItem(item: Record<string, unknown>): StatusItem {
  const [account = '', region = ''] = String(item.sk).split('#');
  const { pk: _pk, sk: _sk, rows, ...rest } = item;
  return { ...(rest as Omit<StatusItem, 'rows'>), account, region, rows: typeof rows === 'string' ? JSON.parse(rows) : [] };
}

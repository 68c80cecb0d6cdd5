// Reads the shared state table `trailguard-state` (written by the sweep and the canary): the last sweep, its status
// snapshot and the canaries' arrivals, for App Home. Read-only; the sweep owns the table and its writer.
import { type DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { TrailStatusRow } from '#core/status.js';

/** The table's name (DESIGN.md, contract additions: resources). */
export const STATE_TABLE = 'trailguard-state';

/** The latest sweep (pk `sweep`, sk `latest`): `finishedAt` is null while it runs. Times are ISO-8601. */
export interface SweepSummary {
  sweepId: string;
  startedAt: string;
  finishedAt: string | null;
  accounts: number;
  findings: number;
}

/** A status snapshot of one account and region (pk `status`, sk `<account>#<region>`). */
export interface StatusSnapshot {
  account: string;
  region: string;
  sweepId: string;
  checkedAt: string;
  /** The trail-status rows `/trail-status` shows; empty when `rows` was unreadable (then `error` says so). */
  rows: TrailStatusRow[];
  error: string | null;
}

/** The latest canary arrival of one account and region (pk `canary`, sk `<account>#<region>`). */
export interface CanaryArrival {
  account: string;
  region: string;
  lastSeenAt: string;
  eventId: string;
}

/** Everything App Home shows from the table; `sweep` null: no sweep finished or started yet (or no table). */
export interface OrganizationState {
  sweep: SweepSummary | null;
  status: StatusSnapshot[];
  canaries: CanaryArrival[];
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);

/** Splits `<account>#<region>`; null for a key of another shape (never trusted blindly: the table is shared). */
function accountRegion(sk: unknown): { account: string; region: string } | null {
  const m = /^(\d{12})#([a-z0-9-]+)$/.exec(String(sk ?? ''));
  return m ? { account: m[1]!, region: m[2]! } : null;
}

/**
 * Reads `trailguard-state` in the central account (DynamoDB GetItem on `sweep`/`latest`, Query on partitions `status`
 * and `canary`, every page). A missing table reads as "no sweep yet" (it appears with the first `apply` that creates
 * it); any other error (AccessDenied, throttling) throws with the table named, for the caller to show.
 */
export async function readOrganizationState(client: DynamoDBClient, table = STATE_TABLE): Promise<OrganizationState> {
  const doc = DynamoDBDocumentClient.from(client);
  try {
    const latest = (await doc.send(new GetCommand({ TableName: table, Key: { pk: 'sweep', sk: 'latest' } }))).Item;
    const partition = async (pk: string) => {
      const items: Record<string, unknown>[] = [];
      for await (const page of paginateQuery(
        { client: doc },
        { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } },
      ))
        items.push(...(page.Items ?? []));
      return items;
    };
    const [status, canaries] = await Promise.all([partition('status'), partition('canary')]);
    return {
      sweep:
        latest && str(latest.sweepId)
          ? {
              sweepId: str(latest.sweepId)!,
              startedAt: str(latest.startedAt) ?? '',
              finishedAt: str(latest.finishedAt),
              accounts: num(latest.accounts),
              findings: num(latest.findings),
            }
          : null,
      status: status.flatMap((item) => {
        const where = accountRegion(item.sk);
        if (!where) return [];
        let rows: TrailStatusRow[] = [];
        let error = str(item.error);
        try {
          const parsed: unknown = JSON.parse(str(item.rows) ?? '[]');
          if (!Array.isArray(parsed)) throw new Error('rows is not a JSON array');
          rows = parsed as TrailStatusRow[];
        } catch (e) {
          error = `${error ? `${error}; ` : ''}unreadable rows: ${e instanceof Error ? e.message : String(e)}`;
        }
        return [{ ...where, sweepId: str(item.sweepId) ?? '', checkedAt: str(item.checkedAt) ?? '', rows, error }];
      }),
      canaries: canaries.flatMap((item) => {
        const where = accountRegion(item.sk);
        const lastSeenAt = str(item.lastSeenAt);
        return where && lastSeenAt ? [{ ...where, lastSeenAt, eventId: str(item.eventId) ?? '' }] : [];
      }),
    };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return { sweep: null, status: [], canaries: [] };
    throw new Error(`reading the state table ${table}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

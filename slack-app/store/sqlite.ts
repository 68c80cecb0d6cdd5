// SQLite store for the long-lived server: one file, synchronous and fast, survives restarts.
import Database from 'better-sqlite3';
import type { Alert } from '#core/alert.js';
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

interface Row {
  id: string;
  alert: string;
  received_at: string;
  state: Incident['state'];
  channel: string | null;
  ts: string | null;
  parent_id: string | null;
  count: number;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  status_line: string | null;
  trail_key: string;
  digest: number;
  sending_at: string | null;
}

interface NoticeRow {
  id: string;
  notice: string;
  received_at: string;
  state: PendingNotice['state'];
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  ts: string | null;
}

const toIncident = (r: Row): Incident => ({
  id: r.id,
  alert: JSON.parse(r.alert) as Alert,
  receivedAt: r.received_at,
  state: r.state,
  channel: r.channel,
  ts: r.ts,
  parentId: r.parent_id,
  count: r.count,
  acknowledgedBy: r.acknowledged_by,
  acknowledgedAt: r.acknowledged_at,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  statusLine: r.status_line,
  digest: r.digest === 1,
  sendingAt: r.sending_at ?? null,
});

export { trailKey };

/**
 * How long a statement waits for another connection's lock before failing with SQLITE_BUSY, in ms. better-sqlite3 is
 * synchronous, so the wait blocks the event loop (HTTP answers, Slack's 3-second acknowledgements): long enough for a
 * checkpoint or a backup step, short enough not to freeze the app; a longer lock fails the call, and every caller
 * turns that into a retry (the poster's next pass, SNS's redelivery after a 500), never a crash.
 */
export const BUSY_TIMEOUT_MS = 2_000;

export interface SqliteStoreOptions {
  /** Default BUSY_TIMEOUT_MS. */
  busyTimeoutMs?: number;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;

  /** `file`: a path (':memory:' for none), or an open better-sqlite3 database the store takes over (and closes). */
  constructor(file: string | Database.Database, options: SqliteStoreOptions = {}) {
    this.db = typeof file === 'string' ? new Database(file) : file;
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? BUSY_TIMEOUT_MS))}`);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS incidents (
        id TEXT PRIMARY KEY,
        alert TEXT NOT NULL,
        received_at TEXT NOT NULL,
        state TEXT NOT NULL,
        channel TEXT,
        ts TEXT,
        parent_id TEXT,
        count INTEGER NOT NULL DEFAULT 1,
        acknowledged_by TEXT,
        acknowledged_at TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        status_line TEXT,
        trail_key TEXT NOT NULL,
        digest INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX IF NOT EXISTS incidents_due ON incidents (state, next_attempt_at);
      CREATE INDEX IF NOT EXISTS incidents_trail ON incidents (trail_key, received_at);
      CREATE INDEX IF NOT EXISTS incidents_received ON incidents (received_at);
      CREATE INDEX IF NOT EXISTS incidents_parent ON incidents (parent_id);
      CREATE TABLE IF NOT EXISTS health_probe (id INTEGER PRIMARY KEY, at TEXT NOT NULL, pad BLOB);
      CREATE TABLE IF NOT EXISTS notices (
        id TEXT PRIMARY KEY,
        notice TEXT NOT NULL,
        received_at TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        ts TEXT,
        claimed_until TEXT
      );
      CREATE INDEX IF NOT EXISTS notices_due ON notices (state, next_attempt_at);
      CREATE TABLE IF NOT EXISTS subscriptions (topic TEXT PRIMARY KEY, state TEXT NOT NULL, since TEXT NOT NULL, error TEXT);
      CREATE TABLE IF NOT EXISTS sns_certificates (id INTEGER PRIMARY KEY CHECK (id = 1), list TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS slack_requests (signature TEXT PRIMARY KEY, expires_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS slack_requests_expiry ON slack_requests (expires_at);
    `);
    // Files written before sending_at existed gain it (NULL: no post of theirs is in flight).
    const columns = this.db.prepare('PRAGMA table_info(incidents)').all() as { name: string }[];
    if (!columns.some((c) => c.name === 'sending_at')) this.db.exec('ALTER TABLE incidents ADD COLUMN sending_at TEXT');
    if (!columns.some((c) => c.name === 'claimed_until')) this.db.exec('ALTER TABLE incidents ADD COLUMN claimed_until TEXT');
    // One server owns the file: claims left by a process that ended (killed mid-post) are void, not waited out.
    this.db.exec('UPDATE incidents SET claimed_until = NULL WHERE claimed_until IS NOT NULL');
    this.db.exec('UPDATE notices SET claimed_until = NULL WHERE claimed_until IS NOT NULL');
  }

  async insertAlert(alert: Alert, now: Date): Promise<boolean> {
    const at = now.toISOString();
    const result = this.db
      .prepare(
        `INSERT OR IGNORE INTO incidents (id, alert, received_at, state, next_attempt_at, trail_key) VALUES (?, ?, ?, 'pending', ?, ?)`,
      )
      .run(alert.id, JSON.stringify(alert), at, at, trailKey(alert));
    return result.changes === 1;
  }

  async get(id: string): Promise<Incident | null> {
    const row = this.db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as Row | undefined;
    return row ? toIncident(row) : null;
  }

  async due(now: Date, limit: number): Promise<Incident[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM incidents WHERE state = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY received_at, id LIMIT ?`,
      )
      .all(now.toISOString(), now.toISOString(), limit) as Row[];
    return rows.map(toIncident);
  }

  async nextDue(): Promise<Date | null> {
    // A claimed incident is due again when its claim expires, if that is later.
    const row = this.db
      .prepare(`SELECT MIN(MAX(next_attempt_at, COALESCE(claimed_until, ''))) AS at FROM incidents WHERE state = 'pending'`)
      .get() as { at: string | null };
    return row.at ? new Date(row.at) : null;
  }

  async markPosted(id: string, channel: string, ts: string, parentId: string | null, digest = false): Promise<void> {
    this.db
      .prepare(
        `UPDATE incidents SET state = 'posted', channel = ?, ts = ?, parent_id = ?, digest = ?, last_error = NULL, sending_at = NULL, claimed_until = NULL WHERE id = ?`,
      )
      .run(channel, ts, parentId, digest ? 1 : 0, id);
  }

  async recentDigest(since: Date): Promise<Incident | null> {
    const row = this.db
      .prepare(`SELECT * FROM incidents WHERE digest = 1 AND state = 'posted' AND received_at >= ? ORDER BY received_at DESC LIMIT 1`)
      .get(since.toISOString()) as Row | undefined;
    return row ? toIncident(row) : null;
  }

  async family(id: string): Promise<Incident[]> {
    const rows = this.db.prepare('SELECT * FROM incidents WHERE id = ? OR parent_id = ? ORDER BY received_at, id').all(id, id) as Row[];
    return rows.map(toIncident);
  }

  async claim(id: string, now: Date, until: Date): Promise<boolean> {
    const result = this.db
      .prepare(
        `UPDATE incidents SET claimed_until = ? WHERE id = ? AND state = 'pending' AND (claimed_until IS NULL OR claimed_until <= ?)`,
      )
      .run(until.toISOString(), id, now.toISOString());
    return result.changes === 1;
  }

  async markSending(id: string, at: Date | null): Promise<void> {
    this.db.prepare('UPDATE incidents SET sending_at = ? WHERE id = ?').run(at?.toISOString() ?? null, id);
  }

  async markFailed(id: string, error: string, nextAttemptAt: Date): Promise<void> {
    this.db
      .prepare(`UPDATE incidents SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_until = NULL WHERE id = ?`)
      .run(error, nextAttemptAt.toISOString(), id);
  }

  async findRepeatParent(alert: Alert, since: Date): Promise<Incident | null> {
    const row = this.db
      .prepare(
        `SELECT * FROM incidents WHERE trail_key = ? AND state = 'posted' AND parent_id IS NULL AND digest = 0 AND id != ? AND received_at >= ? ORDER BY received_at DESC LIMIT 1`,
      )
      .get(trailKey(alert), alert.id, since.toISOString()) as Row | undefined;
    return row ? toIncident(row) : null;
  }

  async incrementCount(id: string): Promise<number> {
    const row = this.db.prepare('UPDATE incidents SET count = count + 1 WHERE id = ? RETURNING count').get(id) as
      | { count: number }
      | undefined;
    return row?.count ?? 0;
  }

  async acknowledge(id: string, user: string, at: Date): Promise<Incident | null> {
    this.db
      .prepare('UPDATE incidents SET acknowledged_by = ?, acknowledged_at = ? WHERE id = ? AND acknowledged_by IS NULL')
      .run(user, at.toISOString(), id);
    return this.get(id);
  }

  async setStatusLine(id: string, line: string): Promise<void> {
    this.db.prepare('UPDATE incidents SET status_line = ? WHERE id = ?').run(line, id);
  }

  async countReceivedSince(since: Date): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM incidents WHERE received_at >= ?').get(since.toISOString()) as { n: number }).n;
  }

  async openIncidents(limit: number): Promise<Incident[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM incidents WHERE state = 'posted' AND parent_id IS NULL AND acknowledged_by IS NULL ORDER BY received_at DESC LIMIT ?`,
      )
      .all(limit) as Row[];
    return rows.map(toIncident);
  }

  async acknowledgedSince(since: Date, limit: number): Promise<Incident[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM incidents WHERE state = 'posted' AND parent_id IS NULL AND acknowledged_by IS NOT NULL AND received_at >= ? ORDER BY received_at DESC LIMIT ?`,
      )
      .all(since.toISOString(), limit) as Row[];
    return rows.map(toIncident);
  }

  async insertNotice(notice: Notice, now: Date): Promise<boolean> {
    const at = now.toISOString();
    return (
      this.db
        .prepare(`INSERT OR IGNORE INTO notices (id, notice, received_at, state, next_attempt_at) VALUES (?, ?, ?, 'pending', ?)`)
        .run(notice.id, JSON.stringify(notice), at, at).changes === 1
    );
  }

  async dueNotices(now: Date, limit: number): Promise<PendingNotice[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM notices WHERE state = 'pending' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY next_attempt_at, id LIMIT ?`,
      )
      .all(now.toISOString(), now.toISOString(), limit) as NoticeRow[];
    return rows.map((r) => ({
      notice: JSON.parse(r.notice) as Notice,
      receivedAt: r.received_at,
      state: r.state,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastError: r.last_error,
      ts: r.ts,
    }));
  }

  async claimNotice(id: string, now: Date, until: Date): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE notices SET claimed_until = ? WHERE id = ? AND state = 'pending' AND (claimed_until IS NULL OR claimed_until <= ?)`,
        )
        .run(until.toISOString(), id, now.toISOString()).changes === 1
    );
  }

  async markNoticePosted(id: string, ts: string): Promise<void> {
    this.db.prepare(`UPDATE notices SET state = 'posted', ts = ?, last_error = NULL, claimed_until = NULL WHERE id = ?`).run(ts, id);
  }

  async markNoticeFailed(id: string, error: string, nextAttemptAt: Date): Promise<void> {
    this.db
      .prepare('UPDATE notices SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, claimed_until = NULL WHERE id = ?')
      .run(error, nextAttemptAt.toISOString(), id);
  }

  async subscription(topic: string): Promise<SubscriptionState | null> {
    const row = this.db.prepare('SELECT * FROM subscriptions WHERE topic = ?').get(topic) as SubscriptionState | undefined;
    return row ? { topic: row.topic, state: row.state, since: row.since, error: row.error ?? null } : null;
  }

  async setSubscription(state: SubscriptionState): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO subscriptions (topic, state, since, error) VALUES (?, ?, ?, ?)')
      .run(state.topic, state.state, state.since, state.error);
  }

  async certificates(): Promise<SavedCertificate[]> {
    const row = this.db.prepare('SELECT list FROM sns_certificates WHERE id = 1').get() as { list: string } | undefined;
    return row ? (JSON.parse(row.list) as SavedCertificate[]) : [];
  }

  async saveCertificate(certificate: SavedCertificate): Promise<void> {
    this.db
      .transaction(() => {
        const list = withCertificate(
          JSON.parse(
            (this.db.prepare('SELECT list FROM sns_certificates WHERE id = 1').get() as { list: string } | undefined)?.list ?? '[]',
          ) as SavedCertificate[],
          certificate,
        );
        this.db.prepare('INSERT OR REPLACE INTO sns_certificates (id, list) VALUES (1, ?)').run(JSON.stringify(list));
      })
      .immediate();
  }

  async rememberRequest(signature: string, expiresAt: Date, now: Date): Promise<boolean> {
    // One transaction: a second connection (another server on this file) sees the entry or inserts it, never both.
    return this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM slack_requests WHERE expires_at <= ?').run(now.getTime());
        return (
          this.db.prepare('INSERT OR IGNORE INTO slack_requests (signature, expires_at) VALUES (?, ?)').run(signature, expiresAt.getTime())
            .changes === 1
        );
      })
      .immediate();
  }

  /**
   * Commits a write that needs free pages (8 KiB, deleted again in the same transaction): a full disk or a database at
   * its size limit fails it with SQLITE_FULL, a lock held past the busy timeout with SQLITE_BUSY, as an alert's insert would.
   */
  async probeWrite(now: Date): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('INSERT OR REPLACE INTO health_probe (id, at, pad) VALUES (1, ?, randomblob(8192))').run(now.toISOString());
      this.db.prepare('UPDATE health_probe SET pad = NULL WHERE id = 1').run();
    })();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

// The Slack app's store: alerts received (each exactly once), how they were posted, who acknowledged them; notices, the subscription, the replay ledger.
import type { AlarmState } from '../views/alarm.js';
import type { Alert } from '#core/alert.js';

export type IncidentState = 'pending' | 'posted';

export interface Incident {
  /** The alert id (CloudTrail eventID): redeliveries of the same alert collapse onto it. */
  id: string;
  alert: Alert;
  receivedAt: string;
  state: IncidentState;
  channel: string | null;
  /** ts of the Slack message that shows this incident (its own, a repeat's first message, or a digest). */
  ts: string | null;
  /** Id of the incident whose message this one was folded into (repeat or digest); null for a message of its own. */
  parentId: string | null;
  /** Tamper events shown on this incident's message (1 + repeats folded into it). */
  count: number;
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  /** Latest re-check result shown on the message. */
  statusLine: string | null;
  /** This incident's message is a storm digest that other incidents were folded into. */
  digest: boolean;
  /**
   * When a post showing this incident was sent without a known outcome (in flight, the connection lost, the app
   * killed), ISO-8601; null once posted or refused. While set, Slack may already hold the message: the poster
   * looks for the alert id in the channel's message metadata before posting again.
   */
  sendingAt: string | null;
}

/**
 * A message to the channel that is not an alert, kept and retried like one: something from the topic the app cannot
 * read (`unreadable-alert`), or a sign that the app will receive nothing more (`unsubscribed`: SNS confirmed an
 * unsubscribe; `unconfirmed`: a subscription the app could not confirm). A security monitor says when it goes blind.
 */
export interface Notice {
  /** Unique per event (`<kind>#<SNS MessageId>`): a redelivery of the same message is not posted twice. */
  id: string;
  kind: 'unreadable-alert' | 'unsubscribed' | 'unconfirmed' | 'cloudwatch-alarm' | 'non-member-alert';
  /** The SNS topic the message came from. */
  topic: string;
  /** When it happened (ISO-8601): the SNS Timestamp, or when the app saw it. */
  at: string;
  /** unreadable-alert: the SNS Subject, if any (shown escaped). */
  subject?: string | null;
  /** Why: the schema problem naming the field, or the confirmation's error. */
  error?: string | null;
  /** unreadable-alert: the start of the raw message (shown escaped, clipped). */
  excerpt?: string | null;
  /** cloudwatch-alarm: the alarm notification's fields (slack-app/views/alarm.ts). */
  alarm?: AlarmState;
  /** non-member-alert: what the refused alert said (account, region, outcome, call, trail), shown without buttons. */
  alert?: { id: string; account: string; region: string; outcome: string; eventName: string; trail: string | null } | null;
}

export interface PendingNotice {
  notice: Notice;
  receivedAt: string;
  state: 'pending' | 'posted';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  ts: string | null;
}

/**
 * What the app knows of its SNS subscription (HTTP server only: Lambda subscriptions get no confirmations):
 * `confirmed` (confirmed, or a verified notification arrived since), `unconfirmed` (a SubscriptionConfirmation the app
 * could not confirm: `error`), `unsubscribed` (SNS sent an UnsubscribeConfirmation). `since` is ISO-8601.
 */
export interface SubscriptionState {
  topic: string;
  state: 'confirmed' | 'unconfirmed' | 'unsubscribed';
  since: string;
  error: string | null;
}

/** An SNS signing certificate by the URL SNS named it with (PEM), and when it last verified a message (ISO-8601). */
export interface SavedCertificate {
  url: string;
  pem: string;
  provenAt: string;
  /**
   * HMAC-SHA256 (hex) of `url`, a newline and `pem` under a key the store does not hold (the Slack signing secret):
   * a certificate planted by whoever can write the store is never trusted at start. Absent: not loaded.
   */
  mac?: string;
}

export const MAX_SAVED_CERTIFICATES = 4;

/** The saved list after adding `certificate`: newest first, one per URL, bounded (both stores keep this one list). */
export function withCertificate(list: readonly SavedCertificate[], certificate: SavedCertificate): SavedCertificate[] {
  return [certificate, ...list.filter((c) => c.url !== certificate.url)].slice(0, MAX_SAVED_CERTIFICATES);
}

export interface Store {
  /** Stores a new alert as pending; false when an alert with this id is already stored. */
  insertAlert(alert: Alert, now: Date): Promise<boolean>;
  get(id: string): Promise<Incident | null>;
  /** Pending incidents due for a post attempt, oldest first. */
  due(now: Date, limit: number): Promise<Incident[]>;
  /** The earliest next attempt of any pending incident. */
  nextDue(): Promise<Date | null>;
  /** Marks posted; `parentId`/`ts` say which message shows it; `digest` marks a storm digest's own incident. */
  markPosted(id: string, channel: string, ts: string, parentId: string | null, digest?: boolean): Promise<void>;
  /** A digest posted since `since` that new storm alerts can be folded into. */
  recentDigest(since: Date): Promise<Incident | null>;
  /** The incident and every incident folded into its message. */
  family(id: string): Promise<Incident[]>;
  /**
   * Claims a pending incident for one poster until `until` (a lease): true when this call got it, false when it is
   * posted or another poster holds an unexpired claim. Two drains over one store (concurrent Lambda invocations)
   * thus never post the same alert; `markPosted` and `markFailed` release the claim, and a claim of a poster that
   * died expires. `due` leaves out incidents claimed past `now`.
   */
  claim(id: string, now: Date, until: Date): Promise<boolean>;
  /** Records that a post showing the incident is being sent (`at`), or that the last one surely did not arrive (null). */
  markSending(id: string, at: Date | null): Promise<void>;
  /** Keeps the incident pending and schedules its next attempt. */
  markFailed(id: string, error: string, nextAttemptAt: Date): Promise<void>;
  /** The latest incident with its own message for the same account, region and trail, received since `since`. */
  findRepeatParent(alert: Alert, since: Date): Promise<Incident | null>;
  incrementCount(id: string): Promise<number>;
  /** Records the first acknowledgement; returns the incident as stored after the call. */
  acknowledge(id: string, user: string, at: Date): Promise<Incident | null>;
  setStatusLine(id: string, line: string): Promise<void>;
  /** Alerts received since `since` (storm detection). */
  countReceivedSince(since: Date): Promise<number>;
  /** Incidents with a message of their own that nobody acknowledged yet, newest first. */
  openIncidents(limit: number): Promise<Incident[]>;
  /** Incidents with a message of their own, received since `since` and acknowledged, newest first (App Home). */
  acknowledgedSince(since: Date, limit: number): Promise<Incident[]>;
  /**
   * The replay ledger: remembers a signed Slack request's signature (as `signatureOf` keys it) until `expiresAt`.
   * Resolves true the first time, false while an earlier entry for it has not expired (`now`). Atomic across every
   * process that shares the store (two servers on one SQLite file, a restarted server, concurrent Lambda
   * invocations on one table), so a captured request is acted on once wherever it is sent. Expired entries are
   * dropped (SQLite) or left to the table's TTL on `expiresAt` (DynamoDB).
   */
  rememberRequest(signature: string, expiresAt: Date, now: Date): Promise<boolean>;
  /** Stores a notice as pending; false when a notice with this id is already stored (a redelivery). */
  insertNotice(notice: Notice, now: Date): Promise<boolean>;
  /** Pending notices whose next attempt is at or before `now` and that no poster holds past `now`, earliest attempt first. */
  dueNotices(now: Date, limit: number): Promise<PendingNotice[]>;
  /**
   * Claims a pending notice until `until`, as `claim` does for an incident: true for exactly one of concurrent posters
   * (Lambda invocations sharing the table); `markNoticePosted` and `markNoticeFailed` release it.
   */
  claimNotice(id: string, now: Date, until: Date): Promise<boolean>;
  markNoticePosted(id: string, ts: string): Promise<void>;
  /** Keeps the notice pending and schedules its next attempt. */
  markNoticeFailed(id: string, error: string, nextAttemptAt: Date): Promise<void>;
  /** The subscription state last recorded for `topic`; null when none was (an install older than it, or Lambda). */
  subscription(topic: string): Promise<SubscriptionState | null>;
  setSubscription(state: SubscriptionState): Promise<void>;
  /**
   * SNS signing certificates that verified a genuine message (the server's SnsVerifier), newest first, at most
   * MAX_SAVED_CERTIFICATES: kept across restarts, so that a restarted app needs no certificate fetch that a flood of
   * junk certificate URLs could hold back.
   */
  certificates(): Promise<SavedCertificate[]>;
  /** Adds (or refreshes) a certificate by URL; the oldest beyond MAX_SAVED_CERTIFICATES are dropped. */
  saveCertificate(certificate: SavedCertificate): Promise<void>;
  /** Proves the store can take a write now (GET /healthz): throws the store's error (disk full, locked, unreachable) when not. */
  probeWrite(now: Date): Promise<void>;
  close(): Promise<void>;
}

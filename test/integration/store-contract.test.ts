// One contract, two stores: SQLite (the server) and DynamoDB against moto (Lambda) must behave alike.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { DynamoStore, ensureTable } from '../../slack-app/store/dynamodb.js';
import { SqliteStore } from '../../slack-app/store/sqlite.js';
import type { Store } from '../../slack-app/store/types.js';
import { createClient } from '#core/aws/clients.js';
import { makeAlert } from '../support/alerts.js';
import { CENTRAL_CREDENTIALS } from '../support/aws.js';

const T0 = new Date('2026-11-29T10:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

const stores: [string, () => Promise<Store>][] = [
  ['SQLite', async () => new SqliteStore(join(mkdtempSync(join(tmpdir(), 'tg-store-')), 'store.db'))],
  [
    'DynamoDB (moto)',
    async () => {
      const client = createClient(DynamoDBClient, {
        region: 'us-east-1',
        endpoint: inject('motoEndpoint'),
        credentials: CENTRAL_CREDENTIALS,
      });
      const table = `trailguard-slack-${crypto.randomUUID().slice(0, 8)}`;
      await ensureTable(client, table);
      return new DynamoStore(client, table);
    },
  ],
];

describe.each(stores)('%s store', (_name, open) => {
  it('stores an alert exactly once and hands it out when due, oldest first', async () => {
    const store = await open();
    const [a, b] = [makeAlert(), makeAlert()];

    expect(await store.insertAlert(a, at(0))).toBe(true);
    expect(await store.insertAlert(b, at(1))).toBe(true);
    expect(await store.insertAlert(a, at(2))).toBe(false);

    expect((await store.due(at(5), 10)).map((i) => i.id)).toEqual([a.id, b.id]);
    expect(await store.get(a.id)).toMatchObject({
      id: a.id,
      state: 'pending',
      count: 1,
      attempts: 0,
      alert: a,
      acknowledgedBy: null,
      digest: false,
    });
  });

  it('keeps a failed post pending until its next attempt', async () => {
    const store = await open();
    const a = makeAlert();
    await store.insertAlert(a, at(0));

    await store.markFailed(a.id, 'HTTP 500', at(30));

    expect(await store.due(at(10), 10)).toEqual([]);
    expect((await store.due(at(31), 10)).map((i) => ({ id: i.id, attempts: i.attempts, lastError: i.lastError }))).toEqual([
      { id: a.id, attempts: 1, lastError: 'HTTP 500' },
    ]);
    expect(await store.nextDue()).toEqual(at(30));
  });

  it('finds the first message of the same trail within the window, and counts repeats', async () => {
    const store = await open();
    const first = makeAlert();
    const repeat = { ...makeAlert(), account: first.account, region: first.region, trail: first.trail };
    const other = makeAlert({ trail: { name: 'other', arn: 'arn:aws:cloudtrail:us-east-1:222222222222:trail/other' } });
    for (const [alert, s] of [
      [first, 0],
      [repeat, 60],
      [other, 61],
    ] as const)
      await store.insertAlert(alert, at(s));
    await store.markPosted(first.id, 'C1', '111.1', null);

    expect((await store.findRepeatParent(repeat, at(-10)))?.id).toBe(first.id);
    expect(await store.findRepeatParent(repeat, at(30))).toBeNull();
    expect(await store.findRepeatParent(other, at(-10))).toBeNull();
    expect(await store.incrementCount(first.id)).toBe(2);
    await store.markPosted(repeat.id, 'C1', '111.1', first.id);
    expect((await store.family(first.id)).map((i) => i.id)).toEqual([first.id, repeat.id]);
    expect(await store.nextDue()).toEqual(at(61));
  });

  it('records the first acknowledgement only, and lists open incidents', async () => {
    const store = await open();
    const [a, b] = [makeAlert(), makeAlert()];
    await store.insertAlert(a, at(0));
    await store.insertAlert(b, at(1));
    await store.markPosted(a.id, 'C1', '1.1', null);
    await store.markPosted(b.id, 'C1', '1.2', null);

    const acked = await store.acknowledge(a.id, 'UFIRST0001', at(5));
    const again = await store.acknowledge(a.id, 'USECOND001', at(6));

    expect(acked).toMatchObject({ acknowledgedBy: 'UFIRST0001', acknowledgedAt: at(5).toISOString() });
    expect(again).toMatchObject({ acknowledgedBy: 'UFIRST0001', acknowledgedAt: at(5).toISOString() });
    expect((await store.openIncidents(10)).map((i) => i.id)).toEqual([b.id]);
    expect(await store.acknowledge('no-such-alert', 'U1', at(7))).toBeNull();
  });

  it('remembers a post whose outcome is unknown until it is posted, and forgets one that surely failed', async () => {
    const store = await open();
    const [a, b] = [makeAlert(), makeAlert()];
    await store.insertAlert(a, at(0));
    await store.insertAlert(b, at(0));

    await store.markSending(a.id, at(1));
    await store.markSending(b.id, at(1));
    expect((await store.get(a.id))?.sendingAt).toBe(at(1).toISOString());
    await store.markPosted(a.id, 'C1', '1.000001', null);
    await store.markSending(b.id, null);

    expect((await store.get(a.id))?.sendingAt).toBeNull();
    expect((await store.get(b.id))?.sendingAt).toBeNull();
    expect((await store.get(b.id))?.state).toBe('pending');
  });

  it('takes a health probe write that no query of alerts ever returns', async () => {
    const store = await open();
    const a = makeAlert();
    await store.insertAlert(a, at(0));

    await store.probeWrite(at(1));
    await store.probeWrite(at(2));

    expect((await store.due(at(5), 10)).map((i) => i.id)).toEqual([a.id]);
    expect(await store.countReceivedSince(at(-60))).toBe(1);
    expect(await store.openIncidents(10)).toEqual([]);
  });

  it('lists acknowledged incidents received since a time, newest first, without repeats folded into them', async () => {
    const store = await open();
    const [old, acked, open_, folded] = [makeAlert(), makeAlert(), makeAlert(), makeAlert()];
    for (const [i, a] of [old, acked, open_, folded].entries()) await store.insertAlert(a, at(i * 10));
    for (const a of [old, acked, open_]) await store.markPosted(a.id, 'C1', `1.${a.id}`, null);
    await store.markPosted(folded.id, 'C1', `1.${acked.id}`, acked.id);
    await store.acknowledge(old.id, 'U1', at(40));
    await store.acknowledge(acked.id, 'U2', at(41));

    const listed = await store.acknowledgedSince(at(5), 10);

    expect(listed.map((i) => [i.id, i.acknowledgedBy])).toEqual([[acked.id, 'U2']]);
  });

  it('lets one claim through until it expires or the post is recorded, and hides claimed incidents from due', async () => {
    const store = await open();
    const [a, b] = [makeAlert(), makeAlert()];
    await store.insertAlert(a, at(0));
    await store.insertAlert(b, at(0));

    const first = await Promise.all([store.claim(a.id, at(1), at(61)), store.claim(a.id, at(1), at(61))]);
    const dueWhileClaimed = (await store.due(at(2), 10)).map((i) => i.id);
    const afterExpiry = await store.claim(a.id, at(62), at(122));
    await store.markFailed(a.id, 'HTTP 500', at(63));
    const afterRelease = await store.claim(a.id, at(64), at(124));
    await store.markPosted(b.id, 'C1', '1.000001', null);

    expect(first.filter(Boolean)).toHaveLength(1);
    expect(dueWhileClaimed).toEqual([b.id]);
    expect(afterExpiry).toBe(true);
    expect(afterRelease).toBe(true);
    expect(await store.claim(b.id, at(65), at(125))).toBe(false);
  });

  it('tracks digests and counts what arrived in a window', async () => {
    const store = await open();
    const alerts = Array.from({ length: 5 }, () => makeAlert());
    for (const [i, a] of alerts.entries()) await store.insertAlert(a, at(i));
    await store.markPosted(alerts[0]!.id, 'C1', '9.9', null, true);
    for (const a of alerts.slice(1)) await store.markPosted(a.id, 'C1', '9.9', alerts[0]!.id);
    await store.setStatusLine(alerts[0]!.id, 'rechecked');

    expect(await store.countReceivedSince(at(2))).toBe(3);
    expect(await store.recentDigest(at(-1))).toMatchObject({ id: alerts[0]!.id, digest: true, statusLine: 'rechecked' });
    expect(await store.recentDigest(at(1))).toBeNull();
    expect((await store.family(alerts[0]!.id)).map((i) => i.id)).toEqual(alerts.map((a) => a.id));
    expect(await store.findRepeatParent({ ...makeAlert(), trail: alerts[0]!.trail, account: alerts[0]!.account }, at(-1))).toBeNull();
  });

  it('keeps a notice once per id, hands it out when due, keeps a failure pending, and leaves the alert queries alone', async () => {
    const store = await open();
    const notice = {
      id: 'unreadable-alert#m-1',
      kind: 'unreadable-alert' as const,
      topic: 'arn:aws:sns:us-east-1:1:t',
      at: at(0).toISOString(),
    };
    const alert = makeAlert();
    await store.insertAlert(alert, at(0));

    expect(await store.insertNotice(notice, at(0))).toBe(true);
    expect(await store.insertNotice({ ...notice, error: 'again' }, at(1))).toBe(false);
    expect((await store.dueNotices(at(1), 10)).map((n) => n.notice)).toEqual([notice]);
    expect((await store.due(at(1), 10)).map((i) => i.id)).toEqual([alert.id]);
    expect(await store.countReceivedSince(at(-1))).toBe(1);

    await store.markNoticeFailed(notice.id, 'HTTP 503', at(30));
    expect(await store.dueNotices(at(10), 10)).toEqual([]);
    expect(await store.dueNotices(at(30), 10)).toMatchObject([{ attempts: 1, lastError: 'HTTP 503', receivedAt: at(0).toISOString() }]);

    await store.markNoticePosted(notice.id, '1700000000.000100');
    expect(await store.dueNotices(at(3600), 10)).toEqual([]);
  });

  it('lets exactly one of two posters claim a notice, and hides it from due while claimed', async () => {
    const store = await open();
    const notice = {
      id: `unreadable-alert#${crypto.randomUUID()}`,
      kind: 'unreadable-alert' as const,
      topic: 'arn:aws:sns:us-east-1:1:t',
      at: at(0).toISOString(),
    };
    await store.insertNotice(notice, at(0));

    const claims = await Promise.all([store.claimNotice(notice.id, at(1), at(61)), store.claimNotice(notice.id, at(1), at(61))]);

    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.dueNotices(at(30), 10)).toEqual([]);
    expect(await store.dueNotices(at(62), 10)).toHaveLength(1);
    await store.markNoticeFailed(notice.id, 'HTTP 503', at(2));
    expect(await store.claimNotice(notice.id, at(3), at(63))).toBe(true);
    await store.markNoticePosted(notice.id, '1.2');
    expect(await store.claimNotice(notice.id, at(100), at(160))).toBe(false);
  });

  it('records the subscription state per topic', async () => {
    const store = await open();
    const topic = 'arn:aws:sns:us-east-1:730000000050:trailguard-alerts';

    expect(await store.subscription(topic)).toBeNull();
    await store.setSubscription({ topic, state: 'unsubscribed', since: at(0).toISOString(), error: null });
    expect(await store.subscription(topic)).toEqual({ topic, state: 'unsubscribed', since: at(0).toISOString(), error: null });
    await store.setSubscription({ topic, state: 'unconfirmed', since: at(5).toISOString(), error: 'ETIMEDOUT' });
    expect(await store.subscription(topic)).toEqual({ topic, state: 'unconfirmed', since: at(5).toISOString(), error: 'ETIMEDOUT' });
    expect(await store.subscription(`${topic}-other`)).toBeNull();
  });

  it('keeps the newest proven SNS certificates, one per URL, at most four', async () => {
    const store = await open();
    const cert = (i: number) => ({
      url: `https://sns.us-east-1.amazonaws.com/SimpleNotificationService-${i}.pem`,
      pem: `pem ${i}`,
      provenAt: at(i).toISOString(),
    });

    expect(await store.certificates()).toEqual([]);
    for (const i of [1, 2, 3, 4, 5]) await store.saveCertificate(cert(i));
    await store.saveCertificate({ ...cert(3), provenAt: at(9).toISOString() });

    expect((await store.certificates()).map((c) => c.url)).toEqual([3, 5, 4, 2].map((i) => cert(i).url));
    expect((await store.certificates())[0]!.provenAt).toBe(at(9).toISOString());
  });

  it('remembers a Slack request signature for its window only (the replay ledger)', async () => {
    const store = await open();
    const signature = `v0=${crypto.randomUUID()}`;

    expect(await store.rememberRequest(signature, at(360), at(0))).toBe(true);
    expect(await store.rememberRequest(signature, at(360), at(10))).toBe(false);
    expect(await store.rememberRequest(signature, at(720), at(361))).toBe(true);
  });
});

describe('SQLite store', () => {
  it('keeps pending alerts across a restart', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tg-store-')), 'store.db');
    const alert = makeAlert();
    const before = new SqliteStore(file);
    await before.insertAlert(alert, at(0));
    await before.close();

    const after = new SqliteStore(file);

    expect((await after.due(at(1), 10)).map((i) => i.id)).toEqual([alert.id]);
    await after.close();
  });
});

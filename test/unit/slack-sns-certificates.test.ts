// SNS signing certificates under a flood of attacker-chosen certificate URLs: the genuine certificate is never locked out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { type SnsRejection, SnsVerifier } from '../../slack-app/sns/verify.js';
import { notification, TEST_CERT_PATH } from '../support/sns-sign.js';

const TOPIC = 'arn:aws:sns:eu-west-1:531111111111:trailguard-alerts';
const SNS_PEM = readFileSync(join(TEST_CERT_PATH, '..', 'test-sns-host-cert.pem'), 'utf8');
const GENUINE = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem';

const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: SnsRejection) => e.status,
  );

/** Unsigned junk naming `url`: its certificate is fetched before any signature can be checked. */
const junk = (url: string) => JSON.stringify({ ...notification(TOPIC, 'x'), SigningCertURL: url, Signature: 'AAAA' });

describe('SNS certificate URLs chosen by an unauthenticated caller', () => {
  // The same kind as junk paths spending the budget: junk URLs whose answer IS a valid SNS certificate (SNS serves its
  // older certificates too) filled the least-recently-used cache and evicted the genuine one, which then needed a
  // fetch the junk had spent the budget for.
  it('certificates fetched for junk URLs never evict the one genuine messages are signed with', async () => {
    const fetched: string[] = [];
    const v = new SnsVerifier({
      topicArn: TOPIC,
      certificates: { maxEntries: 4 },
      fetchCertificate: async (url) => {
        fetched.push(url);
        return SNS_PEM;
      },
    });
    expect(await status(v.verify(JSON.stringify(notification(TOPIC, 'first genuine alert'))))).toBe(200);

    for (let i = 0; i < 12; i++)
      await v.verify(junk(`https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-old${i}.pem`)).catch(() => undefined);
    const genuine = await status(v.verify(JSON.stringify(notification(TOPIC, 'second genuine alert'))));

    expect(genuine).toBe(200);
    expect(fetched.filter((u) => u === GENUINE)).toHaveLength(1);
    expect(v.cachedCertificates).toBeLessThanOrEqual(4);
  });

  // The same kind, in flight instead of per window: two junk fetches held open took both fetch slots.
  it('junk paths held in flight leave a fetch slot for a URL with SNS certificate naming', async () => {
    const fetched: string[] = [];
    const held: (() => void)[] = [];
    const v = new SnsVerifier({
      topicArn: TOPIC,
      fetchCertificate: (url) => {
        fetched.push(url);
        if (url === GENUINE) return Promise.resolve(SNS_PEM);
        return new Promise((_, reject) => held.push(() => reject(new Error('certificate fetch answered HTTP 404'))));
      },
    });
    const slow = [0, 1].map((i) => status(v.verify(junk(`https://sns.eu-west-1.amazonaws.com/junk-${i}.pem`))));
    await vi.waitFor(() => expect(held.length).toBe(1));

    const genuine = await status(v.verify(JSON.stringify(notification(TOPIC, 'a genuine alert'))));
    for (const release of held.splice(0)) release();

    expect(genuine).toBe(200);
    expect(await Promise.all(slow)).toEqual([403, 503]);
  });
});

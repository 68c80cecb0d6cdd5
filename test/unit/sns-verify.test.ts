import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { isSnsUrl, SnsRejection, SnsVerifier, stringToSign } from '../../slack-app/sns/verify.js';
import { notification, signSns, TEST_CERT_PATH } from '../support/sns-sign.js';

const TOPIC = 'arn:aws:sns:eu-west-1:111111111111:trailguard-alerts';
const CN_TOPIC = 'arn:aws-cn:sns:cn-north-1:111111111111:trailguard-alerts';
// Self-signed with the test signing key: one names the SNS host (as SNS's certificates do), one names another host.
const SNS_PEM = readFileSync(join(TEST_CERT_PATH, '..', 'test-sns-host-cert.pem'), 'utf8');
const FOREIGN_PEM = readFileSync(join(TEST_CERT_PATH, '..', 'test-foreign-host-cert.pem'), 'utf8');

function verifier(
  fetched: string[] = [],
  options: Partial<ConstructorParameters<typeof SnsVerifier>[0]> = {},
  answer: (url: string) => Promise<string> = async () => SNS_PEM,
) {
  return new SnsVerifier({
    topicArn: TOPIC,
    fetchCertificate: async (url) => {
      fetched.push(url);
      return answer(url);
    },
    ...options,
  });
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SnsRejection);
    return `${(error as SnsRejection).status} ${(error as Error).message}`;
  }
  throw new Error('expected a rejection');
}

const v1 = (topic = TOPIC, extra: Record<string, string> = {}) =>
  JSON.stringify(
    signSns({
      Type: 'Notification',
      MessageId: 'm2',
      TopicArn: topic,
      Message: 'hi',
      Timestamp: new Date().toISOString(),
      SignatureVersion: '1',
      ...extra,
    }),
  );
const withCert = (url: string, topic = TOPIC) => JSON.stringify(signSns({ ...notification(topic, 'x'), SigningCertURL: url }));

describe('SnsVerifier', () => {
  it('accepts SignatureVersion 2, fetching the certificate once per URL', async () => {
    const fetched: string[] = [];
    const v = verifier(fetched);

    await v.verify(JSON.stringify(notification(TOPIC, 'hello')));
    await v.verify(JSON.stringify(notification(TOPIC, 'again')));

    expect(fetched).toEqual(['https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem']);
  });

  it('refuses SignatureVersion 1 (SHA1) before any fetch, unless alerts.allowSignatureVersion1 allows it', async () => {
    const fetched: string[] = [];

    const refused = await rejection(verifier(fetched).verify(v1()));
    const allowed = await verifier(fetched, { allowSignatureVersion1: true }).verify(v1());

    expect(refused).toMatch(/^403 SignatureVersion 1 \(SHA1\) is refused/);
    expect(allowed.MessageId).toBe('m2');
    expect(fetched).toHaveLength(1);
  });

  it('refuses another topic and a foreign certificate host without fetching anything', async () => {
    const fetched: string[] = [];
    const v = verifier(fetched);
    const good = notification(TOPIC, 'x');

    expect(await rejection(v.verify(JSON.stringify(signSns({ ...good, TopicArn: 'arn:aws:sns:eu-west-1:999999999999:x' }))))).toMatch(
      /^403 topic /,
    );
    for (const url of [
      'https://attacker.example/SimpleNotificationService.pem',
      'http://sns.eu-west-1.amazonaws.com/x.pem',
      'https://sns.us-east-1.amazonaws.com/x.pem',
      'https://sns.eu-west-1.amazonaws.com.attacker.example/x.pem',
      'https://sns.eu-west-1.amazonaws.com:8443/x.pem',
      'https://sns.eu-west-1.amazonaws.com/x.txt',
      // The China suffix belongs to the China regions only.
      'https://sns.eu-west-1.amazonaws.com.cn/x.pem',
      'https://user:pw@sns.eu-west-1.amazonaws.com/x.pem',
    ]) {
      expect(await rejection(v.verify(withCert(url))), url).toMatch(/^403 certificate URL /);
    }
    expect(fetched).toEqual([]);
  });

  it('takes the certificate host from the topic region: .amazonaws.com.cn in China, and nothing else there', async () => {
    const fetched: string[] = [];
    const v = new SnsVerifier({
      topicArn: CN_TOPIC,
      fetchCertificate: async (url) => {
        fetched.push(url);
        return SNS_PEM;
      },
    });

    const commercialHost = await rejection(v.verify(withCert('https://sns.cn-north-1.amazonaws.com/x.pem', CN_TOPIC)));

    expect(commercialHost).toMatch(/^403 certificate URL /);
    expect(fetched).toEqual([]);
    expect(() => new SnsVerifier({ topicArn: 'arn:aws:sns:eu-wst-1:111111111111:trailguard-alerts' })).toThrow(/eu-wst-1/);
  });

  it('refuses a tampered message, a stale one, and one that is not SNS at all', async () => {
    const v = verifier();
    const good = notification(TOPIC, 'original');

    expect(await rejection(v.verify(JSON.stringify({ ...good, Message: 'changed' })))).toBe('403 signature does not verify');
    expect(
      await rejection(v.verify(JSON.stringify(signSns({ ...good, Timestamp: new Date(Date.now() - 7200_000).toISOString() })))),
    ).toMatch(/^403 stale/);
    expect(await rejection(v.verify('{"hello":1}'))).toBe('400 not an SNS message');
  });

  it('refuses a certificate that is not X.509 or names another host, and does not cache it as good', async () => {
    for (const [answer, reason] of [
      ['<html>not a certificate</html>', /did not return an X\.509 certificate/],
      [FOREIGN_PEM, /not issued to sns\.eu-west-1\.amazonaws\.com or sns\.amazonaws\.com/],
      [null, /HTTP 404/],
    ] as const) {
      const fetched: string[] = [];
      const v = verifier(fetched, {}, async () => {
        if (answer === null) throw new Error('certificate fetch answered HTTP 404');
        return answer;
      });
      const message = JSON.stringify(notification(TOPIC, 'x'));

      const first = await rejection(v.verify(message));
      const second = await rejection(v.verify(message));

      expect(first).toMatch(reason);
      expect(second).toMatch(/^503 .*failed recently/);
      expect(fetched).toHaveLength(1);
      expect(v.cachedCertificates).toBe(0);
    }
  });

  it('under a flood of certificate URLs, fetches within its bounds and caches a bounded number', async () => {
    // A recording fake fetch that holds every answer until released: what is in flight at once is visible.
    const fetched: string[] = [];
    const held: (() => void)[] = [];
    const v = verifier(
      fetched,
      { certificates: { maxConcurrentFetches: 2, maxFetchesPerWindow: 6, maxEntries: 3 } },
      () => new Promise((r) => held.push(() => r(SNS_PEM))),
    );
    const url = (i: number) => `https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-${i}.pem`;

    const concurrent = Array.from({ length: 200 }, (_, i) =>
      v.verify(withCert(url(i))).then(
        () => 200,
        (e: SnsRejection) => e.status,
      ),
    );
    await vi.waitFor(() => expect(fetched.length).toBeGreaterThanOrEqual(2));
    const inFlight = fetched.length;
    for (const release of held.splice(0)) release();
    const statuses = await Promise.all(concurrent);
    const sequential: number[] = [];
    for (let i = 200; i < 400; i++) {
      let settled = false;
      const pending = v
        .verify(withCert(url(i)))
        .then(
          () => 200,
          (e: SnsRejection) => e.status,
        )
        .finally(() => (settled = true));
      // Either its certificate fetch started (and is held) or it was refused without one.
      await vi.waitFor(() => expect(held.length > 0 || settled).toBe(true), { interval: 1 });
      for (const release of held.splice(0)) release();
      sequential.push(await pending);
    }

    expect(inFlight).toBe(2);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 503)).toHaveLength(198);
    expect(fetched).toHaveLength(6);
    expect(sequential.filter((s) => s === 200)).toHaveLength(4);
    expect(v.cachedCertificates).toBe(3);
    // A cached certificate still answers without a fetch once the budget is spent.
    await v.verify(withCert(url(203)));
    expect(fetched).toHaveLength(6);
  });

  it('signs subscription confirmations over SubscribeURL and Token', () => {
    const text = stringToSign({
      Type: 'SubscriptionConfirmation',
      MessageId: 'm',
      TopicArn: TOPIC,
      Message: 'confirm',
      Timestamp: 't',
      SignatureVersion: '2',
      Signature: 's',
      SigningCertURL: 'u',
      SubscribeURL: 'https://sns/x',
      Token: 'tok',
    });

    expect(text).toBe(
      `Message\nconfirm\nMessageId\nm\nSubscribeURL\nhttps://sns/x\nTimestamp\nt\nToken\ntok\nTopicArn\n${TOPIC}\nType\nSubscriptionConfirmation\n`,
    );
  });

  it('recognises SNS endpoints of the topic region only, .amazonaws.com.cn only in China', () => {
    expect(isSnsUrl('https://sns.cn-north-1.amazonaws.com.cn/x.pem', 'cn-north-1', true)).toBe(true);
    expect(isSnsUrl('https://sns.cn-north-1.amazonaws.com/x.pem', 'cn-north-1', true)).toBe(false);
    expect(isSnsUrl('https://sns.eu-west-1.amazonaws.com.cn/x.pem', 'eu-west-1', true)).toBe(false);
    expect(isSnsUrl('https://sns.us-gov-west-1.amazonaws.com/x.pem', 'us-gov-west-1', true)).toBe(true);
    expect(isSnsUrl('https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription', 'eu-west-1', false)).toBe(true);
    expect(isSnsUrl('https://user@sns.eu-west-1.amazonaws.com/x.pem', 'eu-west-1', true)).toBe(false);
  });
});

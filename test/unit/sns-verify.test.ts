import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSnsUrl, SnsRejection, SnsVerifier, stringToSign } from '../../slack-app/sns/verify.js';
import { notification, signSns, TEST_CERT_PATH } from '../support/sns-sign.js';

const TOPIC = 'arn:aws:sns:eu-west-1:111111111111:trailguard-alerts';
const PEM = readFileSync(TEST_CERT_PATH, 'utf8');

function verifier(fetched: string[] = []) {
  return new SnsVerifier({
    topicArn: TOPIC,
    fetchCertificate: async (url) => {
      fetched.push(url);
      return PEM;
    },
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

describe('SnsVerifier', () => {
  it('accepts SignatureVersion 2 and 1, fetching the certificate once per URL', async () => {
    const fetched: string[] = [];
    const v = verifier(fetched);

    await v.verify(JSON.stringify(notification(TOPIC, 'hello')));
    await v.verify(JSON.stringify(signSns({ Type: 'Notification', MessageId: 'm2', TopicArn: TOPIC, Message: 'hi', Timestamp: new Date().toISOString(), SignatureVersion: '1' })));

    expect(fetched).toEqual(['https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-test.pem']);
  });

  it('refuses another topic and a foreign certificate host without fetching anything', async () => {
    const fetched: string[] = [];
    const v = verifier(fetched);
    const good = notification(TOPIC, 'x');

    expect(await rejection(v.verify(JSON.stringify(signSns({ ...good, TopicArn: 'arn:aws:sns:eu-west-1:999999999999:x' }))))).toMatch(/^403 topic /);
    for (const url of ['https://attacker.example/SimpleNotificationService.pem', 'http://sns.eu-west-1.amazonaws.com/x.pem', 'https://sns.us-east-1.amazonaws.com/x.pem', 'https://sns.eu-west-1.amazonaws.com.attacker.example/x.pem', 'https://sns.eu-west-1.amazonaws.com:8443/x.pem', 'https://sns.eu-west-1.amazonaws.com/x.txt']) {
      expect(await rejection(v.verify(JSON.stringify(signSns({ ...good, SigningCertURL: url }))))).toMatch(/^403 certificate URL /);
    }
    expect(fetched).toEqual([]);
  });

  it('refuses a tampered message, a stale one, and one that is not SNS at all', async () => {
    const v = verifier();
    const good = notification(TOPIC, 'original');

    expect(await rejection(v.verify(JSON.stringify({ ...good, Message: 'changed' })))).toBe('403 signature does not verify');
    expect(await rejection(v.verify(JSON.stringify(signSns({ ...good, Timestamp: new Date(Date.now() - 7200_000).toISOString() }))))).toMatch(/^403 stale/);
    expect(await rejection(v.verify('{"hello":1}'))).toBe('400 not an SNS message');
  });

  it('signs subscription confirmations over SubscribeURL and Token', () => {
    const text = stringToSign({ Type: 'SubscriptionConfirmation', MessageId: 'm', TopicArn: TOPIC, Message: 'confirm', Timestamp: 't', SignatureVersion: '2', Signature: 's', SigningCertURL: 'u', SubscribeURL: 'https://sns/x', Token: 'tok' });

    expect(text).toBe(`Message\nconfirm\nMessageId\nm\nSubscribeURL\nhttps://sns/x\nTimestamp\nt\nToken\ntok\nTopicArn\n${TOPIC}\nType\nSubscriptionConfirmation\n`);
  });

  it('recognises SNS endpoints of the topic region only', () => {
    expect(isSnsUrl('https://sns.cn-north-1.amazonaws.com.cn/x.pem', 'cn-north-1', true)).toBe(true);
    expect(isSnsUrl('https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription', 'eu-west-1', false)).toBe(true);
    expect(isSnsUrl('https://user@sns.eu-west-1.amazonaws.com/x.pem', 'eu-west-1', true)).toBe(false);
  });
});

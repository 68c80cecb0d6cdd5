// Review rv1: SNS certificates the server saved in its store are trusted again at start on their host name alone.
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SnsVerifier, stringToSign, type SnsMessage } from '../../slack-app/sns/verify.js';
import { SqliteStore } from '../../slack-app/store/sqlite.js';
import { TEST_CERT_PATH } from '../support/sns-sign.js';

const TOPIC = 'arn:aws:sns:us-east-1:790000000601:trailguard-alerts';
const URL = 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-forged.pem';
// Self-signed by anyone with openssl: CN and subjectAltName sns.us-east-1.amazonaws.com, issued by no public CA.
const FORGED_PEM = readFileSync(join(TEST_CERT_PATH, '..', 'review-rv1-forged-sns-cert.pem'), 'utf8');
const FORGED_KEY = readFileSync(join(TEST_CERT_PATH, '..', 'review-rv1-forged-sns-key.pem'), 'utf8');

function forged(message: Record<string, string>): SnsMessage {
  const full = { SignatureVersion: '2', SigningCertURL: URL, ...message, Signature: '' } as SnsMessage;
  const signer = createSign('RSA-SHA256');
  signer.update(stringToSign(full), 'utf8');
  return { ...full, Signature: signer.sign(FORGED_KEY, 'base64') };
}

describe('review rv1: saved SNS certificates', () => {
  // Fixed: each saved certificate is sealed with an HMAC under the Slack signing secret, which the store does not hold;
  // one without a matching seal is not loaded. A certificate fetched over TLS from the SNS host is genuine because of where it came from; one read
  // back from the store (`preload`, at every start) is checked for its host name and validity only. Whoever can write
  // the store (the SQLite file, a shared DB) once can plant a self-signed certificate named sns.<region>.amazonaws.com,
  // and from the next restart on sign their own SNS messages: forged alerts, a forged "resolved", a forged
  // UnsubscribeConfirmation. Suggested fix: on preload, also require a chain to a public root (node:tls
  // rootCertificates; SNS certificates are issued by Amazon RSA CAs), or keep an HMAC of each saved PEM under a key
  // the store does not hold; fetch again when the check fails.
  it('a planted self-signed certificate is not loaded, and a message signed with its key is refused', async () => {
    const store = new SqliteStore(':memory:');
    await store.saveCertificate({ url: URL, pem: FORGED_PEM, provenAt: new Date().toISOString() });
    const verifier = new SnsVerifier({
      topicArn: TOPIC,
      saved: store,
      savedKey: 'the-slack-signing-secret',
      fetchCertificate: async () => {
        throw new Error('certificate fetch answered HTTP 404');
      },
    });

    const loaded = await verifier.preload();
    const message = forged({
      Type: 'Notification',
      MessageId: 'forged-1',
      TopicArn: TOPIC,
      Message: '{"forged":true}',
      Timestamp: new Date().toISOString(),
    });
    const outcome = await verifier.verify(JSON.stringify(message)).then(
      () => 'accepted',
      (error: Error) => error.message,
    );

    expect(loaded).toBe(0);
    expect(outcome).not.toBe('accepted');
  });
});

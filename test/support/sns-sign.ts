// Signs SNS messages like SNS does, with the test-only key, so the app's real verification can check them.
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringToSign, type SnsMessage } from '../../slack-app/sns/verify.js';

const here = dirname(fileURLToPath(import.meta.url));
export const TEST_CERT_PATH = join(here, '..', 'fixtures', 'sns', 'test-signing-cert.pem');
const KEY = readFileSync(join(here, '..', 'fixtures', 'sns', 'test-signing-key.pem'), 'utf8');

export interface Unsigned {
  Type: SnsMessage['Type'];
  MessageId: string;
  TopicArn: string;
  Subject?: string;
  Message: string;
  Timestamp: string;
  SubscribeURL?: string;
  Token?: string;
  SignatureVersion?: SnsMessage['SignatureVersion'];
  SigningCertURL?: string;
}

export function signSns(message: Unsigned): SnsMessage {
  const region = message.TopicArn.split(':')[3];
  const full = {
    SignatureVersion: '2' as const,
    SigningCertURL: `https://sns.${region}.amazonaws.com/SimpleNotificationService-test.pem`,
    ...message,
    Signature: '',
  } as SnsMessage;
  const signer = createSign(full.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  signer.update(stringToSign(full), 'utf8');
  return { ...full, Signature: signer.sign(KEY, 'base64') };
}

export function notification(topicArn: string, body: unknown, at = new Date()): SnsMessage {
  return signSns({
    Type: 'Notification',
    MessageId: crypto.randomUUID(),
    TopicArn: topicArn,
    Subject: 'TrailGuard alert',
    Message: typeof body === 'string' ? body : JSON.stringify(body),
    Timestamp: at.toISOString(),
  });
}

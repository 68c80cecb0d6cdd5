// Verifies SNS HTTP(S) messages: the topic, the certificate URL, the timestamp and the RSA signature (versions 1 and 2).
import { createVerify, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const SnsMessageSchema = z.looseObject({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string().min(1),
  TopicArn: z.string().startsWith('arn:'),
  Subject: z.string().optional(),
  Message: z.string(),
  Timestamp: z.string(),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().min(1),
  SigningCertURL: z.string().min(1),
  SubscribeURL: z.string().optional(),
  Token: z.string().optional(),
});
export type SnsMessage = z.infer<typeof SnsMessageSchema>;

export class SnsRejection extends Error {
  constructor(
    readonly status: 400 | 403,
    reason: string,
  ) {
    super(reason);
  }
}

/** The string SNS signs: named fields in a fixed order, each as "Name\nvalue\n". */
export function stringToSign(m: SnsMessage): string {
  const keys =
    m.Type === 'Notification'
      ? ['Message', 'MessageId', ...(m.Subject !== undefined ? ['Subject'] : []), 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return keys.map((k) => `${k}\n${String((m as Record<string, unknown>)[k] ?? '')}\n`).join('');
}

/** True when `url` is an SNS endpoint of `region`: https, sns.<region>.amazonaws.com(.cn), and (for certificates) a .pem path. */
export function isSnsUrl(url: string, region: string, pem: boolean): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = new RegExp(`^sns\\.${region.replace(/[^a-z0-9-]/g, '')}\\.amazonaws\\.com(\\.cn)?$`);
  return parsed.protocol === 'https:' && parsed.port === '' && !parsed.username && host.test(parsed.hostname) && (!pem || parsed.pathname.endsWith('.pem'));
}

export interface VerifierOptions {
  topicArn: string;
  /** A PEM certificate trusted instead of fetching (tests and local runs only). */
  trustedCertPath?: string | undefined;
  fetchCertificate?: (url: string) => Promise<string>;
  /** Messages older than this are refused as stale (replays). */
  maxAgeMs?: number;
  now?: () => Date;
}

async function fetchPem(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`certificate fetch answered HTTP ${res.status}`);
  const text = await res.text();
  if (text.length > 16_384 || !text.includes('-----BEGIN CERTIFICATE-----')) throw new Error('certificate fetch did not return one PEM certificate');
  return text;
}

export class SnsVerifier {
  private readonly certificates = new Map<string, Promise<string>>();
  private readonly trusted: string | null;
  readonly region: string;
  /** Number of certificate fetches, for tests that prove nothing was fetched. */
  fetches = 0;

  constructor(private readonly options: VerifierOptions) {
    this.region = options.topicArn.split(':')[3] ?? '';
    this.trusted = options.trustedCertPath ? readFileSync(options.trustedCertPath, 'utf8') : null;
  }

  get trustsLocalCertificate(): boolean {
    return this.trusted !== null;
  }

  private certificate(url: string): Promise<string> {
    if (this.trusted) return Promise.resolve(this.trusted);
    let pending = this.certificates.get(url);
    if (!pending) {
      this.fetches += 1;
      pending = (this.options.fetchCertificate ?? fetchPem)(url);
      this.certificates.set(url, pending);
      pending.catch(() => this.certificates.delete(url));
    }
    return pending;
  }

  /** Parses and verifies a request body; throws SnsRejection with the HTTP status to answer. */
  async verify(body: string): Promise<SnsMessage> {
    let message: SnsMessage;
    try {
      message = SnsMessageSchema.parse(JSON.parse(body));
    } catch {
      throw new SnsRejection(400, 'not an SNS message');
    }
    // Cheap checks first: nothing is fetched for a foreign topic or certificate host.
    if (message.TopicArn !== this.options.topicArn) throw new SnsRejection(403, `topic ${message.TopicArn} is not ${this.options.topicArn}`);
    if (!isSnsUrl(message.SigningCertURL, this.region, true)) throw new SnsRejection(403, `certificate URL ${message.SigningCertURL} is not an SNS endpoint of ${this.region}`);
    const age = (this.options.now ?? (() => new Date()))().getTime() - Date.parse(message.Timestamp);
    if (!Number.isFinite(age) || age > (this.options.maxAgeMs ?? 3_600_000) || age < -300_000) throw new SnsRejection(403, `stale or future timestamp ${message.Timestamp}`);
    let pem: string;
    try {
      pem = await this.certificate(message.SigningCertURL);
      const cert = new X509Certificate(pem);
      const now = Date.now();
      if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now) throw new Error('certificate is outside its validity period');
    } catch (error) {
      throw new SnsRejection(403, `signing certificate unusable: ${(error as Error).message}`);
    }
    const verifier = createVerify(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
    verifier.update(stringToSign(message), 'utf8');
    if (!verifier.verify(pem, message.Signature, 'base64')) throw new SnsRejection(403, 'signature does not verify');
    return message;
  }
}

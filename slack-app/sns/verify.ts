// Verifies SNS HTTP(S) messages: the topic, the certificate URL and certificate, the timestamp and the RSA signature (version 2; 1 only when allowed).
import { createHmac, createVerify, timingSafeEqual, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isKnownRegion } from '#core/arn.js';
import type { Log } from '#core/log.js';
import type { Store } from '../store/types.js';
import { CertificateCache, CertificateRefused, checkSnsCertificate, snsHost, type CertificateCacheOptions } from './certificates.js';

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
    readonly status: 400 | 403 | 503,
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

/**
 * True when `url` is an SNS endpoint of `region`: https, no port or user info, the host exactly
 * `snsHost(region)` (so `.amazonaws.com.cn` only for China regions), and (for certificates) a .pem path
 * with no query string or fragment.
 * Follows "Verifying the signatures of Amazon SNS messages" (Amazon SNS Developer Guide).
 */
export function isSnsUrl(url: string, region: string, pem: boolean): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (!isKnownRegion(region)) return false;
  // A certificate URL is fetched as is from the real SNS endpoint: a query string (or fragment) would turn
  // that GET into an SNS Query API call of an unauthenticated caller's choosing (?Action=Unsubscribe...).
  if (pem && (parsed.search !== '' || parsed.hash !== '' || url.includes('?') || url.includes('#'))) return false;
  return (
    parsed.protocol === 'https:' &&
    parsed.port === '' &&
    !parsed.username &&
    !parsed.password &&
    parsed.hostname === snsHost(region) &&
    (!pem || parsed.pathname.endsWith('.pem'))
  );
}

export interface VerifierOptions {
  /** The one topic accepted; its region decides the allowed certificate host. */
  topicArn: string;
  /** A PEM certificate trusted instead of fetching (tests and local runs only). */
  trustedCertPath?: string | undefined;
  fetchCertificate?: (url: string) => Promise<string>;
  /**
   * Accept SignatureVersion 1 (RSA-SHA1) signatures (`alerts.allowSignatureVersion1`). Off by default:
   * TrailGuard creates its topic with SignatureVersion 2 (SHA256), so a version 1 message is a downgrade.
   */
  allowSignatureVersion1?: boolean;
  /** Bounds of the certificate cache (see CertificateCache). */
  certificates?: Omit<CertificateCacheOptions, 'region' | 'fetchPem'>;
  /**
   * Where certificates that verified a genuine message are kept across restarts (the app's store): `preload` reads
   * them, and each newly proven one is saved. Without it they live in memory only.
   */
  saved?: Pick<Store, 'certificates' | 'saveCertificate'>;
  /**
   * Key of the HMAC that seals each saved certificate (`SavedCertificate.mac`): a secret the store does not hold (the
   * server passes its Slack signing secret). Without it nothing is saved or loaded.
   */
  savedKey?: string;
  log?: Pick<Log, 'info' | 'warn'>;
  /** Messages older than this are refused as stale (replays). */
  maxAgeMs?: number;
  now?: () => Date;
}

async function fetchPem(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`certificate fetch answered HTTP ${res.status}`);
  const text = await res.text();
  if (text.length > 16_384 || !text.includes('-----BEGIN CERTIFICATE-----'))
    throw new Error('certificate fetch did not return one PEM certificate');
  return text;
}

/**
 * Verifies SNS HTTP(S) deliveries for one topic, cheapest checks first so that nothing is fetched for a
 * foreign topic, a certificate URL outside the topic region's SNS host, a stale timestamp or a refused
 * SignatureVersion. Throws SnsRejection: 400 (not SNS), 403 (refused), 503 (certificate busy: SNS retries).
 */
export class SnsVerifier {
  private readonly certificates: CertificateCache;
  private readonly trusted: string | null;
  readonly region: string;

  constructor(private readonly options: VerifierOptions) {
    this.region = options.topicArn.split(':')[3] ?? '';
    if (!isKnownRegion(this.region)) throw new Error(`SNS topic ${options.topicArn}: "${this.region}" is not an AWS region this SDK knows`);
    this.trusted = options.trustedCertPath ? readFileSync(options.trustedCertPath, 'utf8') : null;
    this.certificates = new CertificateCache({
      region: this.region,
      fetchPem: options.fetchCertificate ?? fetchPem,
      ...options.certificates,
    });
  }

  /** The one topic accepted. */
  get topicArn(): string {
    return this.options.topicArn;
  }

  get trustsLocalCertificate(): boolean {
    return this.trusted !== null;
  }

  /** Good certificates cached (bounded). */
  get cachedCertificates(): number {
    return this.certificates.size;
  }

  private async certificate(url: string): Promise<X509Certificate> {
    // The operator's local certificate is trusted as is (no host check): it is for tests and local runs only.
    if (this.trusted) return new X509Certificate(this.trusted);
    return this.certificates.get(url);
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
    if (message.TopicArn !== this.options.topicArn)
      throw new SnsRejection(403, `topic ${message.TopicArn} is not ${this.options.topicArn}`);
    if (!isSnsUrl(message.SigningCertURL, this.region, true))
      throw new SnsRejection(403, `certificate URL ${message.SigningCertURL} is not an SNS endpoint of ${this.region}`);
    const age = (this.options.now ?? (() => new Date()))().getTime() - Date.parse(message.Timestamp);
    if (!Number.isFinite(age) || age > (this.options.maxAgeMs ?? 3_600_000) || age < -300_000)
      throw new SnsRejection(403, `stale or future timestamp ${message.Timestamp}`);
    if (message.SignatureVersion === '1' && !this.options.allowSignatureVersion1) {
      throw new SnsRejection(
        403,
        'SignatureVersion 1 (SHA1) is refused: the topic signs with SignatureVersion 2 (set alerts.allowSignatureVersion1 to accept it)',
      );
    }
    let certificate: X509Certificate;
    try {
      certificate = await this.certificate(message.SigningCertURL);
      if (this.trusted) checkValidity(certificate);
    } catch (error) {
      if (error instanceof CertificateRefused && error.retryable)
        throw new SnsRejection(503, `signing certificate not fetched: ${error.message}`);
      throw new SnsRejection(403, `signing certificate unusable: ${(error as Error).message}`);
    }
    const verifier = createVerify(message.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
    verifier.update(stringToSign(message), 'utf8');
    if (!verifier.verify(certificate.publicKey, message.Signature, 'base64')) throw new SnsRejection(403, 'signature does not verify');
    if (!this.trusted && this.certificates.prove(message.SigningCertURL, certificate) && this.options.saved && this.options.savedKey) {
      // Best effort: the message is genuine whatever the store says; only a later restart would need a fetch again.
      const pem = certificate.toString();
      await this.options.saved
        .saveCertificate({
          url: message.SigningCertURL,
          pem,
          provenAt: new Date().toISOString(),
          mac: certificateMac(this.options.savedKey, message.SigningCertURL, pem),
        })
        .catch((error: unknown) => this.options.log?.warn('sns certificate not saved', { error: (error as Error).message }));
    }
    return message;
  }

  /**
   * Loads the certificates saved by earlier runs (`saved`), each checked again as a fetched one is (a valid X.509
   * certificate of an SNS host of the region, within its validity): a restart then verifies the topic's messages
   * without a fetch. Resolves to how many were loaded; a store that cannot be read loads none (logged).
   */
  async preload(): Promise<number> {
    if (this.trusted || !this.options.saved || !this.options.savedKey) return 0;
    const key = this.options.savedKey;
    let loaded = 0;
    try {
      for (const saved of (await this.options.saved.certificates()).reverse()) {
        try {
          // Checked first: a certificate TrailGuard did not save itself (planted in the store) is never trusted.
          const expected = Buffer.from(certificateMac(key, saved.url, saved.pem), 'hex');
          const got = Buffer.from(typeof saved.mac === 'string' ? saved.mac : '', 'hex');
          if (got.length !== expected.length || !timingSafeEqual(got, expected))
            throw new Error('not sealed by this app (its HMAC under the signing secret does not match)');
          if (!isSnsUrl(saved.url, this.region, true)) throw new Error(`${saved.url} is not an SNS certificate URL of ${this.region}`);
          const certificate = new X509Certificate(saved.pem);
          checkSnsCertificate(certificate, this.region, Date.now());
          this.certificates.prove(saved.url, certificate);
          loaded += 1;
        } catch (error) {
          this.options.log?.warn('saved sns certificate not used', { url: saved.url, error: (error as Error).message });
        }
      }
    } catch (error) {
      this.options.log?.warn('saved sns certificates not read', { error: (error as Error).message });
    }
    return loaded;
  }
}

/** HMAC-SHA256 (hex) of a saved certificate: `url`, a newline, `pem`, under `key`. */
function certificateMac(key: string, url: string, pem: string): string {
  return createHmac('sha256', key).update(`${url}\n${pem}`, 'utf8').digest('hex');
}

function checkValidity(certificate: X509Certificate): void {
  const now = Date.now();
  if (Date.parse(certificate.validFrom) > now || Date.parse(certificate.validTo) < now)
    throw new Error('certificate is outside its validity period');
}

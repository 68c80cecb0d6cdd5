// SNS signing certificates: fetched only from the topic region's SNS host, checked, cached by URL within fixed bounds.
import { X509Certificate } from 'node:crypto';
import { partition } from '@aws-sdk/util-endpoints';

/**
 * The host names an SNS signing certificate may come from for `region`: `sns.<region>.<dnsSuffix>`, the
 * suffix taken from the AWS SDK's partition data (`amazonaws.com`, and `amazonaws.com.cn` only for the
 * China regions). Follows "Verifying the signatures of Amazon SNS messages" (Amazon SNS Developer Guide):
 * "verify that you received it from Amazon SNS" by the certificate URL's host.
 */
export function snsHost(region: string): string {
  return `sns.${region}.${partition(region).dnsSuffix}`;
}

/**
 * Names an X.509 certificate must carry to be an SNS signing certificate of `region`: the regional
 * host, or `sns.<dnsSuffix>` (the name SNS's commercial certificates carry, e.g. `sns.amazonaws.com`).
 */
export function snsCertificateNames(region: string): string[] {
  return [snsHost(region), `sns.${partition(region).dnsSuffix}`];
}

export class CertificateRefused extends Error {
  constructor(
    message: string,
    /** True when trying again later may succeed (busy or budget spent): the caller answers 503 so SNS retries. */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * The file name SNS gives its signing certificates (`/SimpleNotificationService-<id>.pem`, as in every SigningCertURL
 * SNS sends). AWS documents only the host check, so other `.pem` paths on the host are still fetched, but never with
 * the part of the fetch budget kept for this shape: junk paths cannot spend what the genuine certificate needs.
 */
export const SNS_CERTIFICATE_PATH = /^\/SimpleNotificationService-[A-Za-z0-9]+\.pem$/;

function hasSnsCertificateName(url: string): boolean {
  try {
    return SNS_CERTIFICATE_PATH.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

export interface CertificateCacheOptions {
  region: string;
  /** Fetches a PEM text by URL (real default: HTTPS GET, no redirects, 5 s timeout, 16 KiB cap). */
  fetchPem: (url: string) => Promise<string>;
  /** Good certificates kept, least recently used evicted first. Default 16. */
  maxEntries?: number;
  /** Fetches in flight at once; requests for more distinct URLs are refused, not queued. Default 2. */
  maxConcurrentFetches?: number;
  /** Fetches started within `windowMs`; beyond it new URLs are refused until the window moves. Default 10. */
  maxFetchesPerWindow?: number;
  /**
   * Of `maxFetchesPerWindow` (and of `maxConcurrentFetches`), how many only a URL with SNS's certificate file name
   * (`SNS_CERTIFICATE_PATH`) may use. Default 1.
   */
  reservedFetches?: number;
  /** Certificates that verified a signature, kept apart so that no other URL can evict them (within `maxEntries`). Default 4. */
  maxProven?: number;
  /** Milliseconds of the fetch budget window, and how long a failed URL is refused without a new fetch. Default 60 000. */
  windowMs?: number;
  now?: () => number;
}

/**
 * A bounded cache of SNS signing certificates by URL. Unauthenticated callers choose the URL, so every
 * bound holds whatever they send: at most `maxEntries` good certificates, `maxEntries` remembered
 * failures, `maxConcurrentFetches` fetches at once and `maxFetchesPerWindow` per window. A fetch that
 * fails, or whose answer is not a currently valid X.509 certificate naming an SNS host of the region
 * (`snsCertificateNames`), is refused and remembered as a failure, never cached as good.
 * `get` rejects with CertificateRefused.
 */
export class CertificateCache {
  /** Certificates that verified a genuine signature (`prove`): what the topic really uses. */
  private readonly proven = new Map<string, X509Certificate>();
  private readonly good = new Map<string, X509Certificate>();
  private readonly failed = new Map<string, { at: number; reason: string }>();
  private readonly inFlight = new Map<string, Promise<X509Certificate>>();
  private fetchTimes: number[] = [];
  private readonly o: Required<Omit<CertificateCacheOptions, 'fetchPem' | 'region'>>;

  constructor(private readonly options: CertificateCacheOptions) {
    this.o = {
      maxEntries: 16,
      maxConcurrentFetches: 2,
      maxFetchesPerWindow: 10,
      reservedFetches: 1,
      maxProven: 4,
      windowMs: 60_000,
      now: () => Date.now(),
      ...stripUndefined(options),
    };
  }

  get size(): number {
    return this.good.size + this.proven.size;
  }

  /**
   * Records `certificate`, fetched from `url`, as one a genuine message was signed with (a signature verified with
   * it): it is kept apart, so the least-recently-used eviction of certificates fetched for any other URL never drops it.
   * True when it was not proven before (the caller saves it).
   */
  prove(url: string, certificate: X509Certificate): boolean {
    const known = this.proven.get(url) === certificate;
    this.good.delete(url);
    remember(this.proven, url, certificate, Math.min(this.o.maxProven, this.o.maxEntries));
    this.trimGood();
    return !known;
  }

  /** `maxEntries` bounds both maps together; what goes first is always a certificate no genuine message used. */
  private trimGood(): void {
    while (this.good.size > 0 && this.good.size + this.proven.size > this.o.maxEntries)
      this.good.delete(this.good.keys().next().value as string);
  }

  get(url: string): Promise<X509Certificate> {
    const now = this.o.now();
    const proven = this.proven.get(url);
    if (proven) {
      if (Date.parse(proven.validTo) >= now) return Promise.resolve(proven);
      this.proven.delete(url);
    }
    const cached = this.good.get(url);
    if (cached) {
      if (Date.parse(cached.validTo) >= now) {
        // Re-inserting keeps Map order = recency, so the first key is the least recently used.
        this.good.delete(url);
        this.good.set(url, cached);
        return Promise.resolve(cached);
      }
      this.good.delete(url);
    }
    const pending = this.inFlight.get(url);
    if (pending) return pending;
    const failure = this.failed.get(url);
    if (failure && now - failure.at < this.o.windowMs)
      return Promise.reject(new CertificateRefused(`certificate ${url} failed recently (${failure.reason}); not fetched again yet`, true));
    // A path SNS would never send may not use the reserve: a flood of them cannot lock the genuine certificate out.
    const reserve = hasSnsCertificateName(url) ? 0 : this.o.reservedFetches;
    if (this.inFlight.size >= Math.max(1, this.o.maxConcurrentFetches - reserve))
      return Promise.reject(new CertificateRefused(`${this.inFlight.size} certificate fetches already in flight`, true));
    this.fetchTimes = this.fetchTimes.filter((t) => now - t < this.o.windowMs);
    if (this.fetchTimes.length >= this.o.maxFetchesPerWindow - reserve)
      return Promise.reject(
        new CertificateRefused(
          `certificate fetch budget spent (${this.o.maxFetchesPerWindow} per ${this.o.windowMs} ms${reserve ? `, ${reserve} kept for SNS's own certificate names` : ''})`,
          true,
        ),
      );
    this.fetchTimes.push(now);
    const fetching = this.fetchAndCheck(url).then(
      (certificate) => {
        this.inFlight.delete(url);
        this.failed.delete(url);
        remember(this.good, url, certificate, this.o.maxEntries);
        this.trimGood();
        return certificate;
      },
      (error: unknown) => {
        this.inFlight.delete(url);
        const reason = (error as Error).message;
        remember(this.failed, url, { at: this.o.now(), reason }, this.o.maxEntries);
        throw new CertificateRefused(reason, false);
      },
    );
    this.inFlight.set(url, fetching);
    return fetching;
  }

  private async fetchAndCheck(url: string): Promise<X509Certificate> {
    const pem = await this.options.fetchPem(url);
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(pem);
    } catch {
      throw new Error('the certificate URL did not return an X.509 certificate');
    }
    checkSnsCertificate(certificate, this.options.region, this.o.now());
    return certificate;
  }
}

/** Throws unless `certificate` is valid at `now` (ms) and names an SNS host of `region` (subjectAltName or CN, per RFC 6125). */
export function checkSnsCertificate(certificate: X509Certificate, region: string, now: number): void {
  if (Date.parse(certificate.validFrom) > now || Date.parse(certificate.validTo) < now)
    throw new Error('certificate is outside its validity period');
  const names = snsCertificateNames(region);
  if (!names.some((name) => certificate.checkHost(name, { wildcards: false }) !== undefined)) {
    throw new Error(`certificate is not issued to ${names.join(' or ')}`);
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as string);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

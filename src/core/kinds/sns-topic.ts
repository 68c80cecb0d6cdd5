// The alerts topic `trailguard-alerts`: its signature version, its HTTPS subscription (and that subscription's
// dead-letter queue) and who may publish to it.
import { urlWithoutSecrets, type KindSpec, type ResourceBase } from './kind.js';

export interface SnsTopicResource extends ResourceBase {
  kind: 'sns-topic';
  httpsEndpoint: string | null;
  /** The topic attribute SignatureVersion: '2' signs deliveries with RSA-SHA256 instead of SNS's default SHA1 ('1'). */
  signatureVersion: '2';
  /**
   * Queue ARN of the HTTPS subscription's RedrivePolicy (`deadLetterTargetArn`): a delivery SNS gives up on (the
   * endpoint down or answering 5xx past the retry policy) ends there instead of nowhere. Null: no HTTPS subscription.
   */
  deadLetterQueueArn: string | null;
}

export const snsTopic: KindSpec<SnsTopicResource> = {
  kind: 'sns-topic',
  tagged: true,
  // The pending marker is kept: it is why the subscription is drift.
  shownValue: (field, value) =>
    field === 'httpsSubscription' && typeof value === 'string'
      ? `${urlWithoutSecrets(value.replace(/ \(pending confirmation\)$/, ''))}${value.endsWith(' (pending confirmation)') ? ' (pending confirmation)' : ''}`
      : value,
  // Nobody outside the central account may publish alerts (apply cannot reset the policy: it stays drift and fails).
  desiredFields: (r) => ({
    httpsSubscription: r.httpsEndpoint,
    signatureVersion: r.signatureVersion,
    publishers: [],
    subscriptionDeadLetterQueue: r.httpsEndpoint ? r.deadLetterQueueArn : null,
  }),
};

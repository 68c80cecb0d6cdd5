// The alerts topic `trailguard-alerts`: its signature version, its HTTPS subscription (and that subscription's
// dead-letter queue), and who besides TrailGuard's own endpoints may receive or send alerts.
import { partitionOf } from '../arn.js';
import { urlWithoutSecrets, type KindSpec, type ResourceBase } from './kind.js';

/** A subscription as SNS lists it (ListSubscriptionsByTopic `Protocol`, `Endpoint`). */
export interface TopicSubscription {
  protocol: string;
  endpoint: string;
}

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
  /**
   * Every subscription the topic may have: TrailGuard's own (`alerts.endpoint`, the deployed Slack function) and those
   * `alerts.acceptedSubscriptions` lists. Any other is a conflict: alerts name actors, accounts and resources.
   */
  knownSubscriptions: TopicSubscription[];
  /**
   * ArnLike pattern of the CloudWatch alarms that may publish to the topic (`arn:aws:cloudwatch:<region>:<central>:alarm:
   * trailguard-*`): the topic policy gets TrailGuard's statement `TrailGuardCloudWatchAlarms` letting
   * `cloudwatch.amazonaws.com` publish for them, pinned to the central account. Unset or null: no statement compared.
   */
  cloudWatchAlarmsArn?: string | null;
}

/** Sid of TrailGuard's own statement in the topic policy (the watchdog alarms' publish grant). */
export const ALARMS_PUBLISH_SID = 'TrailGuardCloudWatchAlarms';

/**
 * A topic-policy statement in the form plan compares: Effect, Principal, Action, Resource and Condition, with every
 * value that IAM lets be a string or a list as a sorted list, so `"sns:Publish"` and `["sns:Publish"]` are not drift.
 */
export function comparableStatement(statement: Record<string, unknown>): Record<string, unknown> {
  const list = (v: unknown) => [v].flat().map(String).sort();
  const map = (v: unknown) =>
    v && typeof v === 'object' ? Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, list(x)])) : v;
  const condition = statement.Condition as Record<string, unknown> | undefined;
  return {
    Effect: statement.Effect,
    Principal: map(statement.Principal),
    Action: list(statement.Action),
    Resource: list(statement.Resource),
    Condition: condition ? Object.fromEntries(Object.entries(condition).map(([op, block]) => [op, map(block)])) : null,
  };
}

/**
 * TrailGuard's statement letting CloudWatch publish the watchdog alarms to the topic (CloudWatch User Guide, "Amazon SNS
 * topic policy for alarm actions", with the confused-deputy conditions `aws:SourceArn` and `aws:SourceAccount`).
 */
export function alarmsPublishStatement(topicArn: string, alarmsArn: string, account: string): Record<string, unknown> {
  return {
    Sid: ALARMS_PUBLISH_SID,
    Effect: 'Allow',
    Principal: { Service: 'cloudwatch.amazonaws.com' },
    Action: 'sns:Publish',
    Resource: topicArn,
    Condition: { ArnLike: { 'aws:SourceArn': alarmsArn }, StringEquals: { 'aws:SourceAccount': account } },
  };
}

/** The topic's ARN, from the resource (the topic is in its own account and region). */
export function topicArnOf(r: Pick<SnsTopicResource, 'account' | 'region' | 'name'>, partition: string): string {
  return `arn:${partition}:sns:${r.region}:${r.account}:${r.name}`;
}

/**
 * How a foreign subscription's endpoint may be shown (plan, job summary, a public PR comment): a URL with its scheme
 * and host only, user info, path and query hidden (`https://***@hooks.example.com/***?***`), because many webhook URLs
 * carry their credential in the path (Slack's `hooks.slack.com/services/<secret>`); any other endpoint (an e-mail
 * address, a queue or function ARN) as SNS lists it.
 */
export function shownEndpoint(protocol: string, endpoint: string): string {
  if (protocol !== 'http' && protocol !== 'https') return endpoint;
  const shown = String(urlWithoutSecrets(endpoint));
  return shown.replace(/^(\w+:\/\/[^/]+)\/[^?]+/, '$1/***');
}

export const snsTopic: KindSpec<SnsTopicResource> = {
  kind: 'sns-topic',
  tagged: true,
  // The pending marker is kept: it is why the subscription is drift.
  shownValue: (field, value) =>
    field === 'httpsSubscription' && typeof value === 'string'
      ? `${urlWithoutSecrets(value.replace(/ \(pending confirmation\)$/, ''))}${value.endsWith(' (pending confirmation)') ? ' (pending confirmation)' : ''}`
      : value,
  // A statement of the topic policy that admits another account (src/core/aws/kinds/sns-topic.ts, `foreignTopicAccess`),
  // or a topic with TrailGuard's name that it does not own.
  describeConflict: (c) =>
    /^conflict: not written by TrailGuard/.test(c.reason)
      ? `statement ${c.name} of the trailguard-alerts topic policy ${c.reason.replace(/^conflict: /, '')}: whoever it admits can ` +
        'subscribe to the alerts (actors, accounts, resources: reconnaissance) or post forged ones; TrailGuard never changes it, remove it'
      : `sns-topic ${c.name} exists without the trailguard:managed=true tag: TrailGuard never changes it, so this account-region is not protected; delete it or tag it`,
  desiredFields: (r) => ({
    httpsSubscription: r.httpsEndpoint,
    signatureVersion: r.signatureVersion,
    subscriptionDeadLetterQueue: r.httpsEndpoint ? r.deadLetterQueueArn : null,
    // Only when alarms publish here, so a topic deployed before the alarms shows no new drift.
    ...(r.cloudWatchAlarmsArn
      ? {
          cloudWatchAlarmsPublish: comparableStatement(
            alarmsPublishStatement(topicArnOf(r, partitionOf(r.region)), r.cloudWatchAlarmsArn, r.account),
          ),
        }
      : {}),
  }),
};

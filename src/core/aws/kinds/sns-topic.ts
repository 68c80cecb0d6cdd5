// The alerts topic, AWS half: attributes, tags, every subscription page and the HTTPS one's RedrivePolicy;
// CreateTopic (idempotent), SetTopicAttributes, Subscribe, SetSubscriptionAttributes.
import {
  CreateTopicCommand,
  GetSubscriptionAttributesCommand,
  GetTopicAttributesCommand,
  ListTagsForResourceCommand,
  paginateListSubscriptionsByTopic,
  SetSubscriptionAttributesCommand,
  SetTopicAttributesCommand,
  SNSClient,
  SubscribeCommand,
  type Subscription,
} from '@aws-sdk/client-sns';
import { partitionOf } from '../../arn.js';
import { urlWithoutSecrets } from '../../kinds/kind.js';
import type { SnsTopicResource } from '../../kinds/sns-topic.js';
import { allPages, managedIn, orMissing, TAG_LIST, type Statement } from './common.js';
import type { KindIo } from './kind.js';

/**
 * Who the topic policy lets publish besides the topic's own account: principals of Allow statements granting
 * sns:Publish (or sns:*, *) without a condition pinning AWS:SourceOwner / AWS:SourceAccount / aws:PrincipalAccount to
 * `account` (SNS's default statement has that condition). Anyone listed can post SNS-signed alerts to the Slack app.
 */
export function topicPublishers(policyText: string | undefined, account: string): string[] {
  if (!policyText) return [];
  type PolicyStatement = Statement;
  const policy = JSON.parse(policyText) as { Statement?: PolicyStatement[] | PolicyStatement };
  const statements: PolicyStatement[] = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : [];
  const out = new Set<string>();
  for (const st of statements) {
    if (st.Effect !== 'Allow') continue;
    const actions = [st.Action].flat().map((a) => String(a).toLowerCase());
    if (!actions.some((a) => a === 'sns:publish' || a === 'sns:*' || a === '*')) continue;
    const pinned = Object.values(st.Condition ?? {}).some((block) =>
      Object.entries(block ?? {}).some(
        ([key, value]) =>
          ['aws:sourceowner', 'aws:sourceaccount', 'aws:principalaccount'].includes(key.toLowerCase()) &&
          [value].flat().every((v) => v === account),
      ),
    );
    if (pinned) continue;
    const raw = st.Principal;
    const principals =
      typeof raw === 'string' ? [raw] : Object.values((raw ?? {}) as Record<string, unknown>).flatMap((v) => [v].flat().map(String));
    for (const p of principals) {
      if (p === account || new RegExp(`^arn:[\\w-]+:iam::${account}:`).test(p)) continue;
      out.add(p);
    }
  }
  return [...out].sort();
}

/**
 * `deadLetterTargetArn` of a subscription's RedrivePolicy (SNS GetSubscriptionAttributes), null when it has none.
 * A subscription waiting for its endpoint's confirmation has no ARN yet (`PendingConfirmation`) and no attributes.
 */
async function subscriptionDeadLetter(sns: SNSClient, subscriptionArn: string | undefined): Promise<string | null> {
  if (!subscriptionArn?.startsWith('arn:')) return null;
  const out = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
  const policy = out.Attributes?.RedrivePolicy;
  if (!policy) return null;
  const parsed = JSON.parse(policy) as { deadLetterTargetArn?: unknown };
  return typeof parsed.deadLetterTargetArn === 'string' ? parsed.deadLetterTargetArn : null;
}

export const snsTopicIo: KindIo<SnsTopicResource> = {
  actions: {
    read: ['sns:GetTopicAttributes', 'sns:ListTagsForResource', 'sns:ListSubscriptionsByTopic', 'sns:GetSubscriptionAttributes'],
    write: ['sns:CreateTopic', 'sns:TagResource', 'sns:SetTopicAttributes', 'sns:Subscribe', 'sns:SetSubscriptionAttributes'],
  },

  async read(resource, { accounts, account, region }) {
    const sns = await accounts.client(SNSClient, account, region);
    const arn = `arn:${partitionOf(region)}:sns:${region}:${account}:${resource.name}`;
    const [attributes, tags, subscriptions] = await Promise.all([
      orMissing(sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))),
      orMissing(sns.send(new ListTagsForResourceCommand({ ResourceArn: arn }))),
      // 100 subscriptions a page: the HTTPS one may follow any number of hand-added ones.
      orMissing(allPages(paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: arn }), (page) => page.Subscriptions)),
    ]);
    if (!attributes) return { exists: false };
    const https = (subscriptions ?? ([] as Subscription[])).find((s) => s.Protocol === 'https');
    // SNS omits SignatureVersion until it is set, and then signs with version 1 (SHA1).
    const signatureVersion = attributes.Attributes?.SignatureVersion ?? '1';
    const deadLetter = https ? await subscriptionDeadLetter(sns, https.SubscriptionArn) : null;
    return {
      exists: true,
      managed: managedIn(tags?.Tags),
      fields: {
        httpsSubscription: https?.Endpoint ?? null,
        signatureVersion,
        publishers: topicPublishers(attributes.Attributes?.Policy, account),
        subscriptionDeadLetterQueue: deadLetter,
      },
    };
  },

  async apply(resource, { accounts, account, region, create, fields }) {
    const sns = await accounts.client(SNSClient, account, region);
    // CreateTopic with attributes differing from an existing topic's fails, so an update sets them separately.
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({
        Name: resource.name,
        ...(create ? { Tags: TAG_LIST, Attributes: { SignatureVersion: resource.signatureVersion } } : {}),
      }),
    );
    if (!create && fields.has('signatureVersion')) {
      await sns.send(
        new SetTopicAttributesCommand({ TopicArn, AttributeName: 'SignatureVersion', AttributeValue: resource.signatureVersion }),
      );
    }
    const redrive = resource.deadLetterQueueArn ? JSON.stringify({ deadLetterTargetArn: resource.deadLetterQueueArn }) : null;
    if (resource.httpsEndpoint && (create || fields.has('httpsSubscription'))) {
      await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'https',
          Endpoint: resource.httpsEndpoint,
          ...(redrive ? { Attributes: { RedrivePolicy: redrive } } : {}),
        }),
      );
    } else if (resource.httpsEndpoint && fields.has('subscriptionDeadLetterQueue')) {
      const subscriptions = await allPages(paginateListSubscriptionsByTopic({ client: sns }, { TopicArn }), (page) => page.Subscriptions);
      const https = subscriptions.find((s) => s.Protocol === 'https' && s.Endpoint === resource.httpsEndpoint);
      if (!https?.SubscriptionArn?.startsWith('arn:'))
        throw new Error(
          `the HTTPS subscription of ${TopicArn} to ${urlWithoutSecrets(resource.httpsEndpoint)} is not confirmed yet; its dead-letter queue is set once the endpoint confirms it (run apply again)`,
        );
      await sns.send(
        new SetSubscriptionAttributesCommand({
          SubscriptionArn: https.SubscriptionArn,
          AttributeName: 'RedrivePolicy',
          AttributeValue: redrive ?? '',
        }),
      );
    }
  },
};

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
import { isPending } from './sns-subscription.js';
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
 * The HTTPS subscription as SNS reports it (GetSubscriptionAttributes): whether it still waits for the endpoint's
 * confirmation, and the `deadLetterTargetArn` of its RedrivePolicy (null when it has none). A subscription waiting
 * for confirmation has no ARN yet (`PendingConfirmation`, or `PendingConfirmation: "true"` in its attributes).
 */
async function subscriptionState(
  sns: SNSClient,
  subscriptionArn: string | undefined,
): Promise<{ pending: boolean; deadLetter: string | null }> {
  if (!subscriptionArn?.startsWith('arn:')) return { pending: true, deadLetter: null };
  const out = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: subscriptionArn }));
  const pending = isPending(subscriptionArn, out.Attributes);
  const policy = out.Attributes?.RedrivePolicy;
  if (!policy) return { pending, deadLetter: null };
  const parsed = JSON.parse(policy) as { deadLetterTargetArn?: unknown };
  return { pending, deadLetter: typeof parsed.deadLetterTargetArn === 'string' ? parsed.deadLetterTargetArn : null };
}

/** How long apply waits for the HTTPS endpoint to confirm a new subscription: 20 looks, 3 s apart. */
const CONFIRMATION_LOOKS = 20;
const CONFIRMATION_PAUSE_MS = 3000;

/** What the plan shows for a subscription SNS delivers nothing to yet. */
export const PENDING_SUFFIX = ' (pending confirmation)';

export const snsTopicIo: KindIo<SnsTopicResource> = {
  actions: {
    read: ['sns:GetTopicAttributes', 'sns:ListTagsForResource', 'sns:ListSubscriptionsByTopic', 'sns:GetSubscriptionAttributes'],
    // GetSubscriptionAttributes: apply waits for the endpoint to confirm a new subscription.
    write: [
      'sns:CreateTopic',
      'sns:TagResource',
      'sns:SetTopicAttributes',
      'sns:Subscribe',
      'sns:SetSubscriptionAttributes',
      'sns:GetSubscriptionAttributes',
    ],
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
    // TrailGuard's is the one to alerts.endpoint: an HTTPS webhook someone added by hand (a pager) is not it, wherever
    // it is listed. Without an endpoint there is none to judge (a hand-added one is not drift).
    const https = resource.httpsEndpoint
      ? (subscriptions ?? ([] as Subscription[])).find((s) => s.Protocol === 'https' && s.Endpoint === resource.httpsEndpoint)
      : undefined;
    // SNS omits SignatureVersion until it is set, and then signs with version 1 (SHA1).
    const signatureVersion = attributes.Attributes?.SignatureVersion ?? '1';
    const state = https ? await subscriptionState(sns, https.SubscriptionArn) : { pending: false, deadLetter: null };
    // A pending subscription delivers nothing (the app refused to confirm it, or someone re-subscribed the endpoint):
    // drift on httpsSubscription. Its RedrivePolicy cannot be read before confirmation; apply's Subscribe sets it again,
    // so it is not reported a second time as dead-letter drift.
    const deadLetter = state.pending && https ? resource.deadLetterQueueArn : state.deadLetter;
    return {
      exists: true,
      managed: managedIn(tags?.Tags),
      fields: {
        httpsSubscription: https?.Endpoint ? `${https.Endpoint}${state.pending ? PENDING_SUFFIX : ''}` : null,
        signatureVersion,
        publishers: topicPublishers(attributes.Attributes?.Policy, account),
        subscriptionDeadLetterQueue: deadLetter,
      },
    };
  },

  async apply(resource, { accounts, account, region, create, fields, sleep }) {
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
      const { SubscriptionArn } = await sns.send(
        new SubscribeCommand({
          TopicArn,
          Protocol: 'https',
          Endpoint: resource.httpsEndpoint,
          ReturnSubscriptionArn: true,
          ...(redrive ? { Attributes: { RedrivePolicy: redrive } } : {}),
        }),
      );
      // SNS sends the endpoint a confirmation request; until the app (after checking SNS's signature) confirms it,
      // nothing is delivered. Wait for it here rather than leave a subscription that silently delivers nothing.
      for (let look = 1; SubscriptionArn?.startsWith('arn:'); look += 1) {
        const attributes = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn }))).Attributes;
        if (!isPending(SubscriptionArn, attributes)) break;
        if (look >= CONFIRMATION_LOOKS)
          throw new Error(
            `the endpoint ${urlWithoutSecrets(resource.httpsEndpoint)} did not confirm its subscription to ${TopicArn} within ${(CONFIRMATION_LOOKS * CONFIRMATION_PAUSE_MS) / 1000} s: ` +
              "is the Slack app running there, and does it trust SNS's certificate? Alerts are not delivered until it confirms (run apply again)",
          );
        await sleep(CONFIRMATION_PAUSE_MS);
      }
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

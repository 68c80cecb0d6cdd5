// The topic's Lambda subscription, AWS half: every subscription page, the one to the function and its attributes;
// Subscribe with its RedrivePolicy (SNS returns the existing one for the same endpoint), or SetSubscriptionAttributes.
import {
  GetSubscriptionAttributesCommand,
  paginateListSubscriptionsByTopic,
  SetSubscriptionAttributesCommand,
  SNSClient,
  SubscribeCommand,
} from '@aws-sdk/client-sns';
import type { SnsSubscriptionResource } from '../../kinds/sns-subscription.js';
import { allPages, orMissing } from './common.js';
import type { KindIo } from './kind.js';

/** Whether SNS still waits for the endpoint to confirm: its ARN is `PendingConfirmation`, or its attributes say so. */
export function isPending(subscriptionArn: string | undefined, attributes: Record<string, string> | undefined): boolean {
  return !subscriptionArn?.startsWith('arn:') || attributes?.PendingConfirmation === 'true';
}

/** The `deadLetterTargetArn` of a subscription's RedrivePolicy attribute (JSON text), or null when it has none. */
export function deadLetterTarget(redrivePolicy: string | undefined): string | null {
  if (!redrivePolicy) return null;
  const parsed = JSON.parse(redrivePolicy) as { deadLetterTargetArn?: unknown };
  return typeof parsed.deadLetterTargetArn === 'string' ? parsed.deadLetterTargetArn : null;
}

export const snsSubscriptionIo: KindIo<SnsSubscriptionResource> = {
  actions: {
    read: ['sns:ListSubscriptionsByTopic', 'sns:GetSubscriptionAttributes'],
    write: ['sns:Subscribe', 'sns:SetSubscriptionAttributes'],
  },

  async read(resource, { accounts, account, region }) {
    const sns = await accounts.client(SNSClient, account, region);
    const subscriptions = await orMissing(
      allPages(paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: resource.topicArn }), (page) => page.Subscriptions),
    );
    // Deleted, or re-pointed at another function: TrailGuard's subscription is not there.
    const mine = (subscriptions ?? []).find((s) => s.Protocol === resource.protocol && s.Endpoint === resource.endpoint);
    if (!mine) return { exists: false };
    const arn = mine.SubscriptionArn;
    const attributes = arn?.startsWith('arn:')
      ? (await orMissing(sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: arn }))))?.Attributes
      : undefined;
    // `{}` (what apply writes to clear one) filters nothing.
    const parsed = attributes?.FilterPolicy ? (JSON.parse(attributes.FilterPolicy) as Record<string, unknown>) : null;
    const filter = parsed && Object.keys(parsed).length > 0 ? parsed : null;
    const pending = isPending(arn, attributes);
    return {
      exists: true,
      managed: true,
      fields: {
        confirmed: !pending,
        filterPolicy: filter,
        // A pending subscription's attributes cannot be read; apply's Subscribe sets its RedrivePolicy with it, so it is
        // drift once (confirmed), not twice.
        deadLetterQueue: pending ? resource.deadLetterQueueArn : deadLetterTarget(attributes?.RedrivePolicy),
      },
      ...(arn?.startsWith('arn:') ? { ids: { arn } } : {}),
    };
  },

  async apply(resource, { accounts, account, region, create, fields, ids }) {
    const sns = await accounts.client(SNSClient, account, region);
    const redrive = JSON.stringify({ deadLetterTargetArn: resource.deadLetterQueueArn });
    if (create || fields.has('confirmed') || !ids.arn) {
      await sns.send(
        new SubscribeCommand({
          TopicArn: resource.topicArn,
          Protocol: resource.protocol,
          Endpoint: resource.endpoint,
          Attributes: { RedrivePolicy: redrive },
        }),
      );
      return;
    }
    if (fields.has('deadLetterQueue'))
      await sns.send(
        new SetSubscriptionAttributesCommand({ SubscriptionArn: ids.arn, AttributeName: 'RedrivePolicy', AttributeValue: redrive }),
      );
    // An empty filter policy admits every message.
    if (fields.has('filterPolicy'))
      await sns.send(
        new SetSubscriptionAttributesCommand({ SubscriptionArn: ids.arn, AttributeName: 'FilterPolicy', AttributeValue: '{}' }),
      );
  },
};

// A subscription of the alerts topic delivering to a Lambda function (`trailguard-slack` with `slack.deploy: lambda`).
import type { KindSpec, ResourceBase } from './kind.js';

export interface SnsSubscriptionResource extends ResourceBase {
  kind: 'sns-subscription';
  topicArn: string;
  protocol: 'lambda';
  /** The function's ARN. */
  endpoint: string;
  /**
   * Queue ARN of the subscription's RedrivePolicy (`deadLetterTargetArn`): a message SNS could not hand to the function
   * (the function deleted, its invoke statement removed, Lambda throttling past SNS's retries) ends there instead of nowhere.
   */
  deadLetterQueueArn: string;
}

export const snsSubscription: KindSpec<SnsSubscriptionResource> = {
  kind: 'sns-subscription',
  // SNS tags topics, not subscriptions: TrailGuard owns the one from its topic to its function.
  tagged: false,
  // A subscription of the alerts topic TrailGuard did not configure (src/core/aws/kinds/sns-topic.ts, `foreignTopicAccess`).
  describeConflict: (c) =>
    `subscription ${c.name} of trailguard-alerts not configured by TrailGuard${/\(pending confirmation\)/.test(c.reason) ? ' (pending confirmation)' : ''}: ` +
    'every alert (actors, accounts, resources) would also go there; TrailGuard never deletes it: unsubscribe it, or list it in alerts.acceptedSubscriptions',
  // A subscription still pending delivers nothing; a filter policy can drop every alert before the function sees it; one
  // without its dead-letter queue loses what SNS gives up on.
  desiredFields: (r) => ({ confirmed: true, filterPolicy: null, deadLetterQueue: r.deadLetterQueueArn }),
};

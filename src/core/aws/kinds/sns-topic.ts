// The alerts topic, AWS half: attributes, tags, every subscription page and the HTTPS one's RedrivePolicy, and what on
// the topic TrailGuard did not configure (foreign subscriptions and policy statements);
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
import {
  ALARMS_PUBLISH_SID,
  alarmsPublishStatement,
  comparableStatement,
  shownEndpoint,
  type SnsTopicResource,
} from '../../kinds/sns-topic.js';
import type { Extraneous } from '../../plan.js';
import { allPages, managedIn, orMissing, TAG_LIST, type Statement } from './common.js';
import { deadLetterTarget, isPending } from './sns-subscription.js';
import type { KindIo, ReadContext } from './kind.js';

/** A statement of the topic policy that admits someone outside the topic's account. */
export interface ForeignTopicStatement {
  /** The statement's Sid, or `statement <index>` without one. */
  name: string;
  principals: string[];
  actions: string[];
}

/**
 * The Allow statements of a topic policy (JSON text) that admit a principal outside `account` to any action: SNS's
 * default statement is pinned to the owner by `StringEquals` on AWS:SourceOwner (AWS:SourceAccount and
 * aws:PrincipalAccount count too) and is not one of them; a statement whose every principal is `account` or one of its
 * IAM ARNs is not either. TrailGuard writes no statement there, so whatever this returns was written by someone else:
 * who it admits can subscribe to the alerts, or publish forged ones the Slack app verifies and shows.
 */
export function foreignTopicStatements(policyText: string | undefined, account: string): ForeignTopicStatement[] {
  if (!policyText) return [];
  const policy = JSON.parse(policyText) as { Statement?: Statement[] | Statement };
  const statements: Statement[] = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : [];
  const out: ForeignTopicStatement[] = [];
  statements.forEach((st, index) => {
    if (st.Effect !== 'Allow') return;
    // Only an equality pins the caller to the account: StringNotEquals on the same key admits everyone else.
    const pinned = Object.entries(st.Condition ?? {}).some(
      ([operator, block]) =>
        operator === 'StringEquals' &&
        Object.entries(block ?? {}).some(
          ([key, value]) =>
            ['aws:sourceowner', 'aws:sourceaccount', 'aws:principalaccount'].includes(key.toLowerCase()) &&
            [value].flat().every((v) => v === account),
        ),
    );
    if (pinned) return;
    const raw = st.Principal;
    const principals =
      typeof raw === 'string' ? [raw] : Object.values((raw ?? {}) as Record<string, unknown>).flatMap((v) => [v].flat().map(String));
    const outside = principals.filter((p) => p !== account && !new RegExp(`^arn:[\\w-]+:iam::${account}:`).test(p));
    if (outside.length === 0) return;
    out.push({ name: st.Sid ?? `statement ${index}`, principals: outside.sort(), actions: [st.Action].flat().map(String) });
  });
  return out;
}

/**
 * What on the alerts topic TrailGuard did not configure (ListSubscriptionsByTopic, every page, and the topic policy):
 * each subscription not in `knownSubscriptions` (kind `sns-subscription`, named `<protocol> <endpoint>` with a URL's
 * user info and query hidden), and each topic-policy statement admitting another account (kind `sns-topic`, named by its
 * Sid). Reported as conflicts, never removed: whoever added them may be the one reading the alerts. None when the topic
 * does not exist. AWS errors other than "not found" propagate.
 */
export async function foreignTopicAccess(
  resource: SnsTopicResource,
  { accounts, account, region }: Pick<ReadContext, 'accounts' | 'account' | 'region'>,
): Promise<Extraneous[]> {
  const sns = await accounts.client(SNSClient, account, region);
  const arn = `arn:${partitionOf(region)}:sns:${region}:${account}:${resource.name}`;
  const [attributes, subscriptions] = await Promise.all([
    orMissing(sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))),
    orMissing(allPages(paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: arn }), (page) => page.Subscriptions)),
  ]);
  if (!attributes) return [];
  const known = new Set(resource.knownSubscriptions.map((s) => `${s.protocol} ${s.endpoint}`));
  const base = { account, region };
  const foreignSubscriptions = (subscriptions ?? [])
    .filter((s) => !known.has(`${s.Protocol} ${s.Endpoint}`))
    .map((s, index) => {
      const name = `${s.Protocol} ${shownEndpoint(s.Protocol ?? '', s.Endpoint ?? '')}`;
      const pending = !s.SubscriptionArn?.startsWith('arn:');
      return {
        ...base,
        // Two endpoints may differ only in what is hidden: the index keeps their keys apart.
        key: `${account}/${region}/sns-subscription/${name}#${index}`,
        kind: 'sns-subscription' as const,
        name,
        foreign: `a subscription of ${resource.name}${pending ? PENDING_SUFFIX : ''}`,
      };
    });
  const foreignStatements = foreignTopicStatements(attributes.Attributes?.Policy, account).map((st) => ({
    ...base,
    key: `${account}/${region}/sns-topic/${resource.name}/${st.name}`,
    kind: 'sns-topic' as const,
    name: st.name,
    foreign: `admitting ${JSON.stringify(st.principals)} to ${JSON.stringify(st.actions)}`,
  }));
  return [...foreignSubscriptions, ...foreignStatements];
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
  return { pending, deadLetter: deadLetterTarget(out.Attributes?.RedrivePolicy) };
}

/** The statements of a topic policy (JSON text; none when there is no policy). */
function policyStatements(policyText: string | undefined): Record<string, unknown>[] {
  if (!policyText) return [];
  const policy = JSON.parse(policyText) as { Statement?: unknown };
  return [policy.Statement ?? []].flat() as Record<string, unknown>[];
}

/** TrailGuard's `TrailGuardCloudWatchAlarms` statement as plan compares it, or null when the policy has none. */
function ownStatement(policyText: string | undefined): Record<string, unknown> | null {
  const own = policyStatements(policyText).find((st) => st.Sid === ALARMS_PUBLISH_SID);
  return own ? comparableStatement(own) : null;
}

/**
 * Writes TrailGuard's statement into the topic policy (GetTopicAttributes, then SetTopicAttributes `Policy`): any
 * statement with its Sid is replaced, every other one (SNS's default statement, statements someone else added, which
 * plan reports as conflicts) is kept as it is: TrailGuard only changes what it owns.
 */
async function putAlarmsStatement(sns: SNSClient, topicArn: string, statement: Record<string, unknown>): Promise<void> {
  const current = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
  const text = current.Attributes?.Policy;
  const policy = text ? (JSON.parse(text) as Record<string, unknown>) : { Version: '2012-10-17' };
  const others = policyStatements(text).filter((st) => st.Sid !== ALARMS_PUBLISH_SID);
  await sns.send(
    new SetTopicAttributesCommand({
      TopicArn: topicArn,
      AttributeName: 'Policy',
      AttributeValue: JSON.stringify({ ...policy, Statement: [...others, statement] }),
    }),
  );
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
      // The alarms' publish statement is merged into the policy SNS holds (its default statement, any foreign one).
      'sns:GetTopicAttributes',
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
    // it is listed (a hand-added one is a conflict, `foreignTopicAccess`, not drift of this one).
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
        subscriptionDeadLetterQueue: deadLetter,
        ...(resource.cloudWatchAlarmsArn ? { cloudWatchAlarmsPublish: ownStatement(attributes.Attributes?.Policy) } : {}),
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
    if (resource.cloudWatchAlarmsArn && TopicArn && (create || fields.has('cloudWatchAlarmsPublish')))
      await putAlarmsStatement(sns, TopicArn, alarmsPublishStatement(TopicArn, resource.cloudWatchAlarmsArn, account));
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

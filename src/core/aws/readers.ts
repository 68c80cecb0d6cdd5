// Readers: what exists for each desired resource, in the field shapes the plan compares; and every trail of an account.
import { CloudTrailClient, paginateListTrails } from '@aws-sdk/client-cloudtrail';
import { DescribeEventBusCommand, DescribeRuleCommand, EventBridgeClient, ListTagsForResourceCommand, ListTargetsByRuleCommand, type Target } from '@aws-sdk/client-eventbridge';
import { GetPolicyCommand as GetIamPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand, GetFunctionEventInvokeConfigCommand, GetPolicyCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetTopicAttributesCommand, ListTagsForResourceCommand as ListTopicTagsCommand, paginateListSubscriptionsByTopic, SNSClient, type Subscription } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { partitionOf } from '../arn.js';
import { GLOBAL, type Resource } from '../desired-state.js';
import { errorCode } from '../errors.js';
import { MANAGED_TAG, NAMES } from '../names.js';
import type { TrailInfo } from '../pipeline.js';
import { inlinePolicyField, type Extraneous, type Observed } from '../plan.js';
import type { Accounts } from './accounts.js';

const NOT_FOUND = new Set([
  'NoSuchEntity',
  'NoSuchEntityException',
  'ResourceNotFoundException',
  'ResourceNotFound',
  'NotFound',
  'NotFoundException',
  'AWS.SimpleQueueService.NonExistentQueue',
  'QueueDoesNotExist',
]);

export function isMissing(error: unknown): boolean {
  return NOT_FOUND.has(errorCode(error));
}

/** `undefined` when the resource does not exist; other errors propagate. */
async function orMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Every item of every page an SDK paginator yields. */
async function allPages<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(items(page) ?? []));
  return out;
}

const managedIn = (tags: { Key?: string; Value?: string }[] | undefined) => (tags ?? []).some((t) => t.Key === MANAGED_TAG.key && t.Value === MANAGED_TAG.value);
const parsePolicy = (text: string | undefined) => (text ? (JSON.parse(decodeURIComponent(text)) as unknown) : undefined);

interface Statement {
  Sid?: string;
  Principal?: unknown;
  Action?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** `{ principal, organizationId }` of an EventBridge grant, whatever shape the service stored it in. */
export function grantOf(statement: Statement): { principal: string; organizationId: string | null } {
  const raw = statement.Principal;
  const aws = typeof raw === 'string' ? raw : ((raw as { AWS?: unknown } | undefined)?.AWS ?? '');
  // Every principal counts: a list that admits the member and someone else is not the member's grant.
  const account = (Array.isArray(aws) ? aws : [aws])
    .map((p) => String(p))
    .map((text) => /^arn:[\w-]+:iam::(\d{12}|\*):root$/.exec(text)?.[1] ?? text)
    .sort()
    .join(',');
  const org = statement.Condition?.StringEquals?.['aws:PrincipalOrgID'];
  return { principal: account, organizationId: typeof org === 'string' ? org : null };
}

/**
 * A rule's targets (EventBridge ListTargetsByRule) in the shape the plan compares, sorted by Id. Everything that
 * changes what reaches the target is kept: TrailGuard's targets forward the whole event, so a constant `Input`, an
 * `InputPath` or an `InputTransformer` means the central rules never see a tamper record, and must show as drift.
 */
export function ruleTargetFields(targets: readonly Target[]): Record<string, unknown>[] {
  return targets
    .map((t) => ({
      Id: t.Id,
      Arn: t.Arn,
      ...(t.RoleArn ? { RoleArn: t.RoleArn } : {}),
      ...(t.DeadLetterConfig?.Arn ? { DeadLetterConfig: { Arn: t.DeadLetterConfig.Arn } } : {}),
      ...(t.RetryPolicy ? { RetryPolicy: { MaximumRetryAttempts: t.RetryPolicy.MaximumRetryAttempts, MaximumEventAgeInSeconds: t.RetryPolicy.MaximumEventAgeInSeconds } } : {}),
      ...(t.Input !== undefined ? { Input: t.Input } : {}),
      ...(t.InputPath !== undefined ? { InputPath: t.InputPath } : {}),
      ...(t.InputTransformer ? { InputTransformer: t.InputTransformer } : {}),
    }))
    .sort((a, b) => String(a.Id).localeCompare(String(b.Id)));
}

export class StateReader {
  private readonly buses = new Map<string, Promise<{ arn: string; statements: Statement[] } | undefined>>();

  /** `homeRegion` is where global services (IAM) are called. */
  constructor(
    private readonly accounts: Accounts,
    private readonly homeRegion: string,
  ) {}

  private region(resource: Resource): string {
    return resource.region === GLOBAL ? this.homeRegion : resource.region;
  }

  private bus(account: string, region: string, name: string) {
    const key = `${account}/${region}/${name}`;
    let pending = this.buses.get(key);
    if (!pending) {
      pending = (async () => {
        const events = await this.accounts.client(EventBridgeClient, account, region);
        const bus = await orMissing(events.send(new DescribeEventBusCommand({ Name: name })));
        if (!bus?.Arn) return undefined;
        const policy = bus.Policy ? (JSON.parse(bus.Policy) as { Statement?: Statement[] }) : {};
        return { arn: bus.Arn, statements: policy.Statement ?? [] };
      })();
      this.buses.set(key, pending);
    }
    return pending;
  }

  async read(resource: Resource): Promise<Observed> {
    const { account } = resource;
    const region = this.region(resource);
    const p = partitionOf(region);
    switch (resource.kind) {
      case 'iam-role': {
        const iam = await this.accounts.client(IAMClient, account, region);
        const [role, inline, names, attached] = await Promise.all([
          orMissing(iam.send(new GetRoleCommand({ RoleName: resource.name }))),
          orMissing(iam.send(new GetRolePolicyCommand({ RoleName: resource.name, PolicyName: resource.policyName }))),
          orMissing(iam.send(new ListRolePoliciesCommand({ RoleName: resource.name }))),
          orMissing(iam.send(new ListAttachedRolePoliciesCommand({ RoleName: resource.name }))),
        ]);
        if (!role?.Role) return { exists: false };
        // Any other policy on the role (an inline Deny on the forwarder blinds every rule of the account; an attached
        // policy widens the role up to its boundary) is drift. Apply cannot remove it: it stays drift and fails the run.
        const otherPolicies = [
          ...(names?.PolicyNames ?? []).filter((n) => n !== resource.policyName).map((n) => `inline ${n}`),
          ...(attached?.AttachedPolicies ?? []).map((a) => `attached ${a.PolicyArn ?? a.PolicyName}`),
          ...(names?.IsTruncated || attached?.IsTruncated ? ['more (truncated)'] : []),
        ].sort();
        return {
          exists: true,
          managed: managedIn(role.Role.Tags),
          fields: {
            // A role without the boundary (removed, or created before TrailGuard set one) is drift.
            permissionsBoundary: role.Role.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
            trustPolicy: parsePolicy(role.Role.AssumeRolePolicyDocument),
            [inlinePolicyField(resource.policyName)]: parsePolicy(inline?.PolicyDocument),
            otherPolicies,
          },
        };
      }
      case 'iam-boundary': {
        const iam = await this.accounts.client(IAMClient, account, region);
        const policy = await orMissing(iam.send(new GetIamPolicyCommand({ PolicyArn: resource.arn })));
        // Missing: nothing to compare, and every role write that needs it fails saying who creates it.
        // (IAM refuses to delete a policy while a role uses it as its boundary.)
        if (!policy?.Policy) return { exists: true, managed: true, fields: { document: resource.document } };
        const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: resource.arn, VersionId: policy.Policy.DefaultVersionId }));
        // Someone widening the boundary, or a config that now needs more, both show here.
        return { exists: true, managed: true, fields: { document: parsePolicy(version.PolicyVersion?.Document) } };
      }
      case 'event-bus': {
        const bus = await this.bus(account, region, resource.name);
        if (!bus) return { exists: false };
        const events = await this.accounts.client(EventBridgeClient, account, region);
        const { Tags } = await events.send(new ListTagsForResourceCommand({ ResourceARN: bus.arn }));
        return { exists: true, managed: managedIn(Tags), fields: {} };
      }
      case 'bus-permission': {
        const statement = (await this.bus(account, region, resource.bus))?.statements.find((s) => s.Sid === resource.name);
        if (!statement) return { exists: false };
        return { exists: true, managed: true, fields: { grant: grantOf(statement) } };
      }
      case 'event-rule': {
        const events = await this.accounts.client(EventBridgeClient, account, region);
        const busPath = resource.bus === 'default' ? '' : `${resource.bus}/`;
        const arn = `arn:${p}:events:${region}:${account}:rule/${busPath}${resource.name}`;
        const [rule, targets, tags] = await Promise.all([
          orMissing(events.send(new DescribeRuleCommand({ Name: resource.name, EventBusName: resource.bus }))),
          orMissing(events.send(new ListTargetsByRuleCommand({ Rule: resource.name, EventBusName: resource.bus }))),
          orMissing(events.send(new ListTagsForResourceCommand({ ResourceARN: arn }))),
        ]);
        if (!rule) return { exists: false };
        const normalized = ruleTargetFields(targets?.Targets ?? []);
        return {
          exists: true,
          managed: managedIn(tags?.Tags),
          fields: { eventPattern: rule.EventPattern ? JSON.parse(rule.EventPattern) : null, state: rule.State, targets: normalized },
          ids: { targets: normalized.map((t) => t.Id).join(',') },
        };
      }
      case 'sqs-queue': {
        const sqs = await this.accounts.client(SQSClient, account, region);
        const url = await orMissing(sqs.send(new GetQueueUrlCommand({ QueueName: resource.name, QueueOwnerAWSAccountId: account })));
        if (!url?.QueueUrl) return { exists: false };
        const [attributes, tags] = await Promise.all([
          sqs.send(new GetQueueAttributesCommand({ QueueUrl: url.QueueUrl, AttributeNames: ['All'] })),
          sqs.send(new ListQueueTagsCommand({ QueueUrl: url.QueueUrl })),
        ]);
        const fields: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(attributes.Attributes ?? {})) {
          if (name === 'Policy') fields[name] = JSON.parse(value);
          else if (name === 'RedrivePolicy') {
            const redrive = JSON.parse(value) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
            fields[name] = { deadLetterTargetArn: redrive.deadLetterTargetArn, maxReceiveCount: Number(redrive.maxReceiveCount) };
          } else fields[name] = value;
        }
        return {
          exists: true,
          managed: tags.Tags?.[MANAGED_TAG.key] === MANAGED_TAG.value,
          fields,
          ids: { url: url.QueueUrl },
        };
      }
      case 'sns-topic': {
        const sns = await this.accounts.client(SNSClient, account, region);
        const arn = `arn:${p}:sns:${region}:${account}:${resource.name}`;
        const [attributes, tags, subscriptions] = await Promise.all([
          orMissing(sns.send(new GetTopicAttributesCommand({ TopicArn: arn }))),
          orMissing(sns.send(new ListTopicTagsCommand({ ResourceArn: arn }))),
          // 100 subscriptions a page: the HTTPS one may follow any number of hand-added ones.
          orMissing(allPages(paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: arn }), (page) => page.Subscriptions)),
        ]);
        if (!attributes) return { exists: false };
        const https = (subscriptions ?? ([] as Subscription[])).find((s) => s.Protocol === 'https');
        // SNS omits SignatureVersion until it is set, and then signs with version 1 (SHA1).
        const signatureVersion = attributes.Attributes?.SignatureVersion ?? '1';
        return {
          exists: true,
          managed: managedIn(tags?.Tags),
          fields: { httpsSubscription: https?.Endpoint ?? null, signatureVersion, publishers: topicPublishers(attributes.Attributes?.Policy, account) },
        };
      }
      case 'lambda-function': {
        const lambda = await this.accounts.client(LambdaClient, account, region);
        const [fn, invoke] = await Promise.all([
          orMissing(lambda.send(new GetFunctionCommand({ FunctionName: resource.name }))),
          orMissing(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: resource.name }))),
        ]);
        const c = fn?.Configuration;
        if (!c) return { exists: false };
        return {
          exists: true,
          managed: fn.Tags?.[MANAGED_TAG.key] === MANAGED_TAG.value,
          fields: {
            role: c.Role,
            runtime: c.Runtime,
            handler: c.Handler,
            timeout: c.Timeout,
            memorySize: c.MemorySize,
            environment: c.Environment?.Variables ?? {},
            code: c.CodeSha256,
            onFailure: invoke?.DestinationConfig?.OnFailure?.Destination ?? null,
            // Reserved concurrency 0 throttles every invocation: the remediator never runs.
            throttled: fn.Concurrency?.ReservedConcurrentExecutions === 0,
            // A layer can ship an extension that runs beside the handler with its role's credentials; CodeSha256 misses it.
            layers: (c.Layers ?? []).map((l) => l.Arn ?? '').sort(),
            // Private subnets without a route to AWS: every call times out and no alert is published.
            vpcSubnets: [...(c.VpcConfig?.SubnetIds ?? [])].sort(),
          },
        };
      }
      case 'lambda-permission': {
        const lambda = await this.accounts.client(LambdaClient, account, region);
        const policy = await orMissing(lambda.send(new GetPolicyCommand({ FunctionName: resource.functionName })));
        const statements = (policy?.Policy ? (JSON.parse(policy.Policy) as { Statement?: Statement[] }).Statement : undefined) ?? [];
        const statement = statements.find((s) => s.Sid === resource.name);
        if (!statement) return { exists: false };
        const principal = statement.Principal as { Service?: string } | string | undefined;
        const sourceArn = statement.Condition?.ArnLike?.['AWS:SourceArn'] ?? statement.Condition?.ArnEquals?.['AWS:SourceArn'];
        return {
          exists: true,
          managed: true,
          fields: { principal: typeof principal === 'string' ? principal : principal?.Service, action: statement.Action, sourceArn },
        };
      }
      case 'event-source-mapping': {
        const lambda = await this.accounts.client(LambdaClient, account, region);
        const out = await orMissing(lambda.send(new ListEventSourceMappingsCommand({ FunctionName: resource.functionName, EventSourceArn: resource.queueArn })));
        const mapping = out?.EventSourceMappings?.[0];
        if (!mapping?.UUID) return { exists: false };
        return {
          exists: true,
          managed: true,
          fields: { batchSize: mapping.BatchSize, functionResponseTypes: mapping.FunctionResponseTypes ?? [], enabled: !['Disabled', 'Disabling'].includes(mapping.State ?? ''),
            // A filter makes Lambda delete every message it does not match without invoking the remediator.
            filterCriteria: mapping.FilterCriteria?.Filters?.length ? mapping.FilterCriteria.Filters : null,
          },
          ids: { uuid: mapping.UUID },
        };
      }
    }
  }

  /**
   * Statements of the remediator's resource policy that TrailGuard did not write: whoever they admit can invoke it with a
   * hand-made CloudTrail record (forged alerts, AssumeRole into every member). Reported as conflicts, never removed.
   */
  async foreignFunctionStatements(account: string, region: string, desired: Resource[]): Promise<Extraneous[]> {
    const functionName = desired.find((r) => r.kind === 'lambda-function' && r.account === account)?.name;
    if (!functionName) return [];
    const lambda = await this.accounts.client(LambdaClient, account, region);
    const policy = await orMissing(lambda.send(new GetPolicyCommand({ FunctionName: functionName })));
    const statements = (policy?.Policy ? (JSON.parse(policy.Policy) as { Statement?: Statement[] }).Statement : undefined) ?? [];
    // TrailGuard's own Sids (`trailguard-*`, also those of a delivery mode since switched) are the planner's business.
    return statements
      .map((s, index) => ({ s, name: s.Sid ?? `statement ${index}` }))
      .filter(({ s }) => !s.Sid?.startsWith('trailguard-'))
      .map(({ s, name }) => ({
        key: `${account}/${region}/lambda-permission/${name}`,
        account,
        region,
        kind: 'lambda-permission' as const,
        name,
        foreign: `a ${functionName} policy statement admitting ${JSON.stringify(s.Principal ?? null)} to ${JSON.stringify(s.Action ?? null)}`,
      }));
  }

  /** TrailGuard's bus grants that are no longer desired (a member removed from the config). */
  async extraneousGrants(account: string, region: string, desired: Resource[]): Promise<Extraneous[]> {
    const bus = await this.bus(account, region, NAMES.bus);
    const wanted = new Set(desired.filter((r) => r.kind === 'bus-permission').map((r) => r.name));
    const statements = bus?.statements ?? [];
    const stale = statements
      .filter((s) => s.Sid?.startsWith('trailguard-') && !wanted.has(s.Sid))
      .map((s) => ({ key: `${account}/${region}/bus-permission/${s.Sid}`, account, region, kind: 'bus-permission' as const, name: s.Sid! }));
    // Whoever another statement admits can put forged tamper records on TrailGuard's bus: a conflict, reported, never removed.
    const foreign = statements
      .map((s, index) => ({ s, name: s.Sid ?? `statement ${index}` }))
      .filter(({ s }) => !s.Sid?.startsWith('trailguard-'))
      .map(({ s, name }) => ({
        key: `${account}/${region}/bus-permission/${name}`,
        account,
        region,
        kind: 'bus-permission' as const,
        name,
        foreign: `a bus policy statement admitting ${JSON.stringify(s.Principal ?? null)} to ${JSON.stringify(s.Action ?? null)}`,
      }));
    return [...stale, ...foreign];
  }
}

export type { TrailInfo } from '../pipeline.js';

/**
 * Who the topic policy lets publish besides the topic's own account: principals of Allow statements granting
 * sns:Publish (or sns:*, *) without a condition pinning AWS:SourceOwner / AWS:SourceAccount / aws:PrincipalAccount to
 * `account` (SNS's default statement has that condition). Anyone listed can post SNS-signed alerts to the Slack app.
 */
export function topicPublishers(policyText: string | undefined, account: string): string[] {
  if (!policyText) return [];
  type PolicyStatement = Statement & { Effect?: string };
  const policy = JSON.parse(policyText) as { Statement?: PolicyStatement[] | PolicyStatement };
  const statements: PolicyStatement[] = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : [];
  const out = new Set<string>();
  for (const st of statements) {
    if (st.Effect !== 'Allow') continue;
    const actions = [st.Action].flat().map((a) => String(a).toLowerCase());
    if (!actions.some((a) => a === 'sns:publish' || a === 'sns:*' || a === '*')) continue;
    const pinned = Object.values(st.Condition ?? {}).some((block) =>
      Object.entries(block ?? {}).some(([key, value]) => ['aws:sourceowner', 'aws:sourceaccount', 'aws:principalaccount'].includes(key.toLowerCase()) && [value].flat().every((v) => v === account)),
    );
    if (pinned) continue;
    const raw = st.Principal;
    const principals = typeof raw === 'string' ? [raw] : Object.values((raw ?? {}) as Record<string, unknown>).flatMap((v) => [v].flat().map(String));
    for (const p of principals) {
      if (p === account || new RegExp(`^arn:[\\w-]+:iam::${account}:`).test(p)) continue;
      out.add(p);
    }
  }
  return [...out].sort();
}


/**
 * Every trail of `account`, in every region, from CloudTrail ListTrails (all pages), called once in `region`.
 * AWS documents ListTrails as listing the trails "in the current account" with each one's HomeRegion, unlike
 * DescribeTrails, which answers for one region; so one call per account finds trails in regions TrailGuard does not
 * watch yet. Organization trails of another account that the member can see are listed too. Moto (5.2) lists only
 * multi-region trails and those homed in the called region. Call `accounts.reach(account)` first; AWS errors propagate.
 */
export async function listTrails(accounts: Accounts, account: string, region: string): Promise<TrailInfo[]> {
  const client = await accounts.client(CloudTrailClient, account, region);
  const trails = await allPages(paginateListTrails({ client }, {}), (page) => page.Trails);
  return trails.flatMap((t) => (t.TrailARN && t.HomeRegion ? [{ name: t.Name ?? t.TrailARN, arn: t.TrailARN, homeRegion: t.HomeRegion }] : []));
}

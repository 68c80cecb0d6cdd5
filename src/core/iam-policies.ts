// Least-privilege IAM documents for TrailGuard's roles; pure, so the planner can diff them and tests can read them.
import { partitionOf } from './arn.js';
import type { TrailBaseline } from './config.js';
import { NAMES } from './names.js';

export interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: string | string[];
  Principal?: { Service: string } | { AWS: string | string[] };
  Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Statement[];
}

const doc = (...statements: Statement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: statements });

export interface CentralContext {
  centralAccount: string;
  region: string;
  /** Name of the role the remediator assumes in members. */
  remediationRole: string;
  /** Member account ids, or null when members come from the Organization. */
  members: string[] | null;
  organizationId?: string | undefined;
  delivery: 'direct' | 'queue';
}

/** Trust of `trailguard-remediator`: only Lambda, only on behalf of the central account. */
export function remediatorTrustPolicy(ctx: Pick<CentralContext, 'centralAccount'>): PolicyDocument {
  return doc({
    Sid: 'LambdaInCentralAccountOnly',
    Effect: 'Allow',
    Principal: { Service: 'lambda.amazonaws.com' },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'aws:SourceAccount': ctx.centralAccount } },
  });
}

/** Permissions of `trailguard-remediator`: assume the member role, publish one topic, write its own logs. */
export function remediatorPermissionsPolicy(ctx: CentralContext): PolicyDocument {
  const p = partitionOf(ctx.region);
  const assume: Statement = {
    Sid: 'AssumeMemberRemediationRole',
    Effect: 'Allow',
    Action: 'sts:AssumeRole',
    Resource: ctx.members
      ? ctx.members.map((account) => `arn:${p}:iam::${account}:role/${ctx.remediationRole}`)
      : `arn:${p}:iam::*:role/${ctx.remediationRole}`,
  };
  if (!ctx.members && ctx.organizationId) {
    assume.Condition = { StringEquals: { 'aws:ResourceOrgID': ctx.organizationId } };
  }
  const statements: Statement[] = [
    assume,
    {
      Sid: 'PublishAlerts',
      Effect: 'Allow',
      Action: 'sns:Publish',
      Resource: `arn:${p}:sns:${ctx.region}:${ctx.centralAccount}:${NAMES.topic}`,
    },
    {
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [
        `arn:${p}:logs:${ctx.region}:${ctx.centralAccount}:log-group:/aws/lambda/${NAMES.remediatorFunction}`,
        `arn:${p}:logs:${ctx.region}:${ctx.centralAccount}:log-group:/aws/lambda/${NAMES.remediatorFunction}:*`,
      ],
    },
  ];
  if (ctx.delivery === 'direct') {
    // Lambda's own asynchronous retries end in the DLQ: an event whose alert never got out is kept.
    statements.push({
      Sid: 'SendFailedEventsToDlq',
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: `arn:${p}:sqs:${ctx.region}:${ctx.centralAccount}:${NAMES.dlq}`,
    });
  }
  if (ctx.delivery === 'queue') {
    statements.push({
      Sid: 'ConsumeTamperQueue',
      Effect: 'Allow',
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
      Resource: `arn:${p}:sqs:${ctx.region}:${ctx.centralAccount}:${NAMES.eventsQueue}`,
    });
  }
  return doc(...statements);
}

export interface MemberContext {
  account: string;
  centralAccount: string;
  region: string;
  /** Central principals allowed to assume the member role (the remediator, the Slack app). */
  trustedPrincipalArns: string[];
  externalId?: string | null | undefined;
  baseline: TrailBaseline[];
}

/** Trust of `TrailGuardRemediator` in a member: named central roles only, with the external id when set. */
export function memberRemediationTrustPolicy(ctx: MemberContext): PolicyDocument {
  const statement: Statement = {
    Sid: 'TrailGuardCentralRolesOnly',
    Effect: 'Allow',
    Principal: { AWS: [...ctx.trustedPrincipalArns].sort() },
    Action: 'sts:AssumeRole',
  };
  if (ctx.externalId) statement.Condition = { StringEquals: { 'sts:ExternalId': ctx.externalId } };
  return doc(statement);
}

/**
 * Permissions of `TrailGuardRemediator`: read every trail, restart logging and restore
 * management-event selectors on any trail of this account, create or update only the
 * baseline's trails, and never stop or delete a trail, even if a later edit allowed it.
 */
export function memberRemediationPermissionsPolicy(ctx: MemberContext): PolicyDocument {
  const p = partitionOf(ctx.region);
  const trails = `arn:${p}:cloudtrail:*:${ctx.account}:trail/*`;
  const statements: Statement[] = [
    {
      Sid: 'ReadTrails',
      Effect: 'Allow',
      Action: ['cloudtrail:DescribeTrails', 'cloudtrail:ListTrails', 'cloudtrail:GetTrail', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
      Resource: '*',
    },
    {
      Sid: 'RestartLoggingAndSelectors',
      Effect: 'Allow',
      Action: ['cloudtrail:StartLogging', 'cloudtrail:PutEventSelectors'],
      Resource: trails,
    },
  ];
  if (ctx.baseline.length > 0) {
    const names = [...new Set(ctx.baseline.map((t) => t.name))].sort();
    statements.push({
      Sid: 'RestoreBaselineTrails',
      Effect: 'Allow',
      Action: ['cloudtrail:CreateTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:AddTags'],
      Resource: names.map((name) => `arn:${p}:cloudtrail:*:${ctx.account}:trail/${name}`),
    });
    const passRoles = [...new Set(ctx.baseline.flatMap((t) => (t.cloudWatchLogsRoleArn ? [t.cloudWatchLogsRoleArn] : [])))].sort();
    if (passRoles.length > 0) {
      statements.push({
        Sid: 'PassCloudWatchLogsRoleToCloudTrail',
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: passRoles,
        Condition: { StringEquals: { 'iam:PassedToService': 'cloudtrail.amazonaws.com' } },
      });
    }
  }
  // Guard events: put TrailGuard's member rules back (default bus only), passing only the forwarder role, only to EventBridge.
  statements.push(
    {
      Sid: 'RestoreTrailGuardRules',
      Effect: 'Allow',
      Action: ['events:DescribeRule', 'events:ListTargetsByRule', 'events:PutRule', 'events:PutTargets', 'events:RemoveTargets', 'events:TagResource'],
      Resource: `arn:${p}:events:*:${ctx.account}:rule/trailguard-*`,
    },
    {
      Sid: 'PassForwarderRoleToEventBridge',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: `arn:${p}:iam::${ctx.account}:role/${NAMES.forwarderRole}`,
      Condition: { StringEquals: { 'iam:PassedToService': 'events.amazonaws.com' } },
    },
  );
  statements.push({
    Sid: 'NeverStopOrDeleteTrails',
    Effect: 'Deny',
    Action: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail'],
    Resource: '*',
  });
  return doc(...statements);
}

/** Trust of `trailguard-forwarder`: EventBridge, on behalf of this member account only. */
export function forwarderTrustPolicy(account: string): PolicyDocument {
  return doc({
    Sid: 'EventBridgeInThisAccountOnly',
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'aws:SourceAccount': account } },
  });
}

/** Permissions of `trailguard-forwarder`: put events on the central bus and nowhere else. */
export function forwarderPermissionsPolicy(ctx: { centralAccount: string; region: string }): PolicyDocument {
  return doc({
    Sid: 'PutEventsOnCentralBusOnly',
    Effect: 'Allow',
    Action: 'events:PutEvents',
    Resource: `arn:${partitionOf(ctx.region)}:events:${ctx.region}:${ctx.centralAccount}:event-bus/${NAMES.bus}`,
  });
}

/**
 * What the action and the CLI need in the central account (and, where the deploy role is not
 * an administrator, in members): read and converge TrailGuard's own resources only, by name.
 */
export function deployRolePolicy(ctx: { region?: string; remediationRole?: string } = {}): PolicyDocument {
  const p = partitionOf(ctx.region ?? 'us-east-1');
  const remediation = ctx.remediationRole ?? 'TrailGuardRemediator';
  const own = (service: string, resource: string) => `arn:${p}:${service}:*:*:${resource}`;
  return doc(
    {
      Sid: 'DiscoverAccountsAndAssumeDeployRole',
      Effect: 'Allow',
      Action: ['organizations:ListAccounts', 'sts:AssumeRole'],
      Resource: '*',
    },
    {
      Sid: 'TrailGuardRoles',
      Effect: 'Allow',
      Action: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:CreateRole', 'iam:TagRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy'],
      Resource: [`arn:${p}:iam::*:role/trailguard-*`, `arn:${p}:iam::*:role/${remediation}`],
    },
    {
      Sid: 'PassOnlyTrailGuardRolesToLambdaAndEventBridge',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: [`arn:${p}:iam::*:role/${NAMES.remediatorRole}`, `arn:${p}:iam::*:role/${NAMES.forwarderRole}`],
      Condition: { StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'events.amazonaws.com'] } },
    },
    {
      Sid: 'TrailGuardBusAndRules',
      Effect: 'Allow',
      Action: [
        'events:DescribeEventBus',
        'events:CreateEventBus',
        'events:PutPermission',
        'events:RemovePermission',
        'events:DescribeRule',
        'events:PutRule',
        'events:ListTargetsByRule',
        'events:PutTargets',
        'events:RemoveTargets',
        'events:ListTagsForResource',
        'events:TagResource',
      ],
      Resource: [own('events', `event-bus/${NAMES.bus}`), own('events', 'event-bus/default'), own('events', 'rule/trailguard-*'), own('events', `rule/${NAMES.bus}/trailguard-*`)],
    },
    {
      Sid: 'TrailGuardQueuesAndTopic',
      Effect: 'Allow',
      Action: [
        'sqs:GetQueueUrl',
        'sqs:GetQueueAttributes',
        'sqs:ListQueueTags',
        'sqs:CreateQueue',
        'sqs:SetQueueAttributes',
        'sqs:TagQueue',
        'sns:GetTopicAttributes',
        'sns:ListTagsForResource',
        'sns:ListSubscriptionsByTopic',
        'sns:CreateTopic',
        'sns:TagResource',
        'sns:Subscribe',
      ],
      Resource: [own('sqs', 'trailguard-*'), own('sns', NAMES.topic)],
    },
    {
      Sid: 'TrailGuardRemediatorFunction',
      Effect: 'Allow',
      Action: [
        'lambda:GetFunction',
        'lambda:CreateFunction',
        'lambda:TagResource',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:GetFunctionEventInvokeConfig',
        'lambda:PutFunctionEventInvokeConfig',
        'lambda:DeleteFunctionEventInvokeConfig',
        'lambda:GetPolicy',
        'lambda:AddPermission',
        'lambda:RemovePermission',
      ],
      Resource: own('lambda', `function:${NAMES.remediatorFunction}`),
    },
    {
      Sid: 'RemediatorQueueMapping',
      Effect: 'Allow',
      Action: ['lambda:ListEventSourceMappings', 'lambda:CreateEventSourceMapping', 'lambda:UpdateEventSourceMapping'],
      Resource: '*',
    },
    {
      Sid: 'ReadTrailStatus',
      Effect: 'Allow',
      Action: ['cloudtrail:DescribeTrails', 'cloudtrail:GetTrailStatus'],
      Resource: '*',
    },
  );
}

// Least-privilege IAM documents for TrailGuard's roles; pure, so the planner can diff them and tests can read them.
import { partitionOf } from './arn.js';
import { type EventDataStoreBaseline, isKmsAlias, type Organization, type SecretName, type TrailBaseline } from './config.js';
import { NAMES } from './names.js';

export interface Statement {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: string | string[];
  Principal?: { Service: string } | { AWS: string | string[] } | { Federated: string };
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
  /** The sweep's planner lists the Organization's accounts itself (members.organization with organizationId). */
  listsOrganization?: boolean;
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

/**
 * Permissions of `trailguard-remediator`: assume the member role, publish one topic, write its own logs.
 * The member role is named per account (`members`), or for an Organization with `aws:ResourceOrgID`;
 * with neither it throws: it never grants the role in every AWS account.
 */
export function remediatorPermissionsPolicy(ctx: CentralContext): PolicyDocument {
  const p = partitionOf(ctx.region);
  // An unscoped grant would let the remediator assume a role of that name in any AWS account.
  if (!ctx.members && !ctx.organizationId)
    throw new Error('remediatorPermissionsPolicy: members from the Organization need organizationId, or pass the account list');
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
    // CreateLogGroup takes the log group, the writes take its streams (IAM's Service Authorization Reference).
    {
      Sid: 'CreateOwnLogGroup',
      Effect: 'Allow',
      Action: 'logs:CreateLogGroup',
      Resource: `arn:${p}:logs:${ctx.region}:${ctx.centralAccount}:log-group:/aws/lambda/${NAMES.remediatorFunction}`,
    },
    {
      Sid: 'WriteOwnLogStreams',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `arn:${p}:logs:${ctx.region}:${ctx.centralAccount}:log-group:/aws/lambda/${NAMES.remediatorFunction}:log-stream:*`,
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
  // The sweep: the planner sends account messages to its own queue, which the workers consume; both use the state table.
  const sweepQueue = `arn:${p}:sqs:${ctx.region}:${ctx.centralAccount}:trailguard-sweep`;
  statements.push(
    {
      Sid: 'ConsumeAndPlanSweepQueue',
      Effect: 'Allow',
      Action: [
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ChangeMessageVisibility',
        'sqs:GetQueueUrl',
        'sqs:SendMessage',
      ],
      Resource: sweepQueue,
    },
    {
      Sid: 'SweepStateTable',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
      Resource: `arn:${p}:dynamodb:${ctx.region}:${ctx.centralAccount}:table/trailguard-state`,
    },
  );
  if (ctx.listsOrganization) {
    statements.push({ Sid: 'ListOrganizationAccountsToSweep', Effect: 'Allow', Action: 'organizations:ListAccounts', Resource: '*' });
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
  /** Management account and CloudTrail delegated administrators: they alone may recreate organization trails. */
  organization?: Organization | null | undefined;
  /** Baseline CloudTrail Lake event data stores: UpdateEventDataStore is granted only when there is one to restore. */
  eventDataStores?: readonly EventDataStoreBaseline[] | undefined;
}

/** Trust of `TrailGuardRemediator` (and of the reader role) in a member: named central roles only, with the external id when set. */
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
  const eventDataStores = `arn:${p}:cloudtrail:*:${ctx.account}:eventdatastore/*`;
  const statements: Statement[] = [
    {
      Sid: 'ReadTrails',
      Effect: 'Allow',
      Action: [
        'cloudtrail:DescribeTrails',
        'cloudtrail:ListTrails',
        'cloudtrail:GetTrail',
        'cloudtrail:GetTrailStatus',
        'cloudtrail:GetEventSelectors',
      ],
      Resource: '*',
    },
    {
      Sid: 'RestartLoggingAndSelectors',
      Effect: 'Allow',
      Action: ['cloudtrail:StartLogging', 'cloudtrail:PutEventSelectors'],
      Resource: trails,
    },
    {
      // CloudTrail Lake: read a store, start its ingestion again, restore it from pending deletion (this account's stores only).
      Sid: 'RestartAndRestoreEventDataStores',
      Effect: 'Allow',
      Action: ['cloudtrail:GetEventDataStore', 'cloudtrail:StartEventDataStoreIngestion', 'cloudtrail:RestoreEventDataStore'],
      Resource: eventDataStores,
    },
  ];
  if ((ctx.eventDataStores ?? []).length > 0) {
    // The store ARN carries an id, not the name the baseline gives: scoped to this account's stores.
    statements.push({
      Sid: 'RestoreBaselineEventDataStores',
      Effect: 'Allow',
      Action: 'cloudtrail:UpdateEventDataStore',
      Resource: eventDataStores,
    });
  }
  const org = ctx.organization;
  const createsOrgTrails =
    !!org &&
    ctx.baseline.some((t) => t.isOrganizationTrail) &&
    (org.managementAccount === ctx.account || org.delegatedAdministrators.includes(ctx.account));
  if (!createsOrgTrails) {
    // Whether an account is still in the organization (LeaveOrganization), and whether it is the management account
    // (whose deleted trail may have been the organization trail). DescribeOrganization takes no resource.
    statements.push({ Sid: 'ReadOrganizationMembership', Effect: 'Allow', Action: 'organizations:DescribeOrganization', Resource: '*' });
  }
  if (ctx.baseline.length > 0) {
    const names = [...new Set(ctx.baseline.map((t) => t.name))].sort();
    const orgTrails = ctx.baseline.filter((t) => t.isOrganizationTrail).map((t) => t.name);
    // An organization trail a delegated administrator creates is owned (and named) by the management account.
    const ownedByManagement =
      createsOrgTrails && org.managementAccount !== ctx.account
        ? [...new Set(orgTrails)].sort().map((name) => `arn:${p}:cloudtrail:*:${org.managementAccount}:trail/${name}`)
        : [];
    statements.push({
      Sid: 'RestoreBaselineTrails',
      Effect: 'Allow',
      Action: ['cloudtrail:CreateTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:AddTags'],
      Resource: [...names.map((name) => `arn:${p}:cloudtrail:*:${ctx.account}:trail/${name}`), ...ownedByManagement],
    });
    if (ownedByManagement.length > 0) {
      // It recreates them from here, so it must also start their logging from here.
      statements.push({ Sid: 'StartOrganizationTrails', Effect: 'Allow', Action: 'cloudtrail:StartLogging', Resource: ownedByManagement });
    }
    if (createsOrgTrails) {
      // CloudTrail User Guide, "Prepare for creating a trail for your organization": the minimum
      // permissions, less organizations:Enable/DisableAWSServiceAccess. Trusted access is a
      // precondition TrailGuard checks nothing against, and switching it off deletes every organization trail.
      const slr = `arn:${p}:iam::${ctx.account}:role/aws-service-role/cloudtrail.amazonaws.com/AWSServiceRoleForCloudTrail`;
      statements.push(
        {
          Sid: 'CreateOrganizationTrailOrganizations',
          Effect: 'Allow',
          Action: ['organizations:DescribeOrganization', 'organizations:ListAWSServiceAccessForOrganization', 'organizations:ListAccounts'],
          Resource: '*',
        },
        { Sid: 'CreateOrganizationTrailReadServiceLinkedRole', Effect: 'Allow', Action: 'iam:GetRole', Resource: slr },
        {
          Sid: 'CreateOrganizationTrailServiceLinkedRole',
          Effect: 'Allow',
          Action: 'iam:CreateServiceLinkedRole',
          Resource: slr,
          Condition: { StringEquals: { 'iam:AWSServiceName': 'cloudtrail.amazonaws.com' } },
        },
      );
    }
    // kms:DescribeKey resolves a baseline alias to the key ARN CloudTrail reports; a key ARN or key id needs no call.
    const aliases = [...new Set(ctx.baseline.flatMap((t) => (t.kmsKeyId && isKmsAlias(t.kmsKeyId) ? [t.kmsKeyId] : [])))].sort();
    aliases.forEach((alias, index) => {
      const arn = /^arn:[\w-]+:kms:([a-z0-9-]+):(\d{12}):(alias\/.+)$/.exec(alias);
      statements.push({
        Sid: `ResolveBaselineKmsAlias${index + 1}`,
        Effect: 'Allow',
        Action: 'kms:DescribeKey',
        Resource: arn ? `arn:${p}:kms:${arn[1]}:${arn[2]}:key/*` : `arn:${p}:kms:*:${ctx.account}:key/*`,
        // Both forms: the request names the alias as the baseline wrote it.
        Condition: { StringEquals: { 'kms:RequestAlias': arn ? [arn[3]!, alias] : [alias] } },
      });
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
  statements.push(...logStorageStatements(ctx, p));
  // Guard events: put TrailGuard's member rules back (default bus only), passing only the forwarder role, only to EventBridge.
  statements.push(
    {
      Sid: 'RestoreTrailGuardRules',
      Effect: 'Allow',
      Action: [
        'events:DescribeRule',
        'events:ListTargetsByRule',
        'events:PutRule',
        'events:PutTargets',
        'events:RemoveTargets',
        'events:TagResource',
      ],
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
  // The sweep's canary: on this account's default bus only, and only as trailguard.canary, so the role cannot forge
  // CloudTrail or any other source there.
  statements.push({
    Sid: 'PutCanaryOnDefaultBus',
    Effect: 'Allow',
    Action: 'events:PutEvents',
    Resource: `arn:${p}:events:*:${ctx.account}:event-bus/default`,
    Condition: { StringEquals: { 'events:source': 'trailguard.canary' } },
  });
  statements.push(
    {
      Sid: 'NeverStopOrDeleteTrails',
      Effect: 'Deny',
      Action: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail'],
      Resource: '*',
    },
    {
      // The calls TrailGuard undoes, denied to it, so the role can never be the one that blinds a trail.
      Sid: 'NeverImpairTrailStorage',
      Effect: 'Deny',
      Action: [
        's3:DeleteBucket',
        's3:DeleteBucketPolicy',
        's3:PutBucketPolicy',
        'kms:DisableKey',
        'kms:PutKeyPolicy',
        'kms:ScheduleKeyDeletion',
        'logs:DeleteLogGroup',
      ],
      Resource: '*',
    },
    {
      Sid: 'NeverStopOrDeleteEventDataStores',
      Effect: 'Deny',
      Action: ['cloudtrail:StopEventDataStoreIngestion', 'cloudtrail:DeleteEventDataStore'],
      Resource: '*',
    },
  );
  return doc(...statements);
}

/**
 * What the log-impairment repairs need (lambda/impairment): reads that tell whether a bucket, key or log group is a
 * watched trail's and what it looks like now, and writes scoped to what the baseline names. A trail's bucket, key or
 * log group found only at run time (DescribeTrails) is read and alerted, not written: the write would need a grant
 * wider than the trails TrailGuard protects. Statements are the same in every member (a bucket ARN names no account,
 * a grant on another account's key is inert) but for ReadTrailKeyState, which names the member's own keys and whose
 * boundary form (boundaryForm) covers every account's, so the permissions boundary built from one member covers them all.
 * KMS keys are read and re-enabled only as the baseline's `kmsKeyId` names them.
 * Actions and resources follow IAM's Service Authorization Reference for S3, KMS and CloudWatch Logs.
 */
function logStorageStatements(ctx: MemberContext, p: string): Statement[] {
  const statements: Statement[] = [
    {
      Sid: 'ReadTrailBuckets',
      Effect: 'Allow',
      Action: ['s3:GetLifecycleConfiguration', 's3:GetBucketPolicy'],
      Resource: `arn:${p}:s3:::*`,
    },
    // DescribeLogGroups takes no resource type in IAM's reference.
    { Sid: 'ReadTrailLogGroups', Effect: 'Allow', Action: 'logs:DescribeLogGroups', Resource: '*' },
    // The sweep reads the state of every swept trail's key, pinned or found at run time (a disabled key or one pending
    // deletion stops delivery with no record of its own reaching TrailGuard); only a pinned key is re-enabled.
    { Sid: 'ReadTrailKeyState', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: `arn:${p}:kms:*:${ctx.account}:key/*` },
  ];
  // PutLifecycleConfiguration also covers DeleteBucketLifecycle (IAM's reference lists no separate action for it).
  const buckets = [
    ...new Set(ctx.baseline.filter((t) => t.retentionDays !== undefined).map((t) => t.s3BucketName.replace(/^arn:[\w-]+:s3:::/, ''))),
  ].sort();
  if (buckets.length > 0) {
    statements.push({
      Sid: 'RemoveShortLifecycleRules',
      Effect: 'Allow',
      Action: 's3:PutLifecycleConfiguration',
      Resource: buckets.map((b) => `arn:${p}:s3:::${b}`),
    });
  }
  // Keys only as the baseline pins them by key ARN or key id: a key's state and policy are read, and it is re-enabled,
  // nowhere else. An alias is not enough: whoever administers it can point it at another key. A key id is unique to one
  // key, but a multi-Region key's `mrk-` id is shared by its replicas in every region: `trailguard.yml` refuses it
  // (trails[i].kmsKeyId), and a caller that passes one anyway is granted the central region's replica only, never `*`.
  const keyArns = ctx.baseline.flatMap(({ kmsKeyId }) => {
    if (!kmsKeyId || isKmsAlias(kmsKeyId)) return [];
    if (kmsKeyId.startsWith('arn:')) return [kmsKeyId];
    return [`arn:${p}:kms:${/^mrk-/.test(kmsKeyId) ? ctx.region : '*'}:${ctx.account}:key/${kmsKeyId}`];
  });
  const keyActions = ['kms:CancelKeyDeletion', 'kms:DescribeKey', 'kms:EnableKey', 'kms:GetKeyPolicy'];
  if (keyArns.length > 0) {
    statements.push({ Sid: 'ReenableTrailKeys', Effect: 'Allow', Action: keyActions, Resource: [...new Set(keyArns)].sort() });
  }
  const groups = [
    ...new Set(ctx.baseline.flatMap((t) => (t.cloudWatchLogsLogGroupArn ? [t.cloudWatchLogsLogGroupArn.replace(/:\*$/, '')] : []))),
  ].sort();
  if (groups.length > 0)
    statements.push({ Sid: 'RecreateTrailLogGroups', Effect: 'Allow', Action: 'logs:CreateLogGroup', Resource: groups });
  return statements;
}

/**
 * Permissions of the member reader role (`roles.reader`, default `TrailGuardReader`) the Slack app assumes:
 * only the CloudTrail reads of Re-check and `/trail-status` (`collectTrailStatus`), nothing that writes.
 * DescribeTrails takes no resource type in IAM's reference; the others take this account's trails.
 */
export function readerPermissionsPolicy(ctx: { account: string; region: string }): PolicyDocument {
  const p = partitionOf(ctx.region);
  return doc(
    { Sid: 'ListTrails', Effect: 'Allow', Action: 'cloudtrail:DescribeTrails', Resource: '*' },
    {
      Sid: 'ReadTrailStatusAndSelectors',
      Effect: 'Allow',
      Action: ['cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
      Resource: `arn:${p}:cloudtrail:*:${ctx.account}:trail/*`,
    },
  );
}

/**
 * Permissions of the Slack app's own role (`slack.roleArn`, in the central account): assume the reader
 * role in members (the listed ones, or any inside `organizationId`), and list the Organization's accounts
 * when members come from it, and read the shared state table `trailguard-state` for App Home (with `centralAccount`).
 * Its own DynamoDB table, when it runs on Lambda, is granted where it is deployed.
 */
export function slackAppPolicy(ctx: {
  region: string;
  readerRole: string;
  members: string[] | null;
  organizationId?: string | undefined;
  /** The central account: App Home and /trail-status read the shared state table `trailguard-state` there (GetItem, Query), Refresh starts a sweep. */
  centralAccount?: string | undefined;
}): PolicyDocument {
  const p = partitionOf(ctx.region);
  if (!ctx.members && !ctx.organizationId)
    throw new Error('slackAppPolicy: members from the Organization need organizationId, or pass the account list');
  const assume: Statement = {
    Sid: 'AssumeMemberReaderRole',
    Effect: 'Allow',
    Action: 'sts:AssumeRole',
    Resource: ctx.members
      ? ctx.members.map((account) => `arn:${p}:iam::${account}:role/${ctx.readerRole}`)
      : `arn:${p}:iam::*:role/${ctx.readerRole}`,
    ...(ctx.members ? {} : { Condition: { StringEquals: { 'aws:ResourceOrgID': ctx.organizationId! } } }),
  };
  return doc(
    assume,
    ...(ctx.members
      ? []
      : [{ Sid: 'ListOrganizationAccounts', Effect: 'Allow' as const, Action: 'organizations:ListAccounts', Resource: '*' }]),
    ...(ctx.centralAccount
      ? [
          {
            Sid: 'ReadTrailGuardState',
            Effect: 'Allow' as const,
            Action: ['dynamodb:GetItem', 'dynamodb:Query'],
            Resource: `arn:${p}:dynamodb:${ctx.region}:${ctx.centralAccount}:table/trailguard-state`,
          },
          {
            Sid: 'StartSweep',
            Effect: 'Allow' as const,
            Action: ['sqs:GetQueueUrl', 'sqs:SendMessage'],
            Resource: `arn:${p}:sqs:${ctx.region}:${ctx.centralAccount}:trailguard-sweep`,
          },
        ]
      : []),
  );
}

/** Where a `slack.secrets` name lives: its service and the ARN IAM knows it by (SSM parameter, or Secrets Manager secret). */
export interface SecretLocation {
  service: 'ssm' | 'secretsmanager';
  /** The parameter's or secret's name, without the `ssm:` / `secretsmanager:` prefix. */
  name: string;
  /**
   * For IAM: `arn:<p>:ssm:<region>:<account>:parameter/<path>` (IAM drops the name's leading `/`), or
   * `arn:<p>:secretsmanager:<region>:<account>:secret:<name>-??????` (Secrets Manager appends six random characters).
   */
  arn: string;
}

/** The service, name and IAM ARN of a `slack.secrets` name (Service Authorization Reference: SSM `parameter`, Secrets Manager `Secret`). */
export function secretLocation(name: SecretName, ctx: { account: string; region: string }): SecretLocation {
  const p = partitionOf(ctx.region);
  if (name.startsWith('ssm:')) {
    const parameter = name.slice('ssm:'.length);
    return { service: 'ssm', name: parameter, arn: `arn:${p}:ssm:${ctx.region}:${ctx.account}:parameter/${parameter.replace(/^\//, '')}` };
  }
  const secret = name.slice('secretsmanager:'.length);
  return { service: 'secretsmanager', name: secret, arn: `arn:${p}:secretsmanager:${ctx.region}:${ctx.account}:secret:${secret}-??????` };
}

/** What the deployed Slack function's role is built from. */
export interface SlackFunctionContext {
  centralAccount: string;
  region: string;
  readerRole: string;
  /** Member account ids, or null when members come from the Organization (then `organizationId` is required). */
  members: string[] | null;
  organizationId?: string | undefined;
  /** `slack.secrets`: the names of the bot token and the signing secret. */
  secrets: { botToken: SecretName; signingSecret: SecretName };
}

/**
 * Permissions of `trailguard-slack`, the role the deployed Slack function runs as (`slack.deploy: lambda`): what
 * `slackAppPolicy` grants any Slack app role (the members' reader role, the shared state table, starting a sweep), plus
 * its own store `trailguard-slack` (items and index queries), sending to `trailguard-alerts-dlq` (its on-failure
 * destination: Lambda sends as the function's role), invoking itself (Slack's 3-second rule: slow requests are
 * answered by an asynchronous second invocation), reading exactly the two named secrets (kms:Decrypt only through
 * that secret's service, for secrets under a customer-managed key), and its own logs. Throws as `slackAppPolicy` does.
 */
export function slackFunctionPermissionsPolicy(ctx: SlackFunctionContext): PolicyDocument {
  const p = partitionOf(ctx.region);
  const here = `${ctx.region}:${ctx.centralAccount}`;
  const shared = slackAppPolicy({ ...ctx, centralAccount: ctx.centralAccount });
  const secrets = [ctx.secrets.botToken, ctx.secrets.signingSecret].map((n) =>
    secretLocation(n, { account: ctx.centralAccount, region: ctx.region }),
  );
  const of = (service: SecretLocation['service']) => [...new Set(secrets.filter((x) => x.service === service).map((x) => x.arn))];
  const read: Statement[] = [
    ...(of('ssm').length
      ? [{ Sid: 'ReadSlackParameters', Effect: 'Allow' as const, Action: 'ssm:GetParameter', Resource: of('ssm') }]
      : []),
    ...(of('secretsmanager').length
      ? [{ Sid: 'ReadSlackSecrets', Effect: 'Allow' as const, Action: 'secretsmanager:GetSecretValue', Resource: of('secretsmanager') }]
      : []),
  ];
  const via = [...new Set(secrets.map((x) => `${x.service}.${ctx.region}.amazonaws.com`))].sort();
  return doc(
    ...shared.Statement,
    {
      Sid: 'OwnStore',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
      Resource: [`arn:${p}:dynamodb:${here}:table/${NAMES.slackTable}`, `arn:${p}:dynamodb:${here}:table/${NAMES.slackTable}/index/*`],
    },
    {
      // The on-failure destination: Lambda sends an invocation that failed every retry as the function's role.
      Sid: 'SendFailedInvocationsToAlertsDlq',
      Effect: 'Allow',
      Action: 'sqs:SendMessage',
      Resource: `arn:${p}:sqs:${here}:${NAMES.alertsDlq}`,
    },
    {
      Sid: 'InvokeSelfForSlowRequests',
      Effect: 'Allow',
      Action: 'lambda:InvokeFunction',
      Resource: `arn:${p}:lambda:${here}:function:${NAMES.slackFunction}`,
    },
    ...read,
    // A SecureString or secret under a customer-managed key: usable only through those reads, never directly.
    {
      Sid: 'DecryptSlackSecretsThroughTheirService',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: `arn:${p}:kms:${here}:key/*`,
      Condition: { StringEquals: { 'kms:ViaService': via.length === 1 ? via[0]! : via } },
    },
    {
      Sid: 'CreateOwnLogGroup',
      Effect: 'Allow',
      Action: 'logs:CreateLogGroup',
      Resource: `arn:${p}:logs:${here}:log-group:/aws/lambda/${NAMES.slackFunction}`,
    },
    {
      Sid: 'WriteOwnLogStreams',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `arn:${p}:logs:${here}:log-group:/aws/lambda/${NAMES.slackFunction}:log-stream:*`,
    },
  );
}

/** Permissions of `trailguard-slack-scheduler`: invoke `trailguard-slack` (the drain schedule), nothing else. */
export function slackSchedulerPermissionsPolicy(ctx: { centralAccount: string; region: string }): PolicyDocument {
  return doc({
    Sid: 'InvokeSlackFunction',
    Effect: 'Allow',
    Action: 'lambda:InvokeFunction',
    Resource: `arn:${partitionOf(ctx.region)}:lambda:${ctx.region}:${ctx.centralAccount}:function:${NAMES.slackFunction}`,
  });
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
 * The permissions boundary's form of a member statement whose resources come from the baseline (`trails`: trail names,
 * buckets, key ARNs, alias names, log groups, CloudWatch Logs roles): the same actions and condition on every resource
 * of that type in the partition, so the boundary is the same document whatever the baseline names and stays one size
 * (IAM's 6,144 characters) for any number of trails. The role's own policy keeps the exact resources: the boundary is a
 * ceiling, never the grant. An alias statement's `kms:RequestAlias` list is dropped (DescribeKey only reads a key's
 * metadata), so every alias statement has one form. TrailGuard's own queues, tables and log groups in the central
 * account become `trailguard-*` there (`ownResourceCeiling`). Anything else is returned as it is. Resource types follow
 * IAM's Service Authorization Reference (CloudTrail `trail`, IAM `role`, S3 `bucket`, KMS `key`, Logs `log-group`).
 */
export function boundaryForm(statement: Statement, region: string): Statement {
  const p = partitionOf(region);
  const ceilings: Record<string, string> = {
    RestoreBaselineTrails: `arn:${p}:cloudtrail:*:*:trail/*`,
    StartOrganizationTrails: `arn:${p}:cloudtrail:*:*:trail/*`,
    PassCloudWatchLogsRoleToCloudTrail: `arn:${p}:iam::*:role/*`,
    RemoveShortLifecycleRules: `arn:${p}:s3:::*`,
    ReenableTrailKeys: `arn:${p}:kms:*:*:key/*`,
    ReadTrailKeyState: `arn:${p}:kms:*:*:key/*`,
    RecreateTrailLogGroups: `arn:${p}:logs:*:*:log-group:*`,
  };
  if (/^ResolveBaselineKmsAlias\d+$/.test(statement.Sid)) {
    const { Condition: _dropped, ...rest } = statement;
    return { ...rest, Sid: 'ResolveBaselineKmsAliases', Resource: `arn:${p}:kms:*:*:key/*` };
  }
  const ceiling = ceilings[statement.Sid];
  if (ceiling) return { ...statement, Resource: ceiling };
  if (statement.Resource === undefined) return statement;
  const resources = [statement.Resource].flat().map(ownResourceCeiling);
  return { ...statement, Resource: resources.length === 1 ? resources[0]! : [...new Set(resources)] };
}

/**
 * TrailGuard's own queues, tables (and their indexes) and function log groups, as `trailguard-*` in the same account and
 * region: the central roles name each one exactly, and one statement per name and role took the boundary past its
 * quota. Anything else is returned as it is.
 */
function ownResourceCeiling(resource: string): string {
  return resource
    .replace(/^(arn:[\w-]+:sqs:[^:]+:[^:]+:)trailguard-[\w-]+$/, '$1trailguard-*')
    .replace(/^(arn:[\w-]+:dynamodb:[^:]+:[^:]+:table\/)trailguard-[\w.-]+(\/index\/\*)?$/, '$1trailguard-*')
    .replace(/^(arn:[\w-]+:logs:[^:]+:[^:]+:log-group:\/aws\/lambda\/)trailguard-[\w-]+(:log-stream:\*)?$/, '$1trailguard-*$2');
}

/** Name of the managed policy every TrailGuard role carries as its permissions boundary; an administrator creates it once per account. */
export const PERMISSIONS_BOUNDARY = 'trailguard-boundary';

/** `arn:<partition>:iam::<account>:policy/trailguard-boundary`. */
export function boundaryArn(account: string, region: string): string {
  return `arn:${partitionOf(region)}:iam::${account}:policy/${PERMISSIONS_BOUNDARY}`;
}

/** Trust of `trailguard-sweep-scheduler`: EventBridge Scheduler, on behalf of the central account only. */
export function sweepSchedulerTrustPolicy(centralAccount: string): PolicyDocument {
  return doc({
    Sid: 'SchedulerInCentralAccountOnly',
    Effect: 'Allow',
    Principal: { Service: 'scheduler.amazonaws.com' },
    Action: 'sts:AssumeRole',
    Condition: { StringEquals: { 'aws:SourceAccount': centralAccount } },
  });
}

/** Permissions of `trailguard-sweep-scheduler`: send the start-a-sweep message to `trailguard-sweep`, nothing else. */
export function sweepSchedulerPermissionsPolicy(ctx: { centralAccount: string; region: string }): PolicyDocument {
  const p = partitionOf(ctx.region);
  return doc({
    Sid: 'StartSweep',
    Effect: 'Allow',
    Action: 'sqs:SendMessage',
    Resource: `arn:${p}:sqs:${ctx.region}:${ctx.centralAccount}:trailguard-sweep`,
  });
}

/** Role names the deploy policy is written for; the defaults are the config's. */
export interface DeployContext {
  /** Region whose partition the ARNs use (default us-east-1). */
  region?: string;
  /** `roles.deploy`: the role the action and CLI assume in members. */
  deployRole?: string;
  /** `roles.remediation`: created in members, assumed by the remediator. */
  remediationRole?: string;
  /** `roles.reader`: created in members, assumed by the Slack app. */
  readerRole?: string;
}

/** ARNs of every role TrailGuard creates and runs as, in any account (`trailguard-*` and the configured member role names). */
export function trailGuardRoleArns(ctx: DeployContext = {}): string[] {
  const p = partitionOf(ctx.region ?? 'us-east-1');
  const names = ['trailguard-*', ctx.remediationRole ?? 'TrailGuardRemediator', ctx.readerRole ?? 'TrailGuardReader'];
  return [...new Set(names)].map((name) => `arn:${p}:iam::*:role/${name}`);
}

/**
 * What the action and the CLI need in the central account (and, where the deploy role is not
 * an administrator, in members): read and converge TrailGuard's own resources only, by name.
 *
 * It cannot make itself an administrator: it creates and edits roles only when they carry the
 * `trailguard-boundary` permissions boundary (`iam:PermissionsBoundary`), has no call that removes or
 * changes a boundary or a managed policy, and is explicitly denied assuming any TrailGuard role, so
 * re-trusting a TrailGuard role to itself and widening its policy gains nothing. Actions and resource
 * types follow IAM's Service Authorization Reference (a test checks every statement against it).
 */
export function deployRolePolicy(ctx: DeployContext = {}): PolicyDocument {
  const p = partitionOf(ctx.region ?? 'us-east-1');
  const roles = trailGuardRoleArns(ctx);
  const own = (service: string, resource: string) => `arn:${p}:${service}:*:*:${resource}`;
  return doc(
    { Sid: 'DiscoverAccounts', Effect: 'Allow', Action: 'organizations:ListAccounts', Resource: '*' },
    {
      Sid: 'AssumeDeployRoleInMembers',
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Resource: `arn:${p}:iam::*:role/${ctx.deployRole ?? 'OrganizationAccountAccessRole'}`,
    },
    // Whatever a TrailGuard role's trust or policy says, the deploy role never becomes it.
    { Sid: 'NeverAssumeTrailGuardRoles', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: roles },
    {
      Sid: 'ReadAndTagTrailGuardRoles',
      Effect: 'Allow',
      Action: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies', 'iam:TagRole'],
      Resource: roles,
    },
    // Read only: an administrator owns the boundary, apply compares it with what the config needs.
    {
      Sid: 'ReadPermissionsBoundary',
      Effect: 'Allow',
      Action: ['iam:GetPolicy', 'iam:GetPolicyVersion'],
      Resource: `arn:${p}:iam::*:policy/${PERMISSIONS_BOUNDARY}`,
    },
    {
      Sid: 'WriteTrailGuardRolesOnlyWithBoundary',
      Effect: 'Allow',
      Action: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePermissionsBoundary'],
      Resource: roles,
      // The boundary in the caller's own account: a role without it, or with another, cannot be created or edited.
      Condition: { StringEquals: { 'iam:PermissionsBoundary': `arn:${p}:iam::\${aws:PrincipalAccount}:policy/${PERMISSIONS_BOUNDARY}` } },
    },
    {
      Sid: 'PassOnlyTrailGuardRolesToLambdaAndEventBridge',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: [`arn:${p}:iam::*:role/${NAMES.remediatorRole}`, `arn:${p}:iam::*:role/${NAMES.forwarderRole}`],
      Condition: { StringEquals: { 'iam:PassedToService': ['lambda.amazonaws.com', 'events.amazonaws.com'] } },
    },
    // The Slack app's function (slack.deploy: lambda) runs as its own role, passed to Lambda only.
    {
      Sid: 'PassSlackRoleToLambda',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: `arn:${p}:iam::*:role/${NAMES.slackRole}`,
      Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
    },
    {
      Sid: 'TrailGuardBus',
      Effect: 'Allow',
      Action: ['events:DescribeEventBus', 'events:CreateEventBus', 'events:ListTagsForResource', 'events:TagResource'],
      Resource: own('events', `event-bus/${NAMES.bus}`),
    },
    // IAM's reference lists no resource type for these two: scoped to a bus ARN, AWS denies them.
    { Sid: 'BusPolicyGrants', Effect: 'Allow', Action: ['events:PutPermission', 'events:RemovePermission'], Resource: '*' },
    // Likewise no resource type: one ListRules (NamePrefix trailguard-) reads both rules of a bus, instead of a DescribeRule each.
    { Sid: 'ListRules', Effect: 'Allow', Action: 'events:ListRules', Resource: '*' },
    {
      Sid: 'TrailGuardRules',
      Effect: 'Allow',
      Action: [
        'events:DescribeRule',
        'events:PutRule',
        'events:ListTargetsByRule',
        'events:PutTargets',
        'events:RemoveTargets',
        'events:ListTagsForResource',
        'events:TagResource',
      ],
      Resource: [own('events', 'rule/trailguard-*'), own('events', `rule/${NAMES.bus}/trailguard-*`)],
    },
    {
      Sid: 'TrailGuardQueues',
      Effect: 'Allow',
      Action: [
        'sqs:GetQueueUrl',
        'sqs:GetQueueAttributes',
        'sqs:ListQueueTags',
        'sqs:CreateQueue',
        'sqs:SetQueueAttributes',
        'sqs:TagQueue',
      ],
      Resource: own('sqs', 'trailguard-*'),
    },
    {
      Sid: 'TrailGuardStateTable',
      Effect: 'Allow',
      Action: [
        'dynamodb:DescribeTable',
        'dynamodb:ListTagsOfResource',
        'dynamodb:CreateTable',
        'dynamodb:TagResource',
        'dynamodb:UpdateTable',
        // The Slack store's TTL on expiresAt (slack.deploy: lambda).
        'dynamodb:DescribeTimeToLive',
        'dynamodb:UpdateTimeToLive',
      ],
      Resource: [own('dynamodb', 'table/trailguard-state'), own('dynamodb', `table/${NAMES.slackTable}`)],
    },
    {
      Sid: 'TrailGuardSweepSchedule',
      Effect: 'Allow',
      Action: ['scheduler:GetSchedule', 'scheduler:CreateSchedule', 'scheduler:UpdateSchedule'],
      Resource: own('scheduler', 'schedule/default/trailguard-sweep'),
    },
    {
      Sid: 'PassSweepSchedulerRoleToScheduler',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: `arn:${p}:iam::*:role/trailguard-sweep-scheduler`,
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    },
    {
      Sid: 'TrailGuardSlackDrainSchedule',
      Effect: 'Allow',
      Action: ['scheduler:GetSchedule', 'scheduler:CreateSchedule', 'scheduler:UpdateSchedule'],
      Resource: own('scheduler', `schedule/default/${NAMES.slackSchedule}`),
    },
    {
      Sid: 'PassSlackSchedulerRoleToScheduler',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: `arn:${p}:iam::*:role/${NAMES.slackSchedulerRole}`,
      Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
    },
    {
      Sid: 'TrailGuardTopic',
      Effect: 'Allow',
      Action: [
        'sns:GetTopicAttributes',
        'sns:ListTagsForResource',
        'sns:ListSubscriptionsByTopic',
        'sns:CreateTopic',
        'sns:SetTopicAttributes',
        'sns:TagResource',
        'sns:Subscribe',
        // The HTTPS subscription's RedrivePolicy (its dead-letter queue); SNS authorizes these on the topic.
        'sns:GetSubscriptionAttributes',
        'sns:SetSubscriptionAttributes',
      ],
      Resource: own('sns', NAMES.topic),
    },
    // The watchdog alarms (NAMES.alarms). No DeleteAlarms or DisableAlarmActions: this role only ever turns them on.
    {
      Sid: 'TrailGuardAlarms',
      Effect: 'Allow',
      Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:ListTagsForResource', 'cloudwatch:PutMetricAlarm', 'cloudwatch:TagResource'],
      Resource: own('cloudwatch', 'alarm:trailguard-*'),
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
        'lambda:DeleteFunctionConcurrency',
        'lambda:GetFunctionEventInvokeConfig',
        'lambda:PutFunctionEventInvokeConfig',
        'lambda:DeleteFunctionEventInvokeConfig',
        'lambda:GetPolicy',
        'lambda:RemovePermission',
        // The Slack function's URL (read here; written only with AuthType NONE, below).
        'lambda:GetFunctionUrlConfig',
      ],
      Resource: [own('lambda', `function:${NAMES.remediatorFunction}`), own('lambda', `function:${NAMES.slackFunction}`)],
    },
    // Slack cannot sign requests with SigV4: the URL is public and the app verifies Slack's signature itself.
    {
      Sid: 'SlackFunctionUrl',
      Effect: 'Allow',
      Action: ['lambda:CreateFunctionUrlConfig', 'lambda:UpdateFunctionUrlConfig'],
      Resource: own('lambda', `function:${NAMES.slackFunction}`),
      Condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } },
    },
    // Only the alerts topic may invoke the Slack function, and anyone only through its URL (Slack's signed requests).
    {
      Sid: 'LetOnlySnsInvokeSlackFunction',
      Effect: 'Allow',
      Action: 'lambda:AddPermission',
      Resource: own('lambda', `function:${NAMES.slackFunction}`),
      Condition: { StringEquals: { 'lambda:Principal': 'sns.amazonaws.com' } },
    },
    // The Slack function's URL statements: InvokeFunctionUrl (auth type NONE) and InvokeFunction, which a new URL also
    // needs (Lambda, since October 2025) and which apply writes with InvokedViaFunctionUrl. AddPermission has no
    // condition key for that flag (Service Authorization Reference), so `*` is granted on this one function only, whose
    // code this role deploys anyway; plan reads the flag back, so a statement without it is drift.
    {
      Sid: 'LetAnyoneInvokeSlackFunctionUrl',
      Effect: 'Allow',
      Action: 'lambda:AddPermission',
      Resource: own('lambda', `function:${NAMES.slackFunction}`),
      Condition: { StringEquals: { 'lambda:Principal': '*' } },
    },
    // Only EventBridge may be let in: nobody else gets to hand the remediator forged events.
    {
      Sid: 'LetOnlyEventBridgeInvokeRemediator',
      Effect: 'Allow',
      Action: 'lambda:AddPermission',
      Resource: own('lambda', `function:${NAMES.remediatorFunction}`),
      Condition: { StringEquals: { 'lambda:Principal': 'events.amazonaws.com' } },
    },
    // The writers name the function, not its ARN, so a lambda:FunctionArn condition would not be met.
    {
      Sid: 'RemediatorQueueMapping',
      Effect: 'Allow',
      Action: ['lambda:ListEventSourceMappings', 'lambda:CreateEventSourceMapping', 'lambda:UpdateEventSourceMapping'],
      Resource: '*',
    },
    // ListTrails: each trail's home region, for members.regions: auto and the uncovered-trail check.
    {
      Sid: 'ReadTrailStatus',
      Effect: 'Allow',
      Action: ['cloudtrail:DescribeTrails', 'cloudtrail:ListTrails', 'cloudtrail:GetTrailStatus', 'cloudtrail:GetEventSelectors'],
      Resource: '*',
    },
  );
}

/**
 * Where GitHub's OIDC tokens may come from: the repository, and the default branch or a GitHub environment.
 * The `sub` formats follow GitHub's "About security hardening with OpenID Connect"; the `aud`/`sub` keys
 * are IAM's web identity federation keys of the provider `token.actions.githubusercontent.com`.
 */
export interface GitHubOidc {
  /** Account that holds the OIDC provider `token.actions.githubusercontent.com` (the central account). */
  account: string;
  region: string;
  /** `owner/name`. */
  repository: string;
  /** Branch the apply role trusts (default `main`); ignored when `environment` is set. */
  branch?: string;
  /** GitHub environment the apply job runs in: then the token's `sub` names it instead of the branch. */
  environment?: string;
}

const GITHUB_OIDC = 'token.actions.githubusercontent.com';

function githubTrust(ctx: GitHubOidc, sid: string, sub: string): PolicyDocument {
  return doc({
    Sid: sid,
    Effect: 'Allow',
    Principal: { Federated: `arn:${partitionOf(ctx.region)}:iam::${ctx.account}:oidc-provider/${GITHUB_OIDC}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${GITHUB_OIDC}:aud`]: 'sts.amazonaws.com', [`${GITHUB_OIDC}:sub`]: sub } },
  });
}

/**
 * Trust of the APPLY role: GitHub's OIDC tokens of this repository on its default branch only (`sub`
 * `repo:<owner>/<name>:ref:refs/heads/<branch>`), or of a GitHub environment (`...:environment:<name>`),
 * whose protection rules then gate every apply. Exact match (StringEquals), never a wildcard.
 */
export function applyRoleTrustPolicy(ctx: GitHubOidc): PolicyDocument {
  const sub = ctx.environment
    ? `repo:${ctx.repository}:environment:${ctx.environment}`
    : `repo:${ctx.repository}:ref:refs/heads/${ctx.branch ?? 'main'}`;
  return githubTrust(ctx, ctx.environment ? 'GitHubEnvironmentOnly' : 'GitHubDefaultBranchOnly', sub);
}

/** Trust of the read-only PLAN role: GitHub's OIDC tokens of this repository's pull requests (`sub` `repo:<owner>/<name>:pull_request`). */
export function planRoleTrustPolicy(ctx: GitHubOidc): PolicyDocument {
  return githubTrust(ctx, 'GitHubPullRequests', `repo:${ctx.repository}:pull_request`);
}

/** Actions that only read: the plan role keeps these and nothing else. */
const READ_ONLY = /^[a-z0-9-]+:(Get|List|Describe)[A-Za-z]*$/;

/**
 * Permissions of the read-only PLAN role (trusted from pull requests): the deploy policy's read calls,
 * and no call that creates, changes, tags or passes anything. In members it assumes `memberRole`, which
 * must itself be read-only (an administrator role there would make every pull request an administrator).
 */
export function planRolePolicy(ctx: DeployContext & { memberRole: string }): PolicyDocument {
  const p = partitionOf(ctx.region ?? 'us-east-1');
  const reads = deployRolePolicy(ctx)
    .Statement.filter((st) => st.Effect === 'Allow')
    .flatMap((st): Statement[] => {
      const actions = [st.Action].flat().filter((a) => READ_ONLY.test(a));
      if (actions.length === 0) return [];
      const { Condition: _unused, ...rest } = st;
      return [{ ...rest, Sid: `Read${st.Sid}`, Action: actions.length === 1 ? actions[0]! : actions }];
    });
  return doc(
    ...reads,
    { Sid: 'AssumeReadOnlyRoleInMembers', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:${p}:iam::*:role/${ctx.memberRole}` },
    { Sid: 'NeverAssumeTrailGuardRoles', Effect: 'Deny', Action: 'sts:AssumeRole', Resource: trailGuardRoleArns(ctx) },
  );
}

// The trailguard.yml schema: parsed and checked in full before any AWS call, every error with its path.
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ACCOUNT_ID, isKnownRegion, partitionOf, REGION } from './arn.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import { TrailNameSchema } from './trail-name.js';

/** The calls on a trail itself: the remediator's trail path (`lambda/remediate.ts`) handles these. */
export const TRAIL_EVENTS = ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'] as const;
export type TrailEvent = (typeof TRAIL_EVENTS)[number];

/**
 * Every call `watch` accepts, with the CloudTrail `eventSource` that records it: the member rule's
 * pattern lists each source with its names. The default `watch` is all of them. Trail calls go to
 * the trail path; the rest of the log-impairment family (CloudTrail Lake, Organizations, and the
 * trail's bucket, key and log group) to `lambda/impairment/`. One line per name, so additions merge.
 */
export const WATCHED_EVENT_SOURCES = {
  StopLogging: 'cloudtrail.amazonaws.com',
  DeleteTrail: 'cloudtrail.amazonaws.com',
  UpdateTrail: 'cloudtrail.amazonaws.com',
  PutEventSelectors: 'cloudtrail.amazonaws.com',
  StopEventDataStoreIngestion: 'cloudtrail.amazonaws.com',
  DeleteEventDataStore: 'cloudtrail.amazonaws.com',
  UpdateEventDataStore: 'cloudtrail.amazonaws.com',
  DeregisterOrganizationDelegatedAdmin: 'cloudtrail.amazonaws.com',
  LeaveOrganization: 'organizations.amazonaws.com',
  RemoveAccountFromOrganization: 'organizations.amazonaws.com',
  DisableAWSServiceAccess: 'organizations.amazonaws.com',
  DeregisterDelegatedAdministrator: 'organizations.amazonaws.com',
  PutBucketLifecycle: 's3.amazonaws.com',
  PutBucketLifecycleConfiguration: 's3.amazonaws.com',
  PutBucketPolicy: 's3.amazonaws.com',
  DeleteBucketPolicy: 's3.amazonaws.com',
  DeleteBucket: 's3.amazonaws.com',
  DisableKey: 'kms.amazonaws.com',
  ScheduleKeyDeletion: 'kms.amazonaws.com',
  PutKeyPolicy: 'kms.amazonaws.com',
  DeleteLogGroup: 'logs.amazonaws.com',
  PutRetentionPolicy: 'logs.amazonaws.com',
  DeleteImportedKeyMaterial: 'kms.amazonaws.com',
} as const satisfies Record<TrailEvent, 'cloudtrail.amazonaws.com'> & Record<string, `${string}.amazonaws.com`>;
export type WatchedEvent = keyof typeof WATCHED_EVENT_SOURCES;
export const WATCHED_EVENTS = Object.keys(WATCHED_EVENT_SOURCES) as [WatchedEvent, ...WatchedEvent[]];

/** True for a name of the trail path (`StopLogging`, `DeleteTrail`, `UpdateTrail`, `PutEventSelectors`). */
export function isTrailEvent(name: string): name is TrailEvent {
  return (TRAIL_EVENTS as readonly string[]).includes(name);
}

export const DEFAULT_ROLES = {
  deploy: 'OrganizationAccountAccessRole',
  remediation: 'TrailGuardRemediator',
  /** Read-only member role for the Slack app (Re-check, /trail-status); created only when `slack.roleArn` is set. */
  reader: 'TrailGuardReader',
  plan: null,
  externalId: null,
} as const;

/** How the Slack app runs: `server` (yourself, the default) or `lambda` (deployed by apply). */
export const SLACK_DEPLOY_MODES = ['server', 'lambda'] as const;
/** The IAM role (and function) apply creates for the Slack app with `slack.deploy: lambda`. */
const SLACK_FUNCTION_ROLE = 'trailguard-slack';

/**
 * A secret's name for the deployed Slack app: `ssm:/<parameter name>` (SSM Parameter Store, a fully qualified name:
 * letters, digits, `_.-/`) or `secretsmanager:<secret name>` (Secrets Manager: letters, digits, `/_+=.@-`), both in the
 * central account and region. One syntax, names only: a value here would end up in git and in the function's
 * environment. SSM and Secrets Manager naming rules: "Creating Systems Manager parameters", "CreateSecret" (Name).
 */
const SECRET_NAME = /^(ssm:\/[A-Za-z0-9_.\-/]*[A-Za-z0-9_.-]|secretsmanager:[A-Za-z0-9/_+=.@-]{1,512})$/;
export const SecretNameSchema = z
  .string()
  .regex(SECRET_NAME, {
    // The value is never echoed: someone may have pasted the secret itself.
    error: 'expected the name of a secret, not its value: ssm:/<parameter name> or secretsmanager:<secret name>',
  })
  .refine((name) => !name.startsWith('ssm:') || name.length <= 4 + 1011, 'an SSM parameter name has at most 1011 characters')
  // The prefix right and the value pasted after it: a bot or app token, or a signing secret (32 hex digits), is no name.
  // Said only of a name of the right syntax: a value without the prefix is refused above.
  .refine((name) => !SECRET_NAME.test(name) || (!/(^|[:/])(xox[a-z]-|xapp-)/i.test(name) && !/(^|[:/])[0-9a-f]{32}$/i.test(name)), {
    error: 'this looks like a Slack token or signing secret, not the name of the parameter or secret holding it',
  });
export type SecretName = z.infer<typeof SecretNameSchema>;

// YAML reads unquoted digits as a number and drops leading zeros, so a number is never an account id.
export const AccountIdSchema = z
  .string({ error: 'expected a 12-digit account id as a quoted string (YAML reads unquoted digits as a number)' })
  .regex(ACCOUNT_ID, 'expected 12 digits');
// The shape first (a clear message for `moon-1`), then the SDK's region list: `eu-wst-1` has the shape of a region.
export const RegionSchema = z
  .string()
  .regex(REGION, { error: 'expected an AWS region such as us-east-1', abort: true })
  .refine(isKnownRegion, {
    error: (issue) => `unknown AWS region ${JSON.stringify(issue.input)} (not in the AWS SDK's region list)`,
    abort: true,
  });
/** `auto`: every region where a member's trail lives, plus the central region (resolved at run time from ListTrails). */
export const AUTO_REGIONS = 'auto';
const RegionsSchema = z.union([z.literal(AUTO_REGIONS), z.array(RegionSchema).min(1, 'expected at least one region')], {
  error: 'expected auto or a list of regions such as [us-east-1, eu-west-1]',
});
/**
 * The remediator function's memory size in MiB (`remediator.memoryMb`). Lambda shares CPU in proportion to memory
 * (1,769 MiB is one vCPU), and the remediator's cold start is when a trail is off: BENCHMARKS.md "Remediator cold
 * start" measured process start to StartLogging at each size under that CPU share. 1,769 MiB, a full vCPU, is within
 * 0.4 s with margin (1,024 MiB was at the edge); above it a single-threaded start gains nothing. The remediator runs
 * rarely, so the larger size costs next to nothing.
 */
export const REMEDIATOR_MEMORY_MB = 1769;
const LAMBDA_MEMORY_MESSAGE = 'expected whole megabytes from 128 to 10240 (Lambda’s range), such as 1769';
const RemediatorMemorySchema = z
  .number({ error: LAMBDA_MEMORY_MESSAGE })
  .int({ error: LAMBDA_MEMORY_MESSAGE })
  .min(128, { error: LAMBDA_MEMORY_MESSAGE })
  .max(10240, { error: LAMBDA_MEMORY_MESSAGE });
const RoleNameSchema = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'expected an IAM role name (1-64 of A-Z a-z 0-9 +=,.@_-)');

/**
 * True for the KMS key references only KMS can resolve to a key: `alias/name` and alias ARNs
 * (KMS API reference, DescribeKey.KeyId). Key ids and key ARNs name the key themselves.
 */
export function isKmsAlias(value: string): boolean {
  return value.startsWith('alias/') || /^arn:[\w-]+:kms:[a-z0-9-]+:\d{12}:alias\//.test(value);
}

/** A bucket name, or the bucket's ARN (`arn:aws:s3:::name`): CloudTrail reports the name either way. */
const S3_BUCKET = /^(arn:[\w-]+:s3:::)?[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * A KMS key as CloudTrail's KmsKeyId takes it: key ARN, alias ARN, alias name or key id. No wildcard: the value becomes
 * the resource of the member role's kms:EnableKey / kms:CancelKeyDeletion grant (src/core/iam-policies.ts), so `*` would
 * grant them on every key.
 */
const KMS_KEY =
  /^(arn:[\w-]+:kms:[a-z0-9-]+:\d{12}:(key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})|alias\/[\w/-]+)|alias\/[\w/-]+|mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const KMS_KEY_ERROR = 'expected a key ARN, alias ARN, alias name (alias/...) or key id, no wildcard';
/** A CloudWatch Logs group ARN (its name: letters, digits, `_ - / . #`), with or without CloudTrail's trailing `:*`. */
const LOG_GROUP_ARN = /^arn:[\w-]+:logs:[a-z0-9-]+:\d{12}:log-group:[\w./#-]+(:\*)?$/;

/**
 * The settings TrailGuard restores a trail to, or recreates it from. Values may be given in any
 * form CloudTrail accepts (a KMS alias, a topic name, a log-group ARN with or without `:*`):
 * they are compared with what CloudTrail reports after resolving them (`src/core/aws/cloudtrail.ts`).
 */
/** SNS's subscription protocols (SNS API Reference, Subscribe: `Protocol`). */
export const SNS_PROTOCOLS = ['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose'] as const;

/** A subscription of the alerts topic as SNS lists it (ListSubscriptionsByTopic: `Protocol`, `Endpoint`). */
export const AcceptedSubscriptionSchema = z
  .object({
    protocol: z.enum(SNS_PROTOCOLS, { error: `expected one of ${SNS_PROTOCOLS.join(', ')}` }),
    endpoint: z.string().min(1, 'expected the endpoint exactly as SNS lists it (a URL, an address, an ARN)'),
  })
  .strict();

export const TrailBaselineSchema = z
  .object({
    name: TrailNameSchema,
    s3BucketName: z.string().regex(S3_BUCKET, 'expected an S3 bucket name or bucket ARN (arn:aws:s3:::name)'),
    s3KeyPrefix: z.string().max(200).optional(),
    isMultiRegionTrail: z.boolean().default(true),
    includeGlobalServiceEvents: z.boolean().default(true),
    enableLogFileValidation: z.boolean().default(true),
    kmsKeyId: z.string().regex(KMS_KEY, KMS_KEY_ERROR).optional(),
    snsTopicName: z.string().min(1).optional(),
    cloudWatchLogsLogGroupArn: z
      .string()
      .regex(LOG_GROUP_ARN, 'expected a log group ARN (arn:aws:logs:<region>:<account>:log-group:<name>), no wildcard')
      .optional(),
    cloudWatchLogsRoleArn: z.string().startsWith('arn:', 'expected a role ARN').optional(),
    /**
     * Unset: never enforced (TrailGuard cannot know). true: an organization trail, restored and
     * recreated only through the management account (or a CloudTrail delegated administrator).
     */
    isOrganizationTrail: z.boolean().optional(),
    /**
     * Days the trail's logs must be kept in its bucket: a lifecycle rule on the bucket that expires
     * objects sooner is removed (the others are kept). Unset: such rules are alerted, not removed.
     */
    retentionDays: z
      .int('expected a whole number of days')
      .min(1, 'expected at least 1 day')
      .max(36500, 'expected at most 36500 days (100 years)')
      .optional(),
    /**
     * The account that holds `s3BucketName` (a log archive), when it is not the trail's own. It must
     * be a member, so that its bucket calls are forwarded and TrailGuard's role can repair them.
     */
    s3BucketAccount: AccountIdSchema.optional(),
  })
  .strict();
export type TrailBaseline = z.infer<typeof TrailBaselineSchema>;

/**
 * A CloudTrail Lake event data store TrailGuard restores after `UpdateEventDataStore` (CloudTrail API
 * reference, UpdateEventDataStore). Unset fields are never enforced. `retentionPeriod` is a floor in
 * days: a longer retention is kept, as shortening it back would delete events.
 */
export const EventDataStoreBaselineSchema = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9._-]{3,128}$/, 'expected an event data store name (3-128 of a-z A-Z 0-9 . _ -)'),
    retentionPeriod: z.number().int().min(7, 'expected at least 7 days').max(3653, 'expected at most 3653 days').optional(),
    terminationProtectionEnabled: z.boolean().optional(),
    multiRegionEnabled: z.boolean().optional(),
    organizationEnabled: z.boolean().optional(),
  })
  .strict();
export type EventDataStoreBaseline = z.infer<typeof EventDataStoreBaselineSchema>;

/**
 * Who administers CloudTrail for the AWS Organization. The management account owns every
 * organization trail (also those a delegated administrator creates); only it can turn a trail
 * into an organization trail or back, and it or a CloudTrail delegated administrator (AWS allows
 * three) can create one (CloudTrail User Guide, "Organization delegated administrator").
 */
export const OrganizationSchema = z
  .object({
    managementAccount: AccountIdSchema,
    delegatedAdministrators: z.array(AccountIdSchema).max(3, 'AWS allows at most 3 CloudTrail delegated administrators').default([]),
  })
  .strict()
  .superRefine((org, ctx) => {
    org.delegatedAdministrators.forEach((account, index) => {
      if (account === org.managementAccount) {
        ctx.addIssue({
          code: 'custom',
          path: ['delegatedAdministrators', index],
          message: 'the management account cannot be its own delegated administrator',
        });
      }
    });
  });
export type Organization = z.output<typeof OrganizationSchema>;

/**
 * Issues for baseline trails that need an organization TrailGuard was not told about: an
 * organization trail can only be recreated or converted back by the accounts `organization` names.
 */
export function organizationTrailIssues(
  trails: readonly Pick<TrailBaseline, 'isOrganizationTrail'>[],
  organization: Organization | null | undefined,
  where: { trails: string; organization: string },
): { index: number; message: string }[] {
  if (organization) return [];
  return trails.flatMap((trail, index) =>
    trail.isOrganizationTrail
      ? [
          {
            index,
            message: `only the management account or a CloudTrail delegated administrator can recreate or restore an organization trail: set ${where.organization}`,
          },
        ]
      : [],
  );
}

const AllowPatternSchema = z
  .string()
  .regex(/^arn:[\w*?-]+:(iam|sts)::[\d*?]+:[\w+=,.@/*?-]+$/, 'expected an IAM or STS principal ARN (wildcards * and ? allowed)')
  // A pattern that names no principal (`role/*`, `user/?*`, `*`) would exempt whole classes of callers from
  // remediation: one line in a pull request would switch TrailGuard off. Name the principal, wildcards around it.
  .refine((pattern) => {
    const parts = pattern.split(':').slice(5).join(':').split('/');
    // assumed-role/<role>/<session>: the role must be named; role|user/<path>/<name>: a named path may hold a wildcard name.
    if (parts[0] === 'assumed-role') return /[^*?]/.test(parts[1] ?? '');
    return parts.slice(1).some((part) => /[^*?]/.test(part));
  }, 'names no principal (its name is only wildcards, so it would exempt every role or user it reaches): name the break-glass principal, e.g. arn:aws:iam::*:role/BreakGlass');

/**
 * An EventBridge Scheduler expression for the sweep (Scheduler User Guide, "Schedule types"): `rate(<n> <unit>)` with
 * a singular unit for 1 (`rate(1 hour)`) and a plural one otherwise, or `cron(...)`. One-time `at(...)` schedules are
 * refused: a sweep that runs once would stop proving the pipeline works.
 */
// A cron has Scheduler's six fields (minutes hours day-of-month month day-of-week year), `?` in exactly one day field.
const SCHEDULE_EXPRESSION =
  /^(rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\)|cron\([^\s()]+ [^\s()]+ (\? [^\s()]+ (?!\?\s)[^\s()]+|(?!\?\s)[^\s()]+ [^\s()]+ \?) [^\s()]+\))$/;
const SCHEDULE_ERROR = 'expected rate(<n> minutes|hours|days), cron(...) or null';
const CONCURRENCY_ERROR = 'expected 2 to 1000 (SQS event source MaximumConcurrency)';
const CANARY_GRACE_ERROR = 'expected whole seconds from 0 to 3600';

/** The scheduled sweep (issue 11): how often `apply`'s schedule starts one, and how many accounts are swept at once. */
export const SweepSchema = z
  .object({
    /** null: no schedule is created (run `trailguard sweep` yourself). */
    schedule: z.string({ error: SCHEDULE_ERROR }).regex(SCHEDULE_EXPRESSION, SCHEDULE_ERROR).nullable().default('rate(15 minutes)'),
    /** Workers at once: the sweep queue's event source mapping ScalingConfig.MaximumConcurrency (AWS allows 2-1000). */
    concurrency: z
      .number({ error: CONCURRENCY_ERROR })
      .int(CONCURRENCY_ERROR)
      .min(2, CONCURRENCY_ERROR)
      .max(1000, CONCURRENCY_ERROR)
      .default(10),
    /**
     * Seconds a canary has to come back before a sweep calls it overdue (EventBridge delivers in seconds). Unset: 60.
     * Both the scheduled sweep (through TRAILGUARD_SWEEP) and `trailguard sweep` use it.
     */
    canaryGraceSeconds: z
      .number({ error: CANARY_GRACE_ERROR })
      .int(CANARY_GRACE_ERROR)
      .min(0, CANARY_GRACE_ERROR)
      .max(3600, CANARY_GRACE_ERROR)
      .optional(),
  })
  .strict();
/** The canary grace when `sweep.canaryGraceSeconds` is unset. */
export const DEFAULT_CANARY_GRACE_SECONDS = 60;
export const DEFAULT_SWEEP = { schedule: 'rate(15 minutes)', concurrency: 10 } as const;

const MemberAccountSchema = z.object({ id: AccountIdSchema, name: z.string().min(1).max(64).optional() }).strict();

export const ConfigSchema = z
  .object({
    version: z.literal(1, 'expected 1 (the only config version)'),
    central: z.object({ account: AccountIdSchema, region: RegionSchema }).strict(),
    organizationId: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, 'expected an organization id such as o-abc123def4')
      .optional(),
    organization: OrganizationSchema.optional(),
    members: z
      .object({
        accounts: z.array(MemberAccountSchema).default([]),
        organization: z.boolean().default(false),
        exclude: z.array(AccountIdSchema).default([]),
        regions: RegionsSchema.optional(),
      })
      .strict(),
    roles: z
      .object({
        deploy: RoleNameSchema.default(DEFAULT_ROLES.deploy),
        remediation: RoleNameSchema.default(DEFAULT_ROLES.remediation),
        reader: RoleNameSchema.default(DEFAULT_ROLES.reader),
        /** Read-only role `plan` assumes in members; null: `deploy` (an administrator role there makes every plan one). */
        plan: RoleNameSchema.nullable().default(null),
        externalId: z
          .string()
          .regex(/^[\w+=,.@:/-]{2,1224}$/, 'expected 2-1224 of A-Z a-z 0-9 +=,.@:/-')
          .nullable()
          .default(null),
        /** Deploy role per account, where `deploy` does not exist (the management account has no OrganizationAccountAccessRole). */
        deployOverrides: z.record(AccountIdSchema, RoleNameSchema).optional(),
      })
      .strict()
      .default({ ...DEFAULT_ROLES }),
    watch: z
      .array(z.enum(WATCHED_EVENTS))
      .min(1, 'expected at least one event name')
      .default([...WATCHED_EVENTS]),
    trails: z.array(TrailBaselineSchema).default([]),
    eventDataStores: z.array(EventDataStoreBaselineSchema).default([]),
    allow: z.array(AllowPatternSchema).default([]),
    remediator: z
      .object({
        delivery: z.enum(['direct', 'queue']).default('direct'),
        /** MiB of the remediator function: Lambda gives it memoryMb / 1,769 of a vCPU, so this sets its cold start too. */
        memoryMb: RemediatorMemorySchema.default(REMEDIATOR_MEMORY_MB),
      })
      .strict()
      .default({ delivery: 'direct', memoryMb: REMEDIATOR_MEMORY_MB }),
    alerts: z
      .object({
        endpoint: z
          .string()
          .regex(/^https:\/\/[^\s/]+(\/\S*)?$/, 'expected an https:// URL (SNS delivers alerts to it)')
          .nullable()
          .default(null),
        /** Accept SNS SignatureVersion 1 (RSA-SHA1) at the Slack app; the topic is created with version 2 (SHA256). */
        allowSignatureVersion1: z.boolean().default(false),
        /**
         * Subscriptions of `trailguard-alerts` someone made by hand and the team accepts (an on-call mailbox, a queue with
         * an alarm): exactly this protocol and endpoint. Any other subscription TrailGuard did not configure is a conflict.
         */
        acceptedSubscriptions: z.array(AcceptedSubscriptionSchema).default([]),
      })
      .strict()
      .default({ endpoint: null, allowSignatureVersion1: false, acceptedSubscriptions: [] }),
    slack: z
      .object({
        channel: z.string().regex(/^[CG][A-Z0-9]{8,}$/, 'expected a Slack channel id such as C0123456789'),
        responders: z.array(z.string().regex(/^[UW][A-Z0-9]{8,}$/, 'expected a Slack user id such as U0123456789')).default([]),
        /** May also read (`/trail-status`, Refresh) without acting; responders may always read. */
        viewers: z.array(z.string().regex(/^[UW][A-Z0-9]{8,}$/, 'expected a Slack user id such as U0123456789')).default([]),
        /** IAM role the Slack app runs as; member remediation roles trust it for Re-check and /trail-status. */
        roleArn: z
          .string()
          .regex(/^arn:[\w-]+:iam::\d{12}:role\/[\w+=,.@/-]+$/, 'expected an IAM role ARN')
          .nullable()
          .optional(),
        /** `server`: run it yourself (README "The Slack app", step 3); `lambda`: apply deploys it (function `trailguard-slack`). */
        deploy: z.enum(SLACK_DEPLOY_MODES, { error: `expected ${SLACK_DEPLOY_MODES.join(' or ')}` }).default('server'),
        /** Where the deployed function reads its secrets at cold start: names, never values. */
        secrets: z.object({ botToken: SecretNameSchema, signingSecret: SecretNameSchema }).strict().optional(),
      })
      .strict()
      .optional(),
    sweep: SweepSchema.default({ ...DEFAULT_SWEEP }),
  })
  .strict()
  .superRefine((config, ctx) => {
    const { members } = config;
    if (members.accounts.length === 0 && !members.organization) {
      ctx.addIssue({ code: 'custom', path: ['members'], message: 'list accounts or set organization: true' });
    }
    // Every listed member excluded: nothing would be protected while every run reports ok.
    if (!members.organization && members.accounts.length > 0 && members.accounts.every((a) => members.exclude.includes(a.id))) {
      ctx.addIssue({
        code: 'custom',
        path: ['members', 'exclude'],
        message: 'excludes every account in members.accounts: TrailGuard would protect no member',
      });
    }
    // Viewers without responders: readers restricted, but with responders empty anyone may Acknowledge and Re-check.
    if (config.slack && config.slack.viewers.length > 0 && config.slack.responders.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['slack', 'responders'],
        message: 'is empty while slack.viewers is set: anyone in the channel could acknowledge alerts; list who may act',
      });
    }
    if (config.slack?.deploy === 'lambda') {
      if (!config.slack.secrets)
        ctx.addIssue({
          code: 'custom',
          path: ['slack', 'secrets'],
          message:
            'is required with deploy: lambda: { botToken: <name>, signingSecret: <name> }, each ssm:/<parameter> or secretsmanager:<secret>',
        });
      // The members' reader role trusts slack.roleArn: with lambda the app runs as the role apply creates, and no other.
      const own = `arn:${partitionOf(config.central.region)}:iam::${config.central.account}:role/${SLACK_FUNCTION_ROLE}`;
      if (config.slack.roleArn && config.slack.roleArn !== own)
        ctx.addIssue({
          code: 'custom',
          path: ['slack', 'roleArn'],
          message: `with deploy: lambda the app runs as ${own} (created by apply): leave roleArn unset or set it to that ARN`,
        });
    }
    const seen = new Map<string, number>();
    members.accounts.forEach((account, index) => {
      const first = seen.get(account.id);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['members', 'accounts', index, 'id'], message: `duplicate of members.accounts[${first}].id` });
      } else seen.set(account.id, index);
    });
    const listed = Array.isArray(members.regions) ? members.regions : [];
    for (const index of duplicates(listed))
      ctx.addIssue({ code: 'custom', path: ['members', 'regions', index], message: 'duplicate region' });
    // A member's rule targets the central bus by ARN: EventBridge delivers within one partition only.
    const home = partitionOf(config.central.region);
    listed.forEach((region, index) => {
      const p = partitionOf(region);
      if (p !== home) {
        ctx.addIssue({
          code: 'custom',
          path: ['members', 'regions', index],
          message: `${region} is in partition ${p}, central.region ${config.central.region} is in ${home}: EventBridge cannot forward across partitions`,
        });
      }
    });
    for (const index of duplicates(config.eventDataStores.map((t) => t.name))) {
      ctx.addIssue({ code: 'custom', path: ['eventDataStores', index, 'name'], message: 'duplicate event data store name' });
    }
    for (const index of duplicates(config.trails.map((t) => t.name))) {
      ctx.addIssue({ code: 'custom', path: ['trails', index, 'name'], message: 'duplicate trail name' });
    }
    // The deploy role is denied assuming TrailGuard's own roles, and each reader has its own role.
    const { roles } = config;
    const runtime = (name: string) => /^trailguard-/i.test(name) || name === roles.remediation || name === roles.reader;
    for (const field of ['deploy', 'plan'] as const) {
      const name = roles[field];
      if (name && runtime(name))
        ctx.addIssue({
          code: 'custom',
          path: ['roles', field],
          message: 'must not be a role TrailGuard creates (trailguard-*, roles.remediation, roles.reader)',
        });
    }
    const central = ['trailguard-forwarder', 'trailguard-remediator'];
    if (central.includes(roles.remediation))
      ctx.addIssue({
        code: 'custom',
        path: ['roles', 'remediation'],
        message: `must not be ${central.join(' or ')} (TrailGuard's own roles)`,
      });
    if (central.includes(roles.reader) || roles.reader === roles.remediation) {
      ctx.addIssue({
        code: 'custom',
        path: ['roles', 'reader'],
        message: 'must differ from roles.remediation and from trailguard-forwarder and trailguard-remediator',
      });
    }
    for (const index of duplicates(config.watch)) ctx.addIssue({ code: 'custom', path: ['watch', index], message: 'duplicate event name' });
    const management = config.organization?.managementAccount;
    if (
      management &&
      (members.exclude.includes(management) || (!members.organization && !members.accounts.some((a) => a.id === management)))
    ) {
      // Organization trails are repaired only through TrailGuard's role in the management account.
      ctx.addIssue({
        code: 'custom',
        path: ['organization', 'managementAccount'],
        message: members.exclude.includes(management)
          ? `${management} is in members.exclude, so TrailGuard's role is never deployed there and organization trails cannot be repaired`
          : `list ${management} in members.accounts, so TrailGuard's role is deployed there and organization trails can be repaired`,
      });
    }
    // A log archive that holds a trail's bucket must be a member: otherwise its lifecycle, bucket-policy and
    // DeleteBucket calls are never forwarded and TrailGuard has no role there to undo them.
    config.trails.forEach((trail, index) => {
      const account = trail.s3BucketAccount;
      if (!account) return;
      const excluded = members.exclude.includes(account);
      if (excluded || !(members.organization || members.accounts.some((a) => a.id === account))) {
        ctx.addIssue({
          code: 'custom',
          path: ['trails', index, 's3BucketAccount'],
          message: `${account} holds this trail's bucket: ${excluded ? 'remove it from members.exclude' : 'list it in members.accounts'}, so its bucket calls are watched and TrailGuard's role is deployed there`,
        });
      }
    });
    // A multi-Region key's replicas share its `mrk-` id in every region: only its key ARN says which one the trail uses,
    // and TrailGuard's role is granted kms:EnableKey on exactly that key (src/core/iam-policies.ts).
    config.trails.forEach((trail, index) => {
      if (trail.kmsKeyId && /^mrk-/.test(trail.kmsKeyId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['trails', index, 'kmsKeyId'],
          message: `${trail.kmsKeyId} is a multi-Region key id, the same in every region: give the key ARN of the replica the trail uses (arn:aws:kms:<region>:<account>:key/${trail.kmsKeyId})`,
        });
      }
    });
    for (const { index, message } of organizationTrailIssues(config.trails, config.organization, {
      trails: 'trails',
      organization: 'organization.managementAccount',
    })) {
      ctx.addIssue({ code: 'custom', path: ['trails', index, 'isOrganizationTrail'], message });
    }
  })
  .transform((config) => {
    const { regions, ...members } = config.members;
    return {
      ...config,
      members: {
        ...members,
        /** The regions that get a forwarding rule; with `auto`, the central region until `resolveRegions` adds the trails' home regions. */
        regions: Array.isArray(regions) ? regions : [config.central.region],
        /** `regions: auto`: the run adds every home region of a member trail (ListTrails) to `regions`. */
        discoverRegions: regions === AUTO_REGIONS,
      },
    };
  });

export type Config = z.output<typeof ConfigSchema>;

function duplicates(values: readonly string[]): number[] {
  return values.flatMap((value, index) => (values.indexOf(value) < index ? [index] : []));
}

/** `members.accounts[1].id` from zod's `['members', 'accounts', 1, 'id']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

export function issuesOf(error: z.ZodError): ConfigIssue[] {
  return flatIssues(error.issues);
}

function flatIssues(issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[] = []): ConfigIssue[] {
  return issues.flatMap((issue): ConfigIssue[] => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatPath([...base, ...issue.path, key]), message: 'unknown field' }));
    }
    // `auto` or a list: when the value is a list, the list's own errors (with their index) say more than the union.
    if (issue.code === 'invalid_union') {
      const inner = issue.errors.find((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0));
      if (inner) return flatIssues(inner, [...base, ...issue.path]);
      return [{ path: formatPath([...base, ...issue.path]), message: issue.message }];
    }
    return [{ path: formatPath([...base, ...issue.path]), message: issue.message.replace(/^Invalid input: /, '') }];
  });
}

/** Validates an already-parsed object; throws ConfigError naming every bad field. */
export function validateConfig(value: unknown, source = 'trailguard.yml'): Config {
  const result = ConfigSchema.safeParse(value);
  if (!result.success) throw new ConfigError(source, issuesOf(result.error));
  return result.data;
}

/** Parses trailguard.yml text (YAML 1.2: `yes`/`no` are strings, not booleans). */
export function parseConfig(text: string, source = 'trailguard.yml'): Config {
  const doc = parseDocument(text, { version: '1.2', uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => ({
        path: `line ${e.linePos?.[0]?.line ?? '?'}`,
        message: (e.message.split('\n')[0] ?? e.code).replace(/ at line \d+, column \d+:?$/, ''),
      })),
    );
  }
  return validateConfig(doc.toJS(), source);
}

/** The role a run assumes in members: `roles.plan` for a plan when set (read-only), else `roles.deploy`. */
export function memberRoleFor(config: Config, mode: 'plan' | 'apply' | 'status'): string {
  return mode !== 'apply' && config.roles.plan ? config.roles.plan : config.roles.deploy;
}

/** Display name of a member account (`payments-prod`), or its id when it has none. */
export function accountName(config: Config, account: string): string {
  return config.members.accounts.find((a) => a.id === account)?.name ?? account;
}

// The registry of resource kinds (pure half). Adding a kind: its module in this folder, one line here (at its place
// in the apply order), its AWS half in src/core/aws/kinds/ and one line in that registry; the types refuse anything less.
import { busPermission } from './bus-permission.js';
import { cloudWatchAlarm } from './cloudwatch-alarm.js';
import { dynamoDbTable } from './dynamodb-table.js';
import { eventBus } from './event-bus.js';
import { eventRule } from './event-rule.js';
import { eventSourceMapping } from './event-source-mapping.js';
import { iamBoundary } from './iam-boundary.js';
import { iamRole } from './iam-role.js';
import type { KindSpec, ResourceOfSpec } from './kind.js';
import { lambdaFunction } from './lambda-function.js';
import { lambdaPermission } from './lambda-permission.js';
import { lambdaUrl } from './lambda-url.js';
import { schedulerSchedule } from './scheduler-schedule.js';
import { snsSubscription } from './sns-subscription.js';
import { snsTopic } from './sns-topic.js';
import { sqsQueue } from './sqs-queue.js';

/**
 * Every kind, keyed by its name, in the order apply creates and updates them: each kind only depends on kinds before
 * it (roles before the function that assumes them, queues and the function before the rules that target them).
 */
export const KINDS = {
  'iam-role': iamRole,
  'sqs-queue': sqsQueue,
  'dynamodb-table': dynamoDbTable,
  'sns-topic': snsTopic,
  'lambda-function': lambdaFunction,
  // After its function.
  'lambda-url': lambdaUrl,
  'event-bus': eventBus,
  'bus-permission': busPermission,
  'lambda-permission': lambdaPermission,
  // After the function and the statement letting the topic invoke it.
  'sns-subscription': snsSubscription,
  'event-rule': eventRule,
  'event-source-mapping': eventSourceMapping,
  // After the queue and the role it sends as.
  'scheduler-schedule': schedulerSchedule,
  // After the topic its actions publish to (and its CloudWatch statement).
  'cloudwatch-alarm': cloudWatchAlarm,
  // Last: TrailGuard cannot write it, so a stale boundary fails the run without holding back any repair.
  'iam-boundary': iamBoundary,
} as const;

/** Every desired resource: the union of the kinds' resource shapes. */
export type Resource = ResourceOfSpec<(typeof KINDS)[keyof typeof KINDS]>;
export type ResourceKind = Resource['kind'];
/** The desired resource of one kind. */
export type ResourceOf<K extends ResourceKind> = Extract<Resource, { kind: K }>;

/** The kind module of `kind`, typed for its resources. */
export function kindSpec<K extends ResourceKind>(kind: K): KindSpec<ResourceOf<K>> {
  return KINDS[kind] as never;
}

export type { IamRoleResource } from './iam-role.js';
export type { RuleTarget } from './event-rule.js';
export { inlinePolicyField } from './iam-role.js';

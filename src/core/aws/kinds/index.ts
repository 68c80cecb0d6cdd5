// The registry of resource kinds (AWS half): one line per kind, next to its pure half in src/core/kinds/index.ts. The
// mapped type makes a kind registered there without its read and apply here a type error.
import type { ResourceKind, ResourceOf } from '../../kinds/index.js';
import { busPermissionIo } from './bus-permission.js';
import { cloudWatchAlarmIo } from './cloudwatch-alarm.js';
import { dynamoDbTableIo } from './dynamodb-table.js';
import { eventBusIo } from './event-bus.js';
import { eventRuleIo } from './event-rule.js';
import { eventSourceMappingIo } from './event-source-mapping.js';
import { iamBoundaryIo } from './iam-boundary.js';
import { iamRoleIo } from './iam-role.js';
import type { KindIo } from './kind.js';
import { lambdaFunctionIo } from './lambda-function.js';
import { lambdaPermissionIo } from './lambda-permission.js';
import { lambdaUrlIo } from './lambda-url.js';
import { schedulerScheduleIo } from './scheduler-schedule.js';
import { snsSubscriptionIo } from './sns-subscription.js';
import { snsTopicIo } from './sns-topic.js';
import { sqsQueueIo } from './sqs-queue.js';

export const KIND_IO: { readonly [K in ResourceKind]: KindIo<ResourceOf<K>> } = {
  'iam-role': iamRoleIo,
  'sqs-queue': sqsQueueIo,
  'dynamodb-table': dynamoDbTableIo,
  'sns-topic': snsTopicIo,
  'lambda-function': lambdaFunctionIo,
  'lambda-url': lambdaUrlIo,
  'event-bus': eventBusIo,
  'bus-permission': busPermissionIo,
  'lambda-permission': lambdaPermissionIo,
  'sns-subscription': snsSubscriptionIo,
  'event-rule': eventRuleIo,
  'event-source-mapping': eventSourceMappingIo,
  'scheduler-schedule': schedulerScheduleIo,
  'cloudwatch-alarm': cloudWatchAlarmIo,
  'iam-boundary': iamBoundaryIo,
};

/** The AWS half of `kind`, typed for its resources. */
export function kindIo<K extends ResourceKind>(kind: K): KindIo<ResourceOf<K>> {
  return KIND_IO[kind] as KindIo<ResourceOf<K>>;
}

/**
 * The kinds whose module can delete an owned resource that is no longer desired. A function, not a constant: a
 * top-level call would keep every kind's SDK client in bundles that import one helper (the remediator's guard).
 */
export function removableKinds(): ResourceKind[] {
  return (Object.keys(KIND_IO) as ResourceKind[]).filter((kind) => KIND_IO[kind].remove);
}

export type { ApplyContext, BusState, KindIo, ReadContext, ListedRule } from './kind.js';

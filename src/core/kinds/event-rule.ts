// An EventBridge rule (member `trailguard-forward`/`trailguard-guard`, central `trailguard-tamper`/`trailguard-guard`) and its targets.
import type { KindSpec, ResourceBase } from './kind.js';

/** A rule target as EventBridge PutTargets takes it (the fields TrailGuard sets). */
export interface RuleTarget {
  Id: string;
  Arn: string;
  RoleArn?: string;
  DeadLetterConfig?: { Arn: string };
  RetryPolicy?: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
}

export interface EventRuleResource extends ResourceBase {
  kind: 'event-rule';
  /** `default` for member rules, `trailguard` for the central ones. */
  bus: string;
  pattern: Record<string, unknown>;
  description: string;
  targets: RuleTarget[];
}

export const eventRule: KindSpec<EventRuleResource> = {
  kind: 'event-rule',
  tagged: true,
  desiredFields: (r) => ({ eventPattern: r.pattern, state: 'ENABLED', targets: [...r.targets].sort((a, b) => a.Id.localeCompare(b.Id)) }),
};

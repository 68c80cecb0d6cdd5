// An EventBridge rule, AWS half: the rule (from its bus's ListRules, shared), ListTargetsByRule, tags; PutRule, stale targets removed, PutTargets.
import {
  EventBridgeClient,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { partitionOf } from '../../arn.js';
import type { EventRuleResource } from '../../kinds/event-rule.js';
import { managedIn, orMissing, TAG_LIST } from './common.js';
import type { KindIo } from './kind.js';

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
      ...(t.RetryPolicy
        ? {
            RetryPolicy: {
              MaximumRetryAttempts: t.RetryPolicy.MaximumRetryAttempts,
              MaximumEventAgeInSeconds: t.RetryPolicy.MaximumEventAgeInSeconds,
            },
          }
        : {}),
      ...(t.Input !== undefined ? { Input: t.Input } : {}),
      ...(t.InputPath !== undefined ? { InputPath: t.InputPath } : {}),
      ...(t.InputTransformer ? { InputTransformer: t.InputTransformer } : {}),
    }))
    .sort((a, b) => String(a.Id).localeCompare(String(b.Id)));
}

export const eventRuleIo: KindIo<EventRuleResource> = {
  // PutTargets with a RoleArn (member rules: trailguard-forwarder) needs iam:PassRole.
  actions: {
    // ListRules lists the rule (with the others of its bus); DescribeRule only where a role older than that lacks it.
    read: ['events:ListRules', 'events:DescribeRule', 'events:ListTargetsByRule', 'events:ListTagsForResource'],
    write: ['events:PutRule', 'events:TagResource', 'events:RemoveTargets', 'events:PutTargets', 'iam:PassRole'],
  },

  async read(resource, { accounts, account, region, rule: ruleOf }) {
    const events = await accounts.client(EventBridgeClient, account, region);
    const busPath = resource.bus === 'default' ? '' : `${resource.bus}/`;
    const arn = `arn:${partitionOf(region)}:events:${region}:${account}:rule/${busPath}${resource.name}`;
    const [rule, targets, tags] = await Promise.all([
      ruleOf(resource.bus, resource.name),
      orMissing(events.send(new ListTargetsByRuleCommand({ Rule: resource.name, EventBusName: resource.bus }))),
      orMissing(events.send(new ListTagsForResourceCommand({ ResourceARN: arn }))),
    ]);
    if (!rule) return { exists: false };
    const normalized = ruleTargetFields(targets?.Targets ?? []);
    return {
      exists: true,
      managed: managedIn(tags?.Tags),
      fields: { eventPattern: rule.eventPattern ? JSON.parse(rule.eventPattern) : null, state: rule.state, targets: normalized },
      ids: { targets: normalized.map((t) => t.Id).join(',') },
    };
  },

  async apply(resource, { accounts, account, region, create, fields, ids }) {
    const events = await accounts.client(EventBridgeClient, account, region);
    if (create || fields.has('eventPattern') || fields.has('state')) {
      await events.send(
        new PutRuleCommand({
          Name: resource.name,
          EventBusName: resource.bus,
          EventPattern: JSON.stringify(resource.pattern),
          State: 'ENABLED',
          Description: resource.description,
          ...(create ? { Tags: TAG_LIST } : {}),
        }),
      );
    }
    if (create || fields.has('targets')) {
      const wanted = new Set(resource.targets.map((t) => t.Id));
      const stale = (ids.targets ?? '').split(',').filter((id) => id && !wanted.has(id));
      if (stale.length > 0) await events.send(new RemoveTargetsCommand({ Rule: resource.name, EventBusName: resource.bus, Ids: stale }));
      const out = await events.send(new PutTargetsCommand({ Rule: resource.name, EventBusName: resource.bus, Targets: resource.targets }));
      if (out.FailedEntryCount) {
        throw new Error(
          `PutTargets on ${resource.name}: ${(out.FailedEntries ?? []).map((f) => `${f.TargetId} ${f.ErrorCode}: ${f.ErrorMessage}`).join('; ')}`,
        );
      }
    }
  },
};

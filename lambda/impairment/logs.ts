// The CloudWatch Logs family: a watched trail's log group deleted.
import { CreateLogGroupCommand, DescribeLogGroupsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { logGroupArnOf } from '#core/aws/cloudtrail.js';
import { errorCode } from '#core/errors.js';
import { logsOf, trailHealth, type StorageHandler } from './storage-common.js';

async function logGroupExists(logs: CloudWatchLogsClient, name: string): Promise<boolean> {
  const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 1 }));
  return (out.logGroups ?? []).some((g) => g.logGroupName === name);
}

/**
 * DeleteLogGroup: recreated (CreateLogGroup, verified with DescribeLogGroups) when the trail's baseline names it in
 * `cloudWatchLogsLogGroupArn`; CloudTrail then delivers to it again with the trail's role. Otherwise alerted: without
 * a baseline TrailGuard does not own the group's settings. The events logged while it was gone are lost either way.
 */
export const deleteLogGroup: StorageHandler = async (ctx) => {
  const { steps, resource, trail } = ctx;
  const change = `CloudWatch Logs group ${resource.name} of trail ${trail.name} deleted`;
  const pinned = trail.baseline?.cloudWatchLogsLogGroupArn;
  if (!pinned || logGroupArnOf(pinned) !== logGroupArnOf(resource.arn)) {
    return {
      outcome: 'alert-only',
      reason: `${change}: not recreated, because the baseline of trail ${trail.name} does not name it (set cloudWatchLogsLogGroupArn to have it recreated)`,
      changes: [change],
      restored: false,
    };
  }
  const logs = await logsOf(ctx);
  try {
    await steps.run('CreateLogGroup', () => logs.send(new CreateLogGroupCommand({ logGroupName: resource.name })));
  } catch (error) {
    // Someone recreated it first: the read-back below decides.
    if (errorCode((error as { cause?: unknown }).cause) !== 'ResourceAlreadyExistsException') throw error;
  }
  if (!(await steps.run('DescribeLogGroups', () => logGroupExists(logs, resource.name)))) {
    return {
      outcome: 'failed',
      reason: `CreateLogGroup succeeded but log group ${resource.name} cannot be found`,
      changes: [change],
      restored: false,
    };
  }
  const health = await trailHealth(ctx);
  return {
    outcome: 'recreated',
    reason: `log group ${resource.name} was recreated for trail ${trail.name} (empty: the events it held are gone, and its retention is the default, never expire)`,
    changes: [change],
    restored: true,
    isLogging: health.isLogging,
  };
};

/**
 * PutRetentionPolicy on a watched trail's log group: CloudWatch Logs then deletes its events older than
 * `retentionInDays` (CloudWatch Logs API reference), the log-group form of case 16's 1-day lifecycle rule. Alerted,
 * not reverted: the group's retention before the call is not in the record, so there is nothing certain to restore.
 * `already-compliant` when the trail's baseline `retentionDays` is set and the new retention keeps at least that long.
 */
export const retentionPolicy: StorageHandler = async (ctx) => {
  const { resource, trail, event } = ctx;
  const days = event.requestParameters.retentionInDays;
  const shown = typeof days === 'number' ? `${days} day${days === 1 ? '' : 's'}` : 'an unreadable retention';
  const change = `CloudWatch Logs group ${resource.name} of trail ${trail.name} now deletes its events after ${shown}`;
  const floor = trail.baseline?.retentionDays;
  if (typeof days === 'number' && floor !== undefined && days >= floor) {
    return {
      outcome: 'already-compliant',
      reason: `${change}, at least the ${floor} days trail ${trail.name}'s baseline keeps logs`,
      changes: [change],
      restored: null,
    };
  }
  return {
    outcome: 'alert-only',
    reason: `${change}${floor !== undefined ? `, sooner than the ${floor} days its baseline keeps logs` : ''}: events older than that are lost; set the group's retention back (PutRetentionPolicy, or DeleteRetentionPolicy to keep them for ever)`,
    changes: [change],
    restored: false,
  };
};

/** This family's calls. */
export const logsHandlers = { DeleteLogGroup: deleteLogGroup, PutRetentionPolicy: retentionPolicy } as const;

// The sweep's snapshot for /trail-status, and the Refresh button that starts a sweep: read from trailguard-state and
// sent to trailguard-sweep in the central account, so the answer stays inside Slack's 3 seconds for 1,000 accounts.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { AllMiddlewareArgs, SlackActionMiddlewareArgs } from '@slack/bolt';
import { errorText } from '#core/errors.js';
import { StateTable, type StatusItem, type SweepItem } from '#core/aws/state-table.js';
import { START_SWEEP_MESSAGE, SWEEP_NAMES } from '#core/sweep.js';
import type { Services } from '../../services.js';
import { accessOf, allowed } from '../../guard.js';

/** Where /trail-status reads the latest sweep and where Refresh starts one. */
export interface SnapshotSource {
  /** The latest sweep and every member-region's snapshot; null when no sweep has written one yet. */
  latest(): Promise<{ sweep: SweepItem | null; items: StatusItem[] } | null>;
  /** Puts the start-a-sweep message on `trailguard-sweep`. */
  startSweep(): Promise<void>;
}

/** The real source: the Slack app's own credentials in the central account (its role may Query the table and send to the queue). */
export function centralSnapshotSource(services: Services): SnapshotSource {
  const { account, region } = services.config.central;
  return {
    async latest() {
      const table = new StateTable(await services.accounts.client(DynamoDBClient, account, region), SWEEP_NAMES.table);
      const [sweep, items] = await Promise.all([table.latestSweep(), table.allStatus()]);
      return items.length ? { sweep, items } : null;
    },
    async startSweep() {
      const sqs = await services.accounts.client(SQSClient, account, region);
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: SWEEP_NAMES.queue, QueueOwnerAWSAccountId: account }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(START_SWEEP_MESSAGE) }));
    },
  };
}

/** The Refresh button: acknowledged at once; responders and viewers (like /trail-status, see guard.ts); starts a sweep and says so. */
export function refreshStatus(services: Services, source: SnapshotSource = centralSnapshotSource(services)) {
  return async ({ ack, body, respond }: SlackActionMiddlewareArgs & AllMiddlewareArgs): Promise<void> => {
    await ack();
    // The guard middleware refuses others first; kept here so the listener is safe on its own.
    if (!allowed(accessOf(services.config, services.channel), body.user.id, 'view')) {
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'Only TrailGuard responders and viewers can start a sweep.',
      });
      return;
    }
    try {
      await source.startSweep();
      services.log.info('sweep started from Slack', { user: body.user.id });
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'Sweep started: every member is read again; run /trail-status in a minute for the new snapshot.',
      });
    } catch (error) {
      services.log.error('sweep start from Slack failed', { error: errorText(error) });
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: `TrailGuard could not start a sweep: ${errorText(error)}`,
      });
    }
  };
}
